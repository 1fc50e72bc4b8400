"""Token estimates before a request is sent: about four characters a token.

The one rule of token counting in the package: the rate limiter's reservations, the
budgets of a batch job and the split of long articles all count this way; and a reply
whose server read far fewer prompt tokens than that was cut (:func:`prompt_cut`).
"""

from __future__ import annotations

import json
from typing import Any

CHARS_PER_TOKEN = 4
# The output a reply is counted for before it arrives: its budget, at most this much.
MAX_COUNTED_OUTPUT = 1000
# Parts of a request that carry the schema (the tools, or the response format).
SCHEMA_PARTS = ("tools", "tool_choice", "response_format")
# A server that read under this share of the prompt tokens we counted cut the prompt. Real
# tokenizers count within about 30% of characters / 4 (and a chat template adds tokens), so
# a prompt read whole reports at least ~0.7 of the estimate; half leaves room for any
# tokenizer and still catches the silent cut of Ollama's default contexts (2,048 or 4,096
# tokens) on a prompt twice that size. A milder cut is not reported.
PROMPT_CUT_SHARE = 0.5
# Prompts counted under this are never checked. It is twice the smallest context a server
# defaults to (Ollama's 2,048), so no cut to a default context is missed: a smaller prompt
# cut to 2,048 keeps over half. It keeps out short prompts where a server that leaves its
# cached prefix out of ``prompt_tokens`` (older Ollama did) reports a fraction of the
# request: our system prompt and schema alone are about 1,800-2,600 tokens.
PROMPT_CUT_FLOOR = 4096


# A brief's JSON grows with its article (more people, figures and excerpts) but not in
# step with it: the budget starts at a floor that holds a short article's brief and adds
# one token for every two of article, up to the budget long known to hold any one part.
MIN_FITTED_OUTPUT = 1024
MAX_FITTED_OUTPUT = 4096


def fitted_output_budget(max_output_tokens: int | None, article_characters: int) -> int | None:
    """The ``max_tokens`` of a brief's request: the setting, or (None) one fitted to the article; 0 is none."""
    if max_output_tokens is not None:
        return max_output_tokens or None
    fitted = MIN_FITTED_OUTPUT + int(tokens_of(article_characters) / 2)
    return min(fitted, MAX_FITTED_OUTPUT)


def tokens_of(characters: float) -> float:
    """The tokens ``characters`` characters of text are taken to be."""
    return characters / CHARS_PER_TOKEN


def characters_of(tokens: float) -> int:
    """The characters of text that make ``tokens`` tokens."""
    return int(tokens * CHARS_PER_TOKEN)


def counted_output(max_tokens: int | None) -> int:
    """The output tokens a request is counted for before its reply: its budget, capped."""
    return min(max_tokens or MAX_COUNTED_OUTPUT, MAX_COUNTED_OUTPUT)


def estimate_tokens(request: dict[str, Any]) -> float:
    """A request's tokens before it is sent: its messages and schema, plus the output budget."""
    extra = request.get("extra_body") or {}
    sent = extra.get("messages") or request.get("messages") or []  # the shaped request carries them in extra_body
    characters = sum(len(str(m.get("content") or "")) for m in sent)
    characters += schema_characters(extra or request)
    return tokens_of(characters) + counted_output(request.get("max_tokens"))


_SCHEMA_SIZES: dict[int, tuple[Any, int]] = {}


def schema_characters(parts: dict[str, Any]) -> int:
    """Characters of the schema parts of a request, as JSON."""
    # The schema parts are the same objects on every call of a backend: measure them once.
    # Each entry keeps its object alive, so its id cannot be reused by another one.
    total = 0
    for key in SCHEMA_PARTS:
        value = parts.get(key)
        if value is not None:
            entry = _SCHEMA_SIZES.get(id(value))
            if entry is None or entry[0] is not value:
                if len(_SCHEMA_SIZES) > 64:  # modes that rebuild the schema per call: stay bounded
                    _SCHEMA_SIZES.clear()
                entry = _SCHEMA_SIZES[id(value)] = (value, len(json.dumps(value)))
            total += entry[1]
    return total


def prompt_cut(read: int, sent: float) -> str | None:
    """The warning for a server that read ``read`` prompt tokens of about ``sent``, or None.

    None when the server reported no count (0), the prompt is under ``PROMPT_CUT_FLOOR``,
    or the server read at least ``PROMPT_CUT_SHARE`` of it.
    """
    if read <= 0 or sent < PROMPT_CUT_FLOOR or read >= PROMPT_CUT_SHARE * sent:
        return None
    return (
        f"the server read {read:,} prompt tokens of about {round(sent, -2):,.0f} sent: it cut the prompt to "
        "its context size (Ollama: raise num_ctx, e.g. OLLAMA_CONTEXT_LENGTH=8192 or the model's num_ctx "
        "parameter; or lower --max-input-tokens so the article is sent in parts that fit); the brief covers "
        "only part of the article"
    )
