"""Structured output through instructor: the one module that touches instructor's internals.

What we take from instructor, each pinned by ``tests/test_instructor_adapter.py`` so an
upgrade that changes it fails there, loudly, and not in production:

* the request handler of each mode (``mode_registry``), which writes the tools, the
  response format or the schema text into a request;
* its retry loop (``retry_sync`` / ``retry_async``), which parses a reply into the
  response model, passes ``context`` to its validators, and re-asks with the validation
  error appended to the messages, at most ``max_retries`` times;
* its exceptions: :data:`IncompleteOutput` for a reply cut off at ``max_tokens``, raised
  as it is, and :data:`RetriesExhausted` after the last re-ask, its ``__cause__`` the
  last validation error.

The request handler and the retry loop are called directly rather than through
``instructor.patch``: in tools and json_schema modes the schema parts do not depend on
the article and are prepared once, and ``patch`` would render the messages as Jinja
templates when a validation context is given (braces in an article are plain text).
What instructor echoes back on a re-ask is capped here too (:func:`cap_reasks`).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import instructor
from instructor import openai_schema
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from instructor.core.retry import retry_async, retry_sync
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.v2.validation import async_validators
from pydantic import ConfigDict, ValidationInfo, model_validator

from ...config import Mode
from ...models import BriefDraft
from .failures import capped

__all__ = [
    "BriefRequest",
    "IncompleteOutput",
    "MAX_REASK_ECHO_CHARS",
    "MAX_REASK_ERROR_CHARS",
    "RetriesExhausted",
    "Structured",
    "cap_reasks",
    "refusal_as_content",
    "strict_schema",
]

IncompleteOutput = IncompleteOutputException
RetriesExhausted = InstructorRetryException

INSTRUCTOR_MODES: dict[Mode, instructor.Mode] = {
    Mode.tools: instructor.Mode.TOOLS,
    Mode.json_schema: instructor.Mode.JSON_SCHEMA,
    Mode.json: instructor.Mode.JSON,
    Mode.md_json: instructor.Mode.MD_JSON,
}
_PREPARED_ONCE = {instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA}
# The key of the validation context under which a call's check of each draft travels.
CHECK = "check"
# instructor echoes the whole failed reply and the whole error text on every re-ask; each
# is cut to these sizes, so a re-ask adds at most a few KB however long the bad reply.
MAX_REASK_ECHO_CHARS = 2000
MAX_REASK_ERROR_CHARS = 2000


class _CachedSchema:
    """Builds the JSON Schema of a model once; later calls get a copy (callers may mutate it)."""

    _schemas: dict[tuple[Any, ...], dict[str, Any]] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _CachedSchema._schemas:
            _CachedSchema._schemas[key] = super().model_json_schema(*args, **kwargs)  # type: ignore[misc]
        return copy.deepcopy(_CachedSchema._schemas[key])


class BriefRequest(_CachedSchema, openai_schema(BriefDraft)):  # type: ignore[misc]
    """The response model handed to instructor, prepared once per process.

    instructor wraps a plain model in a new class on every call and rebuilds its JSON
    Schema each time (milliseconds of CPU per article); a model that already is an
    instructor schema class is used as it is, and its schema is built once. A draft is
    checked by the function its call passed as ``context["check"]`` (grounding against
    the article sent), so a failed check is a validation error instructor re-asks.
    """

    model_config = ConfigDict(title="brief")

    @model_validator(mode="after")
    def _checked_by_its_call(self, info: ValidationInfo) -> BriefRequest:
        check = (info.context or {}).get(CHECK)
        if check is not None:
            check(self)
        return self


# instructor walks the whole response model for async validators on every call (0.6 ms
# of CPU for a brief); BriefRequest has none, and a class does not grow any, so it is
# checked once here and skipped after. Every other model is still walked each time.
_reject_async_validators = async_validators.reject_async_validators
_reject_async_validators(BriefRequest)


def _reject_async_validators_once(response_model: Any) -> None:
    if response_model is not BriefRequest:
        _reject_async_validators(response_model)


async_validators.reject_async_validators = _reject_async_validators_once


class Structured:
    """Requests for briefs in one mode, and instructor's parse-validate-re-ask loop around a ``create``."""

    def __init__(self, mode: Mode) -> None:
        self.mode = INSTRUCTOR_MODES[mode]
        self._handlers = mode_registry.get_handlers(Provider.OPENAI, self.mode)
        self._static: dict[str, Any] | None = None
        if self.mode in _PREPARED_ONCE:
            self._model, prepared = self._handlers.request_handler(response_model=BriefRequest, kwargs={"messages": []})
            self._static = {k: v for k, v in prepared.items() if k != "messages"}

    def request(self, messages: list[dict[str, str]], options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        """(the response model, the request) as instructor would send it in this mode."""
        if self._static is not None:
            # a copy: instructor appends each re-ask to the list it is given
            return self._model, {**self._static, **options, "messages": list(messages)}
        return self._handlers.request_handler(
            response_model=BriefRequest, kwargs={**options, "messages": copy.deepcopy(messages)}
        )

    def run(self, create: Callable[..., Any], messages: list[dict[str, str]], options: dict[str, Any],
            max_retries: int, check: Callable[[Any], None]) -> Any:
        """The validated draft from ``create`` (called with the request as keyword arguments)."""
        model, kwargs = self.request(messages, options)
        return retry_sync(func=create, response_model=model, args=(), kwargs=kwargs, context={CHECK: check},
                          max_retries=max_retries, mode=self.mode, provider=Provider.OPENAI, strict=True)

    async def arun(self, create: Callable[..., Any], messages: list[dict[str, str]], options: dict[str, Any],
                   max_retries: int, check: Callable[[Any], None]) -> Any:
        """The async form of :meth:`run`."""
        model, kwargs = self.request(messages, options)
        return await retry_async(func=create, response_model=model, args=(), kwargs=kwargs, context={CHECK: check},
                                 max_retries=max_retries, mode=self.mode, provider=Provider.OPENAI, strict=True)


def refusal_as_content(response: Any) -> str | None:
    """A refusal as the reply's text, so instructor re-asks it like any invalid reply.

    instructor's tools mode meets a refusal with a bare AssertionError, which is never
    re-asked; as content without a tool call it is a parse error, re-asked with the
    refusal echoed. Returns the refusal, if any.
    """
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if choices else None
    refusal = getattr(message, "refusal", None)
    if not refusal or message is None or getattr(message, "tool_calls", None):
        return None
    message.content, message.refusal = refusal, None
    return str(refusal)


def cap_reasks(messages: list[Any]) -> list[Any]:
    """The messages with every re-ask turn (all after the first user message) cut to a fixed size.

    Echoed tool-call arguments stay valid JSON (some servers parse them): a long one
    becomes ``{"cut_reply": "<its start>..."}``.
    """
    first_user = next((i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"), None)
    if first_user is None or first_user == len(messages) - 1:
        return messages
    kept = list(messages[: first_user + 1])
    for message in messages[first_user + 1 :]:
        if not isinstance(message, dict):
            kept.append(message)
            continue
        limit = MAX_REASK_ECHO_CHARS if message.get("role") == "assistant" else MAX_REASK_ERROR_CHARS
        message = dict(message)
        if isinstance(message.get("content"), str):
            message["content"] = capped(message["content"], limit)
        if message.get("tool_calls"):
            message["tool_calls"] = [_cap_tool_call(c, limit) for c in message["tool_calls"]]
        kept.append(message)
    return kept


def _cap_tool_call(tool_call: Any, limit: int) -> Any:
    function = tool_call.get("function") if isinstance(tool_call, dict) else None
    arguments = function.get("arguments") if isinstance(function, dict) else None
    if not isinstance(arguments, str) or len(arguments) <= limit:
        return tool_call
    cut = json.dumps({"cut_reply": capped(arguments, limit)}, ensure_ascii=False)
    return {**tool_call, "function": {**function, "arguments": cut}}


_STRICT_UNSUPPORTED = {"minLength", "maxLength", "default", "title"}


def strict_schema(model: type[BriefDraft]) -> dict[str, Any]:
    """``model``'s JSON Schema without keywords that strict structured outputs refuse."""

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: clean(value)
                for key, value in node.items()
                if key not in _STRICT_UNSUPPORTED or isinstance(value, dict)
            }
        if isinstance(node, list):
            return [clean(item) for item in node]
        return node

    return clean(copy.deepcopy(model.model_json_schema()))


def strict_response_format() -> dict[str, Any]:
    """The ``response_format`` of OpenAI's strict structured outputs for a brief (a fresh copy)."""
    return {"type": "json_schema", "json_schema": {"name": "brief", "strict": True, "schema": strict_schema(BriefDraft)}}
