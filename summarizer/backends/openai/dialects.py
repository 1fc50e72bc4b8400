"""What each kind of server is sent for a structured reply, and which modes ``auto`` tries.

instructor prepares a request for OpenAI's API; a dialect turns it into what one kind of
server accepts. The kind is known from ``--server`` or read once per backend from the
server's ``/v1/models`` (:func:`server_kind`). What differs between them:

* OpenAI: ``json_schema`` is structured outputs, with ``strict: true`` and a schema
  without the keywords the strict grammar refuses.
* llama.cpp (``llama-server`` and llama-cpp-python): ``response_format`` takes only
  ``text`` or ``json_object``; the schema goes in ``response_format.schema``, and it then
  constrains decoding with a grammar.
* vLLM (0.6 and later), Ollama (0.5 and later, which maps it to its ``format``) and LM
  Studio: ``response_format`` of type ``json_schema``, constrained, as instructor sends it.

``--mode auto`` tries the modes of :data:`AUTO_MODES` in order, strongest first; a mode
the server refuses is left for the next one (``backend.py``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ...config import Mode, ServerKind, Settings
from .structured import cap_reasks, strict_response_format
from .tokens import SCHEMA_PARTS

# Strongest first. OpenAI's API keeps tools, the mode its baselines were measured in; a
# server of unknown kind may ignore a response_format it does not know, and tools are
# the most widely implemented way to ask for a schema.
_CONSTRAINED_FIRST = (Mode.json_schema, Mode.tools, Mode.json)
AUTO_MODES: dict[ServerKind, tuple[Mode, ...]] = {
    ServerKind.openai: (Mode.tools, Mode.json_schema, Mode.json),
    ServerKind.vllm: _CONSTRAINED_FIRST,
    ServerKind.llamacpp: _CONSTRAINED_FIRST,
    ServerKind.ollama: _CONSTRAINED_FIRST,
    ServerKind.lmstudio: _CONSTRAINED_FIRST,
    ServerKind.generic: (Mode.tools, Mode.json_schema, Mode.json),
}
# Servers that run a model on hardware of their own: replies are slow, and streamed.
LOCAL_KINDS = frozenset({ServerKind.vllm, ServerKind.llamacpp, ServerKind.ollama, ServerKind.lmstudio})

# ``owned_by`` of the models each server lists (llama-cpp-python says "me").
_OWNERS = {"vllm": ServerKind.vllm, "llamacpp": ServerKind.llamacpp, "me": ServerKind.llamacpp,
           "library": ServerKind.ollama, "ollama": ServerKind.ollama, "organization_owner": ServerKind.lmstudio}
# The ports each server listens on unless told otherwise, for a server that lists nothing.
_PORTS = {11434: ServerKind.ollama, 1234: ServerKind.lmstudio}


def server_kind(settings: Settings, owners: list[str] | None) -> ServerKind:
    """The kind of server ``settings`` point at, from ``--server`` or the ``owned_by`` values it lists."""
    if settings.server_kind is not ServerKind.auto:
        return settings.server_kind
    if not settings.serves_own_models:
        return ServerKind.openai
    for owner in owners or ():
        if (kind := _OWNERS.get(owner.lower())) is not None:
            return kind
    try:
        port = urlsplit(settings.base_url or "").port
    except ValueError:
        port = None
    return _PORTS.get(port or 0, ServerKind.generic)


def needs_listing(settings: Settings) -> bool:
    """Whether the server's kind must be read from its ``/v1/models`` (nothing told us)."""
    return settings.server_kind is ServerKind.auto and settings.serves_own_models


def modes_for(settings: Settings, kind: ServerKind) -> tuple[Mode, ...]:
    """The modes to try, in order: the one chosen, or ``auto``'s list for this kind of server."""
    return AUTO_MODES[kind] if settings.mode is Mode.auto else (settings.mode,)


class Dialect:
    """The request as one kind of server takes it, from the one instructor prepared.

    The schema parts and the messages, plain JSON already, travel as ``extra_body``
    (which the openai client documents as merged over the body, its keys winning): the
    client's type-driven transform of the parameters would otherwise walk them on every
    call, about a millisecond of CPU per request. Re-ask turns are capped (:func:`cap_reasks`).
    """

    def __init__(self, kind: ServerKind, mode: Mode) -> None:
        self.kind, self.mode = kind, mode
        self._strict = strict_response_format() if mode is Mode.json_schema and kind is ServerKind.openai else None
        self._schema_in_json_object = mode is Mode.json_schema and kind is ServerKind.llamacpp

    def __call__(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        if "response_format" in kwargs:
            if self._strict is not None:
                kwargs = {**kwargs, "response_format": self._strict}
            elif self._schema_in_json_object:
                schema = kwargs["response_format"].get("json_schema", {}).get("schema")
                kwargs = {**kwargs, "response_format": {"type": "json_object", "schema": schema}}
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

