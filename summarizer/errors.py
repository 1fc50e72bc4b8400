"""Every error the summarizer raises, in one place.

    SummarizerError                  base class; ``exit_code`` is what the CLI returns
    ├── InputError                   bad input: empty, unreadable, not text; not English offline (exit 2)
    ├── ConfigError                  a missing or contradictory setting (exit 2)
    ├── OutputError                  an output cannot be written where asked: a directory, a missing folder (exit 2)
    ├── PromptError                  a template is missing or needs a variable not given
    └── BackendError                 the backend failed to produce a brief (exit 1)
        ├── TransportError           the API could not be reached or kept failing
        ├── APIRequestError          the API refused the request (400/401/403/404)
        │   ├── AccessError          401, 403, 404: the key, its rights or the model name
        │   └── QuotaExhaustedError  429 insufficient_quota: the account is out of credit (exit 4)
        └── ValidationFailedError    replies never passed validation after the re-asks

Each error carries its context (attempts, the last completion, the original error)
so callers never parse messages. Messages never contain an API key. An error whose
``stops_job`` is true would fail every other article the same way: a batch stops on
it instead of writing one error line per article.

Errors cross process boundaries and files as data: :meth:`SummarizerError.to_data` gives
the JSON of a batch line's ``error``, and :func:`error_from_data` rebuilds the same class
with its status code, attempts and context.
"""

from __future__ import annotations

from typing import Any


class SummarizerError(Exception):
    """Base class of every error raised by the summarizer."""

    exit_code = 1

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def to_data(self) -> dict[str, Any]:
        """This error as JSON data: ``type``, ``message``, then whatever it knows of its context."""
        data: dict[str, Any] = {"type": type(self).__name__, "message": self.message}
        for name in ("attempts", "status_code"):
            value = getattr(self, name, None)
            if value is not None:
                data[name] = value
        plain = {k: v for k, v in self.context.items() if isinstance(v, (str, int, float, bool)) or v is None}
        if plain:
            data["context"] = plain
        return data


class InputError(SummarizerError):
    """The input cannot be summarized: empty, unreadable, binary, a directory; offline, not in English."""

    exit_code = 2


class ConfigError(SummarizerError):
    """A setting is missing, unknown, or contradicts another."""

    exit_code = 2


class OutputError(SummarizerError):
    """An output cannot be written where it was asked for: a directory, a folder missing or not writable."""

    exit_code = 2


class PromptError(SummarizerError):
    """A prompt template is missing or references an undefined variable."""

    exit_code = 1


class BackendError(SummarizerError):
    """The backend could not produce a brief."""

    exit_code = 1
    # True for a fault no other article can avoid (a refused key, an exhausted quota):
    # a class attribute, so it survives the rebuild of an error sent from a helper process.
    stops_job = False

    def __init__(
        self,
        message: str,
        *,
        attempts: int = 0,
        last_completion: Any = None,
        original: BaseException | None = None,
        **context: Any,
    ) -> None:
        super().__init__(message, **context)
        self.attempts = attempts
        self.last_completion = last_completion
        self.original = original


class TransportError(BackendError):
    """The API could not be reached, timed out, or kept failing (429, 5xx) past the retry budget."""


class APIRequestError(BackendError):
    """The API refused the request (bad request, bad key, no access, unknown model); not retried."""

    def __init__(self, message: str, *, status_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status_code = status_code


class AccessError(APIRequestError):
    """The key is refused (401), has no access (403), or the model or base URL is unknown (404)."""

    stops_job = True


class QuotaExhaustedError(APIRequestError):
    """The account's quota is exhausted (429 ``insufficient_quota``): no retry can help until it is topped up."""

    exit_code = 4
    stops_job = True


class ValidationFailedError(BackendError):
    """Every attempt returned a reply that failed validation."""


_BY_NAME: dict[str, type[SummarizerError]] = {
    kind.__name__: kind
    for kind in (
        SummarizerError, InputError, ConfigError, OutputError, PromptError, BackendError, TransportError,
        APIRequestError, AccessError, QuotaExhaustedError, ValidationFailedError,
    )
}


def error_from_data(data: dict[str, Any]) -> SummarizerError:
    """The error :meth:`SummarizerError.to_data` described: same class, message, attempts and status.

    An unknown ``type`` becomes a :class:`BackendError` with the same message.
    """
    kind = _BY_NAME.get(str(data.get("type")), BackendError)
    message = str(data.get("message") or "no detail given")
    context = data.get("context") if isinstance(data.get("context"), dict) else {}
    if issubclass(kind, APIRequestError):
        error: SummarizerError = kind(message, status_code=data.get("status_code"), **context)
    else:
        error = kind(message, **context)
    if isinstance(error, BackendError):
        error.attempts = int(data.get("attempts") or 0)
    return error
