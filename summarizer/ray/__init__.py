"""Batch jobs on Ray Data (``pip install 'summarizer[ray]'``): the same briefs and guarantees, many machines.

    job.py       the driver: inputs, the one output (ledger), accounts; ``RayBatchJob``
    source.py    the pending articles as a Dataset, read where the inputs are
    maker.py     ``BriefMaker``, the ``map_batches`` class that makes briefs in actors
    limiter.py   one rate limit for the whole job, held by one actor
    cluster.py   joining Ray with sane defaults; refusing a job it cannot place

From Python, on a Dataset of your own with ``id`` and ``text`` columns (and ``problem``,
None for a readable article)::

    ds.map_batches(BriefMaker, fn_constructor_kwargs={"settings": settings},
                   batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=4))
"""

from __future__ import annotations

try:
    import ray as _ray  # noqa: F401
except ImportError as exc:  # pragma: no cover - the extra is missing
    from ..errors import ConfigError

    raise ConfigError("the Ray engine needs the ray extra: pip install 'summarizer[ray]'") from exc

from .job import RayBatchJob, RayOptions
from .maker import COLUMNS, BriefMaker, record

__all__ = ["COLUMNS", "BriefMaker", "RayBatchJob", "RayOptions", "record"]
