"""A streamed reply read to its end, as the one completion instructor parses.

A local model on a CPU takes minutes for a brief. Streamed, its reply shows progress: a
call is cut when the server sends nothing for ``timeout`` seconds (a stall), never for
being slow, and the whole call still ends by its deadline. The chunks are put together
into the :class:`ChatCompletion` the server would have sent unstreamed, so everything
after (instructor, the usage count, the checks) sees one reply either way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import httpx2
import openai
from openai.types.chat import ChatCompletion

# Asked of every streamed request: the last chunk then carries the usage block.
STREAM_OPTIONS = {"stream": True, "stream_options": {"include_usage": True}}
# Fields of a delta that hold a reasoning model's thinking (vLLM and DeepSeek, Ollama).
_REASONING_FIELDS = ("reasoning_content", "reasoning")


class _Reply:
    """The pieces of one streamed reply, gathered chunk by chunk."""

    def __init__(self) -> None:
        self.head: dict[str, Any] = {}
        self.usage: Any = None
        self.choices: dict[int, dict[str, Any]] = {}
        # Pieces of reply text: each holds at least one token, so they bound the tokens spent
        # from below where the server sends no usage (llama-cpp-python does not when streaming).
        self.pieces = 0

    def add(self, chunk: Any) -> None:
        if not self.head:
            self.head = {"id": chunk.id or "stream", "created": chunk.created or 0, "model": chunk.model or ""}
        if getattr(chunk, "usage", None) is not None:
            self.usage = chunk.usage
        for choice in chunk.choices or ():
            into = self.choices.setdefault(choice.index or 0, {"content": [], "refusal": [], "tools": {},
                                                               "reasoning": {}, "finish_reason": None})
            if choice.finish_reason:
                into["finish_reason"] = choice.finish_reason
            delta = choice.delta
            if delta is None:
                continue
            if delta.content is not None or delta.tool_calls:
                self.pieces += 1
            if delta.content:
                into["content"].append(delta.content)
            if delta.refusal:
                into["refusal"].append(delta.refusal)
            for name in _REASONING_FIELDS:
                piece = (delta.model_extra or {}).get(name)
                if isinstance(piece, str) and piece:
                    into["reasoning"].setdefault(name, []).append(piece)
            for call in delta.tool_calls or ():
                tool = into["tools"].setdefault(call.index, {"id": None, "name": [], "arguments": []})
                tool["id"] = tool["id"] or call.id
                if call.function is not None:
                    # the name comes whole in the first piece; llama-cpp-python repeats it in every one
                    if call.function.name and not tool["name"]:
                        tool["name"].append(call.function.name)
                    tool["arguments"].append(call.function.arguments or "")

    def completion(self) -> ChatCompletion:
        choices = []
        for index, parts in sorted(self.choices.items()):
            message: dict[str, Any] = {"role": "assistant", "content": "".join(parts["content"]) or None}
            if parts["refusal"]:
                message["refusal"] = "".join(parts["refusal"])
            for name, pieces in parts["reasoning"].items():
                message[name] = "".join(pieces)
            if parts["tools"]:
                message["tool_calls"] = [
                    {"id": tool["id"] or f"call_{number}", "type": "function",
                     "function": {"name": "".join(tool["name"]), "arguments": "".join(tool["arguments"])}}
                    for number, tool in sorted(parts["tools"].items())
                ]
            choices.append({"index": index, "message": message, "finish_reason": parts["finish_reason"] or "stop"})
        body = {**self.head, "object": "chat.completion", "choices": choices}
        if self.usage is not None:
            body["usage"] = self.usage.model_dump()
        return ChatCompletion.model_validate(body)


def _timed_out(url: str) -> openai.APITimeoutError:
    return openai.APITimeoutError(request=httpx2.Request("POST", url))


def _lost(exc: httpx2.TransportError, url: str) -> openai.APIError:
    """A fault met while reading a stream, as the openai error the same fault before it would be."""
    if isinstance(exc, httpx2.TimeoutException):
        return _timed_out(url)
    return openai.APIConnectionError(request=httpx2.Request("POST", url))


def collect(stream: Iterable[Any], deadline: float, url: str) -> tuple[ChatCompletion, int]:
    """The completion of a sync stream, and its pieces; its reads are bounded by the client's read timeout (the stall)."""
    reply = _Reply()
    try:
        for chunk in stream:
            reply.add(chunk)
            if time.monotonic() > deadline:
                raise _timed_out(url)
    except httpx2.TransportError as exc:
        raise _lost(exc, url) from exc
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # an abandoned stream closes its connection: the server stops generating
    return reply.completion(), reply.pieces


async def acollect(stream: AsyncIterator[Any], stall: float, deadline: float, url: str) -> tuple[ChatCompletion, int]:
    """The completion of an async stream, and its pieces: cut when a chunk takes more than ``stall`` s, or at ``deadline``."""
    reply = _Reply()
    chunks = aiter(stream)
    try:
        while True:
            wait = min(stall, deadline - time.monotonic())
            if wait <= 0:
                raise _timed_out(url)
            try:
                async with asyncio.timeout(wait):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                break
            except TimeoutError as exc:
                raise _timed_out(url) from exc
            except httpx2.TransportError as exc:
                raise _lost(exc, url) from exc
            reply.add(chunk)
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            await close()
    return reply.completion(), reply.pieces
