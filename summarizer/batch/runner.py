"""The batch runner: many articles through one backend, concurrently, exactly once.

A producer streams articles into a bounded queue (memory stays flat however large the
input); ``concurrency`` workers take them, answer from the cache when they can, else
call the backend under the shared rate limiter, and append one line per article to
the ledger. One failed article is one error line, never the end of the job; only a
fault every article would meet (a refused key, an exhausted quota: ``stops_job``)
stops it, with the articles in flight finished and the rest left for ``--resume``.

With ``workers > 1``, helper processes (:class:`summarizer.batch.workers.WorkerPool`)
make briefs beside this one, for the offline backend and an LLM alike; this process keeps
the queue, the cache, the ledger and the accounts. Every line is built by
:mod:`summarizer.batch.records`.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..backends import make_backend
from ..config import Settings, default_cache_path
from ..errors import ConfigError, InputError, SummarizerError
from ..models import BriefMeta
from . import records
from .accounting import Accounts, load_prices
from .budget import LEARNING, Budget
from .cache import BriefCache, settings_key
from .input_digest import InputDigest
from .ledger import Ledger
from .ratelimit import RateLimiter
from .sources import Article, read, scan
from .workers import WorkerPool


# Lines reach the page cache at once, which survives a kill -9 or a crash of this
# process; fsync only guards against the machine itself failing. It can stall writes
# to the file for tens of milliseconds, so a batch does it rarely and in the background.
FSYNC_INTERVAL_S = 10.0

Made = tuple[str, BriefMeta]  # a brief just made, as JSON, and its metadata


@dataclass(frozen=True)
class BatchOptions:
    """How a batch job runs; everything but the inputs, the output and the backend settings."""

    concurrency: int = 16
    rpm: float | None = None
    tpm: float | None = None
    cache: bool = True
    cache_path: Path | None = None
    resume: bool = False
    retry_failed: bool = False
    force: bool = False
    max_cost: float | None = None
    max_tokens: int | None = None
    prices_path: Path | None = None
    workers: int = 1  # processes that make briefs, this one included

    def __post_init__(self) -> None:
        if self.concurrency < 1 or self.workers < 1:
            raise ConfigError("--concurrency and --workers must be at least 1")
        for name in ("rpm", "tpm", "max_cost", "max_tokens"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ConfigError(f"--{name.replace('_', '-')} must be a positive number")


def fingerprint(inputs: InputDigest, articles: int, settings: Settings, backend: str, version: str) -> dict[str, Any]:
    """What identifies a job: its inputs (``inputs``, the digest :func:`scan` took, whole and
    file by file), the version of what makes its briefs, the schema, the model and its parameters."""
    return {"inputs": inputs.hexdigest(), "input_files": inputs.files(), "articles": articles,
            **settings_key(settings, backend, version)}


def scan_inputs(sources: Sequence[str], options: BatchOptions) -> tuple[InputDigest, int, frozenset[str] | None]:
    """One pass over a job's inputs (both engines): their digest, how many articles, and
    their ids when the job resumes (the only ids its output may hold).

    It refuses duplicate or missing ids before anything runs.
    """
    inputs = InputDigest()
    ids = scan(sources, digest=inputs)
    resuming = options.resume or options.retry_failed
    return inputs, len(ids), frozenset(ids) if resuming else None


def open_output(out: Path, job_fingerprint: dict[str, Any], options: BatchOptions,
                ids: frozenset[str] | None) -> Ledger:
    """A job's output ledger (both engines), opened as its options say: new, resumed or retried."""
    return Ledger(out, job_fingerprint, resume=options.resume or options.retry_failed,
                  retry_failed=options.retry_failed, force=options.force, background_sync=True,
                  fsync_interval=FSYNC_INTERVAL_S, ids=ids)


class BatchJob:
    """One run of a batch: inputs, output ledger, backend, cache, limits and accounts."""

    def __init__(
        self,
        sources: Sequence[str],
        out: Path,
        settings: Settings,
        options: BatchOptions,
        on_progress: Callable[[Accounts], None] | None = None,
    ) -> None:
        self.sources = list(sources)
        inputs, self.total, self._input_ids = scan_inputs(self.sources, options)
        self.settings = settings
        self.options = options
        self.limiter = RateLimiter(options.rpm, options.tpm)
        self.backend = make_backend(settings)
        if self.backend.capabilities.rate_limited:
            self.backend.limiter = self.limiter
        self.backend_name = self.backend.name
        prices = load_prices(options.prices_path)
        self.accounts = Accounts(price=prices.get(settings.model) if self.backend.capabilities.costs_tokens else (0, 0, 0))
        self.out = out
        self.fingerprint = fingerprint(inputs, self.total, settings, self.backend_name, self.backend.version)
        self.on_progress = on_progress or (lambda accounts: None)
        self.stopped_by: str | None = None
        self.fatal: SummarizerError | None = None  # the error that stopped the job, if one did
        self.inputs_changed: list[str] = []  # input files fixed since the output began (--retry-failed)
        self._workers: WorkerPool | None = None  # helper processes that make briefs too
        self._in_flight = 0
        self._by_helpers = 0
        self._paid = 0  # articles sent to the backend and finished, whatever the outcome
        self.budget = Budget(options.max_tokens, options.max_cost)
        self._settled: asyncio.Event | None = None  # set whenever an article finishes

    def _over_budget(self, text: str) -> str | None:
        """The budget that one more article would break (:meth:`Budget.over`), or None."""
        guess = (self.backend.estimate_usage(text)
                 if self._paid == 0 and self.backend.capabilities.costs_tokens else None)
        return self.budget.over(paid=self._paid, in_flight=self._in_flight,
                                used_tokens=self.accounts.usage.total_tokens, spent=self.accounts.cost,
                                guess=guess, price=self.accounts.price)

    async def _within_budget(self, text: str) -> str | None:
        """None when one more article fits the budgets, else the budget it would break."""
        while (reason := self._over_budget(text)) == LEARNING:
            assert self._settled is not None
            self._settled.clear()
            await self._settled.wait()
        return reason

    async def _summarize(self, text: str) -> tuple[str, BriefMeta]:
        """A brief as JSON and its metadata, from a helper process when one has room, else from this one."""
        if self._workers is not None:
            # Let the answers that have arrived free their helpers' slots first: a brief
            # made here holds this process (and its event loop) for its whole time.
            await asyncio.sleep(0)
            if (helper := self._workers.free_helper()) is not None:
                self._by_helpers += 1
                return await self._workers.summarize(text, helper)
        brief = await self.backend.asummarize(text)
        assert brief.meta is not None  # every backend finishes its briefs (summarizer.finish)
        return brief.model_dump_json(), brief.meta

    async def _one(self, article: Article, cache: BriefCache | None) -> tuple[dict[str, Any], Made | None]:
        """The article's line, and the brief for the cache when it was made (not read from it).

        The caller writes the line first and then puts the brief: a paid brief is in the
        output before the cache is touched, so a cache that stalls or fails loses nothing.
        """
        if article.error or not article.text.strip():
            error = InputError(article.error or f"{article.source}: the article is empty")
            return records.error_record(article.id, error), None
        hit = cache.get(article.text) if cache else None
        if hit is not None:
            self.accounts.cached += 1
            return records.brief_record(article.id, json.loads(hit.brief_json), hit.meta.model_dump(mode="json"),
                                        article.metadata), None
        try:
            brief_json, meta = await self._summarize(article.text)
        except SummarizerError as exc:
            self.accounts.api_calls += getattr(exc, "attempts", 0) or 0
            if getattr(exc, "stops_job", False):
                raise  # every article would fail alike: stop, and leave this one pending
            self._paid += 1
            return records.error_record(article.id, exc), None
        self._paid += 1
        self.accounts.add_usage(meta.usage)
        self.accounts.api_calls += meta.attempts + meta.transport_retries
        record = records.brief_record(article.id, json.loads(brief_json), meta.model_dump(mode="json"), article.metadata)
        return record, (brief_json, meta)

    def _start_helpers(self, concurrency: int) -> int:
        """Start the helper processes the options ask for; the concurrency to run at.

        An LLM's helpers are ``workers - 1``: this process waits on the server as they do.
        A backend with no server to wait for (not ``rate_limited``) spends all of its time
        on this machine's CPU, so ``workers`` helpers make its briefs and this process
        feeds them and writes the output (it makes briefs only until they are ready).
        """
        options, on_cpu = self.options, not self.backend.capabilities.rate_limited
        if options.workers < 2:
            return concurrency
        if not on_cpu and (options.rpm is not None or options.tpm is not None):
            # Client-side rate limits keep the job in one process: one limiter sees every
            # request, and at any rate a limit allows, one process has CPU enough.
            return concurrency
        if on_cpu:
            concurrency = max(concurrency, options.workers * 2)  # keep every helper fed
        helpers = options.workers if on_cpu else options.workers - 1
        # Each helper takes an equal share; this process, whatever they leave.
        self._workers = WorkerPool(self.settings, helpers, concurrency // options.workers, fork=on_cpu)
        self._workers.start()
        return concurrency

    async def _run(self, ledger: Ledger, cache: BriefCache | None, concurrency: int) -> None:
        """Stream the pending articles through ``concurrency`` workers into ``ledger``."""
        queue: asyncio.Queue[Article | None] = asyncio.Queue(maxsize=concurrency * 2)
        settled = self._settled = asyncio.Event()
        stop = asyncio.Event()

        async def produce() -> None:
            for article in read(self.sources):
                if stop.is_set():
                    break
                if not ledger.pending(article.id):
                    self.accounts.skipped += 1
                    continue
                await queue.put(article)
            for _ in range(concurrency):
                await queue.put(None)

        async def work() -> None:
            while (article := await queue.get()) is not None:
                if stop.is_set():
                    continue  # left pending: a later --resume picks it up
                reason = await self._within_budget(article.text)
                if reason:
                    self.stopped_by = reason
                    stop.set()
                    continue
                self._in_flight += 1
                try:
                    record, made = await self._one(article, cache)
                except SummarizerError as exc:  # a fault that stops the job (``stops_job``)
                    if self.fatal is None:
                        self.fatal = exc
                        self.stopped_by = f"{type(exc).__name__}: {exc.message}"
                    stop.set()  # articles in flight finish; the rest stay pending for --resume
                    continue
                finally:
                    self._in_flight -= 1
                    settled.set()
                ledger.write(record)
                if made is not None and cache is not None:
                    cache.put(article.text, *made)
                if records.ERROR in record:
                    self.accounts.failed[record[records.ERROR]["type"]] += 1
                else:
                    self.accounts.ok += 1
                self.on_progress(self.accounts)

        await asyncio.gather(produce(), *(work() for _ in range(concurrency)))

    async def run(self) -> dict[str, Any]:
        """Run the job to the end (or to a budget); the accounts' summary."""
        options = self.options
        concurrency = self._start_helpers(options.concurrency)  # first: no helper inherits the cache
        cache: BriefCache | None = None
        try:
            if options.cache:
                cache = BriefCache(options.cache_path or default_cache_path(), self.settings, self.backend_name,
                                   self.backend.version)
            with open_output(self.out, self.fingerprint, options, self._input_ids) as ledger:
                self._input_ids = None
                self.inputs_changed = ledger.inputs_changed
                await self._run(ledger, cache, concurrency)
        finally:
            if self._workers is not None:
                await self._workers.aclose()
            if cache:
                cache.close()
            await self.backend.aclose()
        summary = self.accounts.summary()
        summary["stopped_by"] = self.stopped_by
        summary["made_by_helper_processes"] = self._by_helpers
        summary["requests_delayed_by_rate_limits"] = self.limiter.delayed
        summary["server_throttled"] = self.limiter.throttled_by_server
        summary["output"] = str(self.out)
        if self.inputs_changed:
            summary["inputs_changed"] = self.inputs_changed
        return summary
