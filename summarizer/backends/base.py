"""What a backend is: one brief from one article, sync and async, with its capabilities stated.

Callers ask :attr:`BriefBackend.capabilities` instead of probing for attributes: a batch
job shares its rate limiter only with a backend that is ``rate_limited``, budgets its
tokens only where an article ``costs_tokens``, and long articles are split only for a
backend that ``splits_long_articles`` (its ``request_tokens`` says how big a request is).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ..models import Brief, Usage


@dataclass(frozen=True)
class Capabilities:
    """What a backend can do besides making briefs (see the module docstring)."""

    rate_limited: bool = False
    costs_tokens: bool = False
    splits_long_articles: bool = False


class BriefBackend(Protocol):
    """What every backend offers."""

    name: str
    capabilities: Capabilities
    limiter: Any  # a summarizer.batch.ratelimit.RateLimiter, or None

    @property
    def version(self) -> str:
        """The version of what makes the brief (prompt and schema, or the extractor's code)."""
        ...

    def summarize(self, text: str) -> Brief: ...

    async def asummarize(self, text: str) -> Brief: ...

    def estimate_usage(self, text: str) -> Usage:
        """The tokens a brief of ``text`` is likely to cost, before it is asked for (zero offline)."""
        ...

    def warm(self) -> None:
        """Build now what the first article would otherwise wait for."""
        ...

    def close(self) -> None: ...

    async def aclose(self) -> None: ...
