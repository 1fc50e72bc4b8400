"""The OpenAI-compatible backend (OpenAI, vLLM, Ollama, llama.cpp, LM Studio), split by concern.

    backend.py     LLMBackend: the pieces below put together, one brief per call
    transport.py   the HTTP clients and the one retry layer; which statuses are retried
    dialects.py    what each kind of server is sent for a structured reply (one row per server kind)
    structured.py  instructor: requests per mode, parsing, validation, re-asks (its internals live here only)
    call.py        one brief's running state: completions, usage, retries, the grounding check
    failures.py    client exceptions as library errors with what to do
    tokens.py      token estimates before a request is sent (no client needed)

This package and :mod:`summarizer.batch.provider_api` are the code that talks to a network.
``LLMBackend`` is loaded on first use, so that counting tokens loads no client library.
"""

from typing import Any

__all__ = ["LLMBackend"]


def __getattr__(name: str) -> Any:
    if name == "LLMBackend":
        from .backend import LLMBackend

        return LLMBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
