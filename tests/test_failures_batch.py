"""Failure behaviour of batch jobs against the loopback server: a fault one article meets is
one error line and the job goes on; a fault every article would meet (an exhausted quota, a
refused key, an unknown model) stops the job cleanly, resumable once it is fixed."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer.batch.runner import BatchJob, BatchOptions
from summarizer.errors import error_from_data
from summarizer.cli import app
from summarizer.config import resolve_settings
from summarizer.errors import AccessError, APIRequestError, BackendError, QuotaExhaustedError, TransportError
from test_llm_backend import ARTICLE, REPLY

IDS = [f"a{i:02d}" for i in range(12)]
runner = CliRunner()


@pytest.fixture
def articles(tmp_path):
    """A JSONL input of 12 distinct articles."""
    path = tmp_path / "in.jsonl"
    rows = [json.dumps({"id": i, "text": f"{ARTICLE}\n\nDispatch {i}."}) for i in IDS]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def job(server, articles, out, **options):
    settings = resolve_settings(backend="openai", base_url=server.url, model="m", max_retry_wait=0.05)
    options.setdefault("cache", False)
    return BatchJob([str(articles)], out, settings, BatchOptions(**options))


def lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def batch_cli(server, articles, out, *extra):
    return runner.invoke(app, ["batch", str(articles), "-o", str(out), "--backend", "openai", "--base-url", server.url,
                               "--model", "m", "--concurrency", "3", "--workers", "1", "--no-cache", *extra])


def test_an_exhausted_quota_stops_the_job_cleanly_and_resume_completes_it(loopback, articles, tmp_path):
    loopback.enqueue(lb.brief(REPLY), lb.brief(REPLY))
    loopback.default = lb.quota_exhausted()  # the third reply, and every one after, until topped up
    out = tmp_path / "out.jsonl"

    result = batch_cli(loopback, articles, out)

    assert result.exit_code == 4, result.stderr
    assert len(loopback.requests) <= 3 + 2  # concurrency + 2: nothing new is sent once it is known
    done = lines(out)
    assert len(done) == 2 and all("brief" in r and "error" not in r for r in done)  # no error lines
    summary = json.loads(result.stderr[result.stderr.index("{\n") : result.stderr.rindex("\n}") + 2])
    assert summary["ok"] == 2 and summary["failed"] == 0
    assert summary["stopped_by"].startswith("QuotaExhaustedError: the account's API quota is exhausted")
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("summarizer: error: the batch stopped: the account's API quota is exhausted")
    assert "--resume continues the job once that is fixed" in last

    loopback.default = lb.brief(REPLY)  # the account was topped up
    sent = len(loopback.requests)
    result = batch_cli(loopback, articles, out, "--resume")
    assert result.exit_code == 0, result.stderr
    ids = [r["id"] for r in lines(out)]
    assert sorted(ids) == IDS  # every id exactly once
    assert len(loopback.requests) - sent == 10 and not any("error" in r for r in lines(out))


@pytest.mark.parametrize(
    "reply",
    [lb.error(401, message="Incorrect API key provided."), lb.error(403),
     lb.error(404, message="The model `m` does not exist.", code="model_not_found")],
    ids=["401", "403", "404-model"],
)
def test_a_refused_key_or_unknown_model_stops_the_job_with_nothing_written_as_failed(loopback, articles, tmp_path, reply):
    loopback.default = reply
    out = tmp_path / "out.jsonl"
    batch = job(loopback, articles, out, concurrency=3)
    summary = asyncio.run(batch.run())
    assert isinstance(batch.fatal, AccessError) and batch.fatal.exit_code == 1
    assert summary["stopped_by"].startswith(f"AccessError: API refused the request (HTTP {reply.status}")
    assert (summary["ok"], summary["failed"]) == (0, 0) and lines(out) == []
    assert len(loopback.requests) <= 3 + 2


def test_cli_batch_exits_1_on_a_refused_key(loopback, articles, tmp_path):
    loopback.default = lb.error(401)
    result = batch_cli(loopback, articles, tmp_path / "out.jsonl")
    assert result.exit_code == 1
    last = result.stderr.strip().splitlines()[-1]
    assert "HTTP 401, check OPENAI_API_KEY" in last and "--resume continues the job once that is fixed" in last


def test_a_persistently_failing_article_is_one_error_line_and_the_job_goes_on(loopback, articles, tmp_path):
    loopback.enqueue(*[lb.error(503, message="upstream overloaded")] * 4)  # the first article's 4 attempts
    loopback.default = lb.brief(REPLY)
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(job(loopback, articles, out, concurrency=1).run())
    assert (summary["ok"], summary["failed_by_reason"], summary["stopped_by"]) == (11, {"TransportError": 1}, None)
    assert len(loopback.requests) == 4 + 11
    (failed,) = [r for r in lines(out) if "error" in r]
    assert failed["id"] == "a00" and failed["error"]["attempts"] == 4
    assert failed["error"]["message"] == "API unavailable after 4 attempt(s): HTTP 503: upstream overloaded"
    assert sorted(r["id"] for r in lines(out)) == IDS


def test_an_article_too_long_for_the_model_fails_alone(loopback, articles, tmp_path):
    loopback.enqueue(lb.error(400, code="context_length_exceeded", message="This model's maximum context length is 8192 tokens."))
    loopback.default = lb.brief(REPLY)
    out = tmp_path / "out.jsonl"
    summary = asyncio.run(job(loopback, articles, out, concurrency=2).run())
    assert (summary["ok"], summary["failed_by_reason"], summary["stopped_by"]) == (11, {"APIRequestError": 1}, None)
    (failed,) = [r for r in lines(out) if "error" in r]
    assert "too long for the model's context window" in failed["error"]["message"]


@pytest.mark.parametrize(
    "kind, exit_code, stops",
    [(QuotaExhaustedError, 4, True), (AccessError, 1, True), (APIRequestError, 1, False), (TransportError, 1, False)],
)
def test_errors_from_helper_processes_keep_their_class_status_and_context(kind, exit_code, stops):
    extra = {"status_code": 429} if issubclass(kind, APIRequestError) else {}
    sent = kind("message", attempts=3, part="2 of 5", **extra)
    data = json.loads(json.dumps(sent.to_data()))  # how a helper process's error reaches the runner
    error = error_from_data(data)
    assert type(error) is kind and (error.exit_code, error.stops_job) == (exit_code, stops)
    assert (error.message, error.attempts, error.context) == ("message", 3, {"part": "2 of 5"})
    assert getattr(error, "status_code", None) == extra.get("status_code")


def test_an_error_of_an_unknown_kind_arrives_as_a_backend_error_with_its_message():
    error = error_from_data({"type": "KeyError", "message": "boom", "attempts": 1})
    assert type(error) is BackendError and (error.message, error.attempts) == ("boom", 1)


def test_ctrl_c_with_helper_processes_is_one_line_and_exit_130(loopback, tmp_path):
    # Ctrl-C goes to the terminal's whole process group: the parent and its helpers
    import os
    import signal
    import subprocess
    import sys
    import time

    loopback.default = lb.delay(0.5, lb.brief(REPLY))
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": f"{ARTICLE}\n\nDispatch {i}."}) + "\n"
                              for i in range(400)), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "summarizer", "batch", str(source), "-o", str(out), "--backend", "openai",
               "--base-url", loopback.url, "--model", "m", "--no-cache", "--concurrency", "8", "--workers", "2"]
    # As a terminal's foreground job: a suite started in the background (``make test &``)
    # would pass on SIGINT ignored, and Python then keeps ignoring it, rightly.
    job = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True,
                           env={**os.environ, "OPENAI_API_KEY": "sk-test"},
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(loopback.requests) < 40:  # the helper has joined by then
        time.sleep(0.1)
    os.killpg(job.pid, signal.SIGINT)
    stderr = job.communicate(timeout=60)[1]
    said = [line for line in stderr.replace("\r", "\n").splitlines() if line.strip()
            and not line.startswith("summarizer: batch ")]
    assert job.returncode == 130
    assert said == [f"summarizer: interrupted; every finished article is in {out}; run again with --resume to continue"]
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) < 400
