"""The OpenAI-compatible backend: briefs from any server that speaks the chat completions API.

Each concern has its own module beside this one: the transport and its one retry layer
(:mod:`.transport`), instructor's parsing, validation and re-asks (:mod:`.structured`),
one brief's running state (:mod:`.call`), failures as library errors
(:mod:`.failures`) and token estimates (:mod:`.tokens`). Here they are put together.

Evidence that is not in the article is a validation error until the last attempt, where
the item is kept and flagged (or dropped) instead. A reply cut off by the output budget
is asked for once more with twice the budget (up to ``max_output_tokens_ceiling``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import cached_property, partial
from typing import Any

import openai

from ...config import Mode, ServerKind, Settings
from ...errors import APIRequestError, SummarizerError
from ...finish import Production, finish
from ...grounding import ArticleIndex
from ...logs import protect
from ...models import Brief, BriefDraft, Usage
from ...prompts import messages, prompt_version
from ..base import Capabilities
from . import failures
from .call import Call
from .replies import prepare
from .dialects import LOCAL_KINDS, Dialect, modes_for, needs_listing, server_kind
from .stream import STREAM_OPTIONS, acollect, collect
from .structured import IncompleteOutput, RetriesExhausted, Structured
from .tokens import counted_output, estimate_tokens, fitted_output_budget, tokens_of
from .transport import RetryPolicy, async_client, stream_timeout, sync_client, within

log = logging.getLogger(__name__)


def _message_characters(text: str) -> int:
    return sum(len(m["content"]) for m in messages(text))


NO_STREAMED_USAGE = ("the server sent no token usage with its streamed reply, so meta.usage leaves it out "
                     "(llama-cpp-python counts only unstreamed replies: --stream off)")
# A server's /v1/models is asked once per backend, and must answer within this many seconds.
LISTING_TIMEOUT = 10.0


class _Route:
    """One mode as one kind of server takes it: instructor's requests in that mode, and their dialect."""

    def __init__(self, kind: ServerKind, mode: Mode) -> None:
        self.mode = mode
        self.structured = Structured(mode)
        self.shape = Dialect(kind, mode)


class LLMBackend:
    """Briefs from any OpenAI-compatible server, through instructor."""

    name = "openai"
    capabilities = Capabilities(rate_limited=True, costs_tokens=True, splits_long_articles=True)

    def __init__(self, settings: Settings, limiter: Any = None) -> None:
        self.settings = settings
        self.limiter = limiter  # a batch.ratelimit.RateLimiter shared by a batch's workers
        protect(settings.api_key)  # however the backend is made, the client libraries' logs redact the key
        settings.key_for_client()  # a missing key is a ConfigError now, not at the first article
        self._options: dict[str, Any] = {"model": settings.chosen_model(), "temperature": settings.temperature}
        self._kind: ServerKind | None = None if needs_listing(settings) else server_kind(settings, None)
        self._modes: tuple[Mode, ...] = ()
        self._routes: dict[Mode, _Route] = {}
        self._fallbacks: list[str] = []  # one warning per mode the server refused, for every later brief
        self._listing_lock: asyncio.Lock | None = None

    # --- the server's kind, and the mode it takes -----------------------------------------

    @property
    def server_kind(self) -> ServerKind:
        """The kind of server (its ``/v1/models`` is asked the first time, unless ``server_kind`` was set)."""
        if self._kind is None:
            self._learn_kind(self._list_owners())
        return self._kind  # type: ignore[return-value]

    def _list_owners(self) -> list[str] | None:
        try:
            return [m.owned_by for m in self._client.models.list(timeout=LISTING_TIMEOUT).data]
        except (openai.OpenAIError, AttributeError, TypeError) as exc:
            log.info("the server's /v1/models did not say what it is (%s); taking it as a generic server", exc)
            return None

    async def _alist_owners(self) -> list[str] | None:
        try:
            page = await within(self._aclient.models.list(timeout=LISTING_TIMEOUT), LISTING_TIMEOUT,
                                f"{self._aclient.base_url}models")
            return [m.owned_by for m in page.data]
        except (openai.OpenAIError, AttributeError, TypeError) as exc:
            log.info("the server's /v1/models did not say what it is (%s); taking it as a generic server", exc)
            return None

    async def _alearn_kind(self) -> None:
        if self._kind is not None:
            return
        self._listing_lock = self._listing_lock or asyncio.Lock()
        async with self._listing_lock:  # one listing, however many briefs start at once
            if self._kind is None:
                self._learn_kind(await self._alist_owners())

    def _learn_kind(self, owners: list[str] | None) -> None:
        self._kind = server_kind(self.settings, owners)
        log.info("server at %s: %s", self.settings.server, self._kind.value)

    @property
    def _route(self) -> _Route:
        """The mode in use: the first of the server's modes it has not refused."""
        if not self._modes:
            self._modes = modes_for(self.settings, self.server_kind)
        mode = self._modes[0]
        if mode not in self._routes:
            self._routes[mode] = _Route(self.server_kind, mode)
        return self._routes[mode]

    @property
    def _streams(self) -> bool:
        if self.settings.stream is not None:
            return self.settings.stream
        return self.server_kind in LOCAL_KINDS

    def _fall_back(self, route: _Route, error: APIRequestError) -> bool:
        """Leave ``route``'s mode for the next one, when ``auto`` has one and the server refused this one."""
        part = failures.refused_mode(error.original)
        if self.settings.mode is not Mode.auto or part is None:
            return False
        if self._modes and self._modes[0] is route.mode:
            if len(self._modes) == 1:
                return False
            self._modes = self._modes[1:]
            note = (f"the server at {self.settings.server} refused mode {route.mode.value} ({part}); "
                    f"mode {self._modes[0].value} was used instead")
            self._fallbacks.append(note)
            log.warning("%s", note)
        return True

    @property
    def version(self) -> str:
        """The prompt's version: templates and the schema the model fills."""
        return prompt_version()

    # --- sizes and costs ----------------------------------------------------------------

    def request_tokens(self, text: str) -> float:
        """The input tokens of the request for ``text``, counted as ``estimate_tokens`` does.

        instructor prepares the request as it will be sent in this mode (tools, response
        format or schema text in the messages); the output budget is left out. What it
        adds does not depend on the article, so it is measured once, on an empty one, and
        each article adds only its own messages' characters.
        """
        return self._empty_request_tokens + tokens_of(_message_characters(text) - self._empty_message_characters)

    @cached_property
    def _empty_message_characters(self) -> int:
        return _message_characters("")  # every brief now asks (the prompt-cut check): rendered once

    @cached_property
    def _empty_request_tokens(self) -> float:
        _, request = self._route.structured.request(messages(""), {})
        return estimate_tokens(request) - counted_output(request.get("max_tokens"))

    def estimate_usage(self, text: str) -> Usage:
        """The tokens a brief of ``text`` is likely to cost, before it is asked for (a budget's guess)."""
        prompt = int(self.request_tokens(text))
        completion = counted_output(fitted_output_budget(self.settings.max_output_tokens, len(text)))
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    # --- clients ------------------------------------------------------------------------

    @cached_property
    def _client(self) -> openai.OpenAI:
        return sync_client(self.settings)

    @cached_property
    def _aclient(self) -> openai.AsyncOpenAI:
        return async_client(self.settings)

    def warm(self) -> None:
        """Build the async client and its request pipeline, and learn the server's kind, now, not on the first article."""
        self._asend  # noqa: B018 - the cached property's side effect is the point
        self._route  # noqa: B018

    def close(self) -> None:
        """Close both clients' connections; from async code prefer ``await aclose()``.

        Called inside the event loop that used the async client, its closing starts on the
        loop's next turn (a task kept here); called after that loop ended, it runs in a new one.
        """
        if "_client" in self.__dict__:
            self._client.close()
        if "_aclient" not in self.__dict__:
            return
        aclient = self._aclient  # closing twice is harmless: aclose() may follow
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            try:
                asyncio.run(aclient.close())
            except RuntimeError:
                pass  # its loop is gone with its sockets' transports: nothing left to close cleanly
            return
        self._closing = loop.create_task(aclient.close())

    async def aclose(self) -> None:
        """Close the connections of both clients, if opened."""
        if "_client" in self.__dict__:
            self._client.close()
        if "_aclient" in self.__dict__:
            await self._aclient.close()

    # --- one request, through the one retry layer ----------------------------------------

    @cached_property
    def _send(self) -> Callable[..., Any]:
        raw = self._client.chat.completions.create
        policy, url = RetryPolicy(self.settings), f"{self._client.base_url}chat/completions"

        def once(started: float, kwargs: dict[str, Any], streams: bool) -> Any:
            if not streams:
                return raw(**kwargs, timeout=policy.budget(started)), None
            stream = raw(**kwargs, **STREAM_OPTIONS, timeout=stream_timeout(policy.budget(started)))
            return collect(stream, started + self.settings.deadline, url)

        def send(call: Call, **kwargs: Any) -> Any:
            kwargs, streams = call.shape(kwargs), self._streams
            started = time.monotonic()
            for attempt in policy.sync(call.retried):
                with attempt:
                    response, pieces = once(started, kwargs, streams)
            return self._received(call, response, kwargs, pieces)

        return send

    @cached_property
    def _asend(self) -> Callable[..., Any]:
        limiter = self.limiter
        completions = self._aclient.chat.completions
        policy = RetryPolicy(self.settings, limiter)
        url = f"{self._aclient.base_url}chat/completions"

        async def read(response: Any, started: float, streams: bool) -> tuple[Any, int | None]:
            if not streams:
                return response, None
            deadline = started + self.settings.deadline
            return await acollect(response, policy.budget(started), deadline, url)

        async def once(started: float, kwargs: dict[str, Any], streams: bool) -> Any:
            # The budget bounds the HTTP exchange only, never a wait for the rate limiter.
            extra = STREAM_OPTIONS if streams else {}
            if limiter is None:
                budget = policy.budget(started)
                response = await within(completions.create(**kwargs, **extra, timeout=budget), budget, url)
                return await read(response, started, streams)
            estimate = estimate_tokens(kwargs)
            await limiter.acquire(estimate)
            budget = policy.budget(started)
            try:
                raw = await within(completions.with_raw_response.create(**kwargs, **extra, timeout=budget), budget, url)
            except openai.APIStatusError as exc:
                # an error's headers teach the limiter too, and free the requests held back
                # until the first reply (else they wait the limiter's whole probe timeout)
                limiter.observe(exc.response.headers)
                raise
            limiter.observe(raw.headers)
            response, pieces = await read(raw.parse(), started, streams)
            usage = getattr(response, "usage", None)
            if usage is not None:
                limiter.settle(estimate, usage.total_tokens or estimate)
            return response, pieces

        async def send(call: Call, **kwargs: Any) -> Any:
            kwargs, streams = call.shape(kwargs), self._streams
            started = time.monotonic()
            async for attempt in policy.async_(call.retried):
                with attempt:
                    response, pieces = await once(started, kwargs, streams)
            return self._received(call, response, kwargs, pieces)

        return send

    @staticmethod
    def _received(call: Call, response: Any, kwargs: dict[str, Any], pieces: int | None) -> Any:
        """A completion made ready for instructor (:func:`.replies.prepare`), and counted."""
        if prepare(response, kwargs.get("max_tokens"), pieces):
            log.info("the reply spent its whole budget of %s tokens and stops inside its JSON: cut off",
                     kwargs.get("max_tokens"))
        if pieces is not None and getattr(response, "usage", None) is None:
            call.note(NO_STREAMED_USAGE)
        call.count(response)
        return response

    # --- one brief -----------------------------------------------------------------------

    def summarize(self, text: str) -> Brief:
        """One brief of ``text``; raises a :class:`BackendError` subclass on failure."""
        started = time.perf_counter()
        while True:
            route = self._route
            try:
                return self._summarize_in(route, text, started)
            except APIRequestError as exc:
                if not self._fall_back(route, exc):
                    raise

    async def asummarize(self, text: str) -> Brief:
        """The async form of :meth:`summarize`."""
        started = time.perf_counter()
        await self._alearn_kind()
        while True:
            route = self._route
            try:
                return await self._asummarize_in(route, text, started)
            except APIRequestError as exc:
                if not self._fall_back(route, exc):
                    raise

    def _summarize_in(self, route: _Route, text: str, started: float) -> Brief:
        with self._tracked(route, text) as (call, options):
            run = partial(route.structured.run, partial(self._send, call), messages(text))
            try:
                draft = run(options, self.settings.max_reasks, call.check)
            except IncompleteOutput:
                if (larger := self._larger_budget(call, options)) is None:
                    raise
                draft = run(larger, self.settings.max_reasks, call.check)
        return self._finish(draft, call, route, started)

    async def _asummarize_in(self, route: _Route, text: str, started: float) -> Brief:
        with self._tracked(route, text) as (call, options):
            run = partial(route.structured.arun, partial(self._asend, call), messages(text))
            try:
                draft = await run(options, self.settings.max_reasks, call.check)
            except IncompleteOutput:
                if (larger := self._larger_budget(call, options)) is None:
                    raise
                draft = await run(larger, self.settings.max_reasks, call.check)
        return self._finish(draft, call, route, started)

    @contextmanager
    def _tracked(self, route: _Route, text: str) -> Iterator[tuple[Call, dict[str, Any]]]:
        """A new call's state and request options; any failure inside becomes a library error."""
        options = dict(self._options)
        if (budget := fitted_output_budget(self.settings.max_output_tokens, len(text))) is not None:
            options["max_tokens"] = budget
        call = Call(ArticleIndex(text), self.settings.max_reasks + 1, budget, shape=route.shape,
                    prompt_estimate=self.request_tokens(text))
        try:
            yield call, options
        except Exception as exc:  # noqa: BLE001 - every failure becomes a library error
            raise self._failure(exc, call, route, budget) from exc

    def _larger_budget(self, call: Call, options: dict[str, Any]) -> dict[str, Any] | None:
        """The request options once more with twice the output budget that cut the reply off, or None.

        None when there is no budget to raise (no ``max_output_tokens``) or it is already
        at ``max_output_tokens_ceiling``. The cut-off reply is not sent back: the new
        request starts afresh, with its own ``max_reasks``.
        """
        current = call.max_tokens
        if not current:
            return None
        larger = min(current * 2, self.settings.max_output_tokens_ceiling)
        if larger <= current:
            return None
        log.info("the reply was cut off at max_tokens=%d; asking once more with %d", current, larger)
        call.max_tokens = larger
        call.max_attempts = call.completions + self.settings.max_reasks + 1
        return {**options, "max_tokens": larger}

    def _finish(self, draft: BriefDraft, call: Call, route: _Route, started: float) -> Brief:
        made = Production(
            backend=self.name,
            version=self.version,
            model=self.settings.model,
            mode=route.mode.value,
            usage=call.usage,
            attempts=call.completions,
            transport_retries=call.transport_retries,
            reasoning_chars=call.reasoning_chars,
            warnings=[*self._fallbacks, *call.warnings,
                      *(f"ungrounded after re-asks: {i.path}" for i in call.lenient_issues)],
            started=started,
        )
        return finish(Brief.from_draft(draft), call.index, self.settings.ungrounded, made)

    def _failure(self, exc: BaseException, call: Call, route: _Route, first_budget: int | None) -> SummarizerError:
        # messages name the mode that was sent, and whether the reply was streamed
        settings = replace(self.settings, mode=route.mode, stream=self._streams)
        cause = exc.__cause__ if isinstance(exc, RetriesExhausted) and exc.__cause__ else exc
        if isinstance(cause, SummarizerError):
            return cause
        if isinstance(cause, IncompleteOutput):
            return failures.truncated(first_budget, call.max_tokens, settings, call.completions, cause)
        if isinstance(cause, openai.OpenAIError):
            return failures.library_error(cause, settings, call.completions + call.transport_retries + 1)
        if isinstance(exc, RetriesExhausted):
            attempts = call.completions or exc.n_attempts
            return failures.never_valid(cause, attempts, call.refusal, settings, exc.last_completion, exc)
        return failures.library_error(exc, settings, call.completions)
