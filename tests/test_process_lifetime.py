"""A batch killed with ``kill -9`` of its own PID leaves no helper and no lock behind.

The README's advice after a crash is ``--resume``: it must be accepted at once, not
refused by an output lock that a live helper still holds, and every id must end up in the
output exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import loopback as lb
from test_llm_backend import ARTICLE, REPLY

TOTAL = 400
GONE_WITHIN_S = 10.0  # a helper reads the end of its channel at once; allow a loaded CI machine


def group_members(group: int) -> list[int]:
    """The live processes (not zombies) of process group ``group``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads process groups from /proc")
@pytest.mark.parametrize("backend", ["offline", "openai"])  # forked helpers, spawned helpers
def test_kill_9_of_the_batch_pid_ends_its_helpers_and_resume_is_accepted_at_once(backend, loopback, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"k{i:03d}", "text": f"{ARTICLE}\n\nItem {i}."}) + "\n"
                              for i in range(TOTAL)), encoding="utf-8")
    loopback.default = lb.delay(0.05, lb.brief(REPLY))
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "OPENAI_BASE_URL": loopback.url, "OPENAI_API_KEY": "sk-test", "SUMMARIZER_MODEL": "m"}
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", backend,
               "--workers", "3", "--concurrency", "6", "--no-cache"]
    # its own session, so the group holds the batch and its helpers and nothing of ours
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        # wait until the helpers are at work (more processes than the batch itself) and lines are written
        while time.monotonic() < deadline and process.poll() is None and not (
                len(group_members(process.pid)) >= 3 and out.exists() and out.read_bytes().count(b"\n") >= 20):
            time.sleep(0.02)
        assert process.poll() is None, "the job ended before it could be killed"
        assert len(group_members(process.pid)) >= 3, "no helper was started"
        os.kill(process.pid, signal.SIGKILL)  # the batch's own PID, not its group
        process.wait(timeout=10)
        assert out.read_bytes().count(b"\n") < TOTAL, "killed too late to test anything"

        # at once: the lock went with the parent, whatever its helpers are doing
        resumed = subprocess.run(command + ["--resume"], env=env, capture_output=True, text=True, timeout=300)
        assert resumed.returncode == 0, resumed.stderr
        deadline = time.monotonic() + GONE_WITHIN_S
        while group_members(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert group_members(process.pid) == [], "a helper outlived its parent"
    finally:
        for pid in group_members(process.pid):
            os.kill(pid, signal.SIGKILL)
    ids = [record["id"] for record in lines(out)]
    assert sorted(ids) == [f"k{i:03d}" for i in range(TOTAL)]
    assert all("brief" in record for record in lines(out))
