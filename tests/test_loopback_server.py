"""The loopback server, driven by the real openai client and a real instructor client."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import instructor
import openai
import pytest
from instructor.core import IncompleteOutputException, InstructorRetryException
from pydantic import BaseModel

from loopback import LoopbackServer, brief, delay, drop, error, length, raw_content

MODEL = "test-model"
MESSAGES = [{"role": "user", "content": "Summarize: talks were held."}]


class Headline(BaseModel):
    headline: str
    countries: list[str]


PAYLOAD = {"headline": "Talks held", "countries": ["RU", "TJ"]}


@pytest.fixture
def client(loopback: LoopbackServer) -> Iterator[openai.OpenAI]:
    """The real openai client pointed at the loopback server, without SDK retries."""
    with openai.OpenAI(base_url=loopback.url, api_key="sk-test", max_retries=0) as client:
        yield client


def test_plain_completion_round_trip(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(brief(PAYLOAD, usage=(120, 30), cached_tokens=64))

    completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)

    assert completion.model == MODEL
    assert completion.choices[0].finish_reason == "stop"
    assert completion.choices[0].message.content == '{"headline": "Talks held", "countries": ["RU", "TJ"]}'
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (120, 30)
    assert completion.usage.total_tokens == 150
    assert completion.usage.prompt_tokens_details.cached_tokens == 64
    assert loopback.pending == 0


def test_requests_are_recorded(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(brief(PAYLOAD))

    client.chat.completions.create(model=MODEL, messages=MESSAGES, temperature=0)

    (request,) = loopback.requests
    assert request.method == "POST"
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert request.body["model"] == MODEL
    assert request.body["messages"] == MESSAGES
    assert request.body["temperature"] == 0
    assert isinstance(request.time, float)


def test_path_without_v1_is_accepted(loopback: LoopbackServer) -> None:
    loopback.enqueue(brief(PAYLOAD))
    base_url = loopback.url.removesuffix("/v1")
    with openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0) as client:
        completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert completion.choices[0].message.content is not None
    assert loopback.requests[0].path == "/chat/completions"


@pytest.mark.parametrize(
    "mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.JSON, instructor.Mode.MD_JSON]
)
def test_brief_parses_in_every_instructor_mode(
    loopback: LoopbackServer, client: openai.OpenAI, mode: instructor.Mode
) -> None:
    loopback.enqueue(brief(PAYLOAD))
    structured = instructor.from_openai(client, mode=mode)

    result = structured.chat.completions.create(
        model=MODEL, messages=MESSAGES, response_model=Headline, max_retries=0
    )

    assert isinstance(result, Headline)
    assert result.model_dump() == PAYLOAD
    body = loopback.requests[0].body
    if mode is instructor.Mode.TOOLS:
        assert body["tool_choice"] == {"type": "function", "function": {"name": "Headline"}}
    elif mode is instructor.Mode.JSON_SCHEMA:
        assert body["response_format"]["type"] == "json_schema"
    elif mode is instructor.Mode.JSON:
        assert body["response_format"] == {"type": "json_object"}
    else:
        assert "tools" not in body and "response_format" not in body


def test_tool_form_names_the_requested_function(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(brief(PAYLOAD))
    tool = {"type": "function", "function": {"name": "Brief", "parameters": {"type": "object"}}}

    completion = client.chat.completions.create(
        model=MODEL, messages=MESSAGES, tools=[tool], tool_choice="auto"
    )

    choice = completion.choices[0]
    assert choice.message.content is None
    assert choice.message.tool_calls[0].function.name == "Brief"
    assert json.loads(choice.message.tool_calls[0].function.arguments) == PAYLOAD
    assert choice.finish_reason == "tool_calls"  # the model chose the tool (tool_choice auto)


def test_md_json_reply_is_fenced(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(brief(PAYLOAD), brief(PAYLOAD, fenced=True))
    plain = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    forced = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert not plain.choices[0].message.content.startswith("```")
    assert forced.choices[0].message.content.startswith("```json\n{")
    assert forced.choices[0].message.content.endswith("}\n```")


def test_raw_content_is_sent_verbatim(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(raw_content('{"headline": "Talks'))
    structured = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)

    with pytest.raises(InstructorRetryException):
        structured.chat.completions.create(model=MODEL, messages=MESSAGES, response_model=Headline, max_retries=0)


def test_extra_message_fields_and_no_usage_block(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(brief(PAYLOAD, usage=None, message={"reasoning_content": "First, the talks."}))

    completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)

    message = completion.choices[0].message
    assert message.reasoning_content == "First, the talks."
    assert json.loads(message.content) == PAYLOAD
    assert completion.usage is None


def test_rate_limit_error_carries_its_headers(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(
        error(429, message="Rate limit reached", headers={"Retry-After": "1", "x-ratelimit-remaining-requests": "0"})
    )

    with pytest.raises(openai.RateLimitError) as caught:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)

    exc = caught.value
    assert exc.status_code == 429
    assert exc.response.headers["retry-after"] == "1"
    assert exc.response.headers["x-ratelimit-remaining-requests"] == "0"
    assert exc.code == "rate_limit_exceeded"
    assert exc.body["message"] == "Rate limit reached"


def test_drop_is_a_connection_error(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(drop(), brief(PAYLOAD))

    with pytest.raises(openai.APIConnectionError) as caught:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert not isinstance(caught.value, openai.APITimeoutError)

    # The same client recovers on a fresh connection.
    assert client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content
    assert len(loopback.requests) == 2


def test_empty_script_answers_script_exhausted(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert caught.value.status_code == 500
    assert "script exhausted" in caught.value.message


def test_default_reply_is_settable(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.default = brief(PAYLOAD)
    for _ in range(2):
        assert client.chat.completions.create(model=MODEL, messages=MESSAGES).choices[0].message.content


@pytest.mark.wallclock
def test_delay_past_the_client_timeout_raises_timeout(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(delay(3.0, brief(PAYLOAD)))

    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        client.chat.completions.create(model=MODEL, messages=MESSAGES, timeout=0.5)
    elapsed = time.monotonic() - started

    assert 0.4 < elapsed < 1.5


def test_short_delay_then_reply(loopback: LoopbackServer, client: openai.OpenAI) -> None:
    loopback.enqueue(delay(0.2, brief(PAYLOAD)))
    started = time.monotonic()
    completion = client.chat.completions.create(model=MODEL, messages=MESSAGES)
    assert time.monotonic() - started >= 0.2
    assert completion.choices[0].message.content


@pytest.mark.wallclock
def test_stop_ends_a_pending_delay_quickly() -> None:
    server = LoopbackServer().start()
    server.enqueue(delay(10, brief(PAYLOAD)))
    with openai.OpenAI(base_url=server.url, api_key="sk-test", max_retries=0) as own:
        outcome: list[BaseException] = []

        def call() -> None:
            try:
                own.chat.completions.create(model=MODEL, messages=MESSAGES, timeout=5)
            except BaseException as exc:  # noqa: BLE001 - recorded for the assertion below
                outcome.append(exc)

        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        deadline = time.monotonic() + 2
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        started = time.monotonic()
        server.stop()
        caller.join(timeout=2)
        assert time.monotonic() - started < 1.0
    assert isinstance(outcome[0], openai.APIConnectionError)


@pytest.mark.parametrize("mode", [instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA, instructor.Mode.MD_JSON])
def test_length_raises_incomplete_output(
    loopback: LoopbackServer, client: openai.OpenAI, mode: instructor.Mode
) -> None:
    loopback.enqueue(length(PAYLOAD))
    structured = instructor.from_openai(client, mode=mode)

    with pytest.raises(IncompleteOutputException) as caught:
        structured.chat.completions.create(model=MODEL, messages=MESSAGES, response_model=Headline, max_retries=0)

    assert caught.value.last_completion.choices[0].finish_reason == "length"


def test_error_defaults_follow_the_api() -> None:
    assert (error(429).type, error(429).code) == ("requests", "rate_limit_exceeded")
    assert error(401).code == "invalid_api_key"
    assert error(503).type == "server_error"


def test_unknown_route_is_404_and_does_not_consume_the_script(
    loopback: LoopbackServer, client: openai.OpenAI
) -> None:
    loopback.enqueue(brief(PAYLOAD))
    with pytest.raises(openai.NotFoundError):
        client.models.list()
    assert loopback.pending == 1
    assert loopback.requests == [] and loopback.listings[0].method == "GET"  # GETs are kept apart
