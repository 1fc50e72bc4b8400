"""The real openai client and instructor against a real llama.cpp server (SmolLM2-135M).

A 135M model cannot write a good brief, so these assert the protocol, never the model's
judgement: what a mode sent, that the server's reply was read, that usage comes from the
server's own usage block, that a refusal is one call and one line, that the constrained
mode returns JSON of the schema's shape, that the deadline ends a call, and that a reply
cut at its budget is recognised.
"""

from __future__ import annotations

import json
import time

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
    # unstreamed: llama-cpp-python sends a usage block only then
    with Summarizer(backend="openai", base_url=relay.url, model=MODEL, mode="tools", api_key="local",
                    timeout=240, max_output_tokens=512, stream=False) as summarizer:
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
        served = [_usage(e) for e in relay.exchanges]
        assert brief.meta.usage.prompt_tokens == sum(u["prompt_tokens"] for u in served) > 0
        assert brief.meta.usage.completion_tokens == sum(u["completion_tokens"] for u in served) > 0
        assert brief.meta.attempts == len(relay.exchanges)


def _usage(exchange) -> dict:
    """The usage block the server sent: in its reply, or in the last chunk of a streamed one."""
    if "chunks" not in exchange.reply:
        return exchange.reply["usage"]
    return next(c["usage"] for c in reversed(exchange.reply["chunks"]) if c.get("usage"))


def _pieces(exchange) -> int:
    """The chunks of a streamed reply that carried text (llama.cpp sends one token in each)."""
    return sum(1 for chunk in exchange.reply["chunks"] for choice in chunk.get("choices") or ()
               if (choice.get("delta") or {}).get("content") is not None or (choice.get("delta") or {}).get("tool_calls"))


def _streamed_text(exchange) -> str:
    """The text a streamed reply carried: its content, or its tool call's arguments."""
    pieces = []
    for chunk in exchange.reply["chunks"]:
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            pieces.append(delta.get("content") or "")
            pieces += [(c.get("function") or {}).get("arguments") or "" for c in delta.get("tool_calls") or ()]
    return "".join(pieces)


def test_the_default_mode_sends_the_schema_as_llama_cpp_takes_it_and_gets_json_of_its_shape(relay, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", relay.url,
                                 "--model", MODEL, "--timeout", "120", "--deadline", "600"])
    first = relay.exchanges[0]
    assert first.status == 200 and first.request["stream"] is True
    sent = first.request["response_format"]
    assert sent["type"] == "json_object" and "headline" in sent["schema"]["properties"]
    for exchange in relay.exchanges:
        assert exchange.request["response_format"] == sent
        text, pieces = _streamed_text(exchange), _pieces(exchange)
        if pieces >= exchange.request["max_tokens"]:
            continue  # cut at its budget (the backend then asks with a larger one): no whole object
        # the server's grammar holds a finished reply to the schema: an object with its required
        # keys (its strings may hold raw newlines, which the grammar allows and strict JSON does not)
        reply = json.loads(text, strict=False)
        assert isinstance(reply, dict) and set(sent["schema"]["required"]) <= set(reply)
    if result.exit_code == 0:
        assert json.loads(result.stdout)["headline"]
    else:  # the model's judgement, said in one line; never a protocol mismatch
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.stderr
        # a 135M model may ramble past any budget: also its judgement, and said so
        assert "no valid brief" in result.stderr or "the reply was truncated" in result.stderr
        assert "refused" not in result.stderr


def test_json_schema_mode_is_translated_for_this_server(relay):
    with Summarizer(backend="openai", base_url=relay.url, model=MODEL, mode="json_schema", api_key="local",
                    timeout=120, max_output_tokens=512) as summarizer:
        try:
            brief = summarizer.summarize(ARTICLE)
            assert brief.meta.mode == "json_schema"
        except ValidationFailedError:
            pass  # the model's judgement
    assert {e.request["response_format"]["type"] for e in relay.exchanges} == {"json_object"}
    assert all(e.status == 200 for e in relay.exchanges)


def test_json_schema_sent_as_is_is_refused_in_one_call_and_one_line(relay, tmp_path, monkeypatch):
    # "x", the usual placeholder key of a local server, must not blank out the letter x in messages
    monkeypatch.setenv("OPENAI_API_KEY", "x")
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", relay.url,
                                 "--model", MODEL, "--mode", "json_schema", "--server", "generic"])
    assert result.exit_code == 1 and len(relay.exchanges) == 1 and relay.exchanges[0].status == 500
    assert relay.exchanges[0].request["response_format"]["type"] == "json_schema"
    assert result.stderr.count("\n") == 1, result.stderr
    assert "response_format.type: Input should be 'text' or 'json_object' (sent 'json_schema')" in result.stderr
    assert "pass --mode auto" in result.stderr and "[redacted]" not in result.stderr


def test_the_deadline_ends_the_call_with_one_line_and_no_retry(relay, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE * 6, encoding="utf-8")  # a prompt the server takes seconds to read
    started = time.monotonic()
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", relay.url,
                                 "--model", MODEL, "--timeout", "1", "--deadline", "1"])
    took = time.monotonic() - started
    assert result.exit_code == 1 and took < 6, (took, result.stderr)
    assert result.stderr.count("\n") == 1 and "timed out" in result.stderr and "not retried" in result.stderr
    assert len(relay.exchanges) == 1  # a local server is not sent the same work again


def test_a_reply_cut_at_its_budget_is_recognised_and_asked_again_larger(relay):
    with Summarizer(backend="openai", base_url=relay.url, model=MODEL, mode="tools", api_key="local",
                    timeout=120, max_output_tokens=16, max_output_tokens_ceiling=32) as summarizer:
        with pytest.raises(ValidationFailedError) as raised:
            summarizer.summarize(ARTICLE)
    assert [e.request["max_tokens"] for e in relay.exchanges] == [16, 32]
    assert "truncated: cut off at max_tokens=16, then at max_tokens=32" in str(raised.value)
