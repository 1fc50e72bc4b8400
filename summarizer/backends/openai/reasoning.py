"""A reasoning model's thinking, set aside before instructor parses its reply.

Reasoning models write their thinking before the answer, in one of two places:

* a ``<think>...</think>`` block at the start of ``message.content`` (DeepSeek-R1, Qwen3 and
  QwQ distills served by vLLM, Ollama or llama.cpp without a reasoning parser); the block
  may follow whitespace, and may never close when the model ran out of budget or stopped;
* a field of the message beside the content: ``reasoning_content`` (DeepSeek's API, vLLM's
  reasoning parsers, llama.cpp) or ``reasoning`` (newer vLLM, Ollama, OpenRouter).

Either way the thinking is taken off the message, so instructor parses only the answer in
every mode, a re-ask echoes only the answer (DeepSeek refuses a request whose messages
carry ``reasoning_content``), and the brief never holds it. Only its size is kept.
"""

from __future__ import annotations

from typing import Any

__all__ = ["REASONING_FIELDS", "set_aside_reasoning"]

OPEN, CLOSE = "<think>", "</think>"
# Both names are in use for the same thing; a server sends one of them.
REASONING_FIELDS = ("reasoning_content", "reasoning")


def set_aside_reasoning(response: Any) -> int:
    """Take the reasoning off ``response``'s message; returns its length in characters.

    The content left is what follows a leading ``<think>`` block, without the whitespace
    around it: empty when the reply was only reasoning (an unclosed block is all
    reasoning), so instructor re-asks it like any reply with no JSON. A ``<think>`` that
    is not at the start is the model's text, left alone.
    """
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if choices else None
    if message is None:
        return 0
    characters = 0
    for name in REASONING_FIELDS:
        value = getattr(message, name, None)
        if value is None:
            continue
        if isinstance(value, str):
            characters += len(value)
        try:
            delattr(message, name)  # an extra field of the client's model: gone from its dumps too
        except AttributeError:
            setattr(message, name, None)
    content = getattr(message, "content", None)
    if isinstance(content, str):
        thinking, answer = split_think(content)
        if thinking is not None:
            message.content = answer
            characters += len(thinking)
    return characters


def split_think(content: str) -> tuple[str | None, str]:
    """(the leading ``<think>`` block's text or None, the content after it)."""
    start = content.lstrip()
    if not start.startswith(OPEN):
        return None, content
    inside = start[len(OPEN):]
    end = inside.find(CLOSE)
    if end < 0:
        return inside, ""  # cut off, or never closed: no answer follows
    return inside[:end], inside[end + len(CLOSE):].strip()
