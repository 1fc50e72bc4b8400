"""Every failure of the OpenAI-compatible path as a library error that names the fault and what to do.

The one mapping from the openai client's exceptions (and instructor's) to
:mod:`summarizer.errors`; ``summarizer batch submit/status/download`` use it too, so a
refused key or an unreachable server reads, and exits, the same everywhere. No message
holds the API key.
"""

from __future__ import annotations

import json
from typing import Any

import openai
from pydantic import ValidationError

from ...config import Settings
from ...logs import MIN_SECRET_LENGTH, REDACTED
from ...errors import (
    AccessError,
    APIRequestError,
    BackendError,
    QuotaExhaustedError,
    SummarizerError,
    TransportError,
    ValidationFailedError,
)
from .transport import describe, error_code, is_transient, request_validation_errors

# Refusals no retry can fix: the error class and what to tell the user, by status.
_REFUSALS: dict[int, tuple[type[APIRequestError], str]] = {
    401: (AccessError, "check OPENAI_API_KEY: the key is wrong, revoked or for another server"),
    403: (AccessError, "the key has no access to this model or endpoint: check its project and permissions"),
    404: (AccessError, "unknown model {model!r} or wrong base URL: check --model and OPENAI_BASE_URL"),
}
_CONTEXT_HINT = (
    "the article is too long for the model's context window: lower max_input_tokens "
    "(SUMMARIZER_MAX_INPUT_TOKENS) so it is sent in smaller parts, or use a model with a larger context"
)
MAX_SHOWN_ERRORS = 3


def library_error(exc: BaseException, settings: Settings, attempts: int,
                  not_found: str | None = None) -> SummarizerError:
    """A library error for a client exception, with a message that names the fault and what to do.

    ``not_found`` replaces the hint of a 404 for calls that name no model (batch files).
    """
    invalid = request_validation_errors(exc)
    if invalid:
        return APIRequestError(redact(_refused_as_invalid(exc, invalid, settings), settings),
                               status_code=exc.status_code, attempts=attempts, original=exc)
    if isinstance(exc, openai.APIStatusError) and not is_transient(exc):
        detail, code, status = server_message(exc), error_code(exc), exc.status_code
        if status == 429 and code == "insufficient_quota":
            kind, text = QuotaExhaustedError, (
                "the account's API quota is exhausted (HTTP 429 insufficient_quota): check the plan and "
                f"billing of the account behind the key, then run again; the server said: {detail}"
            )
        else:
            kind, hint = _REFUSALS.get(status, (APIRequestError, "the request was refused"))
            if code == "context_length_exceeded":
                hint = _CONTEXT_HINT
            elif status == 404 and not_found:
                hint = not_found
            text = f"API refused the request (HTTP {status}, {hint.format(model=settings.model)}): {detail}"
            if (part := refused_mode(exc)) is not None:
                text = " ".join(text.split()) + _instead(part, settings)
        return kind(redact(text, settings), status_code=status, attempts=attempts, original=exc)
    if isinstance(exc, openai.APITimeoutError):
        return TransportError(
            redact(f"API unavailable after {attempts} attempt(s): timed out {_timed_out(settings)}", settings),
            attempts=attempts,
            original=exc,
        )
    if isinstance(exc, openai.APIError):
        return TransportError(
            redact(f"API unavailable after {attempts} attempt(s): {describe(exc)}: {server_message(exc)}", settings),
            attempts=attempts,
            original=exc,
        )
    return BackendError(redact(f"backend failed: {exc}", settings), attempts=attempts, original=exc)


# What to pass instead when a server's validation refuses the part of the request a mode adds
_OTHER_MODES = {"response_format": "--mode json or --mode tools", "json_schema": "--mode tools or --mode json",
                "json_object": "--mode tools or --mode json_schema", "tool": "--mode json_schema or --mode json",
                "function": "--mode json_schema or --mode json", "grammar": "--mode tools or --mode md_json",
                "structured output": "--mode tools or --mode md_json"}


def _instead(part: str, settings: Settings) -> str:
    """What to pass instead of the mode whose ``part`` of the request the server refused."""
    mode = settings.mode.value
    others = _OTHER_MODES.get(part) or next((m for p, m in _OTHER_MODES.items() if p in part), None)
    if others is None:
        return ""
    if mode != "auto":
        others = f"--mode auto (tries each mode this server takes), {others}"
    return f"; this server does not take --mode {mode}: pass {others}"


def _refused_as_invalid(exc: Any, invalid: list[dict[str, Any]], settings: Settings) -> str:
    """One line for a request the server's own validation refused: the first error, and the mode to pass instead."""
    first = invalid[0]
    where = [str(part) for part in first.get("loc", ()) if part != "body"]
    sent = f" (sent {first['input']!r})" if isinstance(first.get("input"), (str, int, float)) else ""
    text = (f"the server refused the request as invalid (HTTP {exc.status_code}, its request validation): "
            f"{'.'.join(where) or 'the request'}: {first.get('msg', 'invalid')}{sent}")
    if len(invalid) > 1:
        text += f", and {len(invalid) - 1} more"
    if where:
        text += _instead(where[0], settings)
    return " ".join(text.split())  # one line, whatever the server put in its values


# Words of a refusal that names a part of the request a mode sends, or the mode itself.
_MODE_PARTS = ("response_format", "json_schema", "json_object", "tool_choice", "tools", "tool call",
               "function call", "grammar", "structured output")
_NOT_A_MODE = ("context length", "context window", "maximum context", "too many tokens")


def refused_mode(exc: BaseException | None) -> str | None:
    """The part of the request a server refused as unsupported (``response_format``, ``tools``...), or None.

    A 400 or 422 whose message names such a part, or a 5xx that is the server's own
    request validation of one. Another refusal (an unknown model, a context too long) is None.
    """
    if not isinstance(exc, openai.APIStatusError):
        return None
    invalid = request_validation_errors(exc)
    if invalid:
        where = [str(part) for part in invalid[0].get("loc", ()) if part != "body"]
        return where[0] if where else "the request"
    if exc.status_code not in (400, 422):
        return None
    message = server_message(exc).lower()
    if any(words in message for words in _NOT_A_MODE):
        return None
    return next((part for part in _MODE_PARTS if part in message), None)


def _timed_out(settings: Settings) -> str:
    """What a timeout was, and what to raise: a stall or the deadline when streamed (``settings.stream``
    as it was decided), else the whole reply."""
    if settings.stream:
        what = f"nothing from the server for {settings.timeout:g} s, or past the deadline of {settings.deadline:g} s"
    else:
        what = f"no whole reply within {settings.timeout:g} s"
    advice = "try again later or raise the timeout"
    if not settings.retries_timeouts:
        # a local model is slow, not gone: it is not sent the same work again
        advice = (f"not retried, since a local server would queue it behind the abandoned reply; "
                  f"raise --timeout (now {settings.timeout:g}) or --deadline (now {settings.deadline:g})")
    return f"({what}); {advice}"


def no_reply(response: Any) -> TransportError | None:
    """Why a 200 reply holds no completion (an ``error`` object, no ``choices``), or None when it has one."""
    if getattr(response, "choices", None):
        return None
    extra = getattr(response, "model_extra", None) or {}
    error = extra.get("error") if isinstance(extra, dict) else None
    if isinstance(error, dict):
        error = error.get("message") or error.get("type") or error
    if error:
        return TransportError(f"the server answered HTTP 200 with an error instead of a reply: {str(error)[:300]}")
    return TransportError("the server answered HTTP 200 with no choices in its reply; "
                          "check that --model names a model this server serves")


def truncated(first: int | None, max_tokens: int | None, settings: Settings, attempts: int,
              cause: BaseException) -> ValidationFailedError:
    """A reply cut off at its output budget ``max_tokens``, the last one tried (``first`` was the first)."""
    if max_tokens is None:
        cut = "cut off by the server's own output limit (no max_tokens was sent)"
        advice = "set max_output_tokens, e.g. Summarizer(max_output_tokens=8192)"
    else:
        cut = f"cut off at max_tokens={max_tokens}"
        if first is not None and first != max_tokens:
            cut = f"cut off at max_tokens={first}, then at max_tokens={max_tokens} when asked again"
        # the budget grows only up to the ceiling: at the ceiling, the ceiling is what to raise
        knob = "max_output_tokens_ceiling" if max_tokens >= settings.max_output_tokens_ceiling else "max_output_tokens"
        advice = f"raise {knob} above {max_tokens}, e.g. Summarizer({knob}={max_tokens * 2})"
    return ValidationFailedError(
        f"the reply was truncated: {cut} (finish_reason 'length'); {advice}",
        attempts=attempts,
        last_completion=getattr(cause, "last_completion", None),
        original=cause,
    )


def never_valid(cause: BaseException, attempts: int, refusal: str | None, settings: Settings,
                last_completion: Any, original: BaseException) -> ValidationFailedError:
    """Every reply failed validation, after the re-asks."""
    return ValidationFailedError(
        redact(f"no valid brief after {attempts} attempt(s); last validation error: "
               f"{validation_summary(cause, refusal)}", settings),
        attempts=attempts,
        last_completion=last_completion,
        original=original,
    )


def server_message(exc: BaseException) -> str:
    """What the server said about an error (its ``error.message``), on one line, cut to 300 characters."""
    body = getattr(exc, "body", None)
    said = getattr(exc, "message", exc)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            said = error["message"]
    return " ".join(str(said).split())[:300]  # a server's traceback is one line of ours


def redact(text: str, settings: Settings) -> str:
    """``text`` without the configured API key (one too short to be a secret, such as a local
    server's placeholder "x", would blank out letters instead: see :data:`MIN_SECRET_LENGTH`)."""
    key = settings.api_key
    return text.replace(key, REDACTED) if key and len(key) >= MIN_SECRET_LENGTH else text


def capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how many were cut."""
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text) - limit} more characters cut]"


def validation_summary(exc: BaseException, refusal: str | None = None) -> str:
    """What failed validation, briefly: field paths and reasons, or what the reply was instead."""
    if refusal:
        return f"the model refused: {capped(refusal, 200)}"
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False)
        shown = [f"{field_path(e['loc'])}: {capped(e['msg'], 300)}" for e in errors[:MAX_SHOWN_ERRORS]]
        more = len(errors) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more else "")
    if isinstance(exc, json.JSONDecodeError):
        return f"the reply is not valid JSON ({exc.msg})"
    return capped(" ".join(str(exc).strip().splitlines()[:3]), 300) or type(exc).__name__


def field_path(loc: tuple[Any, ...]) -> str:
    """``("topics", 0, "category")`` as ``topics[0].category``; the empty path is the reply itself."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "reply"
