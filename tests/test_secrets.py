"""The API key is never logged, written, shown in an error or printed, even at DEBUG.

A sentinel key travels through a successful brief, a 401 whose body echoes it back, 500s
that echo it, invalid-JSON re-asks, a batch job with its cache and ledger, and an eval
run writing reports; every log record (the root and the openai, httpx, httpcore,
instructor loggers at DEBUG), every file written, every error and all output is searched
for it. The command line runs in a child process, as a user runs it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import loopback as lb
from summarizer import Summarizer
from summarizer.errors import APIRequestError, SummarizerError, TransportError, ValidationFailedError
from summarizer.injection import article_hash
from summarizer.logs import REDACTED, RedactingFilter, add_secret, configure_logging, protect, redact
from test_injection import HOSTILE, reply
from test_llm_backend import ARTICLE, REPLY

SENTINEL = "sk-SENTINEL-5f3a9c1e7b2d4086"
ECHO = f"Incorrect API key provided: {SENTINEL}. You sent Authorization: Bearer {SENTINEL}"
DEBUG_LOGGERS = ("", "openai", "httpx", "httpcore", "httpx2", "httpcore2", "instructor", "aiohttp", "summarizer")


class _Capture(logging.Handler):
    """Keeps every record and its formatted text (message, traceback and stack included)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.seen: list[tuple[logging.LogRecord, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append((record, self.format(record)))


@pytest.fixture
def debug_logs():
    """DEBUG on the root and the client libraries, captured by a handler at the root."""
    saved = {name: logging.getLogger(name).level for name in DEBUG_LOGGERS}
    handler = _Capture()
    logging.getLogger().addHandler(handler)
    for name in DEBUG_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield handler
    logging.getLogger().removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def assert_no_sentinel_in_records(handler: _Capture) -> None:
    for record, text in handler.seen:
        assert SENTINEL not in text, f"{record.name}: {text[:300]}"
        assert SENTINEL not in str(record.msg) and SENTINEL not in repr(record.args), record.name


def assert_no_sentinel_in_error(exc: BaseException) -> None:
    assert SENTINEL not in str(exc) and SENTINEL not in repr(exc)
    if isinstance(exc, SummarizerError):
        assert SENTINEL not in exc.message


def assert_no_sentinel_in_files(*roots: Path) -> int:
    """Every byte of every file under ``roots`` (the SQLite cache and manifests included)."""
    count = 0
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file():
                count += 1
                assert SENTINEL.encode() not in path.read_bytes(), path
    return count


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?\u201d])\s+", text) if len(s.strip()) > 25]


def make(server: lb.LoopbackServer, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    return Summarizer(backend="openai", base_url=server.url, api_key=SENTINEL, model="loopback-model", **options)


# --- redaction itself --------------------------------------------------------------------------


def test_redact_removes_configured_keys_key_shapes_and_auth_headers_only():
    add_secret("local-token-31415926")
    text = (
        "key local-token-31415926; other sk-proj-AbC_123-xyz; headers {'Authorization': 'Bearer abc.def-123'}; "
        "api-key: azure0123456789; bearer bonds and a bearer of news; sk-1 is short"
    )
    assert redact(text) == (
        f"key {REDACTED}; other {REDACTED}; headers {{'Authorization': 'Bearer {REDACTED}'}}; "
        f"api-key: {REDACTED}; bearer bonds and a bearer of news; sk-1 is short"
    )


def test_filter_rewrites_message_args_and_traceback_and_keeps_the_record():
    record = logging.LogRecord("openai._base_client", logging.DEBUG, __file__, 1, "Request options: %s",
                               ({"headers": {"Authorization": f"Bearer {SENTINEL}"}},), None)
    try:
        raise RuntimeError(ECHO)
    except RuntimeError:
        error = logging.LogRecord("instructor", logging.ERROR, __file__, 2, "failed: %s", (ECHO,), sys.exc_info())
    keep = RedactingFilter()
    assert keep.filter(record) and keep.filter(error)
    text = logging.Formatter().format(record) + logging.Formatter().format(error)
    assert SENTINEL not in text and text.count(REDACTED) >= 4
    assert "RuntimeError" in text and "Traceback" in text  # the traceback is still shown, redacted


def test_protect_is_idempotent_and_reaches_child_loggers():
    import summarizer.backends.openai  # noqa: F401 - imports openai and instructor, which create their loggers

    child = logging.getLogger("instructor.v2.retry")
    protect(SENTINEL)
    protect(SENTINEL)
    assert sum(isinstance(f, RedactingFilter) for f in child.filters) == 1
    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("openai._base_client").filters)


def test_cli_logging_puts_the_filter_on_every_root_handler():
    root = logging.getLogger()
    handler = logging.StreamHandler()
    root.addHandler(handler)
    try:
        configure_logging(2)
        configure_logging(2)
        assert all(sum(isinstance(f, RedactingFilter) for f in h.filters) == 1 for h in root.handlers)
    finally:
        root.removeHandler(handler)
        logging.getLogger("instructor").setLevel(logging.NOTSET)


# --- the library, with DEBUG logging on -----------------------------------------------------------


def test_library_never_leaks_the_key_at_debug(loopback, debug_logs, capsys):
    summarizer = make(loopback, transport_attempts=2)
    retry_soon = {"retry-after-ms": "10"}
    loopback.enqueue(
        lb.brief(REPLY),                                                   # a successful brief
        lb.error(401, message=ECHO),                                       # refused, the key echoed back
        lb.error(500, message=ECHO, headers=retry_soon), lb.error(503, message=ECHO, headers=retry_soon),
        lb.raw_content(f"not json {SENTINEL}"), lb.raw_content("{"), lb.raw_content("[]"),  # re-asks
        lb.brief(reply(elvis=False)),                                      # an injected article
    )
    assert summarizer.summarize(ARTICLE).figures[0].value == 12
    for expected in (APIRequestError, TransportError, ValidationFailedError):
        with pytest.raises(expected) as caught:
            summarizer.summarize(ARTICLE)
        assert_no_sentinel_in_error(caught.value)
    assert summarizer.summarize(HOSTILE).meta.possible_injection is True

    loopback.enqueue(lb.error(429, headers={"retry-after-ms": "10"}), lb.brief(REPLY))

    async def run_async():
        async with make(loopback) as client:
            return await client.asummarize(ARTICLE)

    assert asyncio.run(run_async()).meta.transport_retries == 1
    assert len(loopback.requests) == 10

    names = {record.name for record, _ in debug_logs.seen}
    # the test saw what it claims to: the client libraries' debug logs and instructor's errors
    assert {"openai._base_client", "instructor.v2.retry", "summarizer.backends.openai.transport", "summarizer.injection"} <= names
    assert any(r.levelno == logging.DEBUG and r.name.startswith("httpcore") for r, _ in debug_logs.seen)
    assert_no_sentinel_in_records(debug_logs)
    out, err = capsys.readouterr()
    assert SENTINEL not in out and SENTINEL not in err

    # summarizer's own INFO and DEBUG records name articles by hash, never by their text
    ours = [(r, t) for r, t in debug_logs.seen if r.name.startswith("summarizer")]
    for record, text in ours:
        for sentence in sentences(ARTICLE) + sentences(HOSTILE):
            assert sentence not in text, (record.name, sentence)
    assert any(article_hash(HOSTILE) in t for r, t in ours if r.name == "summarizer.injection")


_LIBRARY_SCRIPT = """
import sys
from summarizer import Summarizer
from summarizer.errors import APIRequestError
try:
    Summarizer(backend="openai", base_url=sys.argv[1], api_key=sys.argv[2], model="m").summarize("Aveiro met Carvalho.")
except APIRequestError as exc:
    print("refused:", exc.status_code)
"""


def test_library_without_any_logging_setup_prints_no_key(loopback, tmp_path):
    # No handler at all: Python's last-resort handler prints WARNING and above to stderr,
    # which is where instructor's ERROR record of the echoed 401 would go unredacted.
    loopback.enqueue(lb.error(401, message=ECHO))
    result = subprocess.run([sys.executable, "-c", _LIBRARY_SCRIPT, loopback.url, SENTINEL], capture_output=True,
                            text=True, timeout=60, cwd=tmp_path, check=False)
    assert result.stdout.strip() == "refused: 401", result.stderr
    assert "API call failed" in result.stderr  # instructor did log the failure
    assert SENTINEL not in result.stderr and REDACTED in result.stderr


# --- the command line, in a child process ------------------------------------------------------------


def run_cli(server: lb.LoopbackServer, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENAI_API_KEY": SENTINEL, "OPENAI_BASE_URL": server.url,
           "SUMMARIZER_MODEL": "loopback-model"}
    result = subprocess.run([sys.executable, "-m", "summarizer", *args, "-vv"], capture_output=True, text=True,
                            timeout=120, cwd=cwd, env=env, check=False)
    assert SENTINEL not in result.stdout and SENTINEL not in result.stderr, args
    assert "DEBUG" in result.stderr  # debug logging was on
    return result


def test_cli_brief_success_and_failures_never_show_the_key(loopback, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    retry_soon = {"retry-after-ms": "10"}

    loopback.enqueue(lb.brief(REPLY))
    ok = run_cli(loopback, tmp_path, "brief", str(article), "--with-meta", "-o", str(tmp_path / "brief.json"))
    assert ok.returncode == 0, ok.stderr

    loopback.enqueue(lb.error(401, message=ECHO))
    refused = run_cli(loopback, tmp_path, "brief", str(article))
    assert refused.returncode == 1 and "HTTP 401" in refused.stderr and REDACTED in refused.stderr

    # two 500s echoing the key (retried), then three replies that are not JSON (re-asked)
    loopback.enqueue(*[lb.error(500, message=ECHO, headers=retry_soon)] * 2)
    loopback.enqueue(*[lb.raw_content(f"not json {SENTINEL}")] * 3)
    invalid = run_cli(loopback, tmp_path, "brief", str(article))
    assert invalid.returncode == 1 and "no valid brief after 3 attempt" in invalid.stderr
    assert "transport attempt 2 failed (HTTP 500)" in invalid.stderr
    assert len(loopback.requests) == 1 + 1 + 2 + 3
    assert assert_no_sentinel_in_files(tmp_path, Path(os.environ["HOME"])) >= 2


def test_cli_batch_with_cache_and_ledger_never_writes_the_key(loopback, tmp_path):
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps({"id": f"a{i}", "text": f"{ARTICLE}\n\nDispatch {i}."}) + "\n"
                              for i in range(3)), encoding="utf-8")
    out = str(tmp_path / "out.jsonl")
    options = ["--concurrency", "1", "--workers", "1", "--cache-path", str(tmp_path / "cache" / "briefs.sqlite")]

    loopback.enqueue(lb.error(401, message=ECHO))  # a refused key stops the job
    stopped = run_cli(loopback, tmp_path, "batch", str(inputs), "-o", out, *options)
    assert stopped.returncode != 0 and "HTTP 401" in stopped.stderr and REDACTED in stopped.stderr

    loopback.enqueue(lb.error(400, message=ECHO), lb.brief(REPLY), lb.brief(REPLY))  # one article refused
    resumed = run_cli(loopback, tmp_path, "batch", str(inputs), "-o", out, "--resume", *options)
    assert resumed.returncode == 0, resumed.stderr
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    (failed,) = [line for line in lines if "error" in line]
    assert REDACTED in failed["error"]["message"] and len(lines) == 3
    assert len(loopback.requests) == 4
    assert (tmp_path / "out.jsonl.run.json").is_file() and (tmp_path / "cache" / "briefs.sqlite").is_file()
    assert assert_no_sentinel_in_files(tmp_path, Path(os.environ["HOME"])) >= 4


def test_cli_eval_reports_and_predictions_never_hold_the_key(loopback, tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    gold = {"participants": [{"name": "Tomas Aveiro", "aliases": ["Aveiro"], "kind": "person"}],
            "topics": [], "figures": [], "security_concerns": []}
    for fixture_id in ("a-first", "b-second"):  # two texts: eval's cache would serve a second copy of one
        (data / f"{fixture_id}.txt").write_text(f"{ARTICLE}\n\nDispatch {fixture_id}.", encoding="utf-8")
        (data / f"{fixture_id}.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    loopback.enqueue(lb.brief(REPLY), lb.error(401, message=ECHO))
    result = run_cli(loopback, tmp_path, "eval", "--dataset", str(data), "--backend", "openai", "--report-dir",
                     str(tmp_path / "reports"), "--save-predictions", str(tmp_path / "preds.jsonl"), "--format", "json",
                     "--allow-failures")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    (failed,) = [a for a in report["articles"] if a.get("error")]
    assert failed["id"] == "b-second" and REDACTED in failed["error"]
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["report.html", "report.json", "report.md"]
    assert assert_no_sentinel_in_files(tmp_path, Path(os.environ["HOME"])) >= 8
