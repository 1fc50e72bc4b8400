"""What each kind of server is sent for a structured reply: the room for server dialects.

instructor prepares a request for OpenAI's API; a dialect turns it into what one kind of
server accepts (the table :data:`DIALECTS`, keyed by server kind). Today there is one,
OpenAI's, which every OpenAI-compatible server is sent; vLLM's guided decoding,
llama.cpp's ``json_object`` with ``schema`` and Ollama's ``format`` are rows to add here.
"""

from __future__ import annotations

from typing import Any

from ...config import Mode, Settings
from .structured import cap_reasks, strict_response_format
from .tokens import SCHEMA_PARTS


class OpenAIDialect:
    """The request as OpenAI's chat completions API takes it, from the one instructor prepared.

    instructor's json_schema mode sends a non-strict schema; structured outputs need
    ``strict: true`` and a schema without keywords the strict grammar refuses. The schema
    parts and the messages, plain JSON already, travel as ``extra_body`` (which the openai
    client documents as merged over the body, its keys winning): the client's type-driven
    transform of the parameters would otherwise walk them on every call, about a
    millisecond of CPU per request. Re-ask turns are capped (:func:`cap_reasks`).
    """

    def __init__(self, mode: Mode) -> None:
        self._strict = strict_response_format() if mode is Mode.json_schema else None

    def __call__(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self._strict is not None and "response_format" in kwargs:
            kwargs = {**kwargs, "response_format": self._strict}
        moved = {key: kwargs[key] for key in SCHEMA_PARTS if key in kwargs}
        if "messages" in kwargs:
            moved["messages"] = cap_reasks(kwargs["messages"])
        if not moved:
            return kwargs
        kwargs = {key: value for key, value in kwargs.items() if key not in moved}
        kwargs["extra_body"] = {**kwargs.get("extra_body", {}), **moved}
        if "messages" in moved:
            kwargs["messages"] = []  # a required parameter; the body's messages come from extra_body
        return kwargs


DIALECTS = {"openai": OpenAIDialect}


def dialect_for(settings: Settings) -> OpenAIDialect:
    """The dialect of the server ``settings`` point at (every server speaks OpenAI's today)."""
    return DIALECTS["openai"](settings.mode)
