"""Running an eval: predictions from a backend (or a file), scored against a dataset."""

from __future__ import annotations

import statistics
from typing import Any, Callable, Sequence

from ..batch.cache import BriefCache
from ..errors import SummarizerError
from ..models import Brief
from .baseline import GATED, metric, undefined
from .dataset import Fixture
from .failures import MISSING
from .predictions import Prediction
from .scoring import ArticleScore, build_report, score_article


def predict(fixtures: Sequence[Fixture], summarize: Callable[[str], Brief],
            cache: BriefCache | None = None) -> list[Prediction]:
    """One prediction per fixture, from ``cache`` when it holds the brief; a failed article
    is recorded, never fatal to the run."""
    predictions = []
    for fixture in fixtures:
        hit = cache.get(fixture.text) if cache is not None else None
        if hit is not None:
            predictions.append(Prediction(fixture.id, hit.brief))
            continue
        try:
            brief = summarize(fixture.text)
        except SummarizerError as exc:
            predictions.append(Prediction.failed(fixture.id, exc))
            continue
        predictions.append(Prediction(fixture.id, brief))
        if cache is not None and brief.meta is not None:
            cache.put(fixture.text, brief.model_dump_json(), brief.meta)
    return predictions


def score(
    fixtures: Sequence[Fixture], predictions: dict[str, Prediction], tolerance: float, **about: Any
) -> dict[str, Any]:
    """The report of ``predictions`` against ``fixtures``; a missing prediction scores as an empty brief."""
    scores: list[ArticleScore] = []
    for fixture in fixtures:
        prediction = predictions.get(fixture.id)
        if prediction is None:
            scores.append(score_article(fixture, None, tolerance, error="no prediction for this id", error_kind=MISSING))
        else:
            scores.append(score_article(fixture, prediction.brief, tolerance, error=prediction.error,
                                        error_kind=prediction.error_kind))
    extra = sorted(set(predictions) - {f.id for f in fixtures})
    report = build_report(scores, value_tolerance=tolerance, **about)
    report["unknown_prediction_ids"] = extra
    return report


def with_repeats(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """The first run's report, with mean and spread of each gated metric over all runs.

    A metric undefined in every run (a grounding rate with nothing predicted) stays
    undefined: its mean and spread are ``None``, which the gate reads as a regression.
    """
    report = dict(reports[0])
    spread: dict[str, dict[str, float | None]] = {}
    for name in GATED:
        values = [v for v in (metric(r, name) for r in reports) if v is not None]
        if not values and any(undefined(r, name) for r in reports):
            spread[name] = {"mean": None, "stdev": None, "min": None, "max": None}
        elif values:
            spread[name] = {
                "mean": round(statistics.fmean(values), 4),
                "stdev": round(statistics.stdev(values), 4) if len(values) > 1 else 0.0,
                "min": min(values),
                "max": max(values),
            }
    report["repeat"] = {"runs": len(reports), "metrics": spread}
    return report
