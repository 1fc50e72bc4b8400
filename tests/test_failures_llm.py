"""Failure behaviour of the LLM path, for real: the openai client and instructor over HTTP
against the loopback server. Each test pins one documented behaviour (README, "Failure
behaviour"): how many calls the server sees, how long it takes, what the user is told.

Cases already pinned elsewhere are not repeated here: 429 + Retry-After then 200, and
retry-after-ms over Retry-After (tests/test_llm_backend.py); rate-limit headers slowing a
batch (tests/test_batch_runner.py, tests/test_batch_ratelimit.py).
"""

from __future__ import annotations

import asyncio
import copy
import json
import time

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer import Summarizer, prompts
from summarizer.backends.openai import backend as llm_backend
from summarizer.batch.ratelimit import parse_duration
from summarizer.cli import app
from summarizer.errors import (
    AccessError,
    APIRequestError,
    QuotaExhaustedError,
    TransportError,
    ValidationFailedError,
)
from summarizer.backends.openai.structured import MAX_REASK_ECHO_CHARS, MAX_REASK_ERROR_CHARS
from summarizer.backends.openai.transport import retry_after_seconds
from summarizer.models import AlignmentStatus
from test_cli import run_cli
from test_llm_backend import ARTICLE, REPLY

SENTINEL_KEY = "sk-SENTINEL-7f3a9"
MODES = ["tools", "json_schema", "json", "md_json"]
runner = CliRunner()


def make(server: lb.LoopbackServer, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    return Summarizer(backend="openai", base_url=server.url, api_key=SENTINEL_KEY, model="loopback-model", **options)


def summarize(server: lb.LoopbackServer, *, run_async: bool = False, **options):
    summarizer = make(server, **options)
    if not run_async:
        with summarizer:
            return summarizer.summarize(ARTICLE)

    async def run():
        async with summarizer:
            return await summarizer.asummarize(ARTICLE)

    return asyncio.run(run())


def assert_no_key(*texts: str | bytes) -> None:
    for text in texts:
        assert (SENTINEL_KEY.encode() if isinstance(text, bytes) else SENTINEL_KEY) not in text


# --- 1. Retry-After: the parsing behind the tested waits ------------------------------------


@pytest.mark.parametrize(
    "headers, seconds",
    [
        ({"retry-after": "1"}, 1.0),
        ({"retry-after": "1", "retry-after-ms": "150"}, 0.15),  # the millisecond header wins
        ({"retry-after": "Thu, 01 Jan 1970 00:00:00 GMT"}, 0.0),  # a date in the past: no wait
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers, seconds):
    assert retry_after_seconds(headers) == seconds


# --- 2. an exhausted quota ----------------------------------------------------------------------


@pytest.mark.wallclock
@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
def test_insufficient_quota_is_not_retried_and_says_what_to_do(loopback, run_async):
    loopback.default = lb.quota_exhausted(headers={"Retry-After": "1"})  # a wait would not help
    with pytest.raises(QuotaExhaustedError) as caught:
        summarize(loopback, run_async=run_async)
    assert len(loopback.requests) == 1 and time.monotonic() - loopback.requests[0].time < 0.5
    error = caught.value
    assert isinstance(error, APIRequestError) and error.exit_code == 4 and error.stops_job
    assert (error.status_code, error.attempts) == (429, 1)
    assert "quota is exhausted" in error.message and "plan and billing" in error.message


def test_a_rate_limit_429_is_still_retried(loopback):
    loopback.enqueue(lb.error(429, headers={"retry-after-ms": "50"}), lb.brief(REPLY))
    assert summarize(loopback).meta.transport_retries == 1 and len(loopback.requests) == 2


def test_cli_brief_exits_4_with_one_line_on_an_exhausted_quota(loopback, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    loopback.default = lb.quota_exhausted()
    env = {"OPENAI_BASE_URL": loopback.url, "OPENAI_API_KEY": SENTINEL_KEY, "SUMMARIZER_MODEL": "loopback-model"}
    result = run_cli("brief", "--backend", "openai", str(article), env=env)
    assert result.returncode == 4 and result.stdout == b""
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: the account's API quota is exhausted")
    assert b"Traceback" not in result.stderr and len(loopback.requests) == 1
    assert_no_key(result.stderr)


# --- 3. a server that keeps failing -------------------------------------------------------------


def test_persistent_503_makes_exactly_the_documented_number_of_calls(loopback):
    loopback.default = lb.error(503, message="upstream overloaded")
    with pytest.raises(TransportError) as caught:
        summarize(loopback)  # the default budget: transport_attempts=4
    assert len(loopback.requests) == 4 and caught.value.attempts == 4
    assert caught.value.message == "API unavailable after 4 attempt(s): HTTP 503: upstream overloaded"
    assert not caught.value.stops_job


# --- 4. requests the API refuses ------------------------------------------------------------------

REFUSED = {
    "401": (lb.error(401, message=f"Incorrect API key provided: {SENTINEL_KEY}."), AccessError,
            "check OPENAI_API_KEY"),
    "403": (lb.error(403, message=f"Key {SENTINEL_KEY} may not use this model."), AccessError,
            "no access to this model"),
    "404-model": (lb.error(404, message="The model `loopback-model` does not exist.", code="model_not_found"),
                  AccessError, "unknown model 'loopback-model'"),
    "400-context": (lb.error(400, code="context_length_exceeded", message=(
        "This model's maximum context length is 128000 tokens. However, your messages resulted in "
        f"131072 tokens. ({SENTINEL_KEY})")), APIRequestError, "too long for the model's context window"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refused_requests_are_not_retried_and_name_the_fix_without_the_key(loopback, case):
    reply, kind, hint = REFUSED[case]
    loopback.default = reply
    with pytest.raises(APIRequestError) as caught:
        summarize(loopback)
    error = caught.value
    assert len(loopback.requests) == 1 and type(error) is kind and error.exit_code == 1
    assert hint in error.message and f"HTTP {reply.status}" in error.message
    assert error.stops_job is (kind is AccessError)  # a too-long article does not doom the others
    assert_no_key(error.message, str(error), repr(error))
    if case == "400-context":
        assert "SUMMARIZER_MAX_INPUT_TOKENS" in error.message


@pytest.mark.parametrize("case", list(REFUSED))
def test_cli_brief_exits_1_with_one_line_and_never_the_key(loopback, tmp_path, case):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    reply, _, hint = REFUSED[case]
    loopback.default = reply
    env = {"OPENAI_API_KEY": SENTINEL_KEY, "OPENAI_BASE_URL": loopback.url, "SUMMARIZER_MODEL": "loopback-model"}
    result = runner.invoke(app, ["brief", "--backend", "openai", "--model", "loopback-model", str(article)], env=env)
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summarizer: error: API refused the request") and hint in lines[0]
    assert "Traceback" not in result.stderr
    assert_no_key(result.stdout, result.stderr)


# --- 5. a server that never answers, or trickles ----------------------------------------------------
# Documented bounds: each HTTP request ends within `timeout` (sync: within `timeout` plus the
# gap between two bytes of a trickle); a call and its retries end within `deadline`.


@pytest.mark.wallclock
@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
def test_a_server_that_never_answers_times_out_each_attempt(loopback, run_async):
    loopback.default = lb.hang()
    with pytest.raises(TransportError, match=r"after 3 attempt\(s\): timed out \(no whole reply within 0.5 s\)"):
        # retry_timeouts: what a remote server gets (one on a private network is not asked again)
        summarize(loopback, run_async=run_async, timeout=0.5, transport_attempts=3, retry_timeouts=True)
    times = [r.time for r in loopback.requests]
    assert len(times) == 3
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert all(0.5 <= gap < 0.9 for gap in gaps), gaps  # the timeout, then a wait of at most 0.05 s


@pytest.mark.wallclock
@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
def test_a_trickling_reply_is_cut_by_the_timeout_and_retries_stop_at_the_deadline(loopback, run_async):
    loopback.default = lb.trickle(0.2)  # a byte every 0.2 s: each read succeeds, the reply never ends
    with pytest.raises(TransportError, match="timed out"):
        summarize(loopback, run_async=run_async, timeout=0.5, deadline=1.8, transport_attempts=10, retry_timeouts=True)
    took = time.monotonic() - loopback.requests[0].time
    # attempts start at about 0, 0.55, 1.1 and 1.65 s; the last has only the 0.15 s left
    assert 3 <= len(loopback.requests) <= 4, len(loopback.requests)  # far below the 10 allowed
    assert 1.8 - 0.1 <= took <= 1.8 + 0.25, took  # sync may overrun by one 0.2 s gap between bytes


# --- 7. replies that fail validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda r: r["topics"][0].update(category="politics"), "topics[0].category: Input should be 'diplomacy'"),
        (lambda r: r["figures"][0].update(value="twelve"), "figures[0].value.float: Input should be a valid number"),
        (lambda r: r.pop("summary"), "summary: Field required"),
    ],
    ids=["enum", "number", "missing"],
)
def test_always_invalid_makes_max_reasks_plus_one_calls_and_names_the_field(loopback, change, expected):
    bad = copy.deepcopy(REPLY)
    change(bad)
    loopback.default = lb.brief(bad, usage=(100, 10))
    with pytest.raises(ValidationFailedError) as caught:
        summarize(loopback, max_reasks=1)
    assert len(loopback.requests) == 2 and caught.value.attempts == 2
    assert caught.value.message.startswith("no valid brief after 2 attempt(s); last validation error: ")
    assert expected in caught.value.message and len(caught.value.message) < 600


@pytest.mark.parametrize("mode", MODES)
def test_a_schema_violation_then_a_valid_reply_sums_the_usage_of_both(loopback, mode):
    bad = copy.deepcopy(REPLY)
    bad["figures"][0]["qualifier"] = "roughly"
    loopback.enqueue(lb.brief(bad, usage=(100, 20)), lb.brief(REPLY, usage=(130, 40)))
    brief = summarize(loopback, mode=mode)
    assert len(loopback.requests) == 2 and brief.meta.attempts == 2
    assert (brief.meta.usage.prompt_tokens, brief.meta.usage.completion_tokens) == (230, 60)


def body_size(request: lb.RecordedRequest) -> int:
    return len(json.dumps(request.body, ensure_ascii=False))


@pytest.mark.parametrize("mode", MODES)
def test_re_ask_prompts_stay_bounded_however_long_the_bad_reply(loopback, mode):
    huge = '{"headline": "' + "Lisbon talks " * 1600  # 20 KB, and not even valid JSON
    loopback.default = lb.raw_content(huge)
    with pytest.raises(ValidationFailedError):
        summarize(loopback, mode=mode)
    first, second, third = loopback.requests
    bound = MAX_REASK_ECHO_CHARS + MAX_REASK_ERROR_CHARS + 800  # + the wrapping of one re-ask turn
    assert body_size(second) - body_size(first) <= bound
    assert body_size(third) - body_size(first) <= 2 * bound < len(huge)
    for message in third.body["messages"]:  # echoed tool calls stay valid JSON for servers that parse them
        for call in message.get("tool_calls") or []:
            assert json.loads(call["function"]["arguments"])["cut_reply"].startswith('{"headline": "Lisbon talks')


@pytest.mark.parametrize("mode", ["tools", "json"])
def test_messages_are_never_mutated_between_articles(loopback, monkeypatch, mode):
    handed = []

    def recorded_messages(text):
        result = prompts.messages(text)
        handed.append((result, copy.deepcopy(result)))
        return result

    monkeypatch.setattr(llm_backend, "messages", recorded_messages)
    loopback.enqueue(lb.raw_content("not json"), lb.raw_content("still not json"), lb.brief(REPLY), lb.brief(REPLY))
    with make(loopback, mode=mode) as summarizer:
        summarizer.summarize(ARTICLE)  # two re-asks
        summarizer.summarize(ARTICLE)
    # (messages() also serves to count a request's tokens before it is sent)
    assert len(handed) >= 2 and all(given == snapshot for given, snapshot in handed)
    first, *_, next_article = loopback.requests
    assert len(loopback.requests) == 4
    assert next_article.body["messages"] == first.body["messages"]


# --- 8. a reply cut off by the output budget ----------------------------------------------------------


@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
def test_a_truncated_reply_is_asked_again_once_with_twice_the_budget(loopback, run_async):
    loopback.enqueue(lb.length(REPLY, usage=(100, 4096)), lb.brief(REPLY, usage=(100, 300)))
    brief = summarize(loopback, run_async=run_async, max_output_tokens=4096)
    assert [r.body["max_tokens"] for r in loopback.requests] == [4096, 8192]
    assert len(loopback.requests[1].body["messages"]) == 2  # a fresh request, not a re-ask of the cut reply
    assert brief.meta.attempts == 2 and brief.meta.usage.completion_tokens == 4396
    assert brief.figures[0].value == 12


def test_truncated_twice_fails_after_two_calls_saying_how_to_raise_the_budget(loopback):
    loopback.default = lb.length(REPLY)
    with pytest.raises(ValidationFailedError) as caught:
        summarize(loopback, max_output_tokens=3000)
    assert [r.body["max_tokens"] for r in loopback.requests] == [3000, 6000]
    message = caught.value.message
    assert message.startswith("the reply was truncated: cut off at max_tokens=3000, then at max_tokens=6000 when "
                              "asked again")
    assert "now 3000" not in message  # the last budget tried was 6000: no figure may read as "the budget now"
    assert "raise max_output_tokens above 6000" in message


def test_truncated_at_the_ceiling_says_the_ceiling_is_what_to_raise(loopback):
    loopback.default = lb.length(REPLY)
    with pytest.raises(ValidationFailedError) as caught:
        summarize(loopback, max_output_tokens=3000, max_output_tokens_ceiling=4000)
    assert [r.body["max_tokens"] for r in loopback.requests] == [3000, 4000]
    message = caught.value.message
    assert "then at max_tokens=4000" in message
    assert "raise max_output_tokens_ceiling above 4000" in message


@pytest.mark.parametrize(
    "budget, ceiling, sent",
    [(4096, 6000, [4096, 6000]), (16384, 16384, [16384]), (None, 16384, [None])],
    ids=["capped-at-the-ceiling", "already-at-the-ceiling", "no-budget-to-raise"],
)
def test_the_larger_budget_never_passes_the_ceiling(loopback, budget, ceiling, sent):
    loopback.default = lb.length(REPLY)
    with pytest.raises(ValidationFailedError, match="truncated"):
        summarize(loopback, max_output_tokens=budget or 0, max_output_tokens_ceiling=ceiling)
    assert [r.body.get("max_tokens") for r in loopback.requests] == sent


# --- 9. unknown keys, refusals, empty replies ----------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_unknown_keys_are_re_asked_not_dropped(loopback, mode):
    extra = copy.deepcopy(REPLY)
    extra["sentiment"] = "positive"
    extra["figures"][0]["confidence"] = 0.9
    loopback.enqueue(lb.brief(extra), lb.brief(REPLY))
    brief = summarize(loopback, mode=mode)
    assert len(loopback.requests) == 2 and brief.meta.attempts == 2
    feedback = json.dumps(loopback.requests[1].body["messages"][2:])
    assert "sentiment" in feedback and "confidence" in feedback and "Extra inputs are not permitted" in feedback


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "reply, expected",
    [
        (lb.refusal("I can't help with that request."), "the model refused: I can't help with that request."),
        (lb.no_tool_call(""), "last validation error: "),
        (lb.no_tool_call("Here is a summary in prose instead."), "last validation error: "),
    ],
    ids=["refusal", "empty", "prose"],
)
def test_refusals_and_empty_replies_are_re_asked_then_a_validation_failure(loopback, mode, reply, expected):
    loopback.default = reply
    with pytest.raises(ValidationFailedError) as caught:  # never an AttributeError or TypeError
        summarize(loopback, mode=mode)
    assert len(loopback.requests) == 3 and caught.value.attempts == 3
    assert expected in caught.value.message
    # the re-ask carries the error back to the model
    assert len(loopback.requests[2].body["messages"]) > len(loopback.requests[0].body["messages"])


def test_a_refusal_then_a_valid_reply_gives_the_brief(loopback):
    loopback.enqueue(lb.refusal(), lb.brief(REPLY))
    brief = summarize(loopback)
    assert len(loopback.requests) == 2 and brief.meta.attempts == 2 and len(brief.participants) == 2


# --- 10. invented figures and quotes ------------------------------------------------------------------


def fabricated_reply() -> dict:
    reply = copy.deepcopy(REPLY)
    reply["figures"].append(
        {"text": "US$3 billion", "value": 3_000_000_000, "value_max": None, "unit": "USD", "qualifier": "exact",
         "measure": "Brazilian investment in Portuguese ports", "period": None, "speaker": "Tomas Aveiro",
         "evidence": "Brazil will invest US$3 billion in Portuguese ports"})
    reply["security_concerns"].append(
        {"issue": "cyber attacks on ports", "region": "Lisbon", "raised_by": "Ines Carvalho",
         "evidence": "Carvalho said cyber attacks on the port of Lisbon had doubled"})
    return reply


def test_fabricated_figures_and_quotes_are_re_asked_then_flagged_and_counted(loopback):
    loopback.default = lb.brief(fabricated_reply())
    brief = summarize(loopback)
    assert len(loopback.requests) == 3 and brief.meta.attempts == 3
    feedback = json.dumps(loopback.requests[1].body["messages"][2:])
    assert "figures[1].evidence" in feedback and "security_concerns[1].evidence" in feedback
    assert "not found in the article" in feedback
    grounding = brief.meta.grounding
    assert (grounding.excerpts, grounding.exact, grounding.fuzzy, grounding.not_found, grounding.dropped_items) == (
        5, 3, 0, 2, 0)
    assert grounding.grounding_rate == pytest.approx(0.6)
    assert [f.evidence_span.status for f in brief.figures] == [AlignmentStatus.exact, AlignmentStatus.not_found]
    assert "ungrounded after re-asks: figures[1].evidence" in brief.meta.warnings
    assert "ungrounded after re-asks: security_concerns[1].evidence" in brief.meta.warnings


def test_fabricated_figures_and_quotes_are_dropped_and_counted_with_drop(loopback):
    loopback.default = lb.brief(fabricated_reply())
    brief = summarize(loopback, ungrounded="drop")
    assert len(loopback.requests) == 3
    assert [f.text for f in brief.figures] == ["12 percent"]
    assert [c.issue for c in brief.security_concerns] == ["drug trafficking across the Atlantic"]
    grounding = brief.meta.grounding
    assert (grounding.not_found, grounding.dropped_items) == (2, 2)
    assert len(brief.participants) == 2 and len(brief.topics) == 1


def test_fabricated_evidence_fixed_on_re_ask_leaves_nothing_flagged(loopback):
    loopback.enqueue(lb.brief(fabricated_reply(), usage=(100, 50)), lb.brief(REPLY, usage=(150, 40)))
    brief = summarize(loopback)
    assert len(loopback.requests) == 2 and brief.meta.usage.total_tokens == 340
    assert (brief.meta.grounding.excerpts, brief.meta.grounding.not_found) == (3, 0)
    assert not [w for w in brief.meta.warnings if w.startswith("ungrounded")]


# --- 6. rate-limit header durations (the rest is in tests/test_batch_ratelimit.py) ----------------------


@pytest.mark.parametrize("text, seconds", [("1.5s", 1.5), ("1m30.5s", 90.5), ("0s", 0.0), ("500ms", 0.5)])
def test_parse_duration_more_forms(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


# --- a 200 reply that holds no completion -----------------------------------------------------------


@pytest.mark.parametrize("run_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    "body, said",
    [({"error": {"message": "model 'm' is still loading", "type": "server_error"}},
      "answered HTTP 200 with an error instead of a reply: model 'm' is still loading"),
     ({"id": "c1", "object": "chat.completion", "created": 0, "model": "m", "choices": []},
      "answered HTTP 200 with no choices in its reply; check that --model names a model this server serves")],
    ids=["error-object", "no-choices"],
)
def test_a_200_reply_without_a_completion_says_what_the_server_said(loopback, body, said, run_async):
    loopback.enqueue(lb.raw_json(body))
    with pytest.raises(TransportError) as caught:
        summarize(loopback, run_async=run_async)
    assert caught.value.message == f"the server {said}"
    assert len(loopback.requests) == 1  # not re-asked as if the model had written something invalid


# --- a request the server's own validation refuses, sent as a 500 (llama-cpp-python's server) -----------

# How llama-cpp-python 0.3's server answers a request its pydantic model refuses: HTTP 500,
# a validation error and a traceback in error.message (written here in that shape).
VALIDATION_500 = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), "
    "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n  File \"/srv/llama_cpp/server/app.py\", line 376, "
    "in create_chat_completion\n    POST /v1/chat/completions"
)


def test_a_500_that_is_a_request_validation_error_is_not_retried_and_is_one_line_naming_the_mode(loopback, tmp_path):
    loopback.default = lb.error(500, message=VALIDATION_500, type="internal_server_error")
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url,
                                 "--model", "m", "--mode", "json_schema"])
    assert result.exit_code == 1 and len(loopback.requests) == 1  # the same request would be refused again
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(
        "summarizer: error: the server refused the request as invalid (HTTP 500, its request validation): "
        "response_format.type: Input should be 'text' or 'json_object' (sent 'json_schema'); "
        "this server does not take --mode json_schema: pass --mode auto (tries each mode this server takes), "
        "--mode json or --mode tools")
    assert "app.py" not in result.stderr


def test_a_500_of_another_kind_is_still_retried(loopback):
    loopback.enqueue(lb.error(500, message="CUDA error: out of memory"), lb.brief(REPLY))
    brief = make(loopback).summarize(ARTICLE)
    assert len(loopback.requests) == 2 and brief.meta.transport_retries == 1


@pytest.mark.parametrize("key, said", [
    ("x", "response_format: expected 'text' or 'json_object'"),  # the usual placeholder of a local server
    ("ollama", "model 'm' not found, try pulling it first with ollama pull m"),  # Ollama's documented key
])
def test_a_placeholder_key_under_8_characters_never_blanks_out_a_message(loopback, tmp_path, monkeypatch, key, said):
    # local servers take any key, and no key anyone could steal is this short
    monkeypatch.setenv("OPENAI_API_KEY", key)
    loopback.default = lb.error(400, message=said)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(article), "--backend", "openai", "--base-url", loopback.url,
                                 "--model", "m"])
    assert result.exit_code == 1 and said in result.stderr, result.stderr
    assert "[redacted]" not in result.stderr


@pytest.mark.parametrize("status", [400, 503])
def test_a_server_error_over_several_lines_is_told_in_one(loopback, status):
    loopback.default = lb.error(status, message="Traceback (most recent call last):\n  File x\nValueError: bad\n")
    with pytest.raises((APIRequestError, TransportError)) as raised:
        summarize(loopback, transport_attempts=1)
    assert "\n" not in str(raised.value) and "Traceback (most recent call last): File x ValueError: bad" in str(raised.value)
