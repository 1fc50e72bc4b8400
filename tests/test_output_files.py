"""Every file a user names for output is written one way (summarizer/output_files.py).

A link is written through and stays a link; a FIFO or a device is written in place, never
replaced or chmod'ed; a regular file is replaced whole, keeping its mode; a new file gets
0o666 less the umask; ``-`` is standard output where a command writes one document.

``WRITERS`` holds every option of every command that writes a file, and the class tests
run each through the same cases. ``test_every_path_option_of_every_command_is_classified``
makes a new command or option join the table (or say why it writes nothing) first.
"""

from __future__ import annotations

import inspect
import json
import os
import stat
import subprocess
import sys
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from summarizer.batch.ledger import Ledger
from summarizer.cli import app
from test_batch_provider import FakeBatchAPI, article_text, completion, good_reply, output_line

runner = CliRunner()

ARTICLE = (
    "Norwegian Fisheries Minister Astrid Holm met Icelandic Fisheries Minister Gunnar Eiriksson in Tromso on Tuesday.\n\n"
    "\u201cCod catches fell 12 percent this year,\u201d Holm said.\n\n"
    "Eiriksson said 40 patrol vessels would watch the shared waters for illegal trawlers.\n"
)
GOLD = {
    "participants": [
        {"name": "Astrid Holm", "aliases": ["Holm"], "role": "Fisheries Minister of Norway", "affiliation": "Norway",
         "kind": "person"},
    ],
    "topics": [],
    "figures": [
        {"text": "12 percent", "value": 12, "value_max": None, "unit": "percent", "qualifier": "exact",
         "measure": "fall in cod catches", "period": "this year", "speaker": "Astrid Holm",
         "evidence": "Cod catches fell 12 percent this year"},
    ],
    "security_concerns": [],
}
KEY = "sk-output-files-test"


def umask_default(mask: int) -> int:
    return 0o666 & ~mask


@pytest.fixture
def umask():
    """Set the process umask for the test (the CLI runs in this process); 022 until set, restored after."""
    old = os.umask(0o022)
    yield os.umask
    os.umask(old)


class World:
    """The inputs every command needs, written once per test, and the fake Batch API."""

    def __init__(self, root: Path, api: FakeBatchAPI) -> None:
        self.root, self.api = root, api
        inputs = root / "inputs"
        inputs.mkdir()
        self.article = inputs / "tromso.txt"
        self.article.write_text(ARTICLE, encoding="utf-8")
        self.dataset = inputs / "dataset"
        self.dataset.mkdir()
        (self.dataset / "tromso.txt").write_text(ARTICLE, encoding="utf-8")
        (self.dataset / "tromso.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
        self.jsonl = inputs / "articles.jsonl"
        self.jsonl.write_text(json.dumps({"id": "n1", "text": ARTICLE}) + "\n", encoding="utf-8")
        # Provider results for news-0; news-1 has none, so it is listed to resubmit.
        self.provider_inputs = inputs / "provider-inputs.jsonl"
        self.provider_inputs.write_text("".join(json.dumps({"id": f"news-{i}", "text": article_text(i)}) + "\n"
                                                for i in range(2)), encoding="utf-8")
        self.results = inputs / "results.jsonl"
        self.results.write_text(json.dumps(output_line("news-0", completion(json.dumps(good_reply(0))))) + "\n",
                                encoding="utf-8")
        self.requests = inputs / "requests.jsonl"
        self.requests.write_text(json.dumps({"custom_id": "news-0", "method": "POST", "url": "/v1/chat/completions",
                                             "body": {"model": "m", "messages": []}}) + "\n", encoding="utf-8")
        api.files["file-in"] = {"data": self.requests.read_bytes(), "purpose": "batch", "filename": "requests.jsonl"}
        batch_id = api.create({"endpoint": "/v1/chat/completions", "input_file_id": "file-in",
                               "completion_window": "24h"})["id"]
        api.run(batch_id, lambda line: output_line(line["custom_id"], completion(json.dumps(good_reply(0)))))
        self.env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": api.url, "SUMMARIZER_MODEL": "gpt-4o-mini"}


@dataclass(frozen=True)
class Writer:
    """One option that writes a file, and how to run its command with the output at ``out``.

    ``name``: the file's name when the command picks it inside a folder given by the option.
    ``stdout`` / ``in_place``: "writes" or "refused" (None: the option cannot name them).
    ``companions``: files the command also creates beside the output.
    """

    command: str
    option: str
    args: Callable[[World, Path], list[str]]
    marker: bytes
    name: str | None = None
    stdout: str | None = "writes"
    in_place: str = "writes"
    appends: bool = False
    companions: Callable[[Path], list[Path]] = field(default=lambda out: [])

    @property
    def id(self) -> str:
        return f"{self.command} {self.option}" + (f" ({self.name})" if self.name else "")


def _eval(world: World, *extra: str) -> list[str]:
    return ["eval", "-d", str(world.dataset), "--backend", "offline", "--format", "none", *extra]


WRITERS = [
    Writer("brief", "output", lambda w, out: ["brief", "--backend", "offline", str(w.article), "-o", str(out)],
           b'"participants"'),
    Writer("schema", "output", lambda w, out: ["schema", "-o", str(out)], b'"$schema"'),
    Writer("eval", "save_predictions",
           lambda w, out: _eval(w, "--report-dir", str(w.root / "reports"), "--save-predictions", str(out)),
           b'"id":"tromso"'),
    Writer("eval", "baseline", lambda w, out: _eval(w, "--report-dir", str(w.root / "reports"), "--baseline",
                                                    str(out), "--bless"), b'"metrics"'),
    *[Writer("eval", "report_dir", lambda w, out: _eval(w, "--report-dir", str(out.parent)), marker, name=name,
             stdout=None) for name, marker in (("report.json", b'"fields"'), ("report.md", b"figures"),
                                               ("report.html", b"<html"))],
    Writer("batch run", "output", lambda w, out: ["batch", "run", str(w.jsonl), "-o", str(out), "--backend", "offline",
                                                  "--workers", "1", "--no-cache", "--force"],
           b'"n1"', stdout="refused", in_place="refused", companions=lambda out: [out.with_name(out.name + ".run.json")]),
    Writer("batch export", "prefix", lambda w, out: ["batch", "export", str(w.jsonl), "--prefix",
                                                     str(out.parent / "req"), "--force"],
           b'"custom_id":"n1"', name="req-0001.jsonl", stdout=None),
    Writer("batch import", "output", lambda w, out: ["batch", "import", str(w.results), "--inputs",
                                                     str(w.provider_inputs), "-o", str(out)],
           b'"news-0"', companions=lambda out: [out.with_name(out.name + ".resubmit.txt")]),
    Writer("batch submit", "ids_file", lambda w, out: ["batch", "submit", str(w.requests), "--ids-file", str(out)],
           b"batch_", stdout="refused", appends=True),
    Writer("batch download", "directory", lambda w, out: ["batch", "download", "batch_1", "--dir", str(out.parent)],
           b'"news-0"', name="batch_1-output.jsonl", stdout=None),
]

# Options naming files that are read, not written; and what writes without output_files.
READS = {
    ("validate", "files"), ("eval", "dataset"), ("eval", "predictions"), ("batch run", "prices"),
    ("batch import", "results"), ("batch import", "requests"), ("batch submit", "request_files"),
    ("batch status", "ids_file"), ("batch download", "ids_file"),
}
# SQLite databases, written by sqlite in place (tests/test_cache_faults.py tries their faults)
NOT_WHOLE_FILES = {("batch run", "cache_path"), ("eval", "cache_path")}


def commands() -> dict[str, typer.models.CommandInfo]:
    def walk(command, path):  # type: ignore[no-untyped-def]
        if getattr(command, "commands", None):
            for name, child in command.commands.items():
                yield from walk(child, [*path, name])
        else:
            yield " ".join(path), command

    return dict(walk(typer.main.get_command(app), []))


def test_every_path_option_of_every_command_is_classified():
    found = set()
    for name, command in commands().items():
        hints = typing.get_type_hints(inspect.unwrap(command.callback))
        found |= {(name, param) for param, hint in hints.items() if "Path" in str(hint)}
    writes = {(w.command, w.option) for w in WRITERS}
    assert found == writes | READS | NOT_WHOLE_FILES
    assert not writes & READS


@pytest.fixture
def world(tmp_path):
    api = FakeBatchAPI()
    yield World(tmp_path, api)
    api.close()


def invoke(world: World, writer: Writer, out: Path):
    result = runner.invoke(app, writer.args(world, out), env=world.env)
    assert KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result


def place(world: World, writer: Writer, folder: str = "out") -> Path:
    """Where the output goes in a test: ``<root>/<folder>/<name>``, the folder made."""
    base = world.root / folder
    base.mkdir(parents=True, exist_ok=True)
    return base / (writer.name or "result.out")


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: "), stderr
    return lines[0]


class FifoReader:
    """Read a FIFO from a thread until the command is done; every wait is bounded."""

    def __init__(self, path: Path) -> None:
        self.data = bytearray()
        self.done = threading.Event()
        self.fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a reader, so the writer's open does not block
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        import select
        import time

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            readable, _, _ = select.select([self.fd], [], [], 0.05)
            chunk = os.read(self.fd, 65536) if readable else b""
            if chunk:
                self.data += chunk
            elif self.done.is_set():
                return
            else:
                time.sleep(0.01)  # no writer yet, or between writes

    def finish(self) -> bytes:
        self.done.set()
        self.thread.join(timeout=30)
        assert not self.thread.is_alive()
        os.close(self.fd)
        return bytes(self.data)


# -- the class tests, over every writer ---------------------------------------------------


@pytest.mark.parametrize("mask", [0o022, 0o077])
@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_new_file_gets_0666_less_the_umask(world, writer, umask, mask):
    out = place(world, writer)
    umask(mask)
    result = invoke(world, writer, out)
    assert result.exit_code == 0, result.stderr
    assert writer.marker in out.read_bytes()
    for path in [out, *writer.companions(out)]:
        assert stat.S_IMODE(path.stat().st_mode) == umask_default(mask), path.name
    assert [p.name for p in out.parent.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_an_existing_file_keeps_its_mode(world, writer, umask):
    out = place(world, writer)
    out.write_bytes(b"old\n")
    out.chmod(0o640)
    result = invoke(world, writer, out)
    assert result.exit_code == 0, result.stderr
    data = out.read_bytes()
    assert writer.marker in data and data.startswith(b"old\n") == writer.appends
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_link_is_written_through_and_stays_a_link(world, writer, umask):
    out = place(world, writer)
    elsewhere = world.root / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "target.data"
    target.write_bytes(b"old\n")
    target.chmod(0o640)
    (elsewhere / "hop").symlink_to("target.data")  # a chain of two relative links
    out.symlink_to(os.path.relpath(elsewhere / "hop", out.parent))
    result = invoke(world, writer, out)
    assert result.exit_code == 0, result.stderr
    assert out.is_symlink() and (elsewhere / "hop").is_symlink()
    assert writer.marker in target.read_bytes() and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in elsewhere.iterdir()) == ["hop", "target.data"]


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_dangling_link_into_a_folder_creates_its_target(world, writer, umask):
    out = place(world, writer)
    target = world.root / "elsewhere" / "new.data"
    target.parent.mkdir()
    out.symlink_to(target)
    result = invoke(world, writer, out)
    assert result.exit_code == 0, result.stderr
    assert out.is_symlink() and writer.marker in target.read_bytes()
    assert stat.S_IMODE(target.stat().st_mode) == umask_default(0o022)


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_fifo_is_written_in_place(world, writer):
    out = place(world, writer)
    os.mkfifo(out)
    reader = FifoReader(out)
    try:
        result = invoke(world, writer, out)
    finally:
        data = reader.finish()
    assert stat.S_ISFIFO(os.lstat(out).st_mode)
    if writer.in_place == "refused":
        assert result.exit_code == 2 and data == b""
        assert "is not a regular file" in one_error_line(result.stderr)
        assert [p.name for p in out.parent.iterdir()] == [out.name]  # no manifest beside it
    else:
        assert result.exit_code == 0, result.stderr
        assert writer.marker in data


def _device_fingerprint(path: Path) -> tuple[int, int, int, int]:
    info = os.lstat(path)
    return info.st_ino, info.st_mode, info.st_rdev, info.st_uid


def _private_null(folder: Path) -> Path | None:
    """A character device like /dev/null, made where replacing it harms nothing (root only)."""
    node = folder / "private-null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        with open(node, "wb") as handle:  # a filesystem mounted nodev refuses to open it
            handle.write(b"")
    except OSError:
        node.unlink(missing_ok=True)
        return None
    return node


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_device_is_written_in_place_and_dev_null_stays_a_device(world, writer):
    devices = world.root / "devices"
    devices.mkdir()
    private = _private_null(devices)
    if private is None and os.geteuid() == 0:
        pytest.skip("cannot make a private device node here, and as root a broken writer would replace /dev/null")
    # As root, a private node goes first: a writer that would replace it fails here, before /dev/null.
    for device in filter(None, [private, Path("/dev/null")]):
        before = _device_fingerprint(device)
        out = device
        if writer.name:  # the command picks the name: a link to the device takes it
            out = place(world, writer, folder=f"via-{device.name}")
            out.symlink_to(device)
        result = invoke(world, writer, out)
        assert _device_fingerprint(device) == before and stat.S_ISCHR(os.lstat(device).st_mode)
        assert not [p for p in device.parent.iterdir() if p.name.startswith(f".{device.name}.")]
        if writer.in_place == "refused":
            assert result.exit_code == 2 and "is not a regular file" in one_error_line(result.stderr)
        else:
            assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("writer", [w for w in WRITERS if w.stdout], ids=lambda w: w.id)
def test_dash_is_standard_output_or_refused_in_one_line(world, writer, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a writer taking "-" for a file name would leave it here
    before = sorted(p.name for p in tmp_path.iterdir())
    result = invoke(world, writer, Path("-"))
    if writer.stdout == "refused":
        assert result.exit_code == 2
        assert "-" in one_error_line(result.stderr) and writer.marker not in result.stdout.encode()
    else:
        assert result.exit_code == 0, result.stderr
        assert writer.marker in result.stdout.encode()
    assert not Path("-").exists() and not Path("-.resubmit.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "reports") == before


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_directory_is_one_line_and_exit_2(world, writer):
    out = place(world, writer)
    out.mkdir()
    result = invoke(world, writer, out)
    assert result.exit_code == 2
    assert str(out) in one_error_line(result.stderr)
    assert out.is_dir() and list(out.iterdir()) == []


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_a_file_where_a_folder_should_be_is_one_line_and_exit_2(world, writer):
    blocker = world.root / "blocker"
    blocker.write_bytes(b"a file\n")
    result = invoke(world, writer, blocker / "sub" / (writer.name or "result.out"))
    assert result.exit_code == 2
    assert str(blocker) in one_error_line(result.stderr)
    assert blocker.read_bytes() == b"a file\n"


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.id)
def test_missing_folders_on_the_way_are_made(world, writer):
    out = world.root / "new" / "deeper" / (writer.name or "result.out")
    result = invoke(world, writer, out)
    assert result.exit_code == 0, result.stderr
    assert writer.marker in out.read_bytes()


# -- the same through a real process and shell --------------------------------------------


@pytest.mark.parametrize("command", ["brief", "batch"])
def test_umask_077_through_a_shell(world, command):
    out = world.root / "private.out"
    args = {"brief": ["brief", "--backend", "offline", str(world.article), "-o", str(out)],
            "batch": ["batch", str(world.jsonl), "-o", str(out), "--backend", "offline", "--workers", "1",
                      "--no-cache"]}[command]
    script = "umask 077; exec \"$0\" -m summarizer \"$@\""
    result = subprocess.run(["sh", "-c", script, sys.executable, *args], capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    if command == "batch":
        assert stat.S_IMODE(out.with_name(out.name + ".run.json").stat().st_mode) == 0o600


# -- the rewrites that are not a command's whole output -----------------------------------


def test_retry_failed_rewrites_through_a_link_and_keeps_the_mode(world):
    target = world.root / "kept" / "briefs.jsonl"
    target.parent.mkdir()
    fingerprint = {"backend": "offline", "model": "m"}
    with Ledger(target, fingerprint) as ledger:
        ledger.write({"id": "a", "brief": {"headline": "A"}, "meta": {}})
        ledger.write({"id": "b", "error": {"type": "TransportError", "message": "kept failing"}})
    target.chmod(0o640)
    link = world.root / "briefs.jsonl"
    link.symlink_to(target)
    (world.root / "briefs.jsonl.run.json").symlink_to(target.with_name("briefs.jsonl.run.json"))
    with Ledger(link, fingerprint, retry_failed=True) as ledger:
        assert ledger.failed == {"b"} and ledger.pending("b")
        ledger.write({"id": "b", "brief": {"headline": "B"}, "meta": {}})
    assert link.is_symlink() and stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [json.loads(line)["id"] for line in target.read_text().splitlines()] == ["a", "b"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["briefs.jsonl", "briefs.jsonl.run.json"]


def test_export_with_force_removes_only_the_stale_files_it_did_not_rewrite(world):
    prefix = world.root / "req"
    for number in (1, 2, 3):
        (world.root / f"req-000{number}.jsonl").write_bytes(b"stale\n")
    result = runner.invoke(app, ["batch", "export", str(world.jsonl), "--prefix", str(prefix), "--force"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in world.root.glob("req-*")) == ["req-0001.jsonl"]
    assert b'"custom_id":"n1"' in (world.root / "req-0001.jsonl").read_bytes()


def test_import_to_standard_output_lists_the_ids_to_resubmit_in_its_summary(world):
    result = runner.invoke(app, ["batch", "import", str(world.results), "--inputs", str(world.provider_inputs),
                                 "-o", "-"])
    assert result.exit_code == 0, result.stderr
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["news-0", "news-1"]
    summary = json.loads(result.stderr[result.stderr.index("{"):])
    assert summary["resubmit_file"] is None and summary["resubmit_ids"] == ["news-1"]


def test_eval_refuses_two_outputs_on_standard_output(world, monkeypatch):
    monkeypatch.chdir(world.root)
    result = runner.invoke(app, ["eval", "-d", str(world.dataset), "--backend", "offline", "--save-predictions", "-",
                                 "--report-dir", str(world.root / "reports")])
    assert result.exit_code == 2
    assert "--save-predictions -" in one_error_line(result.stderr)
    assert not (world.root / "reports").exists()  # refused before any brief was made


def test_an_ids_file_that_is_a_directory_is_refused_before_any_batch_starts(world):
    folder = world.root / "ids"
    folder.mkdir()
    result = runner.invoke(app, ["batch", "submit", str(world.requests), "--ids-file", str(folder)], env=world.env)
    assert result.exit_code == 2 and str(folder) in one_error_line(result.stderr)
    assert len(world.api.batches) == 1  # only the one the test made


# -- the library (imported here: the CLI tests above also run against code without it) ----


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    from summarizer.errors import OutputError, SummarizerError
    from summarizer.output_files import OutputFile, append_file, write_file

    out = tmp_path / "out.json"
    out.write_bytes(b"old\n")
    with pytest.raises(RuntimeError), OutputFile(out) as handle:
        handle.write(b"half of the new")
        assert handle.temporary is not None and handle.temporary.exists()
        raise RuntimeError("interrupted")
    assert out.read_bytes() == b"old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_a_full_disk_is_one_error_naming_the_file():
    from summarizer.errors import OutputError, SummarizerError
    from summarizer.output_files import OutputFile, append_file, write_file

    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with pytest.raises(SummarizerError, match=r"/dev/full: disk full while writing it"):
        write_file("/dev/full", b"x" * 100_000)  # written in place: the device says ENOSPC


def test_output_error_is_exit_2_and_a_loop_of_links_is_one(tmp_path):
    from summarizer.errors import OutputError, SummarizerError
    from summarizer.output_files import OutputFile, append_file, write_file

    assert OutputError.exit_code == 2
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    with pytest.raises(OutputError, match="a: cannot be written"):
        write_file(tmp_path / "a", "text")


def test_append_keeps_what_is_there_and_refuses_dash(tmp_path):
    from summarizer.errors import OutputError, SummarizerError
    from summarizer.output_files import OutputFile, append_file, write_file

    path = tmp_path / "ids.txt"
    path.write_bytes(b"batch_1\n")
    path.chmod(0o640)
    with append_file(path) as handle:
        handle.write(b"batch_2\n")
    assert path.read_bytes() == b"batch_1\nbatch_2\n" and stat.S_IMODE(path.stat().st_mode) == 0o640
    with pytest.raises(OutputError):
        append_file("-")
