"""A server that read far fewer prompt tokens than were sent cut the prompt (Ollama truncates
it to its num_ctx without an error): the brief says so in meta.warnings and one WARNING."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

import loopback as lb
from summarizer.backends.openai import LLMBackend
from test_llm_backend import ARTICLE, REPLY, make

# About 5,200 tokens in tools mode (counted as characters / 4, the article's request whole):
# past the floor of the check, and under the default max_input_tokens, so sent in one part.
FILLER = "The ministers also discussed a programme of cultural exchanges between universities. "
LONG_ARTICLE = ARTICLE + "\n\n" + "\n\n".join([FILLER * 4] * 40)


def estimate(summarizer, text: str) -> float:
    return LLMBackend(summarizer.settings).request_tokens(text)


def cut_warnings(brief) -> list[str]:
    return [w for w in brief.meta.warnings if "prompt tokens" in w]


def test_a_prompt_read_far_below_what_was_sent_is_one_warning_with_the_numbers(loopback, caplog):
    summarizer = make(loopback)
    sent = estimate(summarizer, LONG_ARTICLE)
    assert 4_500 < sent < 6_000  # the article above is what this test is about
    loopback.enqueue(lb.brief(REPLY, usage=(2048, 300)))

    with caplog.at_level(logging.WARNING):
        brief = summarizer.summarize(LONG_ARTICLE)

    about = f"{round(sent, -2):,.0f}"
    (warning,) = cut_warnings(brief)
    assert warning.startswith(f"the server read 2,048 prompt tokens of about {about} sent: it cut the prompt")
    assert "num_ctx" in warning and "OLLAMA_CONTEXT_LENGTH" in warning and "--max-input-tokens" in warning
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "prompt tokens" in r.getMessage()]
    assert logged == [warning]
    assert len(brief.participants) == 2 and brief.meta.usage.prompt_tokens == 2048


def test_the_cut_is_reported_once_however_many_re_asks(loopback, caplog):
    bad = {**REPLY, "topics": [{**REPLY["topics"][0], "category": "politics"}]}
    loopback.enqueue(lb.brief(bad, usage=(2048, 300)), lb.brief(bad, usage=(2048, 300)), lb.brief(REPLY, usage=(2048, 300)))

    with caplog.at_level(logging.WARNING):
        brief = make(loopback).summarize(LONG_ARTICLE)

    assert len(loopback.requests) == 3 and len(cut_warnings(brief)) == 1
    assert len([r for r in caplog.records if "prompt tokens" in r.getMessage()]) == 1


def test_the_cut_is_reported_by_async_briefs_too(loopback):
    loopback.enqueue(lb.brief(REPLY, usage=(2048, 300)))

    async def run():
        summarizer = make(loopback)
        try:
            return await summarizer.asummarize(LONG_ARTICLE)
        finally:
            await summarizer.aclose()

    (warning,) = cut_warnings(asyncio.run(run()))
    assert re.match(r"the server read 2,048 prompt tokens of about [\d,]+ sent", warning)


@pytest.mark.parametrize(
    "usage",
    [
        "read-all",  # the tokens the server counted, a little more than characters / 4
        "good-tokenizer",  # a tokenizer 30% more frugal than characters / 4: not a cut
        None,  # a server that reports no usage
        (0, 0),  # or reports zeros
    ],
)
def test_no_warning_when_the_server_read_the_prompt_or_said_nothing(loopback, caplog, usage):
    summarizer = make(loopback)
    sent = estimate(summarizer, LONG_ARTICLE)
    usage = {"read-all": (int(sent * 1.1), 300), "good-tokenizer": (int(sent * 0.7), 300)}.get(usage, usage)
    loopback.enqueue(lb.brief(REPLY, usage=usage))

    with caplog.at_level(logging.WARNING):
        brief = summarizer.summarize(LONG_ARTICLE)

    assert brief.meta.warnings == [] and len(brief.participants) == 2
    assert [r for r in caplog.records if "prompt tokens" in r.getMessage()] == []


def test_a_short_prompt_never_warns_whatever_the_server_counts(loopback):
    # below the floor: a server that does not count its cached prefix (the system prompt and
    # schema alone are about 1,800 tokens) could report a fraction of a short request
    summarizer = make(loopback)
    assert estimate(summarizer, ARTICLE) < 4_096
    loopback.enqueue(lb.brief(REPLY, usage=(120, 80)))
    assert summarizer.summarize(ARTICLE).meta.warnings == []
