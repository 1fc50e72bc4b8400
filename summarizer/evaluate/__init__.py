"""The eval harness: gold fixtures on disk, predictions from any backend or a file,
field-by-field matching and metrics, reports, and a regression gate.

    fixtures = load_dataset("evals/fixtures")
    report = evaluate(fixtures, summarizer=Summarizer(backend="offline"))
    report["fields"]["figures"]["f1"]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

from ..api import Summarizer
from ..batch.cache import BriefCache
from ..config import default_cache_path
from ..errors import ConfigError
from ..output_files import output_folder, write_file
from .baseline import Regression, bless, gate_summary, load_baseline, regressions
from .dataset import Fixture, GoldBrief, load_dataset
from .failures import said_by_kind, said_failed
from .matching import DEFAULT_VALUE_TOLERANCE
from .predictions import Prediction, read_predictions, write_predictions
from .report_html import render_html
from .report_md import render_markdown
from .runner import predict, score, with_repeats

__all__ = [
    "Fixture", "GoldBrief", "Prediction", "Regression", "bless", "check_baseline", "evaluate",
    "load_dataset", "open_cache", "read_predictions", "render_markdown", "said_by_kind", "said_failed", "write_predictions",
    "write_reports",
]


def evaluate(
    fixtures: Sequence[Fixture],
    *,
    summarizer: Summarizer | None = None,
    predictions: dict[str, Prediction] | None = None,
    repeat: int = 1,
    tolerance: float = DEFAULT_VALUE_TOLERANCE,
    datasets: Sequence[str] = (),
    cache: BriefCache | None = None,
) -> tuple[dict[str, Any], list[Prediction]]:
    """Score ``summarizer``'s briefs (run ``repeat`` times) or given ``predictions``; the report and the last run's predictions.

    With a ``cache`` (:func:`open_cache`), a brief it holds is scored with no call, and a
    brief made is put in it; runs that are repeated to measure a model's spread take none.
    """
    if (summarizer is None) == (predictions is None):
        raise ConfigError("give either a summarizer to run or predictions to score, not both")
    if repeat < 1:
        raise ConfigError("--repeat must be at least 1")
    if repeat > 1 and cache is not None:
        raise ConfigError("--repeat measures the spread of fresh briefs: it takes no cache (--no-cache)")
    about: dict[str, Any] = {"dataset": list(datasets)}
    if summarizer is None:
        about["backend"] = "predictions file"
        return score(fixtures, predictions or {}, tolerance, **about), list((predictions or {}).values())
    about.update(backend=summarizer.backend, model=summarizer.settings.model if summarizer.backend != "offline" else None)
    reports, produced = [], []
    for _ in range(repeat):
        produced = predict(fixtures, summarizer.summarize, cache)
        reports.append(score(fixtures, {p.id: p for p in produced}, tolerance, **about))
    versions = {p.brief.meta.prompt_version for p in produced if p.brief and p.brief.meta}
    for report in reports:
        report["prompt_version"] = sorted(versions)[0] if len(versions) == 1 else sorted(versions)
    return (with_repeats(reports) if repeat > 1 else reports[0]), produced


def open_cache(summarizer: Summarizer, path: Path | None = None) -> BriefCache:
    """The brief cache that ``summarizer batch`` uses (``path``, else the default), keyed as batch keys it."""
    return BriefCache(path or default_cache_path(), summarizer.settings, summarizer.backend, summarizer.version)


def check_baseline(report: dict[str, Any], baseline_path: Path) -> list[Regression]:
    """Gated metrics that fell below the baseline; also recorded in ``report["regressions"]``.

    When none fell, ``report["gate"]`` says how the gate held (:func:`gate_summary`).
    """
    baseline = load_baseline(baseline_path)
    fallen = regressions(report, baseline)
    report["regressions"] = [str(r) for r in fallen]
    if not fallen:
        report["gate"] = gate_summary(report, baseline)
    return fallen


def write_reports(report: dict[str, Any], fixtures: Sequence[Fixture], folder: Path) -> list[Path]:
    """``report.json``, ``report.md`` and ``report.html`` in ``folder`` (made when missing)."""
    folder = output_folder(folder)
    paths = [folder / "report.json", folder / "report.md", folder / "report.html"]
    write_file(paths[0], json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    write_file(paths[1], render_markdown(report))
    write_file(paths[2], render_html(report, fixtures))
    return paths
