"""One rate limit and one budget for a whole Ray job: an actor every brief maker asks before it sends.

The limiter is the local engine's own :class:`~summarizer.batch.ratelimit.RateLimiter`,
held by one actor (:func:`shared_limiter`), so ``rpm``/``tpm`` count every request of
the job whatever actor sends it, and a 429's ``Retry-After`` pauses the job once: every
maker's next request waits for the same ``paused_until``. The same actor keeps the job's budgets (``--max-tokens``,
``--max-cost``) by the local engine's rule (:class:`~summarizer.batch.budget.Budget`): a
maker asks :meth:`_LimiterActor.start` before each article it would send, and once a
budget is reached, or a maker met a fault every article would meet (:meth:`halt`),
every maker is told to stop. In each maker,
:class:`RemoteLimiter` offers the interface the backend already calls (``acquire``,
``settle``, ``pause``, ``observe``), so the client layer is the same on both engines.
"""

from __future__ import annotations

import asyncio
from typing import Any, Mapping

import ray

from ..batch.accounting import cost
from ..batch.budget import LEARNING, Budget
from ..batch.ratelimit import RateLimiter
from ..models import Usage


class _LimiterActor:
    """The job's :class:`RateLimiter` and budgets, in one place (an async actor: waits never block it)."""

    def __init__(self, rpm: float | None, tpm: float | None, budget: Budget = Budget(),
                 price: tuple[float, float, float] | None = None) -> None:
        self.limiter = RateLimiter(rpm, tpm)
        self.budget, self.price = budget, price
        self.paid = 0  # articles sent and finished, whatever the outcome
        self.in_flight = 0
        self.usage = Usage()
        self.stopped: str | None = None  # why no article may start any more
        self._settled: asyncio.Event | None = None

    async def start(self, guess: dict[str, int] | None = None) -> str | None:
        """None when one more article may be sent (it is then counted in flight), else why not."""
        if self._settled is None:
            self._settled = asyncio.Event()
        while self.stopped is None:
            reason = self.budget.over(paid=self.paid, in_flight=self.in_flight, used_tokens=self.usage.total_tokens,
                                      spent=cost(self.usage, self.price), guess=Usage(**guess) if guess else None,
                                      price=self.price)
            if reason is None:
                self.in_flight += 1
                return None
            if reason != LEARNING:
                self.stopped = reason
                break
            self._settled.clear()
            await self._settled.wait()
        return self.stopped

    async def finish(self, usage: dict[str, int] | None = None) -> None:
        """An article that :meth:`start` let go has finished, having used ``usage``."""
        self.in_flight -= 1
        self.paid += 1
        if usage:
            self.usage = self.usage + Usage(**usage)
        if self._settled is not None:
            self._settled.set()

    async def halt(self, reason: str) -> None:
        """No article may start any more (a fault every article would meet)."""
        self.stopped = self.stopped or reason

    async def progress(self) -> tuple[int, int]:
        """Articles finished after :meth:`start`, and those still in flight."""
        return self.paid, self.in_flight

    async def acquire(self, tokens: float) -> None:
        await self.limiter.acquire(tokens)

    async def settle(self, estimated: float, actual: float) -> None:
        self.limiter.settle(estimated, actual)

    async def pause(self, seconds: float) -> None:
        self.limiter.pause(seconds)

    async def observe(self, headers: dict[str, str]) -> None:
        self.limiter.observe(headers)

    async def counts(self) -> dict[str, int]:
        """What the local engine reports of its limiter: requests delayed, pauses after a 429."""
        return {"delayed": self.limiter.delayed, "throttled_by_server": self.limiter.throttled_by_server}


def shared_limiter(rpm: float | None, tpm: float | None, budget: Budget = Budget(),
                   price: tuple[float, float, float] | None = None) -> Any:
    """A new limiter actor for one job; it takes no CPU (it only waits)."""
    return ray.remote(num_cpus=0, max_restarts=0)(_LimiterActor).remote(rpm, tpm, budget, price)


class RemoteLimiter:
    """What a backend sees as its limiter, inside a brief maker: calls go to the job's actor.

    ``acquire`` waits for the actor's answer; the others only report, so they do not wait.
    """

    def __init__(self, actor: Any) -> None:
        self.actor = actor

    async def acquire(self, tokens: float) -> None:
        await self.actor.acquire.remote(tokens)

    def settle(self, estimated: float, actual: float) -> None:
        self.actor.settle.remote(estimated, actual)

    def pause(self, seconds: float) -> None:
        self.actor.pause.remote(seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        self.actor.observe.remote(dict(headers))
