"""The one transport retry layer, and HTTP clients whose timeout bounds a whole reply.

Every HTTP call of the OpenAI-compatible backend goes through :func:`retrying`: tenacity,
exponential backoff with jitter, ``retry-after-ms`` / ``Retry-After`` honoured, at most
``transport_attempts`` calls, none started or waited for past ``deadline``. ``timeout``
bounds each whole request, not each read, so a server that trickles bytes cannot hold a
call. The openai client's own retries are off (``max_retries=0``) so the two never
multiply. Which statuses are worth retrying is decided here and nowhere else
(:data:`RETRIED_STATUSES`, :func:`is_transient`); the provider batch import reads them.
"""

from __future__ import annotations

import ast
import asyncio
import email.utils
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from ...config import Settings

log = logging.getLogger(__name__)

# Besides every 5xx: a timeout, a conflict and a rate limit are worth another try.
RETRIED_STATUSES = frozenset({408, 409, 429})


def retried_status(status: int) -> bool:
    """Whether a reply with HTTP ``status`` may succeed if the same request is sent again."""
    return status in RETRIED_STATUSES or status >= 500


def error_code(exc: openai.APIStatusError) -> str | None:
    """The ``code`` (or ``type``) of the error object a server sent, if any."""
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    code = error.get("code") or error.get("type") if isinstance(error, dict) else None
    return str(code) if code else None


def request_validation_errors(exc: BaseException) -> list[dict[str, Any]]:
    """The request-validation errors a 5xx carries, or ``[]`` for any other fault.

    Some servers (llama-cpp-python's) answer a request their pydantic model refuses with
    HTTP 500 and the validation error in ``error.message``: one ``{'type': ..., 'loc':
    ('body', ...), 'msg': ...}`` literal per line. That request would be refused again.
    """
    if not isinstance(exc, openai.APIStatusError) or exc.status_code < 500:
        return []
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body)
    message = error.get("message") if isinstance(error, dict) else None
    if not isinstance(message, str) or "validation error" not in message[:100]:
        return []
    found = []
    for line in message.splitlines():
        if line.lstrip().startswith("{'type'") and "'loc': ('body'" in line:
            try:
                item = ast.literal_eval(line.strip())  # literals only: no code of the server's runs
            except (ValueError, SyntaxError, MemoryError, RecursionError):
                continue
            if isinstance(item, dict):
                found.append(item)
    return found


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is a fault that the same request, sent again later, may not meet."""
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and error_code(exc) == "insufficient_quota":
            return False
        return retried_status(exc.status_code) and not request_validation_errors(exc)
    return False


def retry_after_seconds(headers: Any) -> float | None:
    """The wait a server asked for: ``retry-after-ms`` wins over ``Retry-After`` (seconds or a date)."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000.0, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):  # neither seconds nor a date: no wait asked for
        return None
    return max(parsed.timestamp() - time.time(), 0.0)


def describe(exc: BaseException | None) -> str:
    """A few words for a transport failure: ``HTTP 503``, ``timed out``, ``connection failed``."""
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    return type(exc).__name__ if exc else "unknown error"


class RetryPolicy:
    """How one backend retries its HTTP calls (built once; :meth:`sync` / :meth:`async_` per request).

    ``limiter`` (a :class:`summarizer.batch.ratelimit.RateLimiter`), when given, learns from
    every failed reply's headers, and a 429 pauses every request under it together.
    """

    def __init__(self, settings: Settings, limiter: Any = None) -> None:
        self.settings = settings
        self.limiter = limiter
        self._backoff = wait_exponential_jitter(multiplier=0.5, max=settings.max_retry_wait, jitter=0.5)
        # stop_before_delay: no wait is started that would end past the deadline
        self._stop = stop_after_attempt(settings.transport_attempts) | stop_before_delay(settings.deadline)
        # A server on this machine or a private network works one request at a time: a call
        # that timed out left it generating still, and a retry would queue behind that.
        timeouts = settings.retries_timeouts
        self._retry = retry_if_exception(lambda exc: is_transient(exc) and (
            timeouts or not isinstance(exc, openai.APITimeoutError)))

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(getattr(getattr(exc, "response", None), "headers", None))
        if asked is not None:
            return min(asked, self.settings.max_retry_wait)
        return self._backoff(state)

    def _before_sleep(self, on_retry: Callable[[], None]) -> Callable[[RetryCallState], None]:
        limiter = self.limiter

        def before_sleep(state: RetryCallState) -> None:
            on_retry()
            exc = state.outcome.exception() if state.outcome else None
            if limiter is not None and isinstance(exc, openai.APIStatusError):
                limiter.observe(exc.response.headers)
                if exc.status_code == 429:
                    # every worker waits this out together, instead of each retrying on its own
                    limiter.pause(state.upcoming_sleep)
            log.info("transport attempt %d failed (%s); retrying in %.2fs",
                     state.attempt_number, describe(exc), state.upcoming_sleep)

        return before_sleep

    def _options(self, on_retry: Callable[[], None]) -> dict[str, Any]:
        return {"stop": self._stop, "wait": self._wait, "retry": self._retry,
                "before_sleep": self._before_sleep(on_retry), "reraise": True}

    def sync(self, on_retry: Callable[[], None]) -> Retrying:
        """The attempts of one request; ``on_retry()`` runs before each retry."""
        return Retrying(**self._options(on_retry))

    def async_(self, on_retry: Callable[[], None]) -> AsyncRetrying:
        """The async form of :meth:`sync`."""
        return AsyncRetrying(**self._options(on_retry))

    def budget(self, started: float) -> float:
        """Seconds the next HTTP request may take: ``timeout``, or less when the deadline is nearer."""
        left = self.settings.deadline - (time.monotonic() - started)
        return max(min(self.settings.timeout, left), 0.001)


class _DeadlineStream(httpx2.SyncByteStream):
    """A response body that must arrive whole before ``deadline`` (time.monotonic())."""

    def __init__(self, inner: httpx2.SyncByteStream, deadline: float, request: httpx2.Request) -> None:
        self._inner, self._deadline, self._request = inner, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx2.ReadTimeout("the reply did not arrive whole within the timeout", request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class DeadlineHttpClient(openai.DefaultHttpxClient):
    """The sync client's HTTP layer, where ``timeout`` bounds the whole reply, not each read.

    httpx's read timeout restarts with every byte received, so a server that trickles a
    byte at a time would hold a request forever. (The async client is bounded by
    :func:`within` instead.)
    """

    def send(self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any) -> httpx2.Response:
        if stream:  # a streamed reply: each read is bounded, and its reader keeps the deadline
            return super().send(request, stream=True, **kwargs)
        started = time.monotonic()
        response = super().send(request, stream=True, **kwargs)
        budget = (request.extensions.get("timeout") or {}).get("read")
        if budget is not None and isinstance(response.stream, httpx2.SyncByteStream):
            response.stream = _DeadlineStream(response.stream, started + budget, request)
        if not stream:
            try:
                response.read()
            except BaseException:
                response.close()
                raise
        return response


def stream_timeout(stall: float) -> httpx2.Timeout:
    """The timeouts of a streamed request: ``stall`` seconds to connect, and between reads."""
    return httpx2.Timeout(stall)


async def within(awaitable: Any, seconds: float, url: str) -> Any:
    """``await awaitable``, as an openai timeout error when it takes more than ``seconds`` in all."""
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError as exc:
        raise openai.APITimeoutError(request=httpx2.Request("POST", url)) from exc


def sync_client(settings: Settings) -> openai.OpenAI:
    """The sync openai client: no retries of its own, whole replies bounded by ``timeout``."""
    return openai.OpenAI(**_client_options(settings), http_client=DeadlineHttpClient())


def async_client(settings: Settings) -> openai.AsyncOpenAI:
    """The async openai client, on aiohttp: 2.0 ms of CPU per request against 2.5-3.1 ms with
    the default httpx2 transport, at 50 requests in flight (measured)."""
    return openai.AsyncOpenAI(**_client_options(settings), http_client=openai.DefaultAioHttpClient())


def management_client(settings: Settings) -> openai.OpenAI:
    """A plain client for calls that must not be retried blindly (provider batch management)."""
    return openai.OpenAI(**_client_options(settings))


def _client_options(settings: Settings) -> dict[str, Any]:
    return {
        "api_key": settings.key_for_client(),
        "base_url": settings.base_url,
        "timeout": settings.timeout,
        "max_retries": 0,  # the retry layer above is the only one
    }
