"""Predictions as JSONL, one line per article: ``{"id", "brief", "meta"}`` or ``{"id", "error"}``.

The same format a batch job writes, so a batch's output can be scored without a model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from pydantic import ValidationError

from ..errors import InputError
from ..models import Brief, BriefMeta


@dataclass(frozen=True)
class Prediction:
    """One article's prediction: a brief, or the error that prevented one."""

    id: str
    brief: Brief | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.brief is None:
            return {"id": self.id, "error": {"type": "error", "message": self.error or "no brief"}}
        meta = self.brief.meta.model_dump(mode="json") if self.brief.meta else None
        return {"id": self.id, "brief": self.brief.model_dump(mode="json"), "meta": meta}


def read_predictions(path: Path) -> dict[str, Prediction]:
    """Predictions by id; a malformed line or a repeated id is refused with its line number."""
    found: dict[str, Prediction] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(record, dict) or not isinstance(record.get("id"), str):
            raise InputError(f"{where}: each line needs a string \"id\"")
        fixture_id = record["id"]
        if fixture_id in found:
            raise InputError(f"{where}: id {fixture_id!r} appears twice")
        if "brief" in record:
            try:
                brief = Brief.model_validate(record["brief"])
                if record.get("meta"):
                    brief._meta = BriefMeta.model_validate(record["meta"])
            except ValidationError as exc:
                first = exc.errors()[0]
                place = ".".join(str(p) for p in first["loc"])
                raise InputError(f"{where}: brief of {fixture_id!r} is invalid at {place}: {first['msg']}") from None
            found[fixture_id] = Prediction(fixture_id, brief)
        else:
            error = record.get("error")
            message = error.get("message") if isinstance(error, dict) else str(error or "no brief")
            found[fixture_id] = Prediction(fixture_id, None, message)
    return found


def write_predictions(path: Path, predictions: Iterable[Prediction]) -> None:
    """Write predictions as JSONL (UTF-8, one object per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for prediction in predictions:
            handle.write(json.dumps(prediction.to_json(), ensure_ascii=False) + "\n")
