"""The articles of a batch as a Ray Dataset, read where the inputs are, pending ones only.

:class:`ArticleSource` reads the inputs with :func:`summarizer.batch.sources.read`, the
local engine's reader, so ids, texts, metadata and per-article problems are the same on
both engines. It has one read task per input (a file, a folder or a JSONL file; standard
input is read by the driver), run on the driver's node only (the inputs are on that
machine, not necessarily on the others), and each task skips the ids the output already
holds: an id that was written is never read again, so never sent again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
from ray.data.block import BlockMetadata
from ray.data.datasource import Datasource, ReadTask

from ..batch.sources import STDIN, Article, read

ROWS_PER_BLOCK = 64  # a block is the unit a maker takes and returns, and articles are slow to brief
SCHEMA = pa.schema([("id", pa.string()), ("text", pa.string()), ("metadata", pa.string()),
                    ("source", pa.string()), ("problem", pa.string())])


def _row(article: Article) -> dict[str, Any]:
    problem = article.error
    if problem is None and not article.text.strip():
        problem = f"{article.source}: the article is empty"  # the local engine's words
    return {"id": article.id, "text": article.text,
            "metadata": json.dumps(article.metadata, ensure_ascii=False) if article.metadata else None,
            "source": article.source, "problem": problem}


def _blocks(articles: Iterator[Article], skip: frozenset[str]) -> Iterator[pa.Table]:
    rows: list[dict[str, Any]] = []
    for article in articles:
        if article.id in skip:
            continue
        rows.append(_row(article))
        if len(rows) == ROWS_PER_BLOCK:
            yield pa.Table.from_pylist(rows, schema=SCHEMA)
            rows = []
    if rows:
        yield pa.Table.from_pylist(rows, schema=SCHEMA)


def _read_source(source: str, cwd: str, skip_ref: Any) -> Iterator[pa.Table]:
    import ray

    # Relative inputs mean what they meant to the driver, and their messages say the same.
    if os.getcwd() != cwd:
        os.chdir(cwd)
    yield from _blocks(read([source]), ray.get(skip_ref))


class ArticleSource(Datasource):
    """The pending articles of ``sources``: every id but those in ``skip`` (the output's)."""

    def __init__(self, sources: Sequence[str], skip: frozenset[str]) -> None:
        super().__init__()
        import ray

        self.sources = list(sources)
        self.cwd = os.getcwd()
        self.skip_ref = ray.put(frozenset(skip))
        # standard input exists only here: its articles travel inside their read task
        self.stdin_rows = [_row(a) for a in read([STDIN]) if a.id not in skip] if STDIN in self.sources else []

    def estimate_inmemory_data_size(self) -> int | None:
        size = 0
        for source in self.sources:
            try:
                size += os.path.getsize(source) if os.path.isfile(source) else 0
            except OSError:
                pass
        return size or None

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: Any = None) -> list[ReadTask]:
        tasks = []
        for source in self.sources:
            if source == STDIN:
                rows = self.stdin_rows

                def read_fn(rows: list[dict[str, Any]] = rows) -> Iterator[pa.Table]:
                    for start in range(0, len(rows), ROWS_PER_BLOCK):
                        yield pa.Table.from_pylist(rows[start:start + ROWS_PER_BLOCK], schema=SCHEMA)
            else:
                def read_fn(source: str = source, cwd: str = self.cwd, skip_ref: Any = self.skip_ref) -> Iterator[pa.Table]:
                    yield from _read_source(source, cwd, skip_ref)
            tasks.append(ReadTask(read_fn, BlockMetadata(num_rows=None, size_bytes=None, input_files=None,
                                                         exec_stats=None), schema=SCHEMA,
                                  per_task_row_limit=per_task_row_limit))
        return tasks

    @property
    def supports_distributed_reads(self) -> bool:
        return False  # the inputs are on the driver's machine
