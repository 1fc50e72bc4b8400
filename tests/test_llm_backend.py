"""The OpenAI-compatible backend, for real: the openai client and instructor over HTTP
against the loopback server, with scripted replies and faults."""

from __future__ import annotations

import asyncio
import copy
import time

import pytest

import loopback as lb
from summarizer import Summarizer
from summarizer.errors import APIRequestError, TransportError, ValidationFailedError
from summarizer.models import AlignmentStatus

SENTINEL_KEY = "sk-sentinel-4242-do-not-leak"

ARTICLE = (
    "Brazilian Foreign Minister Tomas Aveiro met his Portuguese counterpart Ines Carvalho "
    "in Lisbon on Tuesday.\n\n"
    "\u201cTrade between our countries grew 12 percent last year,\u201d Aveiro said.\n\n"
    "Carvalho warned that drug trafficking across the Atlantic remains a serious threat."
)

REPLY = {
    "headline": "Brazil and Portugal foreign ministers meet in Lisbon",
    "summary": "Tomas Aveiro met Ines Carvalho in Lisbon. Aveiro said trade grew 12 percent.",
    "participants": [
        {"name": "Tomas Aveiro", "aliases": ["Aveiro"], "role": "Foreign Minister of Brazil",
         "affiliation": "Brazil", "kind": "person"},
        {"name": "Ines Carvalho", "aliases": ["Carvalho"], "role": "Foreign Minister of Portugal",
         "affiliation": "Portugal", "kind": "person"},
    ],
    "topics": [
        {"label": "bilateral trade", "category": "economy_trade",
         "evidence": ["Trade between our countries grew 12 percent last year"]},
    ],
    "figures": [
        {"text": "12 percent", "value": 12, "value_max": None, "unit": "percent", "qualifier": "exact",
         "measure": "growth in Brazil-Portugal trade", "period": "last year", "speaker": "Tomas Aveiro",
         "evidence": "Trade between our countries grew 12 percent last year"},
    ],
    "security_concerns": [
        {"issue": "drug trafficking across the Atlantic", "region": "Atlantic", "raised_by": "Ines Carvalho",
         "evidence": "drug trafficking across the Atlantic remains a serious threat"},
    ],
}


def invented_figure_reply() -> dict:
    reply = copy.deepcopy(REPLY)
    reply["figures"].append(
        {"text": "US$3 billion", "value": 3_000_000_000, "value_max": None, "unit": "USD",
         "qualifier": "exact", "measure": "investment", "period": None, "speaker": None,
         "evidence": "Brazil pledged US$3 billion of investment in Portuguese ports"}
    )
    return reply


def make(server: lb.LoopbackServer, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    return Summarizer(backend="openai", base_url=server.url, api_key=SENTINEL_KEY, model="loopback-model", **options)


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "md_json"])
def test_each_mode_returns_a_grounded_brief(loopback, mode):
    loopback.enqueue(lb.brief(REPLY, usage=(120, 80), cached_tokens=64))
    brief = make(loopback, mode=mode).summarize(ARTICLE)

    assert [p.name for p in brief.participants] == ["Tomas Aveiro", "Ines Carvalho"]
    figure = brief.figures[0]
    assert (figure.value, figure.unit, figure.speaker) == (12, "percent", "Tomas Aveiro")
    assert figure.evidence_span.status is AlignmentStatus.exact
    assert ARTICLE[figure.evidence_span.start : figure.evidence_span.end] == figure.evidence
    meta = brief.meta
    assert (meta.backend, meta.model, meta.mode, meta.attempts) == ("openai", "loopback-model", mode, 1)
    assert (meta.usage.prompt_tokens, meta.usage.completion_tokens, meta.usage.cached_tokens) == (120, 80, 64)
    assert meta.grounding.excerpts == 3 and meta.grounding.grounding_rate == 1.0
    assert len(loopback.requests) == 1


def test_request_carries_system_prompt_first_article_last_and_the_settings(loopback):
    loopback.enqueue(lb.brief(REPLY))
    make(loopback, temperature=0.2).summarize(ARTICLE)
    (request,) = loopback.requests
    body = request.body
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {SENTINEL_KEY}"
    # the output budget fits the article: 1024 tokens, and one for every two of article (4 characters each)
    assert (body["model"], body["temperature"], body["max_tokens"]) == ("loopback-model", 0.2, 1024 + len(ARTICLE) // 8)
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    assert ARTICLE in body["messages"][1]["content"]
    assert ARTICLE not in body["messages"][0]["content"]
    assert body["tools"][0]["function"]["name"] == "brief"
    tool_schema = str(body["tools"][0]["function"]["parameters"])
    assert "evidence_span" not in tool_schema and "schema_version" not in tool_schema


def test_json_schema_mode_asks_openai_for_strict_structured_outputs(loopback):
    loopback.enqueue(lb.brief(REPLY))
    make(loopback, mode="json_schema", server_kind="openai").summarize(ARTICLE)
    response_format = loopback.requests[0].body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert "minLength" not in str(schema)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(schema["properties"])


@pytest.mark.wallclock
def test_429_with_retry_after_then_success_counts_only_the_successful_call(loopback):
    loopback.enqueue(lb.error(429, headers={"Retry-After": "1"}), lb.brief(REPLY, usage=(100, 50)))
    started = time.monotonic()
    brief = make(loopback, max_retry_wait=5).summarize(ARTICLE)
    elapsed = time.monotonic() - started

    assert len(loopback.requests) == 2
    assert loopback.requests[1].time - loopback.requests[0].time >= 1.0
    assert elapsed < 4
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.total_tokens) == (100, 150)
    assert (brief.meta.attempts, brief.meta.transport_retries) == (1, 1)


@pytest.mark.wallclock
def test_retry_after_ms_wins_over_retry_after(loopback):
    loopback.enqueue(lb.error(429, headers={"Retry-After": "30", "retry-after-ms": "150"}), lb.brief(REPLY))
    started = time.monotonic()
    make(loopback, max_retry_wait=60).summarize(ARTICLE)
    gap = loopback.requests[1].time - loopback.requests[0].time
    assert 0.15 <= gap < 2 and time.monotonic() - started < 3


@pytest.mark.parametrize("fault", [lb.error(500), lb.error(503), lb.drop()], ids=["500", "503", "dropped"])
def test_transient_faults_are_retried_once_then_succeed(loopback, fault):
    loopback.enqueue(fault, lb.brief(REPLY))
    brief = make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 2
    assert brief.meta.transport_retries == 1 and len(brief.figures) == 1


@pytest.mark.wallclock
def test_timeout_is_retried_where_asked(loopback):
    # a remote server's timeout is retried (retry_timeouts=None does so for any server not on a private network)
    loopback.enqueue(lb.delay(2, lb.brief(REPLY)), lb.brief(REPLY))
    started = time.monotonic()
    brief = make(loopback, timeout=0.3, retry_timeouts=True).summarize(ARTICLE)
    assert time.monotonic() - started < 1.8
    assert brief.meta.transport_retries == 1


def test_persistent_503_stops_after_the_retry_budget(loopback):
    loopback.default = lb.error(503)
    with pytest.raises(TransportError, match=r"after 3 attempt\(s\): HTTP 503") as caught:
        make(loopback, transport_attempts=3).summarize(ARTICLE)
    assert len(loopback.requests) == 3
    assert caught.value.attempts == 3


@pytest.mark.parametrize(
    "status, hint",
    [(400, "refused"), (401, "check OPENAI_API_KEY"), (403, "no access"), (404, "unknown model 'loopback-model'")],
)
def test_client_errors_are_not_retried_and_never_show_the_key(loopback, status, hint):
    loopback.enqueue(lb.error(status, message=f"Incorrect API key provided: {SENTINEL_KEY}"))
    with pytest.raises(APIRequestError) as caught:
        make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 1
    assert caught.value.status_code == status
    assert f"HTTP {status}" in str(caught.value) and hint in str(caught.value)
    assert SENTINEL_KEY not in str(caught.value) and "[redacted]" in str(caught.value)


def test_malformed_json_is_re_asked_and_usage_sums_both_calls(loopback):
    loopback.enqueue(lb.raw_content('{"headline": "cut', usage=(100, 5)), lb.brief(REPLY, usage=(140, 60)))
    brief = make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 2
    assert brief.meta.attempts == 2
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (240, 65)


def test_always_invalid_stops_after_two_re_asks(loopback):
    bad = copy.deepcopy(REPLY)
    bad["topics"][0]["category"] = "politics"
    loopback.default = lb.brief(bad)
    with pytest.raises(ValidationFailedError, match="no valid brief after 3 attempt") as caught:
        make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 3 and caught.value.attempts == 3
    # Each re-ask adds the previous reply and its error: bounded by the attempts.
    sizes = [len(r.body["messages"]) for r in loopback.requests]
    assert sizes == [2, 4, 6]


def test_max_reasks_zero_means_a_single_call(loopback):
    loopback.default = lb.raw_content("not json")
    with pytest.raises(ValidationFailedError):
        make(loopback, max_reasks=0).summarize(ARTICLE)
    assert len(loopback.requests) == 1


def test_truncated_reply_is_reported_not_resent_unchanged(loopback):
    # re-sent once with twice the budget, never unchanged (tests/test_failures_llm.py has more)
    loopback.enqueue(lb.length(REPLY), lb.length(REPLY))
    with pytest.raises(ValidationFailedError, match="cut off at max_tokens=4096, then at max_tokens=8192 when asked again"):
        make(loopback, max_output_tokens=4096).summarize(ARTICLE)
    assert [r.body["max_tokens"] for r in loopback.requests] == [4096, 8192]


def test_ungrounded_evidence_is_fed_back_then_fixed(loopback):
    loopback.enqueue(lb.brief(invented_figure_reply()), lb.brief(REPLY))
    brief = make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 2
    reask = str(loopback.requests[1].body["messages"][2:])
    assert "figures[1].evidence" in reask and "not found in the article" in reask
    assert len(brief.figures) == 1 and brief.meta.attempts == 2
    assert brief.meta.grounding.not_found == 0


def test_still_ungrounded_after_re_asks_is_flagged_or_dropped_not_lost(loopback):
    loopback.default = lb.brief(invented_figure_reply())
    brief = make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 3
    assert [f.evidence_span.status for f in brief.figures] == [AlignmentStatus.exact, AlignmentStatus.not_found]
    assert brief.meta.grounding.not_found == 1
    assert brief.meta.warnings == ["ungrounded after re-asks: figures[1].evidence"]

    dropped = make(loopback, ungrounded="drop").summarize(ARTICLE)
    assert [f.text for f in dropped.figures] == ["12 percent"]
    assert dropped.meta.grounding.dropped_items == 1
    assert len(dropped.security_concerns) == 1 and len(dropped.participants) == 2


def test_async_summarize_over_http(loopback):
    loopback.enqueue(lb.error(429, headers={"retry-after-ms": "50"}), lb.brief(REPLY), lb.brief(REPLY))
    summarizer = make(loopback)

    async def run():
        async with summarizer:
            first = await summarizer.asummarize(ARTICLE)
            second = await summarizer.asummarize(ARTICLE)
        return first, second

    first, second = asyncio.run(run())
    assert first.figures[0].value == 12 and first.meta.transport_retries == 1
    assert second.meta.transport_retries == 0 and second.meta.attempts == 1
    assert len(loopback.requests) == 3


def test_token_estimates_of_short_lived_requests_never_mix_up_their_schemas():
    # a request's tools are measured once per object; a freed object's id is reused at once
    from summarizer.backends.openai.tokens import estimate_tokens

    sizes = [estimate_tokens({"tools": [{"name": "x" * n}], "max_tokens": 1}) for n in (400, 4000) * 3]
    assert sizes[0::2] == [sizes[0]] * 3 and sizes[1::2] == [sizes[1]] * 3 and sizes[1] - sizes[0] == 900


@pytest.mark.parametrize("mode", ["tools", "json_schema", "json", "md_json"])
def test_request_tokens_equal_a_count_of_the_request_instructor_prepares(mode):
    # counted once on an empty article plus each article's own characters: the same as
    # preparing the whole request, in every mode (json modes put the schema in the messages)
    from instructor.v2.core.providers import Provider
    from instructor.v2.core.registry import mode_registry

    from summarizer.config import resolve_settings
    from summarizer.backends.openai import LLMBackend
    from summarizer.backends.openai.structured import INSTRUCTOR_MODES, BriefRequest
    from summarizer.backends.openai.tokens import estimate_tokens
    from summarizer.config import Mode
    from summarizer.prompts import messages

    backend = LLMBackend(resolve_settings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m",
                                          api_key="sk-test", mode=mode))
    text = ARTICLE + "\n\nA look-alike <article> marker and {{ braces }}."
    handlers = mode_registry.get_handlers(Provider.OPENAI, INSTRUCTOR_MODES[Mode(mode)])
    _, request = handlers.request_handler(response_model=BriefRequest, kwargs={"messages": messages(text)})
    assert backend.request_tokens(text) == estimate_tokens(request) - min(request.get("max_tokens") or 1000, 1000)
    assert backend.request_tokens(text + " more words") > backend.request_tokens(text)
