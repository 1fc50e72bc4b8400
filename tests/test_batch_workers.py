"""Helper processes of a batch: they serve only once ready, and a dead one fails only its own articles."""

from __future__ import annotations

import asyncio
import json
import time

import pytest

import loopback as lb
from summarizer.batch.workers import WorkerPool
from summarizer.config import resolve_settings
from summarizer.errors import BackendError
from test_llm_backend import ARTICLE, REPLY

READY_WITHIN_S = 60  # a spawned helper imports the whole client stack; CI machines can be slow


def settings(server):
    return resolve_settings(backend="openai", base_url=server.url, model="m", max_retry_wait=0.05)


async def ready_helper(pool: WorkerPool) -> int:
    deadline = time.monotonic() + READY_WITHIN_S
    while (helper := pool.free_helper()) is None:
        assert time.monotonic() < deadline, "the helper never said it was ready"
        await asyncio.sleep(0.05)
    return helper


def test_a_helper_takes_nothing_before_it_is_ready_then_makes_briefs(loopback):
    loopback.default = lb.brief(REPLY, usage=(100, 50))
    pool = WorkerPool(settings(loopback), helpers=1, share=2)

    async def scenario():
        pool.start()
        assert pool.free_helper() is None  # still importing: the parent must not wait for it
        helper = await ready_helper(pool)
        briefs = await asyncio.gather(*(pool.summarize(f"{ARTICLE}\n\nItem {i}.", helper) for i in range(2)))
        return helper, briefs

    try:
        helper, briefs = asyncio.run(scenario())
    finally:
        pool.close()
    assert helper == 0 and len(loopback.requests) == 2
    for brief_json, meta in briefs:
        assert json.loads(brief_json)["headline"] == REPLY["headline"]
        assert meta.usage.total_tokens == 150 and meta.attempts == 1
    assert all(not process.is_alive() for process in pool._processes)


def test_a_helper_is_full_at_its_share(loopback):
    loopback.default = lb.delay(1.0, lb.brief(REPLY))
    pool = WorkerPool(settings(loopback), helpers=1, share=1)

    async def scenario():
        pool.start()
        helper = await ready_helper(pool)
        running = asyncio.ensure_future(pool.summarize(ARTICLE, helper))
        await asyncio.sleep(0)
        full = pool.free_helper()
        await running
        return full, pool.free_helper()

    try:
        full, after = asyncio.run(scenario())
    finally:
        pool.close()
    assert (full, after) == (None, 0)


def test_a_helper_that_dies_fails_its_articles_and_gets_no_more(loopback):
    loopback.default = lb.delay(5.0, lb.brief(REPLY))
    pool = WorkerPool(settings(loopback), helpers=1, share=2)

    async def scenario():
        pool.start()
        helper = await ready_helper(pool)
        running = asyncio.ensure_future(pool.summarize(ARTICLE, helper))
        deadline = time.monotonic() + 10
        while not loopback.requests and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        pool._processes[helper].kill()
        with pytest.raises(BackendError, match="helper process 0 died"):
            await asyncio.wait_for(running, timeout=10)
        return pool.free_helper()

    try:
        assert asyncio.run(scenario()) is None
    finally:
        pool.close()



def test_offline_briefs_and_errors_come_from_a_helper_as_this_process_makes_them():
    from summarizer.backends import make_backend
    from summarizer.errors import InputError

    settings = resolve_settings(backend="offline", max_article_chars=len(ARTICLE) + 100)
    text, too_long = f"{ARTICLE}\n\nItem 7.", "word " * len(ARTICLE)
    pool = WorkerPool(settings, helpers=1, share=2)

    async def scenario():
        pool.start()
        helper = await ready_helper(pool)
        made = await pool.summarize(text, helper)
        with pytest.raises(InputError) as refused:  # the helper's error, rebuilt here with its class
            await pool.summarize(too_long, helper)
        return made, refused.value

    try:
        (brief_json, meta), refused = asyncio.run(scenario())
    finally:
        pool.close()
    here = make_backend(settings)
    assert json.loads(brief_json) == json.loads(here.summarize(text).model_dump_json())
    assert meta.backend == "offline" and meta.prompt_version == here.version
    with pytest.raises(InputError) as local:
        here.summarize(too_long)
    assert refused.message == local.value.message and refused.exit_code == 2


def test_a_helper_whose_parent_is_gone_stops_by_itself(loopback):
    # the parent's end of the channel closing is what a killed parent looks like to a helper
    pool = WorkerPool(settings(loopback), helpers=1, share=1)

    async def scenario():
        pool.start()
        await ready_helper(pool)
        pool._channels[0].close()

    try:
        asyncio.run(scenario())
        pool._processes[0].join(timeout=10)
        assert pool._processes[0].exitcode == 0  # ended on its own, not terminated
    finally:
        pool.close()


@pytest.mark.wallclock
def test_closing_stops_a_helper_still_starting_at_once_and_a_ready_one_after_its_work(loopback):
    loopback.default = lb.delay(0.5, lb.brief(REPLY))
    starting, ready = WorkerPool(settings(loopback), helpers=1, share=1), WorkerPool(settings(loopback), helpers=1, share=1)

    async def scenario():
        starting.start()
        began = time.monotonic()
        await starting.aclose()  # still importing: nothing to wait for
        quick = time.monotonic() - began
        ready.start()
        helper = await ready_helper(ready)
        running = asyncio.ensure_future(ready.summarize(ARTICLE, helper))
        await asyncio.sleep(0.1)
        await ready.aclose()  # after the article it holds
        return quick, await running

    try:
        quick, (brief_json, _) = asyncio.run(scenario())
    finally:
        starting.close()
        ready.close()
    assert quick < 2 and json.loads(brief_json)["headline"] == REPLY["headline"]
    assert ready._processes[0].exitcode == 0 and starting._processes[0].exitcode != 0
