"""The one codec of a batch line: what a batch run, a provider import and eval predictions write and read.

A batch output is JSONL, one line per article id, in one of two shapes::

    {"id": "a-1", "brief": {...}, "meta": {...}}                  a brief (``"metadata"`` may follow)
    {"id": "a-2", "error": {"type": ..., "message": ..., "attempts": ...}}   why there is none

``metadata`` holds what the input said about the article besides its text (the other keys
of a JSONL record; for a web page, the text its spans index). The error object is the
error's own :meth:`summarizer.errors.SummarizerError.to_data` (``type``, ``message``,
``attempts``, then ``status_code`` and ``context`` when known), so
:func:`summarizer.errors.error_from_data` rebuilds the same class from it. A provider
import adds ``reason`` (``expired``, ``lost``, ``validation``, ...) and, for an HTTP
failure, ``status_code`` to that same object.

A line is strict JSON (no NaN or Infinity), compact, UTF-8 with ``ensure_ascii=False``, and
ends in ``"\\n"``. With ``ensure_ascii=False`` a line may contain U+2028, which
``str.splitlines`` takes for a line break: readers split on ``b"\\n"`` only, as
:func:`read_records` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import InputError, SummarizerError

__all__ = [
    "BRIEF",
    "ERROR",
    "RecordError",
    "brief_record",
    "classify",
    "decode",
    "encode",
    "error_data",
    "error_record",
    "some_ids",
    "read_records",
]

BRIEF = "brief"
ERROR = "error"


class RecordError(ValueError):
    """A line that is not a batch record; its message says why."""


def some_ids(ids: list[str], shown: int = 5) -> str:
    """``ids`` for a message: the first ``shown`` quoted, then how many more."""
    named = ", ".join(repr(i) for i in ids[:shown])
    more = len(ids) - shown
    return f"{named} and {more:,} more" if more > 0 else named


def error_data(exc: SummarizerError, **extra: Any) -> dict[str, Any]:
    """The ``error`` object of a batch line for ``exc``: its ``to_data()``, ``attempts`` always set, then ``extra``."""
    data = exc.to_data()
    data.setdefault("attempts", 0)
    data.update({key: value for key, value in extra.items() if value is not None})
    return data


def error_record(article_id: str, error: SummarizerError | Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """``{"id", "error"}`` for ``error`` (an exception, or an error object already built)."""
    data = error_data(error, **extra) if isinstance(error, SummarizerError) else {**error, **extra}
    return {"id": article_id, ERROR: data}


def brief_record(
    article_id: str, brief: Mapping[str, Any], meta: Mapping[str, Any] | None, metadata: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``{"id", "brief", "meta"[, "metadata"]}``; brief and meta as JSON data (``model_dump(mode="json")``)."""
    record: dict[str, Any] = {"id": article_id, BRIEF: brief, "meta": meta}
    if metadata:
        record["metadata"] = metadata
    return record


def _problem(record: Any) -> str | None:
    """Why ``record`` is not a batch record, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("id"), str):
        return 'not a batch record (a JSON object with a string "id")'
    if (BRIEF in record) == (ERROR in record):
        return 'not a batch record (needs exactly one of "brief" and "error")'
    return None


def encode(record: Mapping[str, Any]) -> bytes:
    """One complete line (UTF-8, ending in ``"\\n"``); ``ValueError`` for what is not a batch record."""
    if (problem := _problem(record)) is not None:
        raise ValueError(f"{problem}: {record!r:.80}")
    if ERROR in record and not isinstance(record[ERROR], Mapping):
        raise ValueError(f"the error of {record['id']!r} must be an object (see error_data)")
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode("utf-8")


def reject_constant(name: str) -> Any:
    """For ``json.loads(parse_constant=...)``: NaN and Infinity are not JSON, so no line may hold them."""
    raise ValueError(f"{name} is not JSON")


def decode(raw: bytes | str) -> dict[str, Any]:
    """The record of one line (its newline optional); :class:`RecordError` says why it is none."""
    try:
        record = json.loads(raw, parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise RecordError(f"not valid JSON ({exc})") from None
    if (problem := _problem(record)) is not None:
        raise RecordError(problem)
    return record


def classify(raw: bytes) -> tuple[str, str] | str:
    """``(id, "brief"|"error")`` for a complete line (newline included), else why it is not one."""
    if not raw.endswith(b"\n"):
        return "no newline at its end"
    try:
        record = decode(raw)
    except RecordError as exc:
        return str(exc)
    return record["id"], BRIEF if BRIEF in record else ERROR


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, record)`` of every non-blank line; a line that is no record is an :class:`InputError`."""
    try:
        handle = Path(path).open("rb")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    with handle:
        for number, raw in enumerate(handle, start=1):  # splits on b"\n" only
            if not raw.strip():
                continue
            try:
                yield number, decode(raw)
            except RecordError as exc:
                raise InputError(f"{path}:{number}: {exc}") from None
