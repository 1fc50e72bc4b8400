"""One rate limit for a whole Ray job: a limiter actor every brief maker asks before it sends.

The limiter is the local engine's own :class:`~summarizer.batch.ratelimit.RateLimiter`,
held by one actor (:func:`shared_limiter`), so ``rpm``/``tpm`` count every request of
the job whatever actor sends it, and a 429's ``Retry-After`` pauses the job once: every
maker's next request waits for the same ``paused_until``. In each maker,
:class:`RemoteLimiter` offers the interface the backend already calls (``acquire``,
``settle``, ``pause``, ``observe``), so the client layer is the same on both engines.
"""

from __future__ import annotations

from typing import Any, Mapping

import ray

from ..batch.ratelimit import RateLimiter


class _LimiterActor:
    """The job's :class:`RateLimiter`, in one place (an async actor: waits never block it)."""

    def __init__(self, rpm: float | None, tpm: float | None) -> None:
        self.limiter = RateLimiter(rpm, tpm)

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


def shared_limiter(rpm: float | None, tpm: float | None) -> Any:
    """A new limiter actor for one job; it takes no CPU (it only waits)."""
    return ray.remote(num_cpus=0, max_restarts=0)(_LimiterActor).remote(rpm, tpm)


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
