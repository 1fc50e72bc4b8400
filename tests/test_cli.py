"""The command line: exit codes, one-line errors, no traceback, no key; the real client over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer.cli import app
from test_llm_backend import ARTICLE, REPLY, SENTINEL_KEY

runner = CliRunner()


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def run_cli(*args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """``python -m summarizer ARGS`` as a user would run it."""
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        capture_output=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("mode", ["tools", "json_schema"])
def test_brief_against_an_openai_compatible_server_from_env(loopback, article_file, mode):
    loopback.enqueue(lb.error(429, headers={"Retry-After": "1"}), lb.brief(REPLY, usage=(300, 120)))
    env = {"OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model", "OPENAI_API_KEY": SENTINEL_KEY}
    result = run_cli("brief", "--backend", "openai", "--mode", mode, "--with-meta", str(article_file), env=env)

    assert result.returncode == 0, result.stderr.decode()
    payload = json.loads(result.stdout)
    assert payload["brief"]["figures"][0]["value"] == 12
    assert payload["brief"]["figures"][0]["evidence_span"]["status"] == "exact"
    assert payload["meta"]["usage"]["total_tokens"] == 420
    assert payload["meta"]["mode"] == mode
    assert len(loopback.requests) == 2
    assert SENTINEL_KEY.encode() not in result.stdout + result.stderr


def test_backend_failure_exits_1_with_one_line_and_no_key(loopback, article_file):
    loopback.enqueue(lb.error(401, message=f"Incorrect API key provided: {SENTINEL_KEY}"))
    env = {"OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model", "OPENAI_API_KEY": SENTINEL_KEY}
    result = run_cli("brief", str(article_file), env=env)

    assert result.returncode == 1
    assert result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: API refused the request (HTTP 401")
    assert b"Traceback" not in result.stderr and SENTINEL_KEY.encode() not in result.stderr


def test_raise_errors_variable_shows_the_traceback(loopback, article_file):
    loopback.enqueue(lb.error(404))
    env = {"OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model", "SUMMARIZER_RAISE_ERRORS": "1"}
    result = run_cli("brief", str(article_file), env=env)
    assert result.returncode != 0 and b"Traceback" in result.stderr and b"AccessError" in result.stderr


def test_the_traceback_never_shows_a_key_the_server_echoes(loopback, article_file):
    key = "sk-SENTINEL-traceback-51c2"
    loopback.enqueue(lb.error(401, message=f"Incorrect API key provided: {key}"))
    env = {"OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model", "OPENAI_API_KEY": key, "SUMMARIZER_RAISE_ERRORS": "1"}
    result = run_cli("brief", str(article_file), env=env)
    assert result.returncode == 1 and b"Traceback" in result.stderr and b"AuthenticationError" in result.stderr
    assert key.encode() not in result.stderr + result.stdout and b"[redacted]" in result.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the article is empty"),
        (b" \n\t\n", "the article is empty"),
        (b"\x00\x01binary", "binary data"),
        (b"caf\xe9 cr\xe8me br\xfbl\xe9e", "not valid UTF-8"),
    ],
)
def test_bad_input_exits_2_with_a_one_line_reason(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["brief", "--backend", "offline", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr and str(path) in result.stderr


def test_missing_file_and_directory_exit_2(tmp_path):
    missing = runner.invoke(app, ["brief", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    folder = runner.invoke(app, ["brief", str(tmp_path)])
    assert folder.exit_code == 2 and "is a directory" in folder.stderr


def test_usage_errors_exit_2_with_one_line():
    result = run_cli("brief", "--mode", "xml", "x.txt")
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "Invalid value for '--mode'" in lines[0] and "summarizer brief --help" in lines[0]
    assert result.stdout == b""  # one line, not the help as well
    missing = run_cli("brief")
    assert missing.returncode == 2 and "Missing argument 'FILE|-'" in missing.stderr.decode()
    assert missing.stdout == b"" and len(missing.stderr.decode().splitlines()) == 1


@pytest.mark.parametrize("args", [(), ("batch",)])
def test_a_group_given_no_command_shows_its_help_once_and_exits_2(args):
    result = run_cli(*args)
    shown = result.stdout.decode() + result.stderr.decode()
    assert result.returncode == 2 and shown.count("Usage: ") == 1 and "Commands" in shown


def test_openai_backend_without_configuration_says_how_to_fix(article_file):
    result = runner.invoke(app, ["brief", "--backend", "openai", str(article_file)])
    assert result.exit_code == 2 and "set OPENAI_API_KEY" in result.stderr


def test_stdin_and_output_file_and_markdown(loopback, tmp_path):
    loopback.enqueue(lb.brief(REPLY))
    out = tmp_path / "deep" / "brief.md"
    env = {"OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model"}
    result = run_cli("brief", "-", "--format", "md", "-o", str(out), env=env, stdin=ARTICLE.encode())
    assert result.returncode == 0, result.stderr.decode()
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Brazil and Portugal foreign ministers meet in Lisbon")
    assert "| 12 percent | 12 percent | exact |" in text and "Tomas Aveiro" in text
    # No key was configured, only a local server: the placeholder key is sent, never a real one.
    assert loopback.requests[0].headers["authorization"] == "Bearer not-needed"


def test_schema_command_prints_the_committed_schema():
    from conftest import ROOT

    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == (ROOT / "schemas" / "brief.v1.schema.json").read_text(encoding="utf-8")
    request = json.loads(runner.invoke(app, ["schema", "--request"]).stdout)
    assert "evidence_span" not in json.dumps(request) and request["title"] == "BriefDraft"


def test_validate_command(tmp_path, seed_gold):
    from test_models import without_optional_markers

    good = tmp_path / "good.json"
    good.write_text(json.dumps(without_optional_markers(seed_gold)), encoding="utf-8")
    assert runner.invoke(app, ["validate", str(good)]).exit_code == 0
    bad = tmp_path / "bad.json"
    broken = without_optional_markers(seed_gold)
    broken["figures"][0]["speaker"] = "Nobody"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2 and "must name a listed participant" in result.stderr


def test_validate_takes_gold_files_with_optional_items_and_only_those(tmp_path):
    from pathlib import Path

    fixtures = sorted((Path(__file__).parent.parent / "evals" / "fixtures").glob("*.gold.json"))
    marked = [p for p in fixtures if '"optional": true' in p.read_text(encoding="utf-8")]
    assert marked  # the check below is about files that carry the mark
    result = runner.invoke(app, ["validate", *map(str, fixtures)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("valid gold brief (schema brief-v1)") == len(fixtures)
    # the mark is for gold files; a brief that carries it is still refused
    plain = tmp_path / "brief.json"
    plain.write_text(marked[0].read_text(encoding="utf-8"), encoding="utf-8")
    refused = runner.invoke(app, ["validate", str(plain)])
    assert refused.exit_code == 2 and "'optional' was unexpected" in refused.stderr
    wrong = tmp_path / "x.gold.json"
    data = json.loads(marked[0].read_text(encoding="utf-8"))
    next(item for item in data["participants"] + data["figures"] if "optional" in item)["optional"] = "yes"
    wrong.write_text(json.dumps(data), encoding="utf-8")
    bad_mark = runner.invoke(app, ["validate", str(wrong)])
    assert bad_mark.exit_code == 2 and "'yes' is not true or false" in bad_mark.stderr


def test_the_missing_key_message_names_only_options_that_exist(article_file, monkeypatch):
    import re

    import typer

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    result = runner.invoke(app, ["brief", "--backend", "openai", str(article_file)])
    named = set(re.findall(r"--[a-z][a-z-]*", result.stderr))
    brief = typer.main.get_command(app).commands["brief"]
    options = {o for p in brief.params for o in p.opts}
    assert result.exit_code == 2 and {"--base-url", "--backend"} <= named <= options


def test_version_short_help_and_help_texts_read_as_written():
    version = run_cli("--version")
    assert version.returncode == 0 and version.stdout.decode().strip() == f"summarizer {summarizer_version()}"
    short = run_cli("brief", "-h")
    assert short.returncode == 0 and "Usage:" in short.stdout.decode()
    wide = {"COLUMNS": "220"}
    run_help = run_cli("batch", "run", "--help", env=wide).stdout.decode()
    assert '{"model": [input, cached input, output]}' in " ".join(run_help.split())  # not eaten as markup
    flat = " ".join(run_help.split())
    workers = flat[flat.index("--workers"):flat.index("--rpm")]
    assert "(default: all cores)" in workers and "[default: 0]" not in workers
    group_help = " ".join(run_cli("batch", "--help", env=wide).stdout.decode().split())
    assert "'summarizer batch INPUT... -o OUT.jsonl' is short for 'summarizer batch run" in group_help


def summarizer_version():
    import summarizer

    return summarizer.__version__
