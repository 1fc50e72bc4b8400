"""Replies of reasoning models (DeepSeek-R1, Qwen3, QwQ): the reasoning is set aside, counted in
meta, and never parsed as the brief. Over real HTTP to the loopback server."""

from __future__ import annotations

import asyncio
import json

import pytest

import loopback as lb
from summarizer.errors import ValidationFailedError
from summarizer.finish import merged
from summarizer.models import Brief, BriefMeta, GroundingReport
from test_llm_backend import ARTICLE, REPLY, make

# Reasoning as these models write it: prose with braces and a half-drafted JSON object, so
# a parser that sees it fails (or, worse, takes it for the reply).
REASONING = (
    "The article is about Brazil and Portugal. Scratchpad: {\"headline\": \"Brazil meets Portugal\", "
    "\"figures\": [12 percent} -- no, the figure needs {value, unit}. Keep the evidence verbatim."
)
JSON_REPLY = json.dumps(REPLY, ensure_ascii=False)


def names(brief) -> list[str]:
    return [p.name for p in brief.participants]


@pytest.mark.parametrize(
    ("mode", "content"),
    [
        ("json", f"<think>{REASONING}</think>\n{JSON_REPLY}"),
        ("json_schema", f"<think>{REASONING}</think>\n\n{JSON_REPLY}"),
        ("json", f"\n  <think>{REASONING}</think>{JSON_REPLY}"),  # whitespace before the block
        ("md_json", f"<think>{REASONING}</think>\n```json\n{JSON_REPLY}\n```"),
    ],
    ids=["json", "json_schema", "json-leading-whitespace", "md_json"],
)
def test_a_think_block_before_the_json_is_set_aside_and_counted(loopback, mode, content):
    loopback.enqueue(lb.raw_content(content, usage=(900, 400)))
    brief = make(loopback, mode=mode).summarize(ARTICLE)

    assert names(brief) == ["Tomas Aveiro", "Ines Carvalho"]
    assert brief.figures[0].value == 12 and brief.meta.grounding.grounding_rate == 1.0
    assert brief.meta.reasoning_chars == len(REASONING)
    assert brief.meta.attempts == 1 and len(loopback.requests) == 1
    assert brief.meta.warnings == []
    assert "Scratchpad" not in brief.model_dump_json()  # the reasoning is not the brief


@pytest.mark.parametrize("field", ["reasoning_content", "reasoning"])  # vLLM / DeepSeek, and newer vLLM
@pytest.mark.parametrize("mode", ["tools", "json", "json_schema"])
def test_a_reasoning_field_beside_the_reply_is_counted_not_parsed(loopback, mode, field):
    loopback.enqueue(lb.brief(REPLY, message={field: REASONING}))
    brief = make(loopback, mode=mode).summarize(ARTICLE)

    assert names(brief) == ["Tomas Aveiro", "Ines Carvalho"]
    assert brief.meta.reasoning_chars == len(REASONING)
    assert brief.meta.attempts == 1 and len(loopback.requests) == 1


def test_in_tools_mode_a_think_block_in_the_content_beside_the_tool_call_breaks_nothing(loopback):
    loopback.enqueue(lb.brief(REPLY, message={"content": f"<think>{REASONING}</think>\n"}))
    brief = make(loopback, mode="tools").summarize(ARTICLE)

    assert names(brief) == ["Tomas Aveiro", "Ines Carvalho"]
    assert brief.meta.reasoning_chars == len(REASONING)


@pytest.mark.parametrize(
    "only_thinking",
    [f"<think>{REASONING}</think>", f"<think>{REASONING}</think>\n\n  ", f"  <think>{REASONING}"],
    ids=["closed", "closed-then-whitespace", "unclosed"],
)
@pytest.mark.parametrize("mode", ["json", "md_json"])
def test_a_reply_that_is_only_reasoning_is_re_asked_like_any_invalid_reply(loopback, mode, only_thinking):
    loopback.enqueue(lb.raw_content(only_thinking), lb.brief(REPLY))
    brief = make(loopback, mode=mode).summarize(ARTICLE)

    assert names(brief) == ["Tomas Aveiro", "Ines Carvalho"]
    assert len(loopback.requests) == 2 and brief.meta.attempts == 2
    assert brief.meta.reasoning_chars == len(REASONING)
    # the re-ask echoes what was parsed, not the reasoning: the prompt does not grow by it
    assert "Scratchpad" not in json.dumps(loopback.requests[1].body["messages"])


def test_only_reasoning_every_time_fails_after_max_reasks_plus_one_requests(loopback):
    loopback.default = lb.raw_content(f"<think>{REASONING}</think>")
    with pytest.raises(ValidationFailedError) as caught:
        make(loopback, mode="json", max_reasks=2).summarize(ARTICLE)
    assert len(loopback.requests) == 3 and caught.value.attempts == 3


def test_the_reasoning_field_is_not_sent_back_on_a_re_ask(loopback):
    # DeepSeek's API refuses a request whose messages carry reasoning_content (HTTP 400)
    bad = {**REPLY, "topics": [{**REPLY["topics"][0], "category": "politics"}]}
    loopback.enqueue(lb.brief(bad, message={"reasoning_content": REASONING}), lb.brief(REPLY))
    brief = make(loopback, mode="tools").summarize(ARTICLE)

    assert len(loopback.requests) == 2 and brief.meta.reasoning_chars == len(REASONING)
    assert "reasoning_content" not in json.dumps(loopback.requests[1].body["messages"])


def test_reasoning_is_counted_in_async_briefs_too(loopback):
    loopback.enqueue(lb.raw_content(f"<think>{REASONING}</think>\n{JSON_REPLY}"))

    async def run():
        summarizer = make(loopback, mode="json")
        try:
            return await summarizer.asummarize(ARTICLE)
        finally:
            await summarizer.aclose()

    brief = asyncio.run(run())
    assert brief.meta.reasoning_chars == len(REASONING)


def test_a_think_tag_inside_the_reply_is_left_alone(loopback):
    # only a block at the start is reasoning; the same tag inside a field is the model's text
    reply = {**REPLY, "headline": "<think> Brazil and Portugal ministers meet in Lisbon"}
    loopback.enqueue(lb.brief(reply))
    brief = make(loopback, mode="json").summarize(ARTICLE)
    assert brief.headline.startswith("<think> Brazil") and brief.meta.reasoning_chars == 0


def test_the_parts_of_a_long_article_add_up_their_reasoning():
    metas = [BriefMeta(backend="openai", prompt_version="p", reasoning_chars=n) for n in (120, 0, 30)]
    brief = merged(Brief.model_validate({"headline": "h", "summary": "s"}), metas, GroundingReport(), 1.0)
    assert brief.meta.reasoning_chars == 150
