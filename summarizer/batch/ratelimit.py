"""Client-side rate limits: token buckets for requests and tokens per minute, that also
follow the server's ``x-ratelimit-*`` headers and slow everyone down after a 429.

Relying on retries alone sends a stampede of requests the moment a limit resets; a
bucket kept a little under the limit spaces requests so that 429s are rare.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

HEADROOM = 0.97
# A paced request often wakes a few ms late (a busy event loop, a limiter actor's queue).
# The request bucket keeps up to this much lateness as credit, so the achieved rate stays
# at HEADROOM instead of losing the delay every interval (it read 0.91-0.94 of --rpm without
# it). HEADROOM x (1 s + LATE_CREDIT) < 1 s keeps any one second under a per-second limit.
LATE_CREDIT = 0.02
PROBE_WAIT = 5.0
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str | None) -> float | None:
    """Seconds in a rate-limit duration such as ``6m0s``, ``2s81ms``, ``20ms`` or ``1.5``."""
    if not text:
        return None
    text = text.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text.replace(" ", ""):
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


@dataclass
class TokenBucket:
    """``rate`` units per second, holding at most ``capacity``."""

    rate: float
    capacity: float
    clock: Callable[[], float] = time.monotonic
    level: float = field(init=False)
    stamp: float = field(init=False)

    def __post_init__(self) -> None:
        self.level = self.capacity
        self.stamp = self.clock()

    def _refill(self) -> None:
        now = self.clock()
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, amount: float) -> float:
        """Seconds until ``amount`` units are available (0 when they are now)."""
        self._refill()
        amount = min(amount, self.capacity)
        return 0.0 if self.level >= amount else (amount - self.level) / self.rate

    def take(self, amount: float) -> None:
        self._refill()
        self.level -= amount  # may go negative after a correction: later callers wait it out

    def give_back(self, amount: float) -> None:
        self.level = min(self.capacity, self.level + amount)


class RateLimiter:
    """Requests and tokens per minute, kept at ``headroom`` of the limits.

    Limits come from the user (``rpm``, ``tpm``) or, when not given, from the server's
    ``x-ratelimit-limit-*`` headers as soon as one is seen.
    """

    def __init__(
        self,
        rpm: float | None = None,
        tpm: float | None = None,
        headroom: float = HEADROOM,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.headroom = headroom
        self.clock = clock
        self.requests = self._bucket(rpm)
        self.tokens = self._bucket(tpm, burst_seconds=1.0)
        self._user_limits = (rpm is not None, tpm is not None)
        self.paused_until = 0.0
        self.delayed = 0  # requests that had to wait
        # With no limits given, the first request goes alone and the rest wait for its
        # headers (at most PROBE_WAIT s), so a job never opens with a burst of 429s.
        self._probe_sent = rpm is not None and tpm is not None
        self._headers_seen: asyncio.Event | None = None
        self.throttled_by_server = 0

    def _bucket(self, per_minute: float | None, burst_seconds: float = 0.0) -> TokenBucket | None:
        if not per_minute:
            return None
        rate = per_minute * self.headroom / 60.0
        # Servers often enforce a limit per second: a full bucket plus a second of refill
        # must stay under it, so requests are paced one at a time (one request and
        # LATE_CREDIT's worth), never sent in a burst. Tokens come in lumps of a whole
        # request, so that bucket holds a second's worth.
        if burst_seconds:
            return TokenBucket(rate=rate, capacity=max(1.0, rate * burst_seconds), clock=self.clock)
        return TokenBucket(rate=rate, capacity=1.0 + rate * LATE_CREDIT, clock=self.clock)

    def delay(self, tokens: float) -> float:
        """Seconds to wait before a request estimated at ``tokens`` may go."""
        waits = [self.paused_until - self.clock()]
        if self.requests:
            waits.append(self.requests.wait_for(1))
        if self.tokens:
            waits.append(self.tokens.wait_for(tokens))
        return max(0.0, *waits)

    async def acquire(self, tokens: float) -> None:
        """Wait until a request of about ``tokens`` tokens fits, then count it."""
        waited = False
        if self._headers_seen is None:
            self._headers_seen = asyncio.Event()
        if not self._probe_sent:
            self._probe_sent = True
        elif not self._headers_seen.is_set():
            waited = True
            try:
                await asyncio.wait_for(self._headers_seen.wait(), PROBE_WAIT)
            except asyncio.TimeoutError:
                self._headers_seen.set()
        while True:
            wait = self.delay(tokens)
            if wait <= 0:
                break
            waited = True
            await asyncio.sleep(wait)
        self.delayed += waited
        if self.requests:
            self.requests.take(1)
        if self.tokens:
            self.tokens.take(tokens)

    def settle(self, estimated: float, actual: float) -> None:
        """Correct the token bucket once the real usage of a request is known."""
        if self.tokens:
            if actual > estimated:
                self.tokens.take(actual - estimated)
            else:
                self.tokens.give_back(estimated - actual)

    def pause(self, seconds: float) -> None:
        """Hold every request for ``seconds`` (after a 429): one wait for all, not a stampede."""
        self.throttled_by_server += 1
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Learn from ``x-ratelimit-*`` headers: the limits, and a pause when nothing remains."""
        if self._headers_seen is not None:
            self._headers_seen.set()
        get = {k.lower(): v for k, v in headers.items()}.get
        for kind, user_given, attr in (("requests", self._user_limits[0], "requests"),
                                       ("tokens", self._user_limits[1], "tokens")):
            limit = get(f"x-ratelimit-limit-{kind}")
            if limit and not user_given and getattr(self, attr) is None:
                try:
                    setattr(self, attr, self._bucket(float(limit), burst_seconds=1.0 if kind == "tokens" else 0.0))
                except ValueError:
                    pass
            remaining = get(f"x-ratelimit-remaining-{kind}")
            reset = parse_duration(get(f"x-ratelimit-reset-{kind}"))
            try:
                exhausted = remaining is not None and float(remaining) <= 0
            except ValueError:
                exhausted = False
            if exhausted and reset:
                self.paused_until = max(self.paused_until, self.clock() + reset)
