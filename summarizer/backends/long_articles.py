"""Articles of any length: a hard cap on what is accepted, and long ones split for an LLM.

:class:`LongArticles` wraps a backend. Every article longer than
``settings.max_article_chars`` is refused with an :class:`InputError` before any request.
With a backend that ``splits_long_articles``, an article whose request would exceed
``settings.max_input_tokens`` (counted by :mod:`summarizer.backends.openai.tokens`) is split on paragraph boundaries
(:mod:`summarizer.split`), each part is summarized by the same backend (concurrently, at
most :data:`PART_CONCURRENCY` at a time, under the backend's rate limiter), and the part
briefs are merged into one brief of the whole article (:mod:`summarizer.merge`). The
offline backend reads an article of any length whole, so it is never split.
"""

from __future__ import annotations

import asyncio
import copy
import math
import time
from typing import Any, Callable

from ..config import Settings
from ..errors import ConfigError, InputError, SummarizerError
from ..finish import merged
from ..merge import merge_briefs
from ..models import Brief, Usage
from ..split import Part, split_article
from .base import BriefBackend
from .openai.tokens import characters_of

__all__ = ["LongArticles", "check_length", "part_chars", "split_text"]

PART_CONCURRENCY = 4  # parts of one article in flight at once
# A part repeats at most this share of the previous one (its last paragraph, if short).
OVERLAP_SHARE = 0.1
MAX_OVERLAP_CHARS = 2_000
# Room for the article below this, and the budget is a mistake: say so instead of
# sending dozens of tiny requests.
MIN_ARTICLE_TOKENS = 500
# Characters the prompt adds around the article beyond the template (marker look-alikes
# broken up); a margin so a full part never estimates one token over the budget.
_MARGIN_CHARS = 64


def check_length(text: str, max_chars: int) -> None:
    """An :class:`InputError` when ``text`` is longer than the hard cap ``max_chars``."""
    if len(text) > max_chars:
        raise InputError(
            f"the article is {len(text):,} characters, beyond the cap of {max_chars:,}; "
            "split it or raise --max-article-chars"
        )


def part_chars(settings: Settings, prompt_tokens: Callable[[str], float]) -> int:
    """The characters of article one request holds under ``settings.max_input_tokens``.

    ``prompt_tokens(text)`` is the input tokens of the request for ``text``; what it adds
    around the article is measured once, on an empty one. A :class:`ConfigError` when the
    budget leaves the article no room. The online path and ``batch export`` both size
    their parts here.
    """
    overhead = math.ceil(prompt_tokens(""))
    room = settings.max_input_tokens - overhead
    if room < MIN_ARTICLE_TOKENS:
        raise ConfigError(
            f"max_input_tokens {settings.max_input_tokens} leaves no room for the article: the prompt "
            f"alone is about {overhead} tokens; set at least {overhead + MIN_ARTICLE_TOKENS}"
        )
    return characters_of(room) - _MARGIN_CHARS


def split_text(text: str, max_chars: int | None) -> list[Part]:
    """The parts ``text`` is sent in, each at most ``max_chars`` (from :func:`part_chars`); one part when None."""
    if max_chars is None:
        return [Part(0, 0, len(text), text)]
    overlap = min(int(max_chars * OVERLAP_SHARE), MAX_OVERLAP_CHARS)
    return split_article(text, max_chars, overlap)


class LongArticles:
    """A backend that refuses over-long articles and splits long ones (see the module docstring).

    Args:
        inner: the backend that makes each brief.
        settings: ``max_article_chars`` and ``max_input_tokens`` are read from here.
        prompt_tokens: the input tokens of a request for a given article text
            (:meth:`summarizer.llm.LLMBackend.request_tokens`); None for a backend that is never split.
    """

    def __init__(self, inner: BriefBackend, settings: Settings, prompt_tokens: Callable[[str], float] | None) -> None:
        self.inner = inner
        self._settings = settings
        self.part_chars = part_chars(settings, prompt_tokens) if prompt_tokens is not None else None

    # --- what a backend offers, passed through ---------------------------------------

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def capabilities(self) -> Any:
        return self.inner.capabilities

    @property
    def version(self) -> str:
        return self.inner.version

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def limiter(self) -> Any:
        """The inner backend's rate limiter (None for one that is not rate limited)."""
        return self.inner.limiter

    @limiter.setter
    def limiter(self, value: Any) -> None:
        self.inner.limiter = value

    def estimate_usage(self, text: str) -> Usage:
        """The inner backend's estimate, summed over the parts ``text`` is sent in."""
        return sum((self.inner.estimate_usage(part.text) for part in self.split(text)), Usage())

    def warm(self) -> None:
        self.inner.warm()

    def close(self) -> None:
        self.inner.close()

    async def aclose(self) -> None:
        await self.inner.aclose()

    # --- splitting --------------------------------------------------------------------

    def split(self, text: str) -> list[Part]:
        """The parts ``text`` is sent in: one part when it fits or is never split."""
        return split_text(text, self.part_chars)

    def summarize(self, text: str) -> Brief:
        """One brief of ``text``, its parts summarized one after another."""
        check_length(text, self._settings.max_article_chars)
        parts = self.split(text)
        if len(parts) == 1:
            return self.inner.summarize(text)
        started = time.perf_counter()
        briefs = []
        for part in parts:
            try:
                briefs.append(self.inner.summarize(part.text))
            except SummarizerError as exc:
                raise _in_part(exc, part, len(parts)) from exc
        return self._merged(text, parts, briefs, started)

    async def asummarize(self, text: str) -> Brief:
        """One brief of ``text``, its parts summarized concurrently; the first failure cancels the rest."""
        check_length(text, self._settings.max_article_chars)
        parts = self.split(text)
        if len(parts) == 1:
            return await self.inner.asummarize(text)
        started = time.perf_counter()
        slots = asyncio.Semaphore(PART_CONCURRENCY)

        async def one(part: Part) -> Brief:
            async with slots:
                return await self.inner.asummarize(part.text)

        tasks: list[asyncio.Task[Brief]] = []
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(part)) for part in parts]
        except BaseExceptionGroup as failures:
            for part, task in zip(parts, tasks):
                error = task.exception() if task.done() and not task.cancelled() else None
                if isinstance(error, SummarizerError):
                    raise _in_part(error, part, len(parts)) from error
            raise failures.exceptions[0] from None
        return self._merged(text, parts, [task.result() for task in tasks], started)

    def _merged(self, text: str, parts: list[Part], briefs: list[Brief], started: float) -> Brief:
        brief, report = merge_briefs(text, parts, briefs)
        return merged(brief, [b.meta for b in briefs if b.meta is not None], report, time.perf_counter() - started)


def _in_part(error: SummarizerError, part: Part, count: int) -> SummarizerError:
    """A copy of ``error`` (same class, same context) whose message names the part that failed."""
    named = copy.copy(error)
    named.message = f"part {part.index + 1} of {count} (characters {part.start}-{part.end}): {error.message}"
    named.args = (named.message,)
    return named
