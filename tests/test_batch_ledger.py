"""The batch output ledger: new runs, resume, torn lines, fingerprints, retry, disk full, kill -9."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import ledger as ledger_module
from summarizer.batch.ledger import Ledger, fingerprint_hash
from summarizer.errors import InputError, SummarizerError

ROOT = Path(__file__).resolve().parents[1]
FP = {"backend": "offline", "model": "a", "prompt_version": "p1", "limits": {"rpm": 60}}


def ok(article_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": article_id, "brief": {"headline": f"Brief of {article_id}", **extra}, "meta": {"attempts": 1}}


def err(article_id: str) -> dict[str, Any]:
    return {"id": article_id, "error": {"type": "TransportError", "message": "kept failing", "attempts": 4}}


def lines_of(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), "the output must end with a complete line"
    return [json.loads(line) for line in data.split(b"\n")[:-1]]


def ids_of(path: Path) -> list[str]:
    return [record["id"] for record in lines_of(path)]


def make_output(path: Path, records: list[dict[str, Any]], fingerprint: dict[str, Any] = FP) -> None:
    with Ledger(path, fingerprint) as ledger:
        for record in records:
            ledger.write(record)


# -- new runs ----------------------------------------------------------------------------


def test_a_new_run_writes_compact_lines_and_an_atomic_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with Ledger(out, FP) as ledger:
        assert ledger.pending("a")
        ledger.write(ok("a", text="Ünïcode — “quotes”\nnewline"))
        ledger.write(err("b"))
        assert not ledger.pending("a") and not ledger.pending("b")
        assert ledger.pending("c")

    raw = out.read_bytes().split(b"\n")
    assert raw[0] == json.dumps(ok("a", text="Ünïcode — “quotes”\nnewline"), ensure_ascii=False, separators=(",", ":")).encode()
    assert ids_of(out) == ["a", "b"]

    manifest = json.loads((tmp_path / "out.jsonl.run.json").read_text())
    assert manifest["fingerprint"] == FP
    canonical = json.dumps(FP, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert manifest["fingerprint_hash"] == hashlib.sha256(canonical.encode()).hexdigest() == fingerprint_hash(FP)
    assert fingerprint_hash(dict(reversed(list(FP.items())))) == fingerprint_hash(FP)  # key order is irrelevant
    assert manifest["created"].startswith("20")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "out.jsonl.run.json"]  # no temp files left


def test_an_existing_output_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a")])

    with pytest.raises(InputError, match="exists; pass --resume to continue it or choose another -o"):
        Ledger(out, FP)
    assert ids_of(out) == ["a"]

    with Ledger(out, {**FP, "model": "b"}, force=True) as ledger:
        assert ledger.pending("a")
        ledger.write(ok("z"))
    assert ids_of(out) == ["z"]
    assert json.loads((tmp_path / "out.jsonl.run.json").read_text())["fingerprint"]["model"] == "b"


def test_an_existing_empty_output_is_reused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.touch()
    with Ledger(out, FP) as ledger:
        ledger.write(ok("a"))
    assert ids_of(out) == ["a"]


def test_write_refuses_a_second_line_for_an_id_and_malformed_records(tmp_path: Path) -> None:
    with Ledger(tmp_path / "out.jsonl", FP) as ledger:
        ledger.write(ok("a"))
        with pytest.raises(ValueError, match="'a' already has a line"):
            ledger.write(err("a"))
        with pytest.raises(ValueError, match='string "id"'):
            ledger.write({"brief": {}})
        with pytest.raises(ValueError, match="exactly one of"):
            ledger.write({"id": "b", "brief": {}, "error": {}})
    assert ids_of(tmp_path / "out.jsonl") == ["a"]


def test_a_second_run_on_the_same_output_is_refused_while_the_first_writes(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with Ledger(out, FP) as first:
        first.write(ok("a"))
        with pytest.raises(InputError, match="another batch run is writing it"):
            Ledger(out, FP, resume=True)
        first.write(ok("b"))
    assert ids_of(out) == ["a", "b"]


# -- resume ------------------------------------------------------------------------------


def test_resume_skips_done_and_failed_ids(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a"), err("b"), ok("c")])

    with Ledger(out, FP, resume=True) as ledger:
        assert ledger.done == {"a", "c"}
        assert ledger.failed == {"b"}
        assert ledger.repaired_bytes == 0
        assert [i for i in ["a", "b", "c", "d", "e"] if ledger.pending(i)] == ["d", "e"]
        ledger.write(ok("d"))
        ledger.write(ok("e"))
        assert not ledger.pending("d")
    assert ids_of(out) == ["a", "b", "c", "d", "e"]


def test_resume_of_a_missing_output_starts_it(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with Ledger(out, FP, resume=True) as ledger:
        assert ledger.done == set() and ledger.pending("a")
        ledger.write(ok("a"))
    assert ids_of(out) == ["a"]
    assert (tmp_path / "out.jsonl.run.json").exists()


@pytest.mark.parametrize(
    "torn",
    [
        b'{"id":"c","brief":{"headline":"cut',  # cut in the middle
        json.dumps(ok("c")).encode(),  # complete JSON but no newline: not done
        b'{"id":"c","bri\n',  # a newline but not JSON
        b"\x00" * 300,  # zero-filled tail after a power loss
    ],
)
def test_a_torn_last_line_is_cut_off_and_its_id_runs_again(tmp_path: Path, torn: bytes) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a"), err("b")])
    good = out.read_bytes()
    with out.open("ab") as handle:
        handle.write(torn)

    with Ledger(out, FP, resume=True) as ledger:
        assert ledger.repaired_bytes == len(torn)
        assert out.read_bytes() == good
        assert ledger.done == {"a"} and ledger.failed == {"b"}
        assert ledger.pending("c")
        ledger.write(ok("c"))
    assert ids_of(out) == ["a", "b", "c"]


def test_a_bad_line_in_the_middle_is_refused_and_nothing_is_changed(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a"), ok("b"), ok("c")])
    lines = out.read_bytes().split(b"\n")
    lines[1] = lines[1][:20]
    damaged = b"\n".join(lines)
    out.write_bytes(damaged)

    with pytest.raises(InputError, match=r"out.jsonl:2: not valid JSON .* not the last line"):
        Ledger(out, FP, resume=True)
    assert out.read_bytes() == damaged


def test_a_complete_line_that_is_not_a_record_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a")])
    with out.open("ab") as handle:
        handle.write(b'{"name":"not a batch record"}\n')
    with pytest.raises(InputError, match="out.jsonl:2: not a batch record"):
        Ledger(out, FP, resume=True)


def test_an_id_twice_in_the_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a"), err("b")])
    with out.open("ab") as handle:
        handle.write((json.dumps(ok("b")) + "\n").encode())
    with pytest.raises(InputError, match="out.jsonl:3: id 'b' is already in the output"):
        Ledger(out, FP, resume=True)


# -- fingerprint -------------------------------------------------------------------------


def test_a_resume_under_another_configuration_is_refused_naming_the_keys(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a")])
    manifest = (tmp_path / "out.jsonl.run.json").read_bytes()
    other = {**FP, "model": "b", "limits": {"rpm": 120}, "mode": "json"}
    del other["prompt_version"]

    with pytest.raises(InputError) as excinfo:
        Ledger(out, other, resume=True)
    message = str(excinfo.value)
    assert "model: 'a' != 'b'" in message
    assert "limits.rpm: 60 != 120" in message
    assert "mode: (absent) != 'json'" in message
    assert "prompt_version: 'p1' != (absent)" in message
    assert "--force" in message
    assert (tmp_path / "out.jsonl.run.json").read_bytes() == manifest

    with Ledger(out, other, resume=True, force=True) as ledger:
        assert ledger.done == {"a"}
        ledger.write(ok("b"))
    assert ids_of(out) == ["a", "b"]
    rewritten = json.loads((tmp_path / "out.jsonl.run.json").read_text())
    assert rewritten["fingerprint"] == other
    assert rewritten["forced_over"] == fingerprint_hash(FP)


def test_a_missing_manifest_is_refused_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a")])
    (tmp_path / "out.jsonl.run.json").unlink()
    with pytest.raises(InputError, match="run manifest out.jsonl.run.json is missing"):
        Ledger(out, FP, resume=True)
    with Ledger(out, FP, resume=True, force=True) as ledger:
        assert ledger.done == {"a"}
    assert json.loads((tmp_path / "out.jsonl.run.json").read_text())["fingerprint_hash"] == fingerprint_hash(FP)


def test_a_matching_resume_keeps_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a")])
    manifest = (tmp_path / "out.jsonl.run.json").read_bytes()
    Ledger(out, dict(FP), resume=True).close()
    assert (tmp_path / "out.jsonl.run.json").read_bytes() == manifest


# -- retry failed ------------------------------------------------------------------------


def test_retry_failed_drops_the_error_lines_and_reruns_only_those(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    make_output(out, [ok("a"), err("b"), ok("c"), err("d")])
    with out.open("ab") as handle:
        handle.write(b'{"id":"e","br')  # torn as well

    with Ledger(out, FP, retry_failed=True) as ledger:
        assert ledger.done == {"a", "c"}
        assert ledger.failed == {"b", "d"}
        assert ledger.repaired_bytes == len(b'{"id":"e","br')
        assert ids_of(out) == ["a", "c"]  # rewritten already
        assert [i for i in "abcde" if ledger.pending(i)] == ["b", "d", "e"]
        ledger.write(ok("b"))
        ledger.write(err("d"))  # fails again
        ledger.write(ok("e"))
        assert not ledger.pending("d")
        with pytest.raises(ValueError):
            ledger.write(ok("d"))
    assert ids_of(out) == ["a", "c", "b", "d", "e"]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    with Ledger(out, FP, retry_failed=True) as ledger:
        assert ledger.failed == {"d"} and [i for i in "abcde" if ledger.pending(i)] == ["d"]
        ledger.write(ok("d"))
    assert sorted(ids_of(out)) == ["a", "b", "c", "d", "e"]
    assert all("brief" in record for record in lines_of(out))


# -- durability --------------------------------------------------------------------------


def test_fsync_every_n_lines_and_on_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    ledger = Ledger(tmp_path / "out.jsonl", FP, fsync_every=3, fsync_interval=3600)
    real_fsync = os.fsync
    monkeypatch.setattr(ledger_module.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    for i in range(7):
        ledger.write(ok(f"a{i}"))
    assert len(synced) == 2  # after lines 3 and 6
    ledger.close()
    assert len(synced) == 3
    ledger.close()  # idempotent
    assert len(synced) == 3


@pytest.mark.wallclock  # the first write must come within the 0.05 s interval
def test_fsync_after_an_interval(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    with Ledger(tmp_path / "out.jsonl", FP, fsync_every=1000, fsync_interval=0.05) as ledger:
        monkeypatch.setattr(ledger_module.os, "fsync", lambda fd: synced.append(fd))
        ledger.write(ok("a"))
        assert synced == []
        time.sleep(0.06)
        ledger.write(ok("b"))
        assert len(synced) == 1


def test_a_full_disk_raises_and_leaves_only_complete_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.jsonl"
    ledger = Ledger(out, FP)
    ledger.write(ok("a"))
    real_write = os.write

    calls: list[int] = []

    def short_then_full(fd: int, data: bytes) -> int:
        # The kernel writes what fits, then the next call finds the disk full.
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ledger_module.os, "write", short_then_full)
    with pytest.raises(SummarizerError, match=r"out.jsonl: disk full .*--resume") as excinfo:
        ledger.write(ok("b"))
    assert not isinstance(excinfo.value, InputError)
    monkeypatch.setattr(ledger_module.os, "write", real_write)

    assert len(calls) == 2  # one write of the whole line, then the rest of a short write
    assert ids_of(out) == ["a"]  # the partial line was cut back
    with pytest.raises(SummarizerError, match="disk full"):
        ledger.write(ok("c"))  # the ledger stays refused
    ledger.close()

    with Ledger(out, FP, resume=True) as resumed:
        assert resumed.done == {"a"} and resumed.pending("b")
        resumed.write(ok("b"))
    assert ids_of(out) == ["a", "b"]


def test_a_partial_line_left_by_a_failed_cut_back_is_repaired_on_resume(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    ledger = Ledger(out, FP)
    ledger.write(ok("a"))
    real_write = os.write

    calls: list[int] = []

    def partial(fd: int, data: bytes) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data)[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    def no_truncate(fd: int, length: int) -> None:
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(ledger_module.os, "write", partial)
    monkeypatch.setattr(ledger_module.os, "ftruncate", no_truncate)
    with pytest.raises(SummarizerError, match="disk full"):
        ledger.write(ok("b"))
    monkeypatch.undo()
    ledger.close()
    assert not out.read_bytes().endswith(b"\n")

    with Ledger(out, FP, resume=True) as resumed:
        assert resumed.repaired_bytes == 10
        assert resumed.pending("b")
        resumed.write(ok("b"))
    assert ids_of(out) == ["a", "b"]


# -- kill -9 -----------------------------------------------------------------------------

TOTAL = 2000
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from summarizer.batch.ledger import Ledger

    out, resume = Path(sys.argv[1]), sys.argv[2] == "1"
    fingerprint = {"backend": "offline", "model": "kill-test"}
    with Ledger(out, fingerprint, resume=resume, fsync_every=25) as ledger:
        for i in range(%(total)d):
            article_id = f"a{i:05d}"
            if not ledger.pending(article_id):
                continue
            if i %% 13 == 0:
                record = {"id": article_id, "error": {"type": "TransportError", "message": "x", "attempts": 4}}
            else:
                record = {"id": article_id, "brief": {"n": i, "pad": "é" * (i %% 400)}, "meta": {}}
            ledger.write(record)
            time.sleep(0.0004)
    """
    % {"total": TOTAL}
)
KILL_FINGERPRINT = {"backend": "offline", "model": "kill-test"}


def count_lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def run_and_kill(out: Path, resume: bool, after_lines: int) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(out), "1" if resume else "0"], env=env)
    try:
        deadline = time.monotonic() + 20
        while count_lines(out) < after_lines:
            assert process.poll() is None, f"the writer ended early (exit {process.returncode})"
            assert time.monotonic() < deadline, "the writer is too slow"
            time.sleep(0.002)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    return count_lines(out)


def test_kill_9_at_several_points_then_resume_writes_every_id_exactly_once(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    expected = [f"a{i:05d}" for i in range(TOTAL)]

    killed_at = [run_and_kill(out, resume=False, after_lines=50)]
    killed_at.append(run_and_kill(out, resume=True, after_lines=500))
    # A write torn by the crash: half a line of the next id.
    next_id = f"a{killed_at[-1] + 3:05d}"
    torn = f'{{"id":"{next_id}","brief":{{"n":'.encode()
    with out.open("ab") as handle:
        handle.write(torn)
    killed_at.append(run_and_kill(out, resume=True, after_lines=1500))
    assert killed_at[0] >= 50 and killed_at[1] >= 500 and killed_at[2] >= 1500
    assert killed_at[2] < TOTAL, "the writer finished before it was killed"

    with Ledger(out, KILL_FINGERPRINT, resume=True) as ledger:
        assert ledger.repaired_bytes == 0  # the second resume already cut the torn line
        before = len(ledger.done) + len(ledger.failed)
        assert before >= 1500
        for i, article_id in enumerate(expected):
            if ledger.pending(article_id):
                ledger.write(ok(article_id) if i % 13 else err(article_id))
        assert ledger.written + ledger.written_failed == TOTAL - before

    written = ids_of(out)  # every line parses
    assert len(written) == TOTAL
    assert sorted(written) == expected  # every id exactly once
    assert next_id in written

    with Ledger(out, KILL_FINGERPRINT, retry_failed=True) as ledger:
        assert len(ledger.failed) == len(range(0, TOTAL, 13))
        for article_id in sorted(ledger.failed):
            ledger.write(ok(article_id))
    records = lines_of(out)
    assert sorted(record["id"] for record in records) == expected
    assert all("brief" in record for record in records)


def test_background_sync_keeps_fsync_off_the_writers_thread(tmp_path, monkeypatch):
    import os as os_module
    import threading as threading_module
    import time as time_module

    from summarizer.batch.ledger import Ledger

    synced_from = []
    real_fsync = os_module.fsync

    def spy(fd):
        synced_from.append(threading_module.current_thread().name)
        return real_fsync(fd)

    out = tmp_path / "out.jsonl"
    with Ledger(out, {"run": 1}, fsync_every=1, fsync_interval=0.05, background_sync=True) as ledger:
        monkeypatch.setattr("summarizer.batch.ledger.os.fsync", spy)
        for i in range(20):
            ledger.write({"id": f"x{i}", "brief": {}})
        deadline = time_module.monotonic() + 2
        while "ledger-fsync" not in synced_from and time_module.monotonic() < deadline:
            time_module.sleep(0.01)
        writer_syncs = [name for name in synced_from if name != "ledger-fsync"]
        assert "ledger-fsync" in synced_from and writer_syncs == []
    assert out.read_bytes().count(b"\n") == 20
