"""The OpenAI-compatible backend: the only code that talks to a network.

Two layers, each owning one concern:

* transport: every HTTP call goes through the ONE retry layer (tenacity, see
  :func:`_retrying_kwargs`: exponential backoff with jitter, ``retry-after-ms`` /
  ``Retry-After`` honoured, at most ``transport_attempts`` calls, none started or waited
  for past ``deadline``). ``timeout`` bounds each whole request, not each read, so a
  server that trickles bytes cannot hold a call. The openai client's own retries are
  off (``max_retries=0``) so the two never multiply. Refusals no retry can fix (400,
  401, 403, 404, a 429 for an exhausted quota) fail at once with what to do.
* validation: instructor parses each reply into :class:`BriefDraft` and re-asks with the
  validation errors, at most ``max_reasks`` times, with what is fed back capped in size.
  Evidence that is not in the article is a validation error until the last attempt,
  where the item is kept and flagged (or dropped) instead, so one bad item never loses
  the whole brief. A reply cut off by the output budget is asked for once more with
  twice the budget (up to ``max_output_tokens_ceiling``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import email.utils
import logging
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator

import httpx2
import instructor
import openai
from pydantic import ConfigDict, ValidationError
from instructor import openai_schema
from instructor.core.retry import retry_async, retry_sync
from instructor.v2.core.providers import Provider
from instructor.v2.core.registry import mode_registry
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from .config import Mode, Settings
from .errors import (
    AccessError,
    APIRequestError,
    BackendError,
    QuotaExhaustedError,
    SummarizerError,
    TransportError,
    ValidationFailedError,
)
from .grounding import ArticleIndex, GroundingIssue, find_problems, ground, reference_warnings
from .injection import flag_injection
from .logs import protect
from .models import DRAFT_CHECK, Brief, BriefDraft, BriefMeta, Usage
from .prompts import messages, prompt_version

log = logging.getLogger(__name__)

INSTRUCTOR_MODES: dict[Mode, instructor.Mode] = {
    Mode.tools: instructor.Mode.TOOLS,
    Mode.json_schema: instructor.Mode.JSON_SCHEMA,
    Mode.json: instructor.Mode.JSON,
    Mode.md_json: instructor.Mode.MD_JSON,
}


class _CachedSchema:
    """Builds the JSON Schema of a model once; later calls get a copy (callers may mutate it)."""

    _schemas: dict[tuple[Any, ...], dict[str, Any]] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _CachedSchema._schemas:
            _CachedSchema._schemas[key] = super().model_json_schema(*args, **kwargs)  # type: ignore[misc]
        return copy.deepcopy(_CachedSchema._schemas[key])


class BriefRequest(_CachedSchema, openai_schema(BriefDraft)):  # type: ignore[misc]
    """The response model handed to instructor, prepared once per process.

    instructor wraps a plain model in a new class on every call and rebuilds its JSON
    Schema each time (milliseconds of CPU per article); a model that already is an
    instructor schema class is used as it is, and its schema is built once.
    """

    model_config = ConfigDict(title="brief")


_SCHEMA_PARTS = ("tools", "tool_choice", "response_format")
_PREPARED_ONCE = {instructor.Mode.TOOLS, instructor.Mode.JSON_SCHEMA}
# What is fed back to the model on a re-ask is capped, so a re-ask prompt stays small.
MAX_REPORTED_PROBLEMS = 8
MAX_EXCERPT_CHARS = 80
# instructor echoes the whole failed reply and the whole error text on every re-ask; each
# is cut to these sizes, so a re-ask adds at most a few KB however long the bad reply.
MAX_REASK_ECHO_CHARS = 2000
MAX_REASK_ERROR_CHARS = 2000
_RETRIED_STATUSES = {408, 409, 429}


@dataclass
class _Call:
    """What one summarize call has seen so far; lives in a context variable."""

    index: ArticleIndex
    max_attempts: int
    completions: int = 0
    transport_retries: int = 0
    usage: Usage = field(default_factory=Usage)
    lenient_issues: list[GroundingIssue] = field(default_factory=list)
    max_tokens: int | None = None  # the output budget of the latest request
    refusal: str | None = None  # the latest reply's refusal, if the model refused

    def count(self, response: Any) -> None:
        self.completions += 1
        usage = getattr(response, "usage", None)
        if usage is None:
            return
        self.usage.prompt_tokens += usage.prompt_tokens or 0
        self.usage.completion_tokens += usage.completion_tokens or 0
        self.usage.total_tokens += usage.total_tokens or 0
        details = getattr(usage, "prompt_tokens_details", None)
        self.usage.cached_tokens += getattr(details, "cached_tokens", 0) or 0


_CALL: ContextVar[_Call | None] = ContextVar("summarizer_llm_call", default=None)


def _check_grounding(draft: BriefDraft) -> None:
    """Validation hook: ungrounded evidence is an error the model is asked to fix, until the last attempt."""
    call = _CALL.get()
    if call is None:
        return
    problems = find_problems(draft, call.index)
    if not problems:
        return
    if call.completions >= call.max_attempts:
        call.lenient_issues = problems
        return
    shown = problems[:MAX_REPORTED_PROBLEMS]
    lines = [f"{p.path} {p.excerpt[:MAX_EXCERPT_CHARS]!r}: {p.problem}" for p in shown]
    more = len(problems) - len(shown)
    if more:
        lines.append(f"and {more} more")
    raise ValueError(
        "every evidence must be copied verbatim from the article, and a figure's text "
        "must lie inside its evidence; fix: " + "; ".join(lines)
    )


def _refusal_as_content(response: Any) -> str | None:
    """A refusal as the reply's text, so instructor re-asks it like any invalid reply.

    instructor's tools mode meets a refusal with a bare AssertionError, which is never
    re-asked; as content without a tool call it is a parse error, re-asked with the
    refusal echoed. Returns the refusal, if any.
    """
    choices = getattr(response, "choices", None)
    message = getattr(choices[0], "message", None) if choices else None
    refusal = getattr(message, "refusal", None)
    if not refusal or message is None or getattr(message, "tool_calls", None):
        return None
    message.content, message.refusal = refusal, None
    return str(refusal)


def _capped(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... [{len(text) - limit} more characters cut]"


def _cap_reasks(messages: list[Any]) -> list[Any]:
    """The messages with every re-ask turn (all after the first user message) cut to a fixed size.

    Echoed tool-call arguments stay valid JSON (some servers parse them): a long one
    becomes ``{"cut_reply": "<its start>..."}``.
    """
    first_user = next((i for i, m in enumerate(messages) if isinstance(m, dict) and m.get("role") == "user"), None)
    if first_user is None or first_user == len(messages) - 1:
        return messages
    capped = list(messages[: first_user + 1])
    for message in messages[first_user + 1 :]:
        if not isinstance(message, dict):
            capped.append(message)
            continue
        limit = MAX_REASK_ECHO_CHARS if message.get("role") == "assistant" else MAX_REASK_ERROR_CHARS
        message = dict(message)
        if isinstance(message.get("content"), str):
            message["content"] = _capped(message["content"], limit)
        if message.get("tool_calls"):
            message["tool_calls"] = [_cap_tool_call(c, limit) for c in message["tool_calls"]]
        capped.append(message)
    return capped


def _cap_tool_call(tool_call: Any, limit: int) -> Any:
    function = tool_call.get("function") if isinstance(tool_call, dict) else None
    arguments = function.get("arguments") if isinstance(function, dict) else None
    if not isinstance(arguments, str) or len(arguments) <= limit:
        return tool_call
    cut = json.dumps({"cut_reply": _capped(arguments, limit)}, ensure_ascii=False)
    return {**tool_call, "function": {**function, "arguments": cut}}


# --- the one transport retry layer ----------------------------------------------------


def _is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and _error_code(exc) == "insufficient_quota":
            return False
        return exc.status_code in _RETRIED_STATUSES or exc.status_code >= 500
    return False


def _error_code(exc: openai.APIStatusError) -> str | None:
    body = exc.body if isinstance(exc.body, dict) else {}
    error = body.get("error", body) if isinstance(body, dict) else {}
    code = error.get("code") or error.get("type") if isinstance(error, dict) else None
    return str(code) if code else None


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


def _wait_policy(settings: Settings) -> Callable[[RetryCallState], float]:
    backoff = wait_exponential_jitter(multiplier=0.5, max=settings.max_retry_wait, jitter=0.5)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        response = getattr(exc, "response", None)
        asked = retry_after_seconds(getattr(response, "headers", None))
        if asked is not None:
            return min(asked, settings.max_retry_wait)
        return backoff(state)

    return wait


def _retrying_kwargs(settings: Settings, limiter: Any = None) -> dict[str, Any]:
    def before_sleep(state: RetryCallState) -> None:
        call = _CALL.get()
        if call is not None:
            call.transport_retries += 1
        exc = state.outcome.exception() if state.outcome else None
        if limiter is not None and isinstance(exc, openai.APIStatusError):
            limiter.observe(exc.response.headers)
            if exc.status_code == 429:
                # every worker waits this out together, instead of each retrying on its own
                limiter.pause(state.upcoming_sleep)
        log.info(
            "transport attempt %d failed (%s); retrying in %.2fs",
            state.attempt_number,
            _describe(exc),
            state.upcoming_sleep,
        )

    return {
        # stop_before_delay: no wait is started that would end past the deadline
        "stop": stop_after_attempt(settings.transport_attempts) | stop_before_delay(settings.deadline),
        "wait": _wait_policy(settings),
        "retry": retry_if_exception(_is_transient),
        "before_sleep": before_sleep,
        "reraise": True,
    }


def _request_budget(settings: Settings, started: float) -> float:
    """Seconds the next HTTP request may take: ``timeout``, or less when the deadline is nearer."""
    left = settings.deadline - (time.monotonic() - started)
    return max(min(settings.timeout, left), 0.001)


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


class _DeadlineHttpClient(openai.DefaultHttpxClient):
    """The sync client's HTTP layer, where ``timeout`` bounds the whole reply, not each read.

    httpx's read timeout restarts with every byte received, so a server that trickles a
    byte at a time would hold a request forever. (The async client is bounded by
    ``asyncio.timeout`` instead.)
    """

    def send(self, request: httpx2.Request, *, stream: bool = False, **kwargs: Any) -> httpx2.Response:
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


async def _within(awaitable: Any, seconds: float, url: str) -> Any:
    """``await awaitable``, as an openai timeout error when it takes more than ``seconds`` in all."""
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError as exc:
        raise openai.APITimeoutError(request=httpx2.Request("POST", url)) from exc


def _describe(exc: BaseException | None) -> str:
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APITimeoutError):
        return "timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    return type(exc).__name__ if exc else "unknown error"


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


def _backend_error(exc: BaseException, settings: Settings, attempts: int,
                   not_found: str | None = None) -> SummarizerError:
    """A library error, with a message that names the fault and what to do, and never the key.

    ``not_found`` replaces the hint of a 404 for calls that name no model (batch files).
    """
    if isinstance(exc, openai.APIStatusError) and not _is_transient(exc):
        detail, code, status = _server_message(exc), _error_code(exc), exc.status_code
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
        return kind(_redact(text, settings), status_code=status, attempts=attempts, original=exc)
    if isinstance(exc, openai.APITimeoutError):
        return TransportError(
            _redact(f"API unavailable after {attempts} attempt(s): timed out (no whole reply within "
                    f"{settings.timeout:g} s); try again later or raise the timeout", settings),
            attempts=attempts,
            original=exc,
        )
    if isinstance(exc, openai.APIError):
        return TransportError(
            _redact(f"API unavailable after {attempts} attempt(s): {_describe(exc)}: {_server_message(exc)}", settings),
            attempts=attempts,
            original=exc,
        )
    return BackendError(_redact(f"backend failed: {exc}", settings), attempts=attempts, original=exc)


def _server_message(exc: BaseException) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:300]
    return str(getattr(exc, "message", exc))[:300]


def _redact(text: str, settings: Settings) -> str:
    key = settings.api_key
    return text.replace(key, "[redacted]") if key else text


# --- the backend ------------------------------------------------------------------------


class LLMBackend:
    """Briefs from any OpenAI-compatible server, through instructor."""

    name = "openai"

    def __init__(self, settings: Settings, limiter: Any = None) -> None:
        self.settings = settings
        self.limiter = limiter  # a batch.ratelimit.RateLimiter shared by a batch's workers
        protect(settings.api_key)  # however the backend is made, the client libraries' logs redact the key
        settings.key_for_client()  # a missing key is a ConfigError now, not at the first article
        self._mode = INSTRUCTOR_MODES[settings.mode]
        self._extra = self._request_options()

    def _request_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {"model": self.settings.model, "temperature": self.settings.temperature}
        if self.settings.max_output_tokens:
            options["max_tokens"] = self.settings.max_output_tokens
        return options

    def _client_options(self) -> dict[str, Any]:
        return {
            "api_key": self.settings.key_for_client(),
            "base_url": self.settings.base_url,
            "timeout": self.settings.timeout,
            "max_retries": 0,  # the transport retry layer below is the only one
        }

    @cached_property
    def _client(self) -> openai.OpenAI:
        return openai.OpenAI(**self._client_options(), http_client=_DeadlineHttpClient())

    @cached_property
    def _aclient(self) -> openai.AsyncOpenAI:
        # aiohttp under the async client, chosen by measurement: 2.0 ms of CPU per request
        # against 2.5-3.1 ms with the default httpx2 transport, at 50 requests in flight.
        return openai.AsyncOpenAI(**self._client_options(), http_client=openai.DefaultAioHttpClient())

    def request_tokens(self, text: str) -> float:
        """The input tokens of the request for ``text``, counted as ``estimate_tokens`` does.

        instructor prepares the request as it will be sent in this mode (tools, response
        format or schema text in the messages); the output budget is left out. What it
        adds does not depend on the article, so it is measured once, on an empty one, and
        each article adds only its own messages' characters.
        """
        return self._empty_request_tokens + (_message_characters(text) - _message_characters("")) / 4

    @cached_property
    def _empty_request_tokens(self) -> float:
        handlers = mode_registry.get_handlers(Provider.OPENAI, self._mode)
        _, request = handlers.request_handler(response_model=BriefRequest, kwargs={"messages": messages("")})
        return estimate_tokens(request) - min(request.get("max_tokens") or 1000, 1000)

    def estimate_usage(self, text: str) -> Usage:
        """The tokens a brief of ``text`` is likely to cost, before it is asked for (a budget's guess)."""
        prompt = int(self.request_tokens(text))
        completion = min(self.settings.max_output_tokens or 1000, 1000)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    def warm(self) -> None:
        """Build the async client and the prepared request now, not on the first article."""
        self._acreate  # noqa: B018 - the cached property's side effect is the point

    def close(self) -> None:
        """Close the connections of the sync client, if one was opened."""
        if "_client" in self.__dict__:
            self._client.close()

    async def aclose(self) -> None:
        """Close the connections of both clients, if opened."""
        self.close()
        if "_aclient" in self.__dict__:
            await self._aclient.close()

    @cached_property
    def _create(self) -> Callable[..., Any]:
        raw = self._client.chat.completions.create
        settings = self.settings
        options = _retrying_kwargs(settings)
        adapt = self._adapt_request

        def create(*args: Any, **kwargs: Any) -> Any:
            kwargs = adapt(kwargs)
            started = time.monotonic()
            for attempt in Retrying(**options):
                with attempt:
                    response = raw(*args, **kwargs, timeout=_request_budget(settings, started))
            _count(response)
            return response

        return self._structured(create, retry_sync)

    @cached_property
    def _acreate(self) -> Callable[..., Any]:
        limiter = self.limiter
        completions = self._aclient.chat.completions
        settings = self.settings
        options = _retrying_kwargs(settings, limiter)
        adapt = self._adapt_request
        url = f"{self._aclient.base_url}chat/completions"

        async def send(started: float, *args: Any, **kwargs: Any) -> Any:
            # The budget bounds the HTTP exchange only, never a wait for the rate limiter.
            if limiter is None:
                budget = _request_budget(settings, started)
                return await _within(completions.create(*args, **kwargs, timeout=budget), budget, url)
            estimate = estimate_tokens(kwargs)
            await limiter.acquire(estimate)
            budget = _request_budget(settings, started)
            try:
                raw = await _within(completions.with_raw_response.create(*args, **kwargs, timeout=budget), budget, url)
            except openai.APIStatusError as exc:
                # an error's headers teach the limiter too, and free the requests held back
                # until the first reply (else they wait the limiter's whole probe timeout)
                limiter.observe(exc.response.headers)
                raise
            limiter.observe(raw.headers)
            response = raw.parse()
            usage = getattr(response, "usage", None)
            if usage is not None:
                limiter.settle(estimate, usage.total_tokens or estimate)
            return response

        async def create(*args: Any, **kwargs: Any) -> Any:
            kwargs = adapt(kwargs)
            started = time.monotonic()
            async for attempt in AsyncRetrying(**options):
                with attempt:
                    response = await send(started, *args, **kwargs)
            _count(response)
            return response

        return self._structured(create, retry_async)

    def _structured(self, create: Callable[..., Any], retry: Callable[..., Any]) -> Callable[..., Any]:
        """``create`` with instructor's parsing, validation and re-asks.

        In tools and json_schema modes the request's tools or response format do not
        depend on the article, so they are prepared once and instructor's retry loop is
        called directly; in json and md_json modes, where instructor writes the schema
        into the messages, the whole instructor wrapper runs on every call.
        """
        if self._mode not in _PREPARED_ONCE:
            return instructor.patch(create=create, mode=self._mode)
        handlers = mode_registry.get_handlers(Provider.OPENAI, self._mode)
        model, prepared = handlers.request_handler(response_model=BriefRequest, kwargs={"messages": []})
        static = {k: v for k, v in prepared.items() if k != "messages"}
        mode = self._mode

        def call(response_model: Any, messages: list[dict[str, str]], max_retries: int, **options: Any) -> Any:
            # a copy: instructor appends each re-ask to the list it is given
            return retry(func=create, response_model=model, args=(),
                         kwargs={**static, **options, "messages": list(messages)},
                         max_retries=max_retries, mode=mode, provider=Provider.OPENAI, strict=True)

        return call

    @cached_property
    def _strict_format(self) -> dict[str, Any]:
        return {
            "type": "json_schema",
            "json_schema": {"name": "brief", "strict": True, "schema": strict_schema(BriefDraft)},
        }

    def _adapt_request(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        # instructor's json_schema mode sends a non-strict schema; structured outputs
        # need strict=True and a schema without keywords the strict grammar refuses.
        if self.settings.mode is Mode.json_schema and "response_format" in kwargs:
            kwargs = {**kwargs, "response_format": self._strict_format}
        # The schema parts are plain JSON already: sent as extra_body, the openai client
        # does not walk the whole schema through its type-driven transform on every call.
        schema_parts = {key: kwargs[key] for key in _SCHEMA_PARTS if key in kwargs}
        if schema_parts:
            kwargs = {key: value for key, value in kwargs.items() if key not in schema_parts}
            kwargs["extra_body"] = {**kwargs.get("extra_body", {}), **schema_parts}
        if "messages" in kwargs:
            kwargs = {**kwargs, "messages": _cap_reasks(kwargs["messages"])}
        return kwargs

    @contextmanager
    def _tracked(self, text: str) -> Iterator[_Call]:
        """Count this call's completions and check its grounding; turn any failure into a library error."""
        call = _Call(
            index=ArticleIndex(text), max_attempts=self.settings.max_reasks + 1, max_tokens=self._extra.get("max_tokens")
        )
        call_token, check_token = _CALL.set(call), DRAFT_CHECK.set(_check_grounding)
        try:
            yield call
        except Exception as exc:  # noqa: BLE001 - every failure becomes a library error
            raise self._failure(exc, call) from exc
        finally:
            DRAFT_CHECK.reset(check_token)
            _CALL.reset(call_token)

    def _request(self, text: str) -> dict[str, Any]:
        return {
            "response_model": BriefRequest,
            "messages": messages(text),
            "max_retries": self.settings.max_reasks,  # re-asks after the first attempt
            **self._extra,
        }

    def summarize(self, text: str) -> Brief:
        """One brief of ``text``; raises a :class:`BackendError` subclass on failure."""
        started = time.perf_counter()
        with self._tracked(text) as call:
            request = self._request(text)
            try:
                draft = self._create(**request)
            except IncompleteOutputException:
                if (larger := self._larger_budget(request, call)) is None:
                    raise
                draft = self._create(**larger)
        return self._finish(draft, call, time.perf_counter() - started)

    async def asummarize(self, text: str) -> Brief:
        """The async form of :meth:`summarize`."""
        started = time.perf_counter()
        with self._tracked(text) as call:
            request = self._request(text)
            try:
                draft = await self._acreate(**request)
            except IncompleteOutputException:
                if (larger := self._larger_budget(request, call)) is None:
                    raise
                draft = await self._acreate(**larger)
        return self._finish(draft, call, time.perf_counter() - started)

    def _larger_budget(self, request: dict[str, Any], call: _Call) -> dict[str, Any] | None:
        """``request`` once more with twice the output budget that cut its reply off, or None.

        None when there is no budget to raise (no ``max_output_tokens``) or it is already
        at ``max_output_tokens_ceiling``. The cut-off reply is not sent back: the new
        request starts afresh, with its own ``max_reasks``.
        """
        current = request.get("max_tokens")
        if not current:
            return None
        larger = min(current * 2, self.settings.max_output_tokens_ceiling)
        if larger <= current:
            return None
        log.info("the reply was cut off at max_tokens=%d; asking once more with %d", current, larger)
        call.max_tokens = larger
        call.max_attempts = call.completions + self.settings.max_reasks + 1
        return {**request, "max_tokens": larger}

    def _finish(self, draft: BriefDraft, call: _Call, latency: float) -> Brief:
        brief, report = ground(Brief.from_draft(draft), call.index, self.settings.ungrounded)
        brief._meta = BriefMeta(
            backend=self.name,
            model=self.settings.model,
            mode=self.settings.mode.value,
            prompt_version=prompt_version(),
            usage=call.usage,
            latency_s=round(latency, 4),
            attempts=call.completions,
            transport_retries=call.transport_retries,
            grounding=report,
            warnings=[f"ungrounded after re-asks: {i.path}" for i in call.lenient_issues] + reference_warnings(report),
            possible_injection=flag_injection(call.index.text),
        )
        return brief

    def _failure(self, exc: BaseException, call: _Call) -> SummarizerError:
        cause = exc.__cause__ if isinstance(exc, InstructorRetryException) and exc.__cause__ else exc
        if isinstance(cause, SummarizerError):
            return cause
        if isinstance(cause, IncompleteOutputException):
            again = ", also when asked again with a larger budget" if call.max_tokens != self._extra.get("max_tokens") else ""
            return ValidationFailedError(
                f"the reply was truncated: cut off at max_tokens={call.max_tokens} (finish_reason 'length'){again}; "
                f"raise max_output_tokens (now {self.settings.max_output_tokens}) and max_output_tokens_ceiling "
                f"(now {self.settings.max_output_tokens_ceiling}), e.g. Summarizer(max_output_tokens=...)",
                attempts=call.completions,
                last_completion=getattr(cause, "last_completion", None),
                original=cause,
            )
        if isinstance(cause, openai.OpenAIError):
            return _backend_error(cause, self.settings, call.completions + call.transport_retries + 1)
        if isinstance(exc, InstructorRetryException):
            attempts = call.completions or exc.n_attempts
            return ValidationFailedError(
                _redact(
                    f"no valid brief after {attempts} attempt(s); last validation error: "
                    f"{_validation_summary(cause, call.refusal)}",
                    self.settings,
                ),
                attempts=attempts,
                last_completion=exc.last_completion,
                original=exc,
            )
        return _backend_error(exc, self.settings, call.completions)


def _message_characters(text: str) -> int:
    return sum(len(m["content"]) for m in messages(text))


def estimate_tokens(request: dict[str, Any]) -> float:
    """A request's tokens before it is sent: about 4 characters a token, plus the output budget."""
    characters = sum(len(str(m.get("content") or "")) for m in request.get("messages", []))
    characters += _schema_characters(request.get("extra_body") or request)
    return characters / 4 + min(request.get("max_tokens") or 1000, 1000)


_SCHEMA_SIZES: dict[int, tuple[Any, int]] = {}


def _schema_characters(parts: dict[str, Any]) -> int:
    # The schema parts are the same objects on every call of a backend: measure them once.
    # Each entry keeps its object alive, so its id cannot be reused by another one.
    total = 0
    for key in _SCHEMA_PARTS:
        value = parts.get(key)
        if value is not None:
            entry = _SCHEMA_SIZES.get(id(value))
            if entry is None or entry[0] is not value:
                if len(_SCHEMA_SIZES) > 64:  # modes that rebuild the schema per call: stay bounded
                    _SCHEMA_SIZES.clear()
                entry = _SCHEMA_SIZES[id(value)] = (value, len(json.dumps(value)))
            total += entry[1]
    return total


def _count(response: Any) -> None:
    """Count a reply in the current call; a refusal becomes its text first (see _refusal_as_content)."""
    refusal = _refusal_as_content(response)
    call = _CALL.get()
    if call is not None:
        call.count(response)
        call.refusal = refusal


def _first_lines(text: str, count: int) -> str:
    return " ".join(text.strip().splitlines()[:count])


MAX_SHOWN_ERRORS = 3


def _validation_summary(exc: BaseException, refusal: str | None = None) -> str:
    """What failed validation, briefly: field paths and reasons, or what the reply was instead."""
    if refusal:
        return f"the model refused: {_capped(refusal, 200)}"
    if isinstance(exc, ValidationError):
        errors = exc.errors(include_url=False)
        shown = [f"{_field_path(e['loc'])}: {_capped(e['msg'], 300)}" for e in errors[:MAX_SHOWN_ERRORS]]
        more = len(errors) - len(shown)
        return "; ".join(shown) + (f"; and {more} more" if more else "")
    if isinstance(exc, json.JSONDecodeError):
        return f"the reply is not valid JSON ({exc.msg})"
    return _capped(_first_lines(str(exc), 3), 300) or type(exc).__name__


def _field_path(loc: tuple[Any, ...]) -> str:
    """``("topics", 0, "category")`` as ``topics[0].category``; the empty path is the reply itself."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}" if path else str(part)
    return path or "reply"


_STRICT_UNSUPPORTED = {"minLength", "maxLength", "default", "title"}


def strict_schema(model: type[BriefDraft]) -> dict[str, Any]:
    """``model``'s JSON Schema without keywords that strict structured outputs refuse."""

    def clean(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                key: clean(value)
                for key, value in node.items()
                if key not in _STRICT_UNSUPPORTED or isinstance(value, dict)
            }
        if isinstance(node, list):
            return [clean(item) for item in node]
        return node

    return clean(copy.deepcopy(model.model_json_schema()))
