"""The brief cache is best-effort, for every command that uses it (issue 10, items 1, 9 and 21).

A cache that is locked by another process, corrupt (truncated, random bytes, bit flips),
read-only, a directory, in a place that cannot be written or on a full disk gives one
warning line naming the file and the problem, and the job goes on without it: exit 0,
every id exactly once in the output, no traceback. A cached row that is not a valid brief
is a miss (the server sees a request), never an output. A paid brief reaches the output
before the cache, so a cache that stalls or fails loses nothing, and ``--resume`` pays nothing.

``summarizer brief`` makes one brief and uses no cache; a test below keeps the list of
commands here equal to the commands that offer ``--cache-path``.

Each command runs as its own process (``python -m summarizer``), as a user runs it: a lock
is held by another process, and the read-only and full-disk cases run in a user and mount
namespace (``unshare -rm``) with a read-only bind mount or a tiny tmpfs, so they hold even
for root; they are skipped where such namespaces are not allowed.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import loopback as lb
from summarizer.cli import app
from summarizer.models import Brief
from test_help import every_command
from test_llm_backend import ARTICLE, REPLY

IDS = [f"d{i}" for i in range(4)]
CACHED = IDS[:2]  # the real cache holds these; the others are made, and put, by every run
GOLD = {"participants": [], "topics": [], "figures": [], "security_concerns": []}


def make_dataset(folder: Path) -> Path:
    """Articles as <id>.txt with a gold file each: a dataset for eval, a folder input for batch."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in IDS:
        (folder / f"{i}.txt").write_text(f"{ARTICLE}\n\nDispatch number {i}.", encoding="utf-8")
        (folder / f"{i}.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    return folder


def command_line(command: str, data: Path, out: Path, server: lb.LoopbackServer, cache: Path | None,
                 *extra: str) -> list[str]:
    common = ["--backend", "openai", "--base-url", server.url, "--model", "m"]
    cache_options = ["--cache-path", str(cache)] if cache is not None else ["--no-cache"]
    if command == "batch":
        return ["batch", str(data), "-o", str(out), *common, "--workers", "1", "--concurrency", "2",
                *cache_options, *extra]
    return ["eval", "-d", str(data), *common, "--format", "none", "--report-dir", str(out.parent / "reports"),
            "--save-predictions", str(out), *cache_options, *extra]


def run(args: list[str], wrapper: list[str] = (), timeout: float = 90) -> subprocess.CompletedProcess:
    env = {**os.environ, "SUMMARIZER_MODEL": "m"}
    return subprocess.run([*wrapper, sys.executable, "-m", "summarizer", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def output_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines()]


def output_briefs(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


needs_namespaces = pytest.mark.skipif(not namespaces_work(), reason="user and mount namespaces (unshare -rm) unavailable")


@pytest.fixture(scope="module")
def real_cache(tmp_path_factory) -> Path:
    """A real cache file, written by a healthy batch run, holding the briefs of ``CACHED``."""
    root = tmp_path_factory.mktemp("real-cache")
    data = root / "data"
    data.mkdir()
    for i in CACHED:
        (data / f"{i}.txt").write_text(f"{ARTICLE}\n\nDispatch number {i}.", encoding="utf-8")
    cache = root / "briefs.sqlite"
    with lb.LoopbackServer() as server:
        server.default = lb.brief(REPLY)
        result = run(command_line("batch", data, root / "out.jsonl", server, cache))
        assert result.returncode == 0, result.stderr
        assert len(server.requests) == len(CACHED)
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM briefs").fetchone() == (len(CACHED),)
    return cache


class Holder:
    """Another process holding a write transaction on a cache file until stopped."""

    SCRIPT = (
        "import sqlite3, sys, time\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "if sys.argv[2] == 'exclusive':\n"
        "    db.execute('PRAGMA journal_mode=DELETE')\n"
        "db.execute('BEGIN ' + sys.argv[2].upper())\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
    )

    def __init__(self, path: Path, how: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", self.SCRIPT, str(path), how],
                                        stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "locked"

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()


# --- the faults: each damages a copy of the real cache (or names a bad place), and says how
# the command must be run and which words the one warning line must hold ---------------------


def truncated(cache: Path, tmp: Path, request):
    with open(cache, "r+b") as f:
        f.truncate(cache.stat().st_size // 2)
    return cache, [], "corrupt"


def random_bytes(cache: Path, tmp: Path, request):
    cache.write_bytes(random.Random(10).randbytes(8192))
    return cache, [], "corrupt"


def bit_flips(cache: Path, tmp: Path, request):
    data = bytearray(cache.read_bytes())
    page = 4096
    for start in range(page, len(data), page):
        data[start] ^= 0xFF  # the page-type byte of every b-tree page after the schema's
    cache.write_bytes(bytes(data))
    return cache, [], "corrupt"


def locked_by_a_writer(cache: Path, tmp: Path, request):
    holder = Holder(cache, "immediate")  # WAL: readers go on, every write waits
    request.addfinalizer(holder.stop)
    return cache, [], "locked"


def locked_exclusively(cache: Path, tmp: Path, request):
    holder = Holder(cache, "exclusive")  # a rollback journal: reads wait too
    request.addfinalizer(holder.stop)
    return cache, [], "locked"


def read_only_file(cache: Path, tmp: Path, request):
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
    return cache, ["unshare", "-rm", "sh", "-c", script, "sh", str(cache)], "read-only"


def read_only_folder(cache: Path, tmp: Path, request):
    folder = tmp / "ro"
    folder.mkdir()
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
    return folder / "briefs.sqlite", ["unshare", "-rm", "sh", "-c", script, "sh", str(folder)], "read-only"


def full_disk(cache: Path, tmp: Path, request):
    folder = tmp / "full"
    folder.mkdir()
    # a 256 KiB tmpfs holding the real cache, then filled: no write to it can succeed
    script = ('mount -t tmpfs -o size=256k tmpfs "$1" && cp "$2" "$1"/briefs.sqlite '
              '&& { cat /dev/zero > "$1"/filler 2>/dev/null; true; } && shift 2 && exec "$@"')
    return (folder / "briefs.sqlite", ["unshare", "-rm", "sh", "-c", script, "sh", str(folder), str(cache)],
            "(full|disk I/O error)")


def a_directory(cache: Path, tmp: Path, request):
    folder = tmp / "a-folder"
    folder.mkdir()
    return folder, [], "directory"


def under_a_file(cache: Path, tmp: Path, request):
    return cache / "briefs.sqlite", [], "cannot be created"  # its folder would be a regular file


FAULTS = {
    "locked-by-a-writer": locked_by_a_writer,
    "locked-exclusively": locked_exclusively,
    "truncated": truncated,
    "random-bytes": random_bytes,
    "bit-flips": bit_flips,
    "read-only-file": pytest.param(read_only_file, marks=needs_namespaces),
    "read-only-folder": pytest.param(read_only_folder, marks=needs_namespaces),
    "full-disk": pytest.param(full_disk, marks=needs_namespaces),
    "a-directory": a_directory,
    "under-a-file": under_a_file,
}
COMMANDS = ["batch", "eval"]


def test_the_commands_here_are_every_command_that_has_a_cache():
    with_cache = {" ".join(path) for path, command in every_command(typer.main.get_command(app))
                  if any("--cache-path" in param.opts for param in getattr(command, "params", []))}
    assert with_cache == {"batch run", "eval"}  # "batch" here is "batch run"; brief has no cache


@pytest.mark.parametrize("fault", [FAULTS[name] for name in FAULTS], ids=list(FAULTS))
@pytest.mark.parametrize("command", COMMANDS)
def test_a_cache_fault_is_one_warning_and_the_job_goes_on(command, fault, real_cache, loopback, tmp_path, request):
    import re

    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "cache" / "briefs.sqlite"
    cache.parent.mkdir()
    shutil.copy(real_cache, cache)
    path, wrapper, problem = fault(cache, tmp_path, request)
    out = tmp_path / "out.jsonl"

    result = run(command_line(command, data, out, loopback, path), wrapper)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert sorted(output_ids(out)) == IDS  # every id exactly once
    for record in output_briefs(out).values():
        Brief.model_validate(record["brief"])
    said = [line for line in result.stderr.splitlines() if str(path) in line]
    assert len(said) == 1, result.stderr
    assert "cache" in said[0] and re.search(problem, said[0]), said[0]


# --- an invalid row is a miss -------------------------------------------------------------------

INVALID_ROWS = {
    "json-but-no-brief": ("brief", '{"participants": "nobody", "figures": 7}'),
    "mangled-json": ("brief", None),  # the stored brief cut in half
    "flipped-bit": ("brief", "flip"),  # '{' becomes 'z'
    "not-utf-8": ("brief", b"\xff\xfe{}"),
    "a-number": ("brief", 42),
    "meta-no-meta": ("meta", '{"attempts": "many"}'),
}


@pytest.mark.parametrize("column, value", list(INVALID_ROWS.values()), ids=list(INVALID_ROWS))
@pytest.mark.parametrize("command", COMMANDS)
def test_an_invalid_cached_row_is_a_miss_made_again_not_an_output(command, column, value, real_cache, loopback,
                                                                   tmp_path):
    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "briefs.sqlite"
    shutil.copy(real_cache, cache)
    with sqlite3.connect(cache) as db:
        for key, old in db.execute(f"SELECT key, {column} FROM briefs").fetchall():
            new = old[: len(old) // 2] if value is None else "z" + old[1:] if value == "flip" else value
            db.execute(f"UPDATE briefs SET {column} = ? WHERE key = ?", (new, key))
    out = tmp_path / "out.jsonl"

    result = run(command_line(command, data, out, loopback, cache))

    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert len(loopback.requests) == len(IDS), "every invalid row is made again"
    records = output_briefs(out)
    assert sorted(records) == IDS
    for record in records.values():
        Brief.model_validate(record["brief"])
        assert record["meta"]["cached"] is False
    said = [line for line in result.stderr.splitlines() if str(cache) in line]
    assert len(said) == 1 and "invalid" in said[0], result.stderr

    again = tmp_path / "again.jsonl"
    result = run(command_line(command, data, again, loopback, cache))
    assert result.returncode == 0, result.stderr
    assert len(loopback.requests) == len(IDS), "the invalid rows were replaced by the briefs made"
    assert all(r["meta"]["cached"] for r in output_briefs(again).values())


# --- a paid brief is never lost ---------------------------------------------------------------


def test_a_locked_cache_loses_no_paid_brief_and_resume_pays_nothing(real_cache, loopback, tmp_path, request):
    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "briefs.sqlite"
    shutil.copy(real_cache, cache)
    holder = Holder(cache, "immediate")
    request.addfinalizer(holder.stop)
    out = tmp_path / "out.jsonl"

    result = run(command_line("batch", data, out, loopback, cache))

    assert result.returncode == 0, result.stderr
    paid = len(loopback.requests)
    assert paid == len(IDS) - len(CACHED)  # each article not in the cache paid once
    assert sorted(output_ids(out)) == IDS
    result = run(command_line("batch", data, out, loopback, cache, "--resume"))
    assert result.returncode == 0, result.stderr
    assert len(loopback.requests) == paid and sorted(output_ids(out)) == IDS


def test_the_output_line_is_written_before_the_cache_put(loopback, tmp_path, monkeypatch):
    from summarizer.batch import runner as batch_runner
    from summarizer.config import resolve_settings

    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    out = tmp_path / "out.jsonl"
    seen: list[int] = []

    class Watching(batch_runner.BriefCache):
        def put(self, text, brief_json, meta):  # type: ignore[no-untyped-def]
            lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
            assert any(json.loads(line)["brief"] == json.loads(brief_json) for line in lines)
            seen.append(len(lines))
            super().put(text, brief_json, meta)

    monkeypatch.setattr(batch_runner, "BriefCache", Watching)
    settings = resolve_settings(backend="openai", base_url=loopback.url, model="m")
    options = batch_runner.BatchOptions(concurrency=1, cache_path=tmp_path / "c.sqlite")
    summary = asyncio.run(batch_runner.BatchJob([str(data)], out, settings, options).run())
    assert summary["ok"] == len(IDS) and seen == [1, 2, 3, 4]


# --- eval uses the cache (item 21) --------------------------------------------------------------


def test_a_second_eval_makes_no_call_and_no_cache_makes_them_all(loopback, tmp_path):
    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "briefs.sqlite"
    first = run(command_line("eval", data, tmp_path / "first.jsonl", loopback, cache))
    assert first.returncode == 0, first.stderr
    assert len(loopback.requests) == len(IDS)

    second = run(command_line("eval", data, tmp_path / "second.jsonl", loopback, cache))
    assert second.returncode == 0, second.stderr
    assert len(loopback.requests) == len(IDS), "a second eval run makes no call"
    assert f"{len(IDS)} of {len(IDS)} briefs from the cache" in second.stderr
    assert all(r["meta"]["cached"] for r in output_briefs(tmp_path / "second.jsonl").values())
    reports = [json.loads((tmp_path / "reports" / "report.json").read_text())]
    assert reports[0]["fields"] is not None

    skipped = run(command_line("eval", data, tmp_path / "third.jsonl", loopback, None))
    assert skipped.returncode == 0, skipped.stderr
    assert len(loopback.requests) == 2 * len(IDS), "--no-cache makes every brief again"


def test_eval_and_batch_share_one_cache(loopback, tmp_path):
    loopback.default = lb.brief(REPLY)
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "briefs.sqlite"
    assert run(command_line("batch", data, tmp_path / "batch.jsonl", loopback, cache)).returncode == 0
    result = run(command_line("eval", data, tmp_path / "eval.jsonl", loopback, cache))
    assert result.returncode == 0, result.stderr
    assert len(loopback.requests) == len(IDS), "eval found the briefs batch made"


def test_eval_offline_uses_the_cache_as_batch_does(tmp_path):
    data = make_dataset(tmp_path / "data")
    cache = tmp_path / "briefs.sqlite"
    args = ["eval", "-d", str(data), "--backend", "offline", "--format", "none",
            "--report-dir", str(tmp_path / "r"), "--cache-path", str(cache)]
    assert run(args).returncode == 0
    again = run(args)
    assert again.returncode == 0 and f"{len(IDS)} of {len(IDS)} briefs from the cache" in again.stderr
