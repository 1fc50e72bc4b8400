"""Failed articles of an eval, counted by the kind of error that stopped each, in words."""

from __future__ import annotations

from collections import Counter
from typing import Any

MISSING = "missing"  # the kind of an article that has no line in a predictions file

# What each kind of error means for an article, as a count reads it ("2 API unavailable").
_SAID = {
    "TransportError": "API unavailable",
    "APIRequestError": "refused by the API",
    "AccessError": "refused (key, access or model)",
    "QuotaExhaustedError": "out of quota",
    "ValidationFailedError": "no valid reply",
    "BackendError": "backend error",
    "PromptError": "prompt error",
    "SummarizerError": "other error",
    MISSING: "no prediction",
}


def failed_by_kind(failed_articles: list[dict[str, Any]]) -> dict[str, int]:
    """How many articles failed of each kind (an error's class name, or ``missing``), most first."""
    return dict(Counter(str(a.get("kind") or "SummarizerError") for a in failed_articles).most_common())


def said_by_kind(report: dict[str, Any]) -> str:
    """The failures of a report in words: ``"2 API unavailable, 1 no valid reply"``."""
    counts = report.get("failed_by_kind") or failed_by_kind(report["failed_articles"])
    return ", ".join(f"{n} {_SAID.get(kind, kind)}" for kind, n in counts.items())


def said_failed(report: dict[str, Any]) -> str:
    """``"3 of 12 articles failed (2 API unavailable, 1 no valid reply)"``."""
    return f"{len(report['failed_articles'])} of {report['n_articles']} articles failed ({said_by_kind(report)})"
