"""What a server's reply needs before instructor parses it, whatever server sent it.

* A reply cut off at its output budget is recognised when the server does not say so.
  Some servers (llama-cpp-python in tools mode) report ``finish_reason: "tool_calls"`` or
  ``"stop"`` for a reply cut at ``max_tokens``. A reply that used the whole budget and
  stops inside its JSON is such a cut: it is marked ``"length"``, so instructor raises its
  incomplete-output error and the backend asks once more with a larger budget.
* Raw control characters inside JSON strings are escaped. llama.cpp's JSON grammar lets a
  model write a bare newline inside a string, which strict JSON (and pydantic) refuses:
  the brief is otherwise valid, and the newline is what the model meant.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["escape_raw_controls", "mark_cut_off", "prepare"]

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _payload(message: Any) -> str | None:
    calls = getattr(message, "tool_calls", None)
    if calls:
        return getattr(getattr(calls[0], "function", None), "arguments", None)
    return getattr(message, "content", None)


def _ends_inside_json(text: str) -> bool:
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return False  # no JSON begun: a wrong reply, not a cut one
    try:
        json.loads(text[start:].rstrip().removesuffix("```").rstrip())
    except ValueError:
        return True
    return False


def mark_cut_off(response: Any, max_tokens: int | None, pieces: int | None = None) -> bool:
    """Mark ``response``'s choice ``"length"`` when it spent ``max_tokens`` and its JSON is unfinished.

    The tokens spent are the usage's, or, where a streamed reply has none, its ``pieces``
    (each at least one token).
    """
    usage = getattr(response, "usage", None)
    spent = getattr(usage, "completion_tokens", None) if usage is not None else pieces
    choices = getattr(response, "choices", None)
    if not max_tokens or not isinstance(spent, int) or spent < max_tokens or not choices:
        return False
    choice = choices[0]
    if choice.finish_reason == "length":
        return False
    payload = _payload(choice.message)
    if not isinstance(payload, str) or not _ends_inside_json(payload):
        return False
    choice.finish_reason = "length"
    return True


def escape_raw_controls(text: str) -> str:
    """``text`` with control characters inside its JSON strings escaped (all else unchanged)."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0 or not any(ord(c) < 0x20 for c in text[start:]):
        return text
    # from the JSON's first bracket: a quote in prose before it would turn the count around
    out, in_string, escaped = [text[:start]], False, False
    for char in text[start:]:
        if in_string and not escaped and ord(char) < 0x20:
            out.append(_ESCAPES.get(char, f"\\u{ord(char):04x}"))
            continue
        if escaped:
            escaped = False
        elif char == "\\" and in_string:
            escaped = True
        elif char == '"':
            in_string = not in_string
        out.append(char)
    return "".join(out)


def prepare(response: Any, max_tokens: int | None, pieces: int | None = None) -> bool:
    """``response`` made ready for instructor (see the module docstring); True when it was found cut off."""
    for choice in getattr(response, "choices", None) or ():
        message = getattr(choice, "message", None)
        if message is None:
            continue
        if isinstance(message.content, str):
            message.content = escape_raw_controls(message.content)
        for call in getattr(message, "tool_calls", None) or ():
            function = getattr(call, "function", None)
            if function is not None and isinstance(function.arguments, str):
                function.arguments = escape_raw_controls(function.arguments)
    return mark_cut_off(response, max_tokens, pieces)  # after: an escaped reply is judged as JSON
