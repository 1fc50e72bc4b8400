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
from functools import cached_property, partial
from typing import Any

import openai

from ...config import Settings
from ...errors import SummarizerError
from ...finish import Production, finish
from ...grounding import ArticleIndex
from ...logs import protect
from ...models import Brief, BriefDraft, Usage
from ...prompts import messages, prompt_version
from ..base import Capabilities
from . import failures
from .call import Call
from .dialects import dialect_for
from .structured import IncompleteOutput, RetriesExhausted, Structured
from .tokens import counted_output, estimate_tokens, tokens_of
from .transport import RetryPolicy, async_client, sync_client, within

log = logging.getLogger(__name__)


def _message_characters(text: str) -> int:
    return sum(len(m["content"]) for m in messages(text))


class LLMBackend:
    """Briefs from any OpenAI-compatible server, through instructor."""

    name = "openai"
    capabilities = Capabilities(rate_limited=True, costs_tokens=True, splits_long_articles=True)

    def __init__(self, settings: Settings, limiter: Any = None) -> None:
        self.settings = settings
        self.limiter = limiter  # a batch.ratelimit.RateLimiter shared by a batch's workers
        protect(settings.api_key)  # however the backend is made, the client libraries' logs redact the key
        settings.key_for_client()  # a missing key is a ConfigError now, not at the first article
        self._structured = Structured(settings.mode)
        self._shape = dialect_for(settings)
        self._options: dict[str, Any] = {"model": settings.chosen_model(), "temperature": settings.temperature}
        if settings.max_output_tokens:
            self._options["max_tokens"] = settings.max_output_tokens

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
        return self._empty_request_tokens + tokens_of(_message_characters(text) - _message_characters(""))

    @cached_property
    def _empty_request_tokens(self) -> float:
        _, request = self._structured.request(messages(""), {})
        return estimate_tokens(request) - counted_output(request.get("max_tokens"))

    def estimate_usage(self, text: str) -> Usage:
        """The tokens a brief of ``text`` is likely to cost, before it is asked for (a budget's guess)."""
        prompt = int(self.request_tokens(text))
        completion = counted_output(self.settings.max_output_tokens)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    # --- clients ------------------------------------------------------------------------

    @cached_property
    def _client(self) -> openai.OpenAI:
        return sync_client(self.settings)

    @cached_property
    def _aclient(self) -> openai.AsyncOpenAI:
        return async_client(self.settings)

    def warm(self) -> None:
        """Build the async client and its request pipeline now, not on the first article."""
        self._asend  # noqa: B018 - the cached property's side effect is the point

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
        policy, shape = RetryPolicy(self.settings), self._shape

        def send(call: Call, **kwargs: Any) -> Any:
            kwargs = shape(kwargs)
            started = time.monotonic()
            for attempt in policy.sync(call.retried):
                with attempt:
                    response = raw(**kwargs, timeout=policy.budget(started))
            call.count(response)
            return response

        return send

    @cached_property
    def _asend(self) -> Callable[..., Any]:
        limiter = self.limiter
        completions = self._aclient.chat.completions
        policy, shape = RetryPolicy(self.settings, limiter), self._shape
        url = f"{self._aclient.base_url}chat/completions"

        async def once(started: float, kwargs: dict[str, Any]) -> Any:
            # The budget bounds the HTTP exchange only, never a wait for the rate limiter.
            if limiter is None:
                budget = policy.budget(started)
                return await within(completions.create(**kwargs, timeout=budget), budget, url)
            estimate = estimate_tokens(kwargs)
            await limiter.acquire(estimate)
            budget = policy.budget(started)
            try:
                raw = await within(completions.with_raw_response.create(**kwargs, timeout=budget), budget, url)
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

        async def send(call: Call, **kwargs: Any) -> Any:
            kwargs = shape(kwargs)
            started = time.monotonic()
            async for attempt in policy.async_(call.retried):
                with attempt:
                    response = await once(started, kwargs)
            call.count(response)
            return response

        return send

    # --- one brief -----------------------------------------------------------------------

    def summarize(self, text: str) -> Brief:
        """One brief of ``text``; raises a :class:`BackendError` subclass on failure."""
        started = time.perf_counter()
        with self._tracked(text) as call:
            run = partial(self._structured.run, partial(self._send, call), messages(text))
            try:
                draft = run(self._options, self.settings.max_reasks, call.check)
            except IncompleteOutput:
                if (larger := self._larger_budget(call)) is None:
                    raise
                draft = run(larger, self.settings.max_reasks, call.check)
        return self._finish(draft, call, started)

    async def asummarize(self, text: str) -> Brief:
        """The async form of :meth:`summarize`."""
        started = time.perf_counter()
        with self._tracked(text) as call:
            run = partial(self._structured.arun, partial(self._asend, call), messages(text))
            try:
                draft = await run(self._options, self.settings.max_reasks, call.check)
            except IncompleteOutput:
                if (larger := self._larger_budget(call)) is None:
                    raise
                draft = await run(larger, self.settings.max_reasks, call.check)
        return self._finish(draft, call, started)

    @contextmanager
    def _tracked(self, text: str) -> Iterator[Call]:
        """A new call's state; any failure inside becomes a library error."""
        call = Call(ArticleIndex(text), self.settings.max_reasks + 1, self._options.get("max_tokens"),
                    prompt_estimate=self.request_tokens(text))
        try:
            yield call
        except Exception as exc:  # noqa: BLE001 - every failure becomes a library error
            raise self._failure(exc, call) from exc

    def _larger_budget(self, call: Call) -> dict[str, Any] | None:
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
        return {**self._options, "max_tokens": larger}

    def _finish(self, draft: BriefDraft, call: Call, started: float) -> Brief:
        made = Production(
            backend=self.name,
            version=self.version,
            model=self.settings.model,
            mode=self.settings.mode.value,
            usage=call.usage,
            attempts=call.completions,
            transport_retries=call.transport_retries,
            reasoning_chars=call.reasoning_chars,
            warnings=call.warnings + [f"ungrounded after re-asks: {i.path}" for i in call.lenient_issues],
            started=started,
        )
        return finish(Brief.from_draft(draft), call.index, self.settings.ungrounded, made)

    def _failure(self, exc: BaseException, call: Call) -> SummarizerError:
        settings = self.settings
        cause = exc.__cause__ if isinstance(exc, RetriesExhausted) and exc.__cause__ else exc
        if isinstance(cause, SummarizerError):
            return cause
        if isinstance(cause, IncompleteOutput):
            asked_again = call.max_tokens != self._options.get("max_tokens")
            return failures.truncated(call.max_tokens, asked_again, settings, call.completions, cause)
        if isinstance(cause, openai.OpenAIError):
            return failures.library_error(cause, settings, call.completions + call.transport_retries + 1)
        if isinstance(exc, RetriesExhausted):
            attempts = call.completions or exc.n_attempts
            return failures.never_valid(cause, attempts, call.refusal, settings, exc.last_completion, exc)
        return failures.library_error(exc, settings, call.completions)
