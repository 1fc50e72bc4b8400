"""The real openai client and instructor against a real llama.cpp server (SmolLM2-135M).

A 135M model cannot write a good brief, so these assert the protocol, never the model's
judgement: what a mode sent, that the server's reply was read, that usage comes from the
server's own usage block, that a refusal is one call and one line.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from summarizer import Summarizer
from summarizer.cli import app
from summarizer.errors import ValidationFailedError

MODEL = "smollm2"  # the --model_alias the server is started with (conftest.py)

runner = CliRunner()

# Written for these tests: short, so a 135M model on 2 cores answers in seconds.
ARTICLE = (
    "Chilean Foreign Minister Camila Rojas met Peruvian Foreign Minister Diego Salazar in Lima on Monday.\n\n"
    "\u201cBilateral trade grew 14 percent last year,\u201d Rojas said."
)


def test_tools_mode_sends_a_tool_and_reads_the_server_s_reply_and_usage(relay):
    with Summarizer(backend="openai", base_url=relay.url, model=MODEL, mode="tools", api_key="local",
                    timeout=240, max_output_tokens=512) as summarizer:
        try:
            brief = summarizer.summarize(ARTICLE)
        except ValidationFailedError as failed:  # the model's judgement: allowed, but it must say why
            brief = None
            assert failed.attempts == len(relay.exchanges) >= 1
    first = relay.exchanges[0]
    assert first.path == "/v1/chat/completions" and first.status == 200
    assert first.request["model"] == MODEL and first.request["max_tokens"] == 512
    assert [t["function"]["name"] for t in first.request["tools"]] == [first.request["tool_choice"]["function"]["name"]]
    if brief is not None:
        served = [e.reply["usage"] for e in relay.exchanges]
        assert brief.meta.usage.prompt_tokens == sum(u["prompt_tokens"] for u in served) > 0
        assert brief.meta.usage.completion_tokens == sum(u["completion_tokens"] for u in served) > 0
        assert brief.meta.attempts == len(relay.exchanges)


def test_json_schema_mode_is_refused_by_this_server_in_one_call_and_one_line(relay, tmp_path, monkeypatch):
    # "x", the usual placeholder key of a local server, must not blank out the letter x in messages
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", relay.url,
                                 "--model", MODEL, "--mode", "json_schema"])
    assert result.exit_code == 1 and len(relay.exchanges) == 1 and relay.exchanges[0].status == 500
    assert relay.exchanges[0].request["response_format"]["type"] == "json_schema"
    assert result.stderr.count("\n") == 1, result.stderr
    assert "response_format.type: Input should be 'text' or 'json_object' (sent 'json_schema')" in result.stderr
    assert "pass --mode json or --mode tools" in result.stderr and "[redacted]" not in result.stderr
