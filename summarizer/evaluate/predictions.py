"""Predictions as JSONL, one line per article: ``{"id", "brief", "meta"}`` or ``{"id", "error"}``.

The same lines a batch job writes, through the same codec (:mod:`summarizer.batch.records`),
so a batch's output can be scored without a model, and a failed prediction's error has
the shape of a batch error (``type``, ``message``, ``attempts``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from ..batch import records
from ..errors import InputError, SummarizerError, error_from_data
from ..finish import served
from ..models import Brief, BriefMeta
from ..output_files import OutputFile

__all__ = ["Prediction", "read_predictions", "write_predictions"]


@dataclass(frozen=True)
class Prediction:
    """One article's prediction: a brief, or the error that prevented one.

    ``error`` is what a report shows (``"TransportError: API unavailable ..."``);
    ``error_data`` the error object of its line, when it is known.
    """

    id: str
    brief: Brief | None
    error: str | None = None
    error_data: dict[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def failed(cls, fixture_id: str, exc: SummarizerError) -> Prediction:
        """The prediction of an article whose brief raised ``exc``."""
        return cls(fixture_id, None, _shown(type(exc).__name__, exc.message), records.error_data(exc))

    @property
    def error_kind(self) -> str | None:
        """The class name of the error that prevented a brief (``TransportError``, ...); None for a brief."""
        if self.brief is not None:
            return None
        data = self.error_data
        if not (isinstance(data, dict) and isinstance(data.get("type"), str) and data["type"] not in ("", "error")):
            data = _error_of(self.error or "no brief")  # an earlier version's line: "Kind: message"
        return str(data["type"])

    def to_json(self) -> dict[str, Any]:
        if self.brief is not None:
            meta = self.brief.meta.model_dump(mode="json") if self.brief.meta else None
            return records.brief_record(self.id, self.brief.model_dump(mode="json"), meta)
        return records.error_record(self.id, self.error_data or _error_of(self.error or "no brief"))


def _shown(kind: str, message: str) -> str:
    # the base class names no kind of fault: its message alone, as an unknown kind reads back
    return message if kind == SummarizerError.__name__ else f"{kind}: {message}"


def _error_of(shown: str) -> dict[str, Any]:
    """The error object of a prediction known only by what it shows (``"Kind: message"``, or a message)."""
    kind, _, message = shown.partition(": ")
    error = error_from_data({"type": kind, "message": message})
    if message and type(error).__name__ == kind:
        return records.error_data(error)
    return records.error_data(SummarizerError(shown))


def _shown_error(error: Any) -> str:
    """What a report shows of a line's error object (written by this version or an earlier one)."""
    if not isinstance(error, dict):
        return str(error or "no brief")
    message = str(error.get("message") or "no brief")
    kind = error.get("type")
    # "error" is the type that earlier versions wrote, their message already "Kind: message"
    return message if not isinstance(kind, str) or kind in ("", "error") else _shown(kind, message)


def read_predictions(path: Path) -> dict[str, Prediction]:
    """Predictions by id; a malformed line or a repeated id is refused with its line number."""
    found: dict[str, Prediction] = {}
    for number, record in records.read_records(path):
        where = f"{path}:{number}"
        fixture_id = record["id"]
        if fixture_id in found:
            raise InputError(f"{where}: id {fixture_id!r} appears twice")
        if records.BRIEF in record:
            try:
                brief = Brief.model_validate(record[records.BRIEF])
                if record.get("meta"):
                    brief = served(brief, BriefMeta.model_validate(record["meta"]))
            except ValidationError as exc:
                first = exc.errors()[0]
                place = ".".join(str(p) for p in first["loc"])
                raise InputError(f"{where}: brief of {fixture_id!r} is invalid at {place}: {first['msg']}") from None
            found[fixture_id] = Prediction(fixture_id, brief)
        else:
            error = record[records.ERROR]
            found[fixture_id] = Prediction(fixture_id, None, _shown_error(error),
                                           error if isinstance(error, dict) else None)
    return found


def write_predictions(path: Path, predictions: Iterable[Prediction]) -> None:
    """Write predictions as JSONL (UTF-8, one record per line, the batch codec's lines), whole."""
    with OutputFile(path) as out:
        for prediction in predictions:
            out.write(records.encode(prediction.to_json()))
