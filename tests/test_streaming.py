"""Slow local models: a streamed reply is cut for stalling, not for being slow; every call ends
by its deadline; a local server is not sent abandoned work again; a reply cut at its budget is
recognised whatever ``finish_reason`` says; the output budget fits the article.

The real openai client and instructor over HTTP to the loopback server, which streams
server-sent events when asked to.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer import Summarizer
from summarizer.cli import app
from summarizer.errors import TransportError
from test_llm_backend import ARTICLE, REPLY

runner = CliRunner()


def make(server: lb.LoopbackServer, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    return Summarizer(backend="openai", base_url=server.url, api_key="sk-test-streaming", model="m", **options)


def run(summarizer: Summarizer, run_async: bool):
    """The brief of ARTICLE, from summarize() or asummarize()."""
    if not run_async:
        with summarizer:
            return summarizer.summarize(ARTICLE)

    async def go():
        async with summarizer:
            return await summarizer.asummarize(ARTICLE)

    return asyncio.run(go())


def slow(pieces: int, interval: float, **options) -> lb.Completion:
    return lb.Completion(json.dumps(REPLY), usage=(321, 123), stream_pieces=pieces, stream_interval=interval, **options)


@pytest.mark.parametrize("run_async", [False, True])
def test_a_local_server_is_streamed_and_its_usage_counted_from_the_last_chunk(loopback, run_async):
    loopback.models = [{"id": "m", "object": "model", "created": 0, "owned_by": "me"}]  # llama-cpp-python
    loopback.enqueue(slow(6, 0.0))
    summarizer = make(loopback)
    brief = run(summarizer, run_async)
    body = loopback.requests[0].body
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert brief.headline == REPLY["headline"] and len(brief.participants) == len(REPLY["participants"])
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (321, 123)


def test_a_generic_server_is_not_streamed_unless_asked(loopback):
    loopback.enqueue(lb.brief(REPLY), slow(3, 0.0))
    with make(loopback) as summarizer:
        summarizer.summarize(ARTICLE)
    with make(loopback, stream=True) as summarizer:
        summarizer.summarize(ARTICLE)
    assert "stream" not in loopback.requests[0].body and loopback.requests[1].body["stream"] is True


@pytest.mark.parametrize("run_async", [False, True])
def test_a_reply_slower_than_the_timeout_but_never_stalling_is_not_cut(loopback, run_async):
    loopback.enqueue(slow(8, 0.3))  # 2.4 s in all, never more than 0.3 s without a piece
    summarizer = make(loopback, stream=True, timeout=1.0)
    started = time.monotonic()
    brief = run(summarizer, run_async)
    assert time.monotonic() - started > 2.0 and brief.headline == REPLY["headline"]
    assert len(loopback.requests) == 1


@pytest.mark.wallclock
@pytest.mark.parametrize("run_async", [False, True])
def test_a_stalled_stream_is_cut_at_the_timeout_and_a_local_server_is_not_asked_again(loopback, run_async):
    loopback.default = slow(4, 0.0, stream_stall=8.0)  # one piece, then silence
    summarizer = make(loopback, stream=True, timeout=0.6)
    started = time.monotonic()
    with pytest.raises(TransportError) as raised:
        run(summarizer, run_async)
    assert time.monotonic() - started < 4.0
    assert len(loopback.requests) == 1  # 127.0.0.1: not queued behind the abandoned reply
    message = str(raised.value)
    assert "nothing from the server for 0.6 s" in message and "not retried" in message and "--timeout" in message


@pytest.mark.wallclock
@pytest.mark.parametrize("run_async", [False, True])
def test_the_deadline_ends_a_reply_that_keeps_coming(loopback, run_async):
    loopback.default = slow(40, 0.25)  # 10 s of steady pieces
    summarizer = make(loopback, stream=True, timeout=2.0, deadline=1.5)
    started = time.monotonic()
    with pytest.raises(TransportError, match=r"past the deadline of 1.5 s"):
        run(summarizer, run_async)
    assert 1.4 < time.monotonic() - started < 3.5


@pytest.mark.wallclock
def test_the_cli_takes_the_deadline_and_says_so_in_one_line(loopback, tmp_path):
    loopback.default = slow(40, 0.25)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url,
                                 "--model", "m", "--stream", "on", "--timeout", "2", "--deadline", "1"])
    assert result.exit_code == 1 and time.monotonic() - started < 4.0
    line = result.stderr.strip()
    assert "\n" not in line and "past the deadline of 1 s" in line and "--deadline (now 1)" in line, line


def test_an_unstreamed_timeout_to_a_local_server_is_not_retried(loopback):
    loopback.default = lb.delay(3.0, lb.brief(REPLY))
    with make(loopback, stream=False, timeout=0.5) as summarizer, pytest.raises(TransportError) as raised:
        summarizer.summarize(ARTICLE)
    assert len(loopback.requests) == 1 and "no whole reply within 0.5 s" in str(raised.value)


@pytest.mark.parametrize("stream", [False, True])
def test_a_reply_cut_at_its_budget_is_recognised_though_finish_reason_says_tool_calls(loopback, stream):
    whole = json.dumps(REPLY)
    # llama-cpp-python: the budget spent, the JSON unfinished, and finish_reason "tool_calls"
    loopback.enqueue(lb.Completion(whole[: len(whole) // 2], usage=(50, 300), finish_reason="tool_calls"),
                     lb.brief(REPLY))
    with make(loopback, stream=stream, mode="tools", max_output_tokens=300) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    budgets = [r.body.get("max_tokens") for r in loopback.requests]
    assert budgets == [300, 600] and brief.headline == REPLY["headline"]


def test_a_short_wrong_reply_is_not_taken_for_a_cut_one(loopback):
    # under budget: an invalid reply is re-asked with the same budget, not a larger one
    loopback.enqueue(lb.Completion('{"headline": ', usage=(50, 7), finish_reason="tool_calls"), lb.brief(REPLY))
    with make(loopback, mode="tools", max_output_tokens=300) as summarizer:
        summarizer.summarize(ARTICLE)
    assert [r.body.get("max_tokens") for r in loopback.requests] == [300, 300]


@pytest.mark.parametrize("characters, budget", [(400, 1074), (8_000, 2024), (40_000, 4096)])
def test_the_output_budget_fits_the_article(loopback, characters, budget):
    loopback.default = lb.brief(REPLY)
    article = (ARTICLE + " ") * (characters // len(ARTICLE) + 1)
    with make(loopback, mode="tools", max_input_tokens=60_000) as summarizer:
        summarizer.summarize(article[:characters])
    assert loopback.requests[0].body["max_tokens"] == budget


def test_an_explicit_budget_wins_and_zero_sends_none(loopback):
    loopback.default = lb.brief(REPLY)
    with make(loopback, mode="tools", max_output_tokens=3000) as summarizer:
        summarizer.summarize(ARTICLE)
    with make(loopback, mode="tools", max_output_tokens=0) as summarizer:
        summarizer.summarize(ARTICLE)
    assert loopback.requests[0].body["max_tokens"] == 3000 and "max_tokens" not in loopback.requests[1].body


def test_a_streamed_reply_without_usage_says_it_was_not_counted(loopback):
    loopback.enqueue(slow(3, 0.0, stream_usage=False), slow(3, 0.0))
    with make(loopback, stream=True) as summarizer:
        uncounted = summarizer.summarize(ARTICLE)
        counted = summarizer.summarize(ARTICLE)
    assert uncounted.meta.usage.total_tokens == 0
    assert [w for w in uncounted.meta.warnings if "no token usage" in w] == [
        "the server sent no token usage with its streamed reply, so meta.usage leaves it out "
        "(llama-cpp-python counts only unstreamed replies: --stream off)"]
    assert counted.meta.usage.total_tokens == 444 and not [w for w in counted.meta.warnings if "usage" in w]


def test_a_streamed_reply_cut_at_its_budget_is_recognised_without_usage(loopback):
    whole = json.dumps(REPLY)
    # 40 pieces of an unfinished reply, the budget 40, no usage, finish_reason "tool_calls"
    loopback.enqueue(lb.Completion(whole[:400], finish_reason="tool_calls", stream_pieces=40, stream_usage=False),
                     slow(4, 0.0))
    with make(loopback, stream=True, mode="tools", max_output_tokens=40) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    assert [r.body["max_tokens"] for r in loopback.requests] == [40, 80] and brief.headline == REPLY["headline"]


@pytest.mark.parametrize("mode", ["tools", "json"])
def test_a_bare_newline_inside_a_json_string_is_read_as_the_model_meant_it(loopback, mode):
    # llama.cpp's JSON grammar lets a model write a raw newline inside a string
    text = json.dumps(REPLY).replace(REPLY["summary"], REPLY["summary"].replace(" ", "\n", 1))
    assert "\n" in text
    loopback.enqueue(lb.Completion(text))
    with make(loopback, mode=mode) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    assert brief.summary == REPLY["summary"].replace(" ", "\n", 1) and len(loopback.requests) == 1


def test_a_streamed_reasoning_field_is_set_aside_and_counted(loopback):
    thinking = "First, who met whom? {not json}"
    loopback.enqueue(lb.Completion(json.dumps(REPLY), message={"reasoning_content": thinking}))
    with make(loopback, stream=True, mode="json") as summarizer:
        brief = summarizer.summarize(ARTICLE)
    assert brief.headline == REPLY["headline"] and brief.meta.reasoning_chars == len(thinking)
