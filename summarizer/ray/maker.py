"""Briefs inside a Ray actor: the callable class a job gives to ``Dataset.map_batches``.

:class:`BriefMaker` builds one backend per actor (the same :func:`make_backend` as the
local engine's helper processes), keeps one event loop for its life, and runs each batch
through the async path with at most ``concurrency`` articles in flight. It adds the
columns of a batch output line, each as the JSON text of that part of the line:

* ``brief`` and ``meta``: the brief and its metadata, or None;
* ``error``: :func:`summarizer.batch.records.error_data` of the article's fault, or None;
* ``cached``: True when the brief came from the cache;
* ``sent``: True when the article went to the backend (whatever came of it);
* ``stop``: why the job stops here, or None: ``"fault"`` for a fault every article would
  meet (a refused key, an unknown model, an exhausted quota; it is in ``error``), else
  the budget reached (``"--max-cost 5.0"``). Such an article has no line: the job stops
  and a resume runs it. With the job's limiter actor, every maker asks it before sending
  and learns of a stop at once; without, a maker stops after its own first fault.

An article's own fault is its ``error``, never an exception that fails a block.
:func:`record` turns a row into the batch line the local engine writes.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Any

from ..batch import records
from ..batch.cache import BriefCache
from ..config import Settings
from ..errors import BackendError, InputError, SummarizerError

log = logging.getLogger(__name__)

COLUMNS = ("brief", "meta", "error", "cached", "sent", "stop")
FAULT = "fault"


class BriefMaker:
    """``map_batches`` UDF: a batch of articles (``id``, ``text``, and ``problem``: why an article
    cannot be read, or None; optional) in, the same batch with :data:`COLUMNS` added out.

    Args:
        settings: the job's :class:`~summarizer.config.Settings` (one backend per actor).
        concurrency: articles in flight at once in this actor.
        limiter: the job's limiter actor (:func:`summarizer.ray.limiter.shared_limiter`), or None;
            with it, every article is let go by the actor (rate limits, budgets, stops).
        cache_path: the brief cache to read and fill (a path every node sees), or None.
        rpm, tpm: this actor's own limits, used only without ``limiter`` (a share of the job's).
    """

    def __init__(
        self,
        settings: Settings,
        concurrency: int = 16,
        limiter: Any = None,
        cache_path: str | None = None,
        rpm: float | None = None,
        tpm: float | None = None,
    ) -> None:
        from ..backends import make_backend

        self.backend = make_backend(settings)
        self.gate = limiter if self.backend.capabilities.rate_limited else None
        self.guessed = False  # the first article's usage estimate is sent with it (for budgets)
        if self.backend.capabilities.rate_limited:
            if limiter is not None:
                from .limiter import RemoteLimiter

                self.backend.limiter = RemoteLimiter(limiter)
            else:
                from ..batch.ratelimit import RateLimiter

                self.backend.limiter = RateLimiter(rpm, tpm)
        self.backend.warm()
        self.cache = BriefCache(Path(cache_path), settings, self.backend.name, self.backend.version) if cache_path else None
        self.concurrency = max(1, concurrency)
        self.loop = asyncio.new_event_loop()  # one loop for the actor's life: the clients are bound to it
        self.stopped: dict[str, Any] | None = None  # the fault that stops the job, once met

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        problems = batch["problem"] if "problem" in batch else [None] * len(batch["id"])
        rows = list(zip(batch["id"], batch["text"], problems))
        made = self.loop.run_until_complete(self._batch(rows))
        out = dict(batch)
        for number, column in enumerate(COLUMNS):
            out[column] = [row[number] for row in made]
        return out

    async def _batch(self, rows: list[tuple[str, str, str | None]]) -> list[tuple[Any, ...]]:
        gate = asyncio.Semaphore(self.concurrency)

        async def one(text: str, problem: str | None) -> tuple[Any, ...]:
            async with gate:
                return await self._one(text, problem)

        return await asyncio.gather(*(one(text, problem) for _, text, problem in rows))

    async def _one(self, text: str, problem: str | None) -> tuple[Any, ...]:
        """The columns of :data:`COLUMNS` for one article."""
        if problem or not str(text).strip():
            return None, None, _json(records.error_data(InputError(problem or "the article is empty"))), False, False, None
        if self.stopped is not None:
            return None, None, _json(self.stopped), False, False, FAULT
        hit = self.cache.get(text) if self.cache else None
        if hit is not None:
            return hit.brief_json, hit.meta.model_dump_json(), None, True, False, None
        if self.gate is not None:
            guess = None if self.guessed else self.backend.estimate_usage(text).model_dump()
            self.guessed = True
            reason = await self.gate.start.remote(guess)
            if reason is not None:
                return None, None, None, False, False, reason
        usage = None
        try:
            brief = await self.backend.asummarize(text)
        except SummarizerError as exc:
            data = records.error_data(exc)
            if getattr(exc, "stops_job", False):
                self.stopped = data
                if self.gate is not None:
                    self.gate.halt.remote(FAULT)
                return None, None, _json(data), False, True, FAULT
            return None, None, _json(data), False, True, None
        except Exception as exc:  # a bug is this article's error row, not the end of the block
            log.exception("an article failed unexpectedly")
            return None, None, _json(records.error_data(BackendError(f"{type(exc).__name__}: {exc}"))), False, True, None
        else:
            usage = brief.meta.usage.model_dump() if brief.meta is not None else None
        finally:
            if self.gate is not None:
                self.gate.finish.remote(usage)
        assert brief.meta is not None  # every backend finishes its briefs (summarizer.finish)
        brief_json = brief.model_dump_json()
        if self.cache is not None:
            self.cache.put(text, brief_json, brief.meta)
        return brief_json, brief.meta.model_dump_json(), None, False, True, None

    def __del__(self) -> None:
        try:
            if self.cache is not None:
                self.cache.close()
            self.loop.run_until_complete(self.backend.aclose())
            self.loop.close()
        except Exception:  # the actor is ending; nothing is left to save
            pass


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def record(row: dict[str, Any]) -> dict[str, Any]:
    """The batch output line of one result row (see :mod:`summarizer.batch.records`)."""
    metadata = json.loads(row["metadata"]) if row.get("metadata") else None
    if row.get("error"):
        return records.error_record(str(row["id"]), json.loads(row["error"]))
    return records.brief_record(str(row["id"]), json.loads(row["brief"]), json.loads(row["meta"]), metadata)
