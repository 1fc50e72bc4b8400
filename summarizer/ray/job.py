"""A batch job on Ray Data: the local engine's inputs, output and guarantees, on many machines.

The driver (this process) scans the inputs and opens the output exactly as
:class:`summarizer.batch.runner.BatchJob` does: the same fingerprint and run manifest,
the same :class:`~summarizer.batch.ledger.Ledger`. The articles still pending become a
Dataset (:class:`.source.ArticleSource`), :class:`.maker.BriefMaker` actors make their
briefs, and the driver writes every result line itself, as it arrives, into the one
output. So the output needs no shared filesystem, and exactly once rests on what it rests
on locally: a line is written whole or not at all, a rerun skips every id written, and an
id skipped is never read, so never sent, again. Articles in flight when a job dies are
sent again by the rerun; nothing written is.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from ..backends import make_backend
from ..batch import records
from ..batch.accounting import Accounts, load_prices
from ..batch.budget import Budget
from ..batch.ledger import Ledger
from ..batch.runner import BatchOptions, fingerprint, open_output, scan_inputs
from ..config import Settings, default_cache_path
from ..errors import ConfigError, SummarizerError, error_from_data
from ..models import BriefMeta
from . import cluster
from .maker import FAULT, BriefMaker, record

NETWORK_ACTOR_CPUS = 0.25  # a maker that waits on a server holds a quarter of a CPU
OFFLINE_BATCH = 16  # articles per call of an offline maker: enough to make a call's overhead small
BLOCKS_PER_MAKER = 4  # the fewest blocks a job is read into, per maker
PLACEMENT_TIMEOUT_S = 60  # how long the cluster may take to start the makers before the job is refused
# what a job sets in Ray Data's context, which is the process's: put back after the job
JOB_CONTEXT = ("enable_progress_bars", "wait_for_min_actors_s")


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray job runs."""

    address: str | None = None  # None: a Ray on this machine; "auto" or HOST:PORT: an existing cluster
    actors: int | None = None  # brief makers; None: one per CPU (offline) or two per CPU (a server)
    limits: str = "shared"  # "shared": one limiter actor; "shares": each actor its own rpm/actors (to compare)
    placement_timeout: float = PLACEMENT_TIMEOUT_S  # seconds the makers may take to start before the job is refused


class RayBatchJob:
    """One run of a batch on Ray; the same constructor and ``run()`` as the local engine's job."""

    def __init__(
        self,
        sources: Sequence[str],
        out: Path,
        settings: Settings,
        options: BatchOptions,
        ray_options: RayOptions = RayOptions(),
        on_progress: Callable[[Accounts], None] | None = None,
    ) -> None:
        if ray_options.limits not in ("shared", "shares"):
            raise ConfigError(f"unknown rate-limit mode {ray_options.limits!r}: 'shared' or 'shares'")
        self.sources = list(sources)
        inputs, self.total, self._input_ids = scan_inputs(self.sources, options)
        self.settings = settings
        self.options = options
        self.ray_options = ray_options
        backend = make_backend(settings)  # for its name, version and capabilities; the actors make the briefs
        self.backend_name, self.version, self.capabilities = backend.name, backend.version, backend.capabilities
        backend.close()
        prices = load_prices(options.prices_path)
        self.accounts = Accounts(price=prices.get(settings.model) if self.capabilities.costs_tokens else (0, 0, 0))
        self.out = out
        self.fingerprint = fingerprint(inputs, self.total, settings, self.backend_name, self.version)
        self.on_progress = on_progress or (lambda accounts: None)
        self.stopped_by: str | None = None
        self.fatal: SummarizerError | None = None
        self.inputs_changed: list[str] = []
        self.actors = 0
        self._limiter: Any = None
        self._sent_written = 0  # lines written of articles sent to the backend
        self._context_before: dict[str, Any] = {}

    def _shape(self) -> tuple[int, float, int]:
        """Brief makers, CPUs each, articles in flight in each."""
        on_network = self.capabilities.rate_limited
        have = max(1, int(cluster.cpus()))
        actors = self.ray_options.actors or (2 * have if on_network else have)
        cpus_each = NETWORK_ACTOR_CPUS if on_network else 1.0
        in_flight = max(1, math.ceil(self.options.concurrency / actors)) if on_network else 1
        return actors, cpus_each, in_flight

    def _maker_args(self, actors: int, in_flight: int) -> dict[str, Any]:
        options = self.options
        args: dict[str, Any] = {"settings": self.settings, "concurrency": in_flight}
        if options.cache:
            args["cache_path"] = str(options.cache_path or default_cache_path())
        if self.capabilities.rate_limited:
            if self.ray_options.limits == "shared":
                from .limiter import shared_limiter

                self._limiter = shared_limiter(options.rpm, options.tpm, Budget(options.max_tokens, options.max_cost),
                                               self.accounts.price)
                args["limiter"] = self._limiter
            else:  # to compare with the shared limiter only: no budgets, no job-wide stop
                args["rpm"] = options.rpm / actors if options.rpm else None
                args["tpm"] = options.tpm / actors if options.tpm else None
        return args

    def _count(self, row: dict[str, Any], line: dict[str, Any]) -> None:
        accounts = self.accounts
        if records.ERROR in line:
            accounts.failed[line[records.ERROR]["type"]] += 1
            accounts.api_calls += int(line[records.ERROR].get("attempts") or 0)
            return
        accounts.ok += 1
        if row["cached"]:
            accounts.cached += 1
            return
        meta = BriefMeta.model_validate_json(row["meta"])
        accounts.add_usage(meta.usage)
        accounts.api_calls += meta.attempts + meta.transport_retries

    def _write(self, ledger: Ledger, rows: list[dict[str, Any]]) -> None:
        """Write the lines of ``rows``; a row that stops the job has none (it stays pending)."""
        for row in rows:
            if row["stop"]:
                if row["error"] and self.fatal is None:
                    self.fatal = error_from_data(json.loads(row["error"]))
                    self.stopped_by = f"{type(self.fatal).__name__}: {self.fatal.message}"
                elif self.stopped_by is None and row["stop"] != FAULT:
                    self.stopped_by = row["stop"]
                continue
            line = record(row)
            ledger.write(line)
            self._sent_written += bool(row["sent"])
            self._count(row, line)
            self.on_progress(self.accounts)

    def _settled(self) -> bool:
        """After a stop: True once every article sent has its line (none is paid for and lost)."""
        if self._limiter is None:
            return True  # a maker of its own limits stops after its own fault; nothing to wait for
        import ray

        paid, in_flight = ray.get(self._limiter.progress.remote(), timeout=60)
        return in_flight == 0 and self._sent_written >= paid

    def _dataset(self, skip: frozenset[str]) -> Any:
        import ray.data

        from .source import ROWS_PER_BLOCK, ArticleSource

        actors, cpus_each, in_flight = self._shape()
        cluster.check_room(actors, cpus_each)
        self.actors = actors
        cluster.quiet_ray_data()
        context = ray.data.DataContext.get_current()
        self._context_before = {name: getattr(context, name) for name in JOB_CONTEXT}
        context.enable_progress_bars = False  # the job's own progress line says it once
        context.wait_for_min_actors_s = self.ray_options.placement_timeout
        # Blocks of about ROWS_PER_BLOCK articles: a maker returns its lines a block at a
        # time, so Ray Data's 1 MiB blocks (~167 articles of 1,000 words) held lines back
        # and a killed driver resent them; 64 KiB blocks (tried in 23482b8) made one block
        # per article and cut the throughput against a server 3-4x. Counted in rows, not
        # bytes, and a small job still gets a few blocks per maker, or one maker takes it all.
        # Reading is a small share of the work: the read tasks take no CPU from the makers
        # (a whole CPU each could leave them waiting forever on a small machine).
        pending = self.total - len(skip)
        blocks = max(1, math.ceil(pending / ROWS_PER_BLOCK), min(pending, BLOCKS_PER_MAKER * actors))
        articles = ray.data.read_datasource(ArticleSource(self.sources, skip), num_cpus=0,
                                            override_num_blocks=blocks)
        with warnings.catch_warnings():
            # max_restarts=0 goes through ray_remote_args, deprecated for Ray 2.64 (we pin 2.60):
            # a maker that dies fails the job, which --resume continues, instead of Ray
            # restarting it and printing an error line about its arguments on every job
            # (ray-project/ray#53727).
            warnings.simplefilter("ignore", DeprecationWarning)
            return articles.map_batches(
                BriefMaker, fn_constructor_kwargs=self._maker_args(actors, in_flight), batch_format="numpy",
                batch_size=max(OFFLINE_BATCH, in_flight * 2), compute=ray.data.ActorPoolStrategy(size=actors),
                num_cpus=cpus_each, max_restarts=0,
            )

    def run(self) -> dict[str, Any]:
        """Run the job to the end, or to a fault every article would meet; the accounts' summary."""
        options = self.options
        counts: dict[str, int] = {}
        cluster.check_address(self.ray_options.address)  # a wrong address leaves no output behind
        # Then the output: an output that cannot be opened (a folder, a locked or foreign
        # run) is refused before Ray starts, and a finished job starts no Ray at all.
        with open_output(self.out, self.fingerprint, options, self._input_ids) as ledger:
            self._input_ids = None
            self.inputs_changed = ledger.inputs_changed
            skip = frozenset(ledger.done) | (frozenset() if options.retry_failed else frozenset(ledger.failed))
            self.accounts.skipped = len(skip)
            if len(skip) < self.total:
                started = cluster.connect(self.ray_options.address)
                try:
                    self._drain(ledger, skip)
                    counts = self._limiter_counts()
                finally:
                    self._restore_context()
                    cluster.shutdown(started)
        summary = self.accounts.summary()
        summary["stopped_by"] = self.stopped_by
        summary["engine"] = "ray"
        summary["brief_makers"] = self.actors
        summary["requests_delayed_by_rate_limits"] = counts.get("delayed", 0)
        summary["server_throttled"] = counts.get("throttled_by_server", 0)
        summary["output"] = str(self.out)
        if self.inputs_changed:
            summary["inputs_changed"] = self.inputs_changed
        return summary

    def _drain(self, ledger: Ledger, skip: frozenset[str]) -> None:
        batches = self._dataset(skip).iter_batches(batch_size=None, batch_format="pyarrow")
        try:
            for batch in batches:
                self._write(ledger, batch.to_pylist())
                # after a stop, the articles in flight finish and are written; the rest stay pending
                if (self.fatal is not None or self.stopped_by is not None) and self._settled():
                    break
        except SummarizerError:
            raise
        except Exception as exc:  # Ray's: a maker that died, a lost node, a cluster gone
            raise cluster.placement_failure(exc) or cluster.job_failure(exc, self.out) from None
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()

    def _restore_context(self) -> None:
        if self._context_before:
            import ray.data

            context = ray.data.DataContext.get_current()
            for name, value in self._context_before.items():
                setattr(context, name, value)

    def _limiter_counts(self) -> dict[str, int]:
        if self._limiter is None:
            return {}
        import ray

        try:
            return ray.get(self._limiter.counts.remote(), timeout=10)
        except Exception:  # the counts are a report, not the job
            return {}
