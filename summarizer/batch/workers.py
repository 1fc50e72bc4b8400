"""LLM calls spread over worker processes, so a batch uses every core.

One process spends a few milliseconds of CPU per article (request building, parsing,
validation, grounding); at high concurrency that, not the server, becomes the limit.
Each worker process runs its own event loop, client and share of the rate limits;
the parent keeps the queue, the cache, the ledger and the accounts, and hands each
worker articles over its own queue.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import queue as queue_module
import threading
from typing import Any

from .. import errors
from ..config import Settings
from ..models import BriefMeta

_PARENT_CHECK_S = 1.0


def _rebuild_error(name: str, message: str, attempts: int) -> errors.SummarizerError:
    kind = getattr(errors, name, None)
    if not (isinstance(kind, type) and issubclass(kind, errors.SummarizerError)):
        kind = errors.BackendError
    error = kind(message)
    error.attempts = attempts  # type: ignore[attr-defined]
    return error


async def _serve(settings: Settings, concurrency: int, rpm: float | None, tpm: float | None,
                 tasks: Any, results: Any) -> None:
    from ..llm import LLMBackend
    from .ratelimit import RateLimiter

    backend = LLMBackend(settings, RateLimiter(rpm, tpm))
    loop = asyncio.get_running_loop()
    local: asyncio.Queue[tuple[int, str] | None] = asyncio.Queue(maxsize=concurrency)
    parent = multiprocessing.parent_process()

    def next_task() -> tuple[int, str] | None:
        while True:
            try:
                return tasks.get(timeout=_PARENT_CHECK_S)
            except queue_module.Empty:
                if parent is not None and not parent.is_alive():
                    return None  # the parent was killed: nobody is left to write results

    async def read() -> None:
        while (task := await loop.run_in_executor(None, next_task)) is not None:
            await local.put(task)
        for _ in range(concurrency):
            await local.put(None)

    async def work() -> None:
        while (task := await local.get()) is not None:
            token, text = task
            try:
                brief = await backend.asummarize(text)
                results.put((token, "ok", brief.model_dump_json(), brief.meta.model_dump_json()))
            except errors.SummarizerError as exc:
                results.put((token, "error", type(exc).__name__, exc.message, getattr(exc, "attempts", 0)))

    try:
        await asyncio.gather(read(), *(work() for _ in range(concurrency)))
    finally:
        await backend.aclose()


def _worker_main(settings: Settings, concurrency: int, rpm: float | None, tpm: float | None,
                 tasks: Any, results: Any) -> None:
    asyncio.run(_serve(settings, concurrency, rpm, tpm, tasks, results))


class WorkerPool:
    """``workers`` processes sharing ``concurrency`` requests in flight and the rate limits."""

    def __init__(self, settings: Settings, workers: int, concurrency: int,
                 rpm: float | None = None, tpm: float | None = None) -> None:
        context = multiprocessing.get_context("spawn")  # no forked event loops or sockets
        share = max(1, -(-concurrency // workers))
        self._results = context.Queue()
        self._queues = [context.Queue(maxsize=share * 2) for _ in range(workers)]
        self._processes = [
            context.Process(
                target=_worker_main,
                args=(settings, share, rpm / workers if rpm else None, tpm / workers if tpm else None,
                      tasks, self._results),
                daemon=True,
            )
            for tasks in self._queues
        ]
        for process in self._processes:
            process.start()
        self._tokens = itertools.count()
        self._turn = itertools.cycle(range(workers))
        self._futures: dict[int, asyncio.Future[tuple[str, BriefMeta]]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._collector: threading.Thread | None = None

    def _collect(self) -> None:
        assert self._loop is not None
        while (item := self._results.get()) is not None:
            self._loop.call_soon_threadsafe(self._resolve, item)

    def _resolve(self, item: tuple[Any, ...]) -> None:
        future = self._futures.pop(item[0], None)
        if future is None or future.done():
            return
        if item[1] == "ok":
            # the brief was validated in the worker; here it stays JSON
            future.set_result((item[2], BriefMeta.model_validate_json(item[3])))
        else:
            future.set_exception(_rebuild_error(item[2], item[3], item[4]))

    async def summarize(self, text: str) -> tuple[str, BriefMeta]:
        """The brief of ``text`` (as JSON) and its metadata, from the next worker in turn."""
        loop = asyncio.get_running_loop()
        if self._collector is None:
            self._loop = loop
            self._collector = threading.Thread(target=self._collect, name="batch-results", daemon=True)
            self._collector.start()
        token = next(self._tokens)
        future: asyncio.Future[tuple[str, BriefMeta]] = loop.create_future()
        self._futures[token] = future
        tasks = self._queues[next(self._turn)]
        await loop.run_in_executor(None, tasks.put, (token, text))
        return await future

    def close(self) -> None:
        """Stop the workers (after their articles in flight) and the collector."""
        for tasks in self._queues:
            tasks.put(None)
        for process in self._processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
        self._results.put(None)
        if self._collector is not None:
            self._collector.join(timeout=5)
