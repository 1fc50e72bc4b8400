"""What one line of a provider's batch output or error file says about its request.

A line of the OpenAI Batch API (or of ``vllm run-batch``) holds a ``response`` (its
``status_code`` and ``body``, a chat completion) or an ``error``. :func:`outcome` turns it
into a grounded :class:`~summarizer.models.Brief`, made by :func:`summarizer.finish.finish`
as every brief is, or into a :class:`Failure` that says why there is none: the request
did not run (expired, cancelled, timed out, throttled, a server error: worth sending
again), the provider refused it, or the reply is unusable (cut off, refused, not JSON,
not a brief; batch replies are not re-asked, so sending the same request again would
likely fail again). Pure functions of the line: no file, no network.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..backends.openai.failures import validation_summary
from ..backends.openai.transport import retried_status
from ..config import Settings
from ..errors import APIRequestError, BackendError, SummarizerError, TransportError, ValidationFailedError
from ..finish import Production, finish
from ..models import Brief, BriefDraft, Usage
from ..prompts import prompt_version
from . import records

__all__ = ["BACKEND_NAME", "Failure", "outcome", "usage_of"]

BACKEND_NAME = "openai-batch"
_MAX_MESSAGE_CHARS = 300


@dataclass(frozen=True)
class Failure:
    """Why a request gave no brief: ``reason`` (``expired``, ``validation``, ...), the error's class and message.

    ``retryable`` says whether sending the request again may succeed (it did not run to a
    reply); ``status_code`` is the HTTP status the provider gave, when it gave one.
    """

    reason: str
    kind: type[SummarizerError]
    message: str
    retryable: bool = False
    status_code: int | None = None

    def error(self) -> SummarizerError:
        """The library error this failure is (one attempt: a batch request is sent once)."""
        if issubclass(self.kind, APIRequestError):
            return self.kind(self.message, status_code=self.status_code, attempts=1)
        if issubclass(self.kind, BackendError):
            return self.kind(self.message, attempts=1)
        return self.kind(self.message)

    def record(self, custom_id: str) -> dict[str, Any]:
        """The batch line of this failure: the error's own data, with ``reason`` and ``status_code``."""
        return records.error_record(custom_id, self.error(), reason=self.reason, status_code=self.status_code)


def _validation_failure(reason: str, message: str) -> Failure:
    return Failure(reason, ValidationFailedError, message)


def _clip(text: Any) -> str:
    return str(text)[:_MAX_MESSAGE_CHARS]


def _error_message(error: Any) -> tuple[str | None, str]:
    """(code, message) of an error as a provider writes it: a dict, a nested dict or a string."""
    if isinstance(error, dict):
        inner = error.get("error")
        if isinstance(inner, dict):
            error = inner
        code = error.get("code") or error.get("type")
        message = error.get("message") or json.dumps(error, ensure_ascii=False)
        return (str(code) if code is not None else None), _clip(message)
    if error is None:
        return None, "no detail given"
    return None, _clip(error)


def _line_error(error: Any) -> Failure:
    """A line with ``error`` set and no usable response."""
    code, message = _error_message(error)
    lowered = (code or "").lower()
    if lowered == "batch_expired":
        return Failure("expired", TransportError, f"batch_expired: {message}", retryable=True)
    if lowered == "batch_cancelled":
        return Failure("cancelled", TransportError, f"batch_cancelled: {message}", retryable=True)
    if "timeout" in lowered or "timed_out" in lowered:
        return Failure("timeout", TransportError, f"{code}: {message}", retryable=True)
    if "rate_limit" in lowered:
        return Failure("rate_limited", TransportError, f"{code}: {message}", retryable=True)
    if "server_error" in lowered:
        return Failure("server_error", TransportError, f"{code}: {message}", retryable=True)
    prefix = f"{code}: " if code else ""
    return Failure("provider_error", APIRequestError, f"the provider refused the request: {prefix}{message}")


def _status_error(status: int, body: Any, line_error: Any) -> Failure:
    """A response whose status is not 200; which statuses are worth a retry is the transport's rule."""
    code, message = _error_message(body if body is not None else line_error)
    detail = f"HTTP {status}" + (f" ({code})" if code else "") + f": {message}"
    if not retried_status(status):
        return Failure(f"http_{status}", APIRequestError, detail, status_code=status)
    reason = {408: "timeout", 429: "rate_limited"}.get(status, "server_error" if status >= 500 else "conflict")
    return Failure(reason, TransportError, detail, retryable=True, status_code=status)


def usage_of(record: Mapping[str, Any]) -> Usage | None:
    """The tokens a provider line's completion used (failed ones count too), or None when it says nothing."""
    response = record.get("response")
    body = response.get("body") if isinstance(response, dict) else None
    if not isinstance(body, dict) or "usage" not in body:
        return None
    return _usage(body)


def _usage(body: Mapping[str, Any]) -> Usage:
    usage = body.get("usage")
    return Usage.of(usage if isinstance(usage, dict) else None)


def _parse_draft(content: str) -> BriefDraft | Failure:
    try:
        payload = json.loads(content)
    except (json.JSONDecodeError, RecursionError) as exc:
        return _validation_failure("invalid_json", f"the reply is not valid JSON ({getattr(exc, 'msg', 'nested too deeply')}); batch replies are not re-asked")
    try:
        return BriefDraft.model_validate(payload)
    except ValidationError as exc:
        return _validation_failure(
            "validation", f"the reply breaks the brief schema: {_clip(validation_summary(exc))}; batch replies are not re-asked"
        )


def _brief(body: Mapping[str, Any], text: str, settings: Settings) -> Brief | Failure:
    """The grounded brief in one chat completion, or why there is none."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return _validation_failure("empty_reply", "the completion has no choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    if message.get("refusal"):
        return _validation_failure("refusal", f"the model refused: {_clip(message['refusal'])}")
    if choice.get("finish_reason") == "length":
        tokens = _usage(body).completion_tokens
        return _validation_failure(
            "length",
            f"the reply was cut off after {tokens} output tokens (finish_reason 'length'); "
            "raise the output budget (max_output_tokens) and resubmit",
        )
    if choice.get("finish_reason") == "content_filter":
        return _validation_failure("refusal", "the reply was withheld by the provider's content filter")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        return _validation_failure("empty_reply", "the reply has no content")
    draft = _parse_draft(content)
    if isinstance(draft, Failure):
        return draft
    made = Production(
        backend=BACKEND_NAME,
        version=prompt_version(),
        model=body.get("model") or settings.model,
        mode="json_schema",
        usage=_usage(body),
        attempts=1,
        ungrounded_note="ungrounded (a batch reply is not re-asked)",
    )
    return finish(Brief.from_draft(draft), text, settings.ungrounded, made)


def outcome(record: Mapping[str, Any], text: str, settings: Settings) -> Brief | Failure:
    """What one provider line says about the request for ``text``: its brief, grounded in ``text``, or a failure."""
    response = record.get("response")
    line_error = record.get("error")
    if not isinstance(response, dict):
        return _line_error(line_error)
    status = response.get("status_code")
    body = response.get("body")
    if status != 200:
        if not isinstance(status, int):
            if line_error:
                return _line_error(line_error)
            return Failure("provider_error", APIRequestError, "the response has no status_code")
        return _status_error(status, body, line_error)
    if not isinstance(body, dict) or "choices" not in body:
        if line_error or (isinstance(body, dict) and "error" in body):
            return _line_error(line_error or body)
        return _validation_failure("empty_reply", "the response has no chat completion body")
    return _brief(body, text, settings)
