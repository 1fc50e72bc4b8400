"""``summarizer batch submit|status|download`` against FakeBatchAPI, a /v1/files + /v1/batches server on loopback.

Every command runs through typer's CliRunner with the real openai client over HTTP; the
key is a sentinel string that must never reach stdout or stderr.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from test_batch_provider import (
    FakeBatchAPI,
    article_text,
    completion,
    expired_line,
    good_reply,
    output_line,
    read_jsonl,
)

SENTINEL_KEY = "sk-SENTINEL-batch-cli-4b1d9e"

runner = CliRunner()


@pytest.fixture
def fake_api():
    api = FakeBatchAPI()
    yield api
    api.close()


def invoke(*args: str, base_url: str | None = None, key: str | None = SENTINEL_KEY):
    """Run ``summarizer batch ARGS`` with the key (and server) in the environment, as a user would set them."""
    env = {"OPENAI_API_KEY": key, "OPENAI_BASE_URL": base_url}
    result = runner.invoke(app, ["batch", *args], env={k: v for k, v in env.items() if v is not None})
    assert SENTINEL_KEY not in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def intercept(api: FakeBatchAPI, answer: Callable) -> None:
    """Show every request to ``answer(handler)`` first; it returns True when it has replied itself."""
    base = api.server.RequestHandlerClass

    class Intercepting(base):  # type: ignore[misc, valid-type]
        def do_GET(self):
            if not answer(self):
                super().do_GET()

        def do_POST(self):
            if not answer(self):
                super().do_POST()

    api.server.RequestHandlerClass = Intercepting


def refuse(handler, status: int, message: str) -> bool:
    """Reply with an OpenAI-style error, after reading the body so the connection stays usable."""
    handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
    handler.reply(status, {"error": {"message": message, "type": "invalid_request_error", "code": None}})
    return True


def answer(line: dict) -> dict:
    """The provider's reply to one request line: a valid brief, except news-4, which expires."""
    custom_id = line["custom_id"]
    if custom_id == "news-4":
        return expired_line(custom_id)
    return output_line(custom_id, completion(json.dumps(good_reply(int(custom_id.split("-")[1])))))


@pytest.fixture
def request_files(tmp_path) -> tuple[Path, list[Path]]:
    """Five articles as JSONL, exported through the CLI into two request files (3 + 2 requests)."""
    inputs = tmp_path / "articles.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"news-{i}", "text": article_text(i)}) + "\n" for i in range(5)),
                      encoding="utf-8")
    result = invoke("export", str(inputs), "--prefix", str(tmp_path / "requests"), "--max-requests", "3")
    assert result.exit_code == 0, result.stderr
    files = [Path(line) for line in result.stdout.splitlines()]
    assert [f.name for f in files] == ["requests-0001.jsonl", "requests-0002.jsonl"]
    return inputs, files


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_export_submit_status_download_import_through_the_cli(tmp_path, fake_api, request_files):
    inputs, files = request_files
    ids_file = tmp_path / "ids.txt"

    submitted = invoke("submit", *map(str, files), "--metadata", "job=nightly", "--metadata", "desk=world",
                       "--ids-file", str(ids_file), "--base-url", fake_api.url)
    assert submitted.exit_code == 0, submitted.stderr
    assert submitted.stdout == "batch_1\nbatch_2\n"
    assert ids_file.read_text() == "batch_1\nbatch_2\n"
    for number, path in enumerate(files, start=1):
        uploaded = fake_api.files[f"file-{number}"]
        assert uploaded["data"] == path.read_bytes()
        assert (uploaded["purpose"], uploaded["filename"]) == ("batch", path.name)
        batch = fake_api.batches[f"batch_{number}"]
        assert batch["input_file_id"] == f"file-{number}" and batch["endpoint"] == "/v1/chat/completions"
        assert batch["metadata"] == {"job": "nightly", "desk": "world", "request_file": path.name}
    assert "summarizer batch status --wait --ids-file" in submitted.stderr

    # The server comes from OPENAI_BASE_URL from here on, as for every other command.
    waiting = invoke("status", "--ids-file", str(ids_file), base_url=fake_api.url)
    assert waiting.exit_code == 0, waiting.stderr
    assert waiting.stdout.splitlines() == [
        "batch_1\tvalidating\t0/0/0\toutput_file=-\terror_file=-",
        "batch_2\tvalidating\t0/0/0\toutput_file=-\terror_file=-",
    ]

    for batch_id in ("batch_1", "batch_2"):
        fake_api.run(batch_id, answer)
    done = invoke("status", "batch_2", "--json", "--ids-file", str(ids_file), base_url=fake_api.url)
    assert done.exit_code == 0, done.stderr
    states = json.loads(done.stdout)
    assert [s["id"] for s in states] == ["batch_2", "batch_1"]  # arguments first, then the file; each once
    assert states[0] == {"id": "batch_2", "status": "completed", "done": True, "total": 2, "completed": 1,
                         "failed": 1, "output_file_id": "file-4", "error_file_id": "file-5", "errors": []}
    assert (states[1]["total"], states[1]["completed"], states[1]["error_file_id"]) == (3, 3, None)

    results = tmp_path / "results"
    downloaded = invoke("download", "--ids-file", str(ids_file), "-d", str(results), base_url=fake_api.url)
    assert downloaded.exit_code == 0, downloaded.stderr
    paths = [Path(line) for line in downloaded.stdout.splitlines()]
    assert paths == [results / "batch_1-output.jsonl", results / "batch_2-output.jsonl", results / "batch_2-errors.jsonl"]
    assert [p.read_bytes() for p in paths] == [fake_api.files[f]["data"] for f in ("file-3", "file-4", "file-5")]

    out = tmp_path / "briefs.jsonl"
    imported = invoke("import", *map(str, paths), "--inputs", str(inputs), "--requests", str(files[0]),
                      "--requests", str(files[1]), "-o", str(out))
    assert imported.exit_code == 0, imported.stderr
    records = {record["id"]: record for record in read_jsonl(out)}
    assert sorted(records) == [f"news-{i}" for i in range(5)]
    assert all("brief" in records[f"news-{i}"] for i in range(4))
    assert records["news-4"]["error"]["reason"] == "expired"
    assert (tmp_path / "briefs.jsonl.resubmit.txt").read_text() == "news-4\n"


def test_download_of_an_unfinished_batch_exits_2_after_the_finished_ones(tmp_path, fake_api, request_files):
    _, files = request_files
    assert invoke("submit", *map(str, files), base_url=fake_api.url).stdout == "batch_1\nbatch_2\n"
    fake_api.run("batch_2", answer)

    result = invoke("download", "batch_1", "batch_2", "-d", str(tmp_path / "results"), base_url=fake_api.url)
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [str(tmp_path / "results" / f"batch_2-{kind}.jsonl") for kind in ("output", "errors")]
    assert one_line(result.stderr) == "summarizer: error: batch batch_1 is validating; download it once it is completed"
    assert not (tmp_path / "results" / "batch_1-output.jsonl").exists()


def test_status_wait_polls_until_every_batch_is_done(tmp_path, fake_api, request_files):
    _, files = request_files
    invoke("submit", str(files[0]), base_url=fake_api.url)
    polls = []

    def finish_on_third_poll(handler) -> bool:
        if handler.command == "GET" and handler.path == "/v1/batches/batch_1":
            polls.append(time.monotonic())
            if len(polls) == 3:
                fake_api.run("batch_1", answer)
        return False

    intercept(fake_api, finish_on_third_poll)
    result = invoke("status", "batch_1", "--wait", "--interval", "0.05", "--timeout", "5", base_url=fake_api.url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "batch_1\tcompleted\t3/0/3\toutput_file=file-2\terror_file=-\n"
    assert len(polls) == 3 and polls[2] - polls[0] >= 0.09  # it slept between polls
    assert "summarizer: 0/1 batch(es) finished; waiting for batch_1 validating 0/0" in result.stderr


def test_status_wait_outlives_a_failed_poll(tmp_path, fake_api, request_files):
    _, files = request_files
    invoke("submit", str(files[0]), base_url=fake_api.url)
    polls = []

    def fail_second_then_finish(handler) -> bool:
        if handler.command == "GET" and handler.path == "/v1/batches/batch_1":
            polls.append(handler.path)
            if len(polls) == 2:
                return refuse(handler, 503, "overloaded")
            if len(polls) == 3:
                fake_api.run("batch_1", answer)
        return False

    intercept(fake_api, fail_second_then_finish)
    result = invoke("status", "batch_1", "--wait", "--interval", "0.01", "--timeout", "5", base_url=fake_api.url)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("batch_1\tcompleted\t")
    assert "summarizer: poll failed, trying again in 0.01 s: batch batch_1: API unavailable" in result.stderr
    assert len(polls) == 3


@pytest.mark.wallclock
def test_status_wait_timeout_exits_5_with_the_current_state(tmp_path, fake_api, request_files):
    _, files = request_files
    invoke("submit", *map(str, files), base_url=fake_api.url)
    fake_api.run("batch_1", answer)

    started = time.monotonic()
    result = invoke("status", "batch_1", "batch_2", "--wait", "--interval", "0.02", "--timeout", "0.2",
                    base_url=fake_api.url)
    elapsed = time.monotonic() - started
    assert result.exit_code == 5
    assert [line.split("\t")[:2] for line in result.stdout.splitlines()] == [["batch_1", "completed"],
                                                                            ["batch_2", "validating"]]
    assert result.stderr.strip().splitlines()[-1] == (
        "summarizer: still running after 0.2 s: batch_2 (validating); run status --wait again to keep waiting")
    assert 0.2 <= elapsed < 3
    gets = [path for method, path in fake_api.requests if method == "GET"]
    assert gets.count("/v1/batches/batch_1") == 1 and gets.count("/v1/batches/batch_2") >= 3


@pytest.mark.parametrize("command", ["status", "download"])
def test_unknown_batch_exits_1_with_one_line(tmp_path, fake_api, command):
    args = ["-d", str(tmp_path / "results")] if command == "download" else []
    result = invoke(command, "batch_nope", *args, base_url=fake_api.url)
    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert line.startswith("summarizer: error: batch batch_nope: API refused the request (HTTP 404, unknown batch or file id")
    assert "--model" not in line  # the batch commands take no model
    assert line.endswith("no route /v1/batches/batch_nope")


@pytest.mark.parametrize("command", ["submit", "status", "download"])
def test_refused_key_exits_1_with_one_line_and_never_the_key(tmp_path, fake_api, request_files, command):
    _, files = request_files
    intercept(fake_api, lambda handler: refuse(handler, 401, f"Incorrect API key provided: {SENTINEL_KEY}."))
    args = {
        "submit": [*map(str, files), "--ids-file", str(tmp_path / "ids.txt")],
        "status": ["batch_1"],
        "download": ["batch_1", "-d", str(tmp_path / "results")],
    }[command]
    result = invoke(command, *args, base_url=fake_api.url)  # invoke asserts the key is in no output
    assert result.exit_code == 1
    assert result.stdout == ""
    line = one_line(result.stderr)
    assert "API refused the request (HTTP 401, check OPENAI_API_KEY" in line
    assert line.endswith("Incorrect API key provided: [redacted].")
    assert fake_api.files == {} and fake_api.batches == {}
    assert not (tmp_path / "ids.txt").exists() and not (tmp_path / "results").exists()


def test_unreachable_server_exits_1_with_one_line():
    # A port nothing listens on: bound, never listening, and held until the call is refused,
    # so no other process (a loopback server of a parallel test) can take it in between.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        result = invoke("status", "batch_1", "--base-url", f"http://127.0.0.1:{port}/v1")
    assert result.exit_code == 1
    assert one_line(result.stderr).startswith("summarizer: error: batch batch_1: API unavailable after 1 attempt(s): "
                                              "connection failed")


def test_submit_failing_midway_names_the_started_batches_and_the_rest(tmp_path, fake_api, request_files):
    _, files = request_files
    uploads = []

    def refuse_second_upload(handler) -> bool:
        if handler.command == "POST" and handler.path == "/v1/files":
            uploads.append(handler.path)
            if len(uploads) == 2:
                return refuse(handler, 500, "upload failed")
        return False

    intercept(fake_api, refuse_second_upload)
    ids_file = tmp_path / "ids.txt"
    result = invoke("submit", *map(str, files), "--ids-file", str(ids_file), base_url=fake_api.url)
    assert result.exit_code == 1
    assert result.stdout == "batch_1\n" and ids_file.read_text() == "batch_1\n"
    assert one_line(result.stderr) == (
        f"summarizer: error: {files[1]}: API unavailable after 1 attempt(s): HTTP 500: upload failed "
        f"(started before this failure: batch_1; not submitted: {files[1]})")
    assert list(fake_api.batches) == ["batch_1"]


@pytest.mark.parametrize(
    "args, key, message",
    [
        (["missing.jsonl"], SENTINEL_KEY, "missing.jsonl: no such request file"),
        (["{0}", "{0}"], SENTINEL_KEY, "given twice; each request file would start its own (billed) batch"),
        (["{0}", "--metadata", "job"], SENTINEL_KEY, "--metadata 'job': expected KEY=VALUE"),
        (["{0}", "--metadata", "request_file=x"], SENTINEL_KEY, "--metadata request_file is set by submit itself"),
        (["{0}"], None, "no API key: set OPENAI_API_KEY"),
    ],
)
def test_submit_refuses_bad_input_before_uploading(tmp_path, fake_api, request_files, args, key, message):
    _, files = request_files
    args = [arg.format(files[0]) if arg == "{0}" else str(tmp_path / arg) if arg.endswith(".jsonl") else arg
            for arg in args]
    base_url = fake_api.url if key else None  # no key and no server: nothing says where to go
    result = invoke("submit", *args, base_url=base_url, key=key)
    assert result.exit_code == 2
    assert message in one_line(result.stderr)
    assert fake_api.requests == []


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "no batch id given: give BATCH_ID... or --ids-file FILE"),
        (["--ids-file", "absent.txt"], "absent.txt: cannot read batch ids (No such file or directory)"),
        (["batch_1", "--interval", "1"], "--interval and --timeout only apply with --wait"),
        (["batch_1", "--wait", "--interval", "0"], "--interval must be positive"),
    ],
)
def test_status_usage_errors_exit_2_without_a_request(fake_api, monkeypatch, tmp_path, args, message):
    monkeypatch.chdir(tmp_path)
    result = invoke("status", *args, base_url=fake_api.url)
    assert result.exit_code == 2
    assert message in one_line(result.stderr)
    assert fake_api.requests == []


def test_a_batch_id_that_is_not_a_plain_name_never_becomes_a_path(tmp_path, fake_api):
    result = invoke("download", "../../escaped", "-d", str(tmp_path / "results"), base_url=fake_api.url)
    assert result.exit_code == 2 and "not a plain name" in one_line(result.stderr)
    assert not any(tmp_path.rglob("*escaped*")) and not fake_api.batches


def test_a_download_cut_short_leaves_no_file_behind(tmp_path, fake_api, request_files):
    _, files = request_files
    assert invoke("submit", str(files[0]), base_url=fake_api.url).stdout == "batch_1\n"
    fake_api.run("batch_1", answer)

    def cut_short(handler) -> bool:
        if not handler.path.endswith("/content"):
            return False
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b'{"custom_id": "news-0", "resp')
        handler.wfile.flush()
        handler.close_connection = True
        return True

    intercept(fake_api, cut_short)
    result = invoke("download", "batch_1", "-d", str(tmp_path / "results"), base_url=fake_api.url)
    assert result.exit_code == 1 and result.stdout == ""
    assert list((tmp_path / "results").iterdir()) == []


def test_status_of_a_reply_that_is_no_batch_is_one_line_and_exit_1(fake_api):
    def empty_batch(handler) -> bool:
        if handler.command == "GET" and handler.path == "/v1/batches/batch_x":
            handler.reply(200, {})
            return True
        return False

    intercept(fake_api, empty_batch)
    result = invoke("status", "batch_x", base_url=fake_api.url)
    assert result.exit_code == 1
    assert one_line(result.stderr) == (
        "summarizer: error: the server's reply for batch batch_x is not a batch (it has no id or "
        "status); check OPENAI_BASE_URL points at a server with the Batch API")
