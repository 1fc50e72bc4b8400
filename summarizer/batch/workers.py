"""LLM calls shared with helper processes, so a batch uses every core.

One process spends a few milliseconds of CPU per article (request building, parsing,
validation, grounding); at high concurrency that, not the server, becomes the limit.
Each helper process runs its own event loop and client and takes up to ``share``
articles at a time; the parent keeps the queue, the cache, the ledger and the
accounts, and makes calls itself with whatever concurrency the helpers do not take.
A helper counts only once it has said it is ready, so its start-up (a second or so of
imports) never holds the job up: until then the parent makes every call.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import queue as queue_module
import threading
import time
from typing import Any

from .. import errors
from ..config import Settings
from ..models import BriefMeta

_PARENT_CHECK_S = 1.0
_READY = -1  # the token of a helper's "ready" message


async def _serve(number: int, settings: Settings, tasks: Any, results: Any) -> None:
    from ..backends import make_backend  # the same backend as the parent's: capped, long articles split

    backend = make_backend(settings)
    backend.warm()
    loop = asyncio.get_running_loop()
    local: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue()  # the parent bounds what it sends
    parent = multiprocessing.parent_process()

    def read() -> None:
        while True:
            try:
                task = tasks.get(timeout=_PARENT_CHECK_S)
            except queue_module.Empty:
                if parent is None or parent.is_alive():
                    continue
                task = None  # the parent was killed: nobody is left to write results
            loop.call_soon_threadsafe(local.put_nowait, task)
            if task is None:
                return

    async def answer(token: int, text: str) -> None:
        try:
            brief = await backend.asummarize(text)
            results.put((token, "ok", brief.model_dump_json(), brief.meta.model_dump_json()))
        except errors.SummarizerError as exc:
            results.put((token, "error", exc.to_data()))

    threading.Thread(target=read, name="batch-tasks", daemon=True).start()
    results.put((_READY, number))
    pending: set[asyncio.Task[None]] = set()
    try:
        while (task := await local.get()) is not None:
            running = asyncio.create_task(answer(*task))
            pending.add(running)
            running.add_done_callback(pending.discard)
        if pending:
            await asyncio.wait(pending)
    finally:
        await backend.aclose()


def _helper_main(number: int, settings: Settings, tasks: Any, results: Any) -> None:
    asyncio.run(_serve(number, settings, tasks, results))
    results.close()
    results.join_thread()  # every answer is in the pipe before the process goes
    # Skip the interpreter's tear-down of a large module graph: a few hundred
    # milliseconds at the end of every job for nothing.
    os._exit(0)


class WorkerPool:
    """``helpers`` processes, each taking up to ``share`` of a batch's articles at a time."""

    def __init__(self, settings: Settings, helpers: int, share: int) -> None:
        context = multiprocessing.get_context("spawn")  # no forked event loops or sockets
        self.share = max(1, share)
        self._results = context.Queue()
        self._queues = [context.Queue() for _ in range(helpers)]
        self._processes = [
            context.Process(target=_helper_main, args=(number, settings, tasks, self._results), daemon=True)
            for number, tasks in enumerate(self._queues)
        ]
        for process in self._processes:
            process.start()
        self._ready: list[bool] = [False] * helpers
        self._busy: list[int] = [0] * helpers
        self._tokens = itertools.count()
        self._futures: dict[int, asyncio.Future[tuple[str, BriefMeta]]] = {}
        self._owner: dict[int, int] = {}  # token -> helper, to fail its articles if it dies
        self._loop: asyncio.AbstractEventLoop | None = None
        self._collector: threading.Thread | None = None

    def start(self) -> None:
        """Begin collecting answers on the running event loop."""
        self._loop = asyncio.get_running_loop()
        self._collector = threading.Thread(target=self._collect, name="batch-results", daemon=True)
        self._collector.start()

    def _collect(self) -> None:
        assert self._loop is not None
        checked = time.monotonic()
        while True:
            try:
                item = self._results.get(timeout=_PARENT_CHECK_S)
            except queue_module.Empty:
                item = ()
            if item is None:
                return
            if item:
                self._loop.call_soon_threadsafe(self._resolve, item)
            if time.monotonic() - checked >= _PARENT_CHECK_S:
                checked = time.monotonic()
                for number, process in enumerate(self._processes):
                    if self._ready[number] and not process.is_alive():
                        self._loop.call_soon_threadsafe(self._lost, number, process.exitcode)

    def _lost(self, helper: int, exitcode: int | None) -> None:
        """A helper died: its articles fail (a later --retry-failed redoes them); no more go to it."""
        self._ready[helper] = False
        for token in [t for t, owner in self._owner.items() if owner == helper]:
            future = self._futures.pop(token)
            del self._owner[token]
            if not future.done():
                future.set_exception(errors.BackendError(f"helper process {helper} died (exit code {exitcode})"))

    def _resolve(self, item: tuple[Any, ...]) -> None:
        if item[0] == _READY:
            self._ready[item[1]] = True
            return
        future = self._futures.pop(item[0], None)
        self._owner.pop(item[0], None)
        if future is None or future.done():
            return
        if item[1] == "ok":
            # the brief was validated in the helper; here it stays JSON
            future.set_result((item[2], BriefMeta.model_validate_json(item[3])))
        else:
            future.set_exception(errors.error_from_data(item[2]))

    def free_helper(self) -> int | None:
        """A ready helper with room for one more article, the least busy first; else None."""
        best = None
        for number, ready in enumerate(self._ready):
            if ready and self._busy[number] < self.share and (best is None or self._busy[number] < self._busy[best]):
                best = number
        return best

    async def summarize(self, text: str, helper: int) -> tuple[str, BriefMeta]:
        """The brief of ``text`` (as JSON) and its metadata, from ``helper`` (see :meth:`free_helper`)."""
        assert self._loop is not None, "start() the pool first"
        token = next(self._tokens)
        future: asyncio.Future[tuple[str, BriefMeta]] = self._loop.create_future()
        self._futures[token] = future
        self._owner[token] = helper
        self._busy[helper] += 1
        try:
            self._queues[helper].put_nowait((token, text))  # unbounded: at most ``share`` are out
            return await future
        finally:
            self._busy[helper] -= 1

    def close(self) -> None:
        """Stop the helpers (after their articles in flight) and the collector."""
        for tasks in self._queues:
            tasks.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
        self._results.put(None)
        if self._collector is not None:
            self._collector.join(timeout=5)
