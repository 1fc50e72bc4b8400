"""Client-side rate limiting: duration parsing, pacing, server headers, the first-request probe."""

from __future__ import annotations

import asyncio

import pytest

from summarizer.batch.ratelimit import RateLimiter, TokenBucket, parse_duration


@pytest.mark.parametrize(
    "text, seconds",
    [("6m0s", 360.0), ("2s81ms", 2.081), ("20ms", 0.02), ("1.5", 1.5), ("1h2m3.5s", 3723.5), ("abc", None), ("", None)],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_request_bucket_paces_one_at_a_time_under_a_per_second_limit():
    clock = Clock()
    limiter = RateLimiter(rpm=1200, clock=clock)  # 20/s, kept at 19/s
    sent = 0
    for _ in range(2000):  # simulate 2 seconds in 1 ms steps
        while limiter.delay(1) == 0:
            limiter.requests.take(1)
            sent += 1
        clock.now += 0.001
    assert 37 <= sent <= 40  # 19 a second, never a burst
    assert limiter.requests.capacity == 1.0


def test_token_bucket_refills_at_its_rate():
    clock = Clock()
    bucket = TokenBucket(rate=10, capacity=10, clock=clock)
    bucket.take(10)
    assert bucket.wait_for(5) == pytest.approx(0.5)
    clock.now += 0.5
    assert bucket.wait_for(5) == 0


def test_headers_teach_the_limit_and_an_exhausted_window_pauses():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    limiter.observe({"x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "0",
                     "x-ratelimit-reset-requests": "2s500ms"})
    assert limiter.requests is not None and limiter.requests.rate == pytest.approx(600 * 0.95 / 60)
    assert limiter.delay(1) == pytest.approx(2.5)


def test_after_a_429_every_request_waits_the_same_pause():
    clock = Clock()
    limiter = RateLimiter(rpm=6000, clock=clock)
    limiter.pause(1.5)
    assert limiter.delay(1) == pytest.approx(1.5) and limiter.throttled_by_server == 1


def test_without_limits_the_first_request_goes_alone_until_headers_arrive():
    async def scenario():
        limiter = RateLimiter()
        await limiter.acquire(100)  # the probe
        second = asyncio.ensure_future(limiter.acquire(100))
        await asyncio.sleep(0.05)
        assert not second.done()
        limiter.observe({"x-ratelimit-limit-requests": "6000"})
        await asyncio.wait_for(second, 1)
        return limiter

    limiter = asyncio.run(scenario())
    assert limiter.delayed == 1
