"""Briefs made in helper processes, so a batch uses every core, whatever the backend.

An LLM costs a few milliseconds of CPU per article (request building, parsing,
validation, grounding), the offline extractor all of its time: at high concurrency
that, not the server, becomes the limit. Each helper process builds the same backend as
the parent (:func:`summarizer.backends.make_backend`), runs its own event loop and takes
up to ``share`` articles at a time; the parent keeps the queue, the cache, the ledger
and the accounts, and makes briefs itself with whatever concurrency the helpers do not
take. A helper's error reaches the parent as :meth:`~summarizer.errors.SummarizerError.to_data`
and is rebuilt, same class, by :func:`~summarizer.errors.error_from_data`.
A helper counts only once it has said it is ready, so its start-up (a second or so of
imports) never holds the job up: until then the parent makes every call.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import queue as queue_module
import signal
import sys
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
    # A forked helper inherits the parent's Ctrl-C handler (its asyncio runner's): take
    # back the interpreter's own, as a spawned helper has.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    asyncio.run(_serve(number, settings, tasks, results))
    results.close()
    results.join_thread()  # every answer is in the pipe before the process goes
    # Skip the interpreter's tear-down of a large module graph: a few hundred
    # milliseconds at the end of every job for nothing.
    os._exit(0)


def _start_method(fork: bool) -> str:
    """``fork`` when asked and safe (Linux, this process on one thread), else ``spawn``.

    A spawned helper imports the package afresh (half a second of CPU with the offline
    tables; a short job notices); a forked one starts at once with what this process
    has loaded. Forking is safe only for a backend that holds no client, socket or lock
    another thread could hold, which the caller knows and says with ``fork``.
    """
    if fork and sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"


class WorkerPool:
    """``helpers`` processes, each taking up to ``share`` of a batch's articles at a time.

    With ``fork=True`` (a backend with no client: the offline one) the helpers are forked
    when that is safe (:func:`_start_method`); otherwise they are spawned, so no event
    loop, client or socket of this process is ever copied into them.
    """

    def __init__(self, settings: Settings, helpers: int, share: int, *, fork: bool = False) -> None:
        method = _start_method(fork)
        if method == "fork":  # nothing buffered here is written twice by a helper
            sys.stdout.flush()
            sys.stderr.flush()
        context = multiprocessing.get_context(method)
        self.start_method = method
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
            if item is None or self._loop.is_closed():
                return  # closed, or the loop that awaited the answers has ended: nobody is left to tell
            try:
                if item:
                    self._loop.call_soon_threadsafe(self._resolve, item)
                if time.monotonic() - checked >= _PARENT_CHECK_S:
                    checked = time.monotonic()
                    for number, process in enumerate(self._processes):
                        if self._ready[number] and not process.is_alive():
                            self._loop.call_soon_threadsafe(self._lost, number, process.exitcode)
            except RuntimeError:  # the loop closed between the check and the call
                return

    def _lost(self, helper: int, exitcode: int | None) -> None:
        """A helper died: its articles fail (a later --retry-failed redoes them); no more go to it."""
        self._ready[helper] = False
        for token in [t for t, owner in self._owner.items() if owner == helper]:
            future = self._release(token)
            if future is not None and not future.done():
                future.set_exception(errors.BackendError(f"helper process {helper} died (exit code {exitcode})"))

    def _resolve(self, item: tuple[Any, ...]) -> None:
        if item[0] == _READY:
            self._ready[item[1]] = True
            return
        future = self._release(item[0])
        if future is None or future.done():
            return
        if item[1] == "ok":
            # the brief was validated in the helper; here it stays JSON
            future.set_result((item[2], BriefMeta.model_validate_json(item[3])))
        else:
            future.set_exception(errors.error_from_data(item[2]))

    def _release(self, token: int) -> asyncio.Future[tuple[str, BriefMeta]] | None:
        """Forget ``token``: its helper has room again from now on, before its caller resumes."""
        helper = self._owner.pop(token, None)
        if helper is not None:
            self._busy[helper] -= 1
        return self._futures.pop(token, None)

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
        self._busy[helper] += 1  # until the helper answers (or dies), even if the caller gives up
        self._queues[helper].put_nowait((token, text))  # unbounded: at most ``share`` are out
        return await future

    def close(self) -> None:
        """Stop the helpers (after their articles in flight) and the collector."""
        for number, tasks in enumerate(self._queues):
            if self._ready[number]:
                tasks.put(None)
            else:  # still starting, so nothing in flight: no need to wait for its imports
                self._processes[number].terminate()
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
        self._results.put(None)
        if self._collector is not None:
            self._collector.join(timeout=5)
