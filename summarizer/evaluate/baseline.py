"""The regression gate: blessed scores in a baseline file, and what fell below them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..output_files import write_file

DEFAULT_TOLERANCE = 0.02
GATED = [f"fields.{name}.f1" for name in ("participants", "figures", "topic_categories", "topics", "security_concerns")]
GATED.append("grounding_rate")


def metric(report: dict[str, Any], dotted: str) -> float | None:
    """The value at a dotted path of a report, e.g. ``fields.figures.f1``."""
    node: Any = report
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node if isinstance(node, (int, float)) else None


def undefined(report: dict[str, Any], dotted: str) -> bool:
    """Whether the report holds ``dotted`` as null: a metric with no value, such as the
    precision or grounding rate of nothing predicted (not a metric the report lacks)."""
    *parents, leaf = dotted.split(".")
    node: Any = report
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    return isinstance(node, dict) and leaf in node and node[leaf] is None


@dataclass(frozen=True)
class Regression:
    """A gated metric below its baseline; ``current`` is None when the report has no value
    for it, ``undefined`` when that is because nothing was predicted."""

    metric: str
    baseline: float
    current: float | None
    undefined: bool = False

    @property
    def drop(self) -> float:
        return self.baseline - (self.current or 0.0)

    def __str__(self) -> str:
        if self.undefined:
            return f"{self.metric} fell from {self.baseline:.4f} to undefined (nothing predicted)"
        now = "missing" if self.current is None else f"{self.current:.4f}"
        return f"{self.metric} fell from {self.baseline:.4f} to {now} (-{self.drop:.4f})"


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: no baseline file; create one with --bless") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputError(f"{path}: not a readable baseline ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise InputError(f"{path}: a baseline needs a \"metrics\" object")
    for name, value in data["metrics"].items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{path}: metric {name} is {json.dumps(value)}, not a number")
    return data


def regressions(report: dict[str, Any], baseline: dict[str, Any]) -> list[Regression]:
    """Every gated metric more than the baseline's tolerance below its blessed value."""
    report = gated_view(report)
    tolerance = float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    fallen = []
    for name, blessed in sorted(baseline["metrics"].items()):
        current = metric(report, name)
        if current is None or current < blessed - tolerance:
            fallen.append(Regression(name, float(blessed), current, undefined(report, name)))
    return fallen


def gate_summary(report: dict[str, Any], baseline: dict[str, Any]) -> str:
    """One line on a gate that held: how many metrics, the tolerance, and the closest call."""
    view, tolerance = gated_view(report), float(baseline.get("tolerance", DEFAULT_TOLERANCE))
    margins = {name: (metric(view, name) or 0.0) - float(blessed) for name, blessed in baseline["metrics"].items()}
    if not margins:
        return "the baseline gates no metric"
    closest = min(margins, key=lambda name: margins[name])
    return (f"{len(margins)} gated metrics held (tolerance {tolerance:g}); closest: {closest} "
            f"{metric(view, closest) or 0.0:.4f} against {float(baseline['metrics'][closest]):.4f} "
            f"({margins[closest]:+.4f})")


def bless(report: dict[str, Any], path: Path, tolerance: float = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """Write the report's gated metrics (their means over repeated runs) as the new baseline."""
    view = gated_view(report)
    data = {
        "about": "Blessed eval scores; `summarizer eval ... --baseline FILE` fails when a metric falls "
        "more than `tolerance` below its value here. Rewrite on purpose with --bless.",
        "dataset": report.get("dataset"),
        "backend": report.get("backend"),
        "tolerance": tolerance,
        "metrics": {name: metric(view, name) for name in GATED if metric(view, name) is not None},
    }
    write_file(path, json.dumps(data, indent=2) + "\n")
    return data


def gated_view(report: dict[str, Any]) -> dict[str, Any]:
    """What the regression gate reads: the means when runs were repeated, else the report itself."""
    repeat = report.get("repeat")
    if not repeat or repeat.get("runs", 1) <= 1:
        return report
    view: dict[str, Any] = {}
    for name, stats in repeat["metrics"].items():
        node = view
        *parents, leaf = name.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = stats["mean"]
    return view
