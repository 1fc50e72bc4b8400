"""What we rely on from instructor, pinned in one place (see summarizer/backends/openai/structured.py).

These run instructor's real request handlers and retry loop with a ``create`` function of
our own that answers with real ``openai`` ChatCompletion objects: an instructor release
that changes one of these behaviours fails here, by name, before it reaches a user.
"""

from __future__ import annotations

import asyncio
import copy
import json

import pytest
from openai.types.chat import ChatCompletion

from summarizer.backends.openai.structured import (
    BriefRequest,
    IncompleteOutput,
    RetriesExhausted,
    Structured,
    strict_response_format,
)
from summarizer.config import Mode

DRAFT = {
    "headline": "Talks in Lisbon",
    "summary": "Ministers met in Lisbon.",
    "participants": [{"name": "Ana Duarte", "aliases": [], "role": None, "affiliation": None, "kind": "person"}],
    "topics": [],
    "figures": [],
    "security_concerns": [],
}
MESSAGES = [{"role": "system", "content": "You write briefs."}, {"role": "user", "content": "<article>x</article>"}]


def completion(mode: Mode, payload: dict | str, finish_reason: str = "stop") -> ChatCompletion:
    arguments = payload if isinstance(payload, str) else json.dumps(payload)
    message: dict = {"role": "assistant", "content": None}
    if mode is Mode.tools:
        message["tool_calls"] = [{"id": "call_1", "type": "function", "function": {"name": "brief", "arguments": arguments}}]
    else:
        message["content"] = f"```json\n{arguments}\n```" if mode is Mode.md_json else arguments
    return ChatCompletion.model_validate({
        "id": "c1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    })


class Server:
    """A ``create`` that records every request it is given and answers from a queue."""

    def __init__(self, mode: Mode, *replies: dict | str, finish_reason: str = "stop") -> None:
        self.mode, self.finish_reason = mode, finish_reason
        self.replies = list(replies)
        self.requests: list[dict] = []

    def __call__(self, **kwargs):
        # a snapshot: instructor appends each re-ask to the very list it sent before
        self.requests.append(copy.deepcopy(kwargs))
        return completion(self.mode, self.replies.pop(0), self.finish_reason)


@pytest.mark.parametrize("mode", [m for m in Mode if m is not Mode.auto])  # auto is a choice among these
def test_each_mode_prepares_the_schema_where_that_mode_sends_it(mode):
    _, request = Structured(mode).request(MESSAGES, {"model": "m"})
    assert request["model"] == "m"
    if mode is Mode.tools:
        (tool,) = request["tools"]
        assert tool["function"]["name"] == "brief" and "participants" in tool["function"]["parameters"]["properties"]
        assert request["tool_choice"]["function"]["name"] == "brief"
        assert request["messages"] == MESSAGES
    elif mode is Mode.json_schema:
        assert request["response_format"]["type"] == "json_schema"
        assert "participants" in json.dumps(request["response_format"])
        assert request["messages"] == MESSAGES
    else:  # json and md_json: the schema is written into the messages
        assert "tools" not in request and "participants" in json.dumps(request["messages"])
    assert MESSAGES[0]["content"] == "You write briefs."  # the caller's messages are not mutated


@pytest.mark.parametrize("mode", [m for m in Mode if m is not Mode.auto])  # auto is a choice among these
def test_a_valid_reply_is_parsed_into_our_own_class_and_checked_with_the_context(mode):
    server, checked = Server(mode, DRAFT), []
    draft = Structured(mode).run(server, MESSAGES, {"model": "m", "max_tokens": 99}, 2, checked.append)
    assert type(draft) is BriefRequest and draft.participants[0].name == "Ana Duarte"
    assert checked == [draft]  # the check given as validation context ran on the draft
    assert server.requests[0]["model"] == "m" and server.requests[0]["max_tokens"] == 99  # options pass through


def test_a_failed_check_is_re_asked_with_its_message_then_given_up_with_the_cause():
    server = Server(Mode.tools, DRAFT, DRAFT, DRAFT)

    def refuse(draft):
        raise ValueError("evidence 'x' is not in the article")

    with pytest.raises(RetriesExhausted) as caught:
        Structured(Mode.tools).run(server, MESSAGES, {}, 2, refuse)
    assert len(server.requests) == 3  # max_retries re-asks after the first attempt
    lengths = [len(r["messages"]) for r in server.requests]
    assert lengths[0] == 2 and lengths[1] > lengths[0] and lengths[2] > lengths[1]
    assert "is not in the article" in json.dumps(server.requests[1]["messages"][2:])
    assert len(MESSAGES) == 2  # the re-asks went into a copy, not the caller's list
    assert caught.value.n_attempts == 3 and caught.value.last_completion is not None
    assert "is not in the article" in str(caught.value.__cause__)


def test_an_unparseable_reply_is_re_asked_like_an_invalid_one():
    server = Server(Mode.json, "not json at all", DRAFT)
    draft = Structured(Mode.json).run(server, MESSAGES, {}, 1, lambda d: None)
    assert draft.headline == "Talks in Lisbon" and len(server.requests) == 2


def test_a_reply_cut_off_at_max_tokens_is_raised_at_once_as_incomplete_output():
    server = Server(Mode.tools, '{"headline": "Talks', finish_reason="length")
    with pytest.raises(IncompleteOutput):
        Structured(Mode.tools).run(server, MESSAGES, {"max_tokens": 10}, 2, lambda d: None)
    assert len(server.requests) == 1  # never re-asked: the caller decides on a larger budget


def test_the_async_loop_behaves_as_the_sync_one():
    replies = [DRAFT, DRAFT]

    async def create(**kwargs):
        return completion(Mode.tools, replies.pop(0))

    calls = []

    def check_once(draft):
        calls.append(draft)
        if len(calls) == 1:
            raise ValueError("fix it")

    draft = asyncio.run(Structured(Mode.tools).arun(create, MESSAGES, {}, 1, check_once))
    assert type(draft) is BriefRequest and len(calls) == 2 and replies == []


def test_braces_in_the_article_reach_the_server_as_written():
    article = [MESSAGES[0], {"role": "user", "content": "<article>{{ not a template }} {% raw %}</article>"}]
    server = Server(Mode.json, DRAFT)
    Structured(Mode.json).run(server, article, {}, 0, lambda d: None)
    assert "{{ not a template }} {% raw %}" in json.dumps(server.requests[0]["messages"])


def test_the_strict_response_format_has_no_keyword_strict_mode_refuses():
    text = json.dumps(strict_response_format())
    assert '"strict": true' in text and '"minLength"' not in text and '"default"' not in text


def test_the_async_validator_walk_is_skipped_for_our_model_only():
    # instructor's retry loop looks the check up in its module on every call; ours skips
    # the walk for BriefRequest (checked once at import) and still walks every other model
    import pydantic
    from instructor.core.retry import retry_sync
    from instructor.v2.validation import async_validators

    assert async_validators.reject_async_validators.__module__ == "summarizer.backends.openai.structured"

    class Marked(pydantic.BaseModel):
        name: str

        @async_validators.async_field_validator("name")
        async def check_name(self, value):  # pragma: no cover - never run: refused before
            return value

    with pytest.raises(ValueError, match="async validators are not supported"):
        retry_sync(func=lambda **kw: None, response_model=Marked, args=(), kwargs={"messages": MESSAGES})
    async_validators.reject_async_validators(BriefRequest)  # ours: no walk, no error
