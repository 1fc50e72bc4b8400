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
    limiter = RateLimiter(rpm=1200, clock=clock)  # 20/s, kept at 19.4/s
    sent = []
    for _ in range(3000):  # simulate 3 seconds in 1 ms steps, starting with a full bucket
        while limiter.delay(1) == 0:
            limiter.requests.take(1)
            sent.append(clock.now)
        clock.now += 0.001
    assert 58 <= len(sent) <= 60
    # one at a time: at least the 51.5 ms interval less the 20 ms late-wake-up credit
    assert min(b - a for a, b in zip(sent, sent[1:])) > 0.03
    most_in_a_second = max(sum(t <= s < t + 1.0 for s in sent) for t in sent)
    assert most_in_a_second == 20  # at the limit of a per-second window, never over it


def test_a_late_wake_up_is_credited_to_the_next_request():
    clock = Clock()
    limiter = RateLimiter(rpm=600, clock=clock)  # kept at 9.7/s: one every 103 ms
    interval = 60 / (600 * limiter.headroom)
    limiter.requests.take(1)
    limiter.requests.take(limiter.requests.level)  # empty: the next request waits a whole interval
    assert limiter.delay(1) == pytest.approx(interval)
    clock.now += interval + 0.005  # the waiter wakes 5 ms late
    assert limiter.delay(1) == 0
    limiter.requests.take(1)
    assert limiter.delay(1) == pytest.approx(interval - 0.005)  # the 5 ms are not lost
    clock.now += 1.0  # idle: the credit is bounded, so no burst follows
    limiter.requests.take(1)
    assert limiter.delay(1) > interval * 0.75


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
    assert limiter.requests is not None and limiter.requests.rate == pytest.approx(600 * 0.97 / 60)
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
