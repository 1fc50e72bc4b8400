"""Matching predicted items to gold items, field by field, as an analyst would judge them.

Each field has a scoring function: 0 means "not the same item", a positive score means
"the same item, this well". :func:`assign` then picks the one-to-one pairing with the
highest total score (an optimal assignment, not first-come greedy); gold items marked
optional weigh less, so a prediction pairs with a required item when it can.

Names and descriptions are compared in the folded form of :func:`summarizer.names.fold`,
people's names without leading titles (:func:`summarizer.names.strip_titles`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from rapidfuzz import fuzz
from scipy.optimize import linear_sum_assignment

from ..grounding import ArticleIndex
from ..names import fold, strip_titles

DEFAULT_VALUE_TOLERANCE = 0.005  # relative: 0.5 %
SPAN_OVERLAP = 0.5  # share of the shorter excerpt two spans must share to be "the same place"
ISSUE_SIMILARITY = 80.0  # rapidfuzz token_set_ratio for two concern descriptions to match
OPTIONAL_WEIGHT = 0.5


# --- spans --------------------------------------------------------------------------------


@dataclass
class Locator:
    """Spans of excerpts in one article, computed once per string."""

    index: ArticleIndex

    def __post_init__(self) -> None:
        self._cache: dict[str, tuple[int, int] | None] = {}

    def span(self, excerpt: str) -> tuple[int, int] | None:
        if excerpt not in self._cache:
            found = self.index.locate(excerpt)
            self._cache[excerpt] = (found.start, found.end) if found.grounded else None  # type: ignore[assignment]
        return self._cache[excerpt]

    def overlap(self, a: str, b: str) -> float:
        """Share of the shorter of two excerpts that the other covers in the article (0..1)."""
        sa, sb = self.span(a), self.span(b)
        if sa is None or sb is None:
            return 0.0
        shared = min(sa[1], sb[1]) - max(sa[0], sb[0])
        shorter = min(sa[1] - sa[0], sb[1] - sb[0])
        return max(shared, 0) / shorter if shorter > 0 else 0.0


# --- normalisation of attributes ------------------------------------------------------------

_CURRENCIES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "us dollar": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pounds": "GBP", "¥": "JPY", "yen": "JPY", "yuan": "CNY", "rmb": "CNY", "renminbi": "CNY",
    "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB", "rupee": "INR", "rupees": "INR",
}
_UNIT_SYNONYMS = {
    "%": "percent", "pct": "percent", "per cent": "percent", "percentage": "percent",
    "percentage point": "percentage_points", "percentage points": "percentage_points", "pp": "percentage_points",
    "point": "percentage_points", "points": "percentage_points", "percentage_point": "percentage_points",
    "people": "person", "persons": "person", "individual": "person", "individuals": "person",
    "fold": "times", "time": "times", "x": "times", "ton": "tonne", "tons": "tonne", "metric ton": "tonne",
}
_IRREGULAR = {"men": "man", "women": "woman", "children": "child", "staff": "staff", "personnel": "personnel"}


def normalize_unit(unit: str | None) -> str:
    """A unit in one canonical form: ISO code, percent, percentage_points, or a singular noun."""
    raw = (unit or "").strip()
    if raw.upper() == raw and len(raw) == 3 and raw.isalpha():
        return raw.upper()
    key = " ".join(raw.casefold().replace("_", " ").split())
    if key in _CURRENCIES:
        return _CURRENCIES[key]
    key = _UNIT_SYNONYMS.get(key, key)
    if key in ("percent", "percentage_points", "times"):
        return key
    words = key.split()
    if words:
        last = words[-1]
        if last in _IRREGULAR:
            last = _IRREGULAR[last]
        elif last.endswith("ies") and len(last) > 4:
            last = last[:-3] + "y"
        elif last.endswith(("ches", "shes", "sses", "xes")):
            last = last[:-2]
        elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
            last = last[:-1]
        words[-1] = last
    key = " ".join(words)
    return _UNIT_SYNONYMS.get(key, key)


def values_agree(a: float, b: float, tolerance: float = DEFAULT_VALUE_TOLERANCE) -> bool:
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-9)


_PERIOD_LEAD = re.compile(r"^(?:in|during|over|for|at|by|since|as of|of)\s+")


def same_period(a: str | None, b: str | None) -> bool:
    fa, fb = _PERIOD_LEAD.sub("", fold(a)), _PERIOD_LEAD.sub("", fold(b))
    return fa == fb


def same_text(a: str | None, b: str | None, threshold: float = 85.0) -> bool:
    """Two short descriptions (role, affiliation) that say the same, or both absent."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return fa == fb
    return fa == fb or fuzz.token_set_ratio(fa, fb) >= threshold


# --- per-field scores ----------------------------------------------------------------------


def participant_mentions(item: Any) -> list[str]:
    return [m for m in (fold(x) for x in [item.name, *item.aliases]) if m]


def participant_score(pred: Any, gold: Any, ambiguous_surnames: set[str]) -> float:
    """1 when a name or alias of one is a name or alias of the other (titles ignored for people)."""
    pred_forms = set(participant_mentions(pred))
    gold_forms = set(participant_mentions(gold))
    if pred_forms & gold_forms:
        return 1.0
    if gold.kind.value != "person":
        return 0.0
    pred_people = {strip_titles(m) for m in pred_forms}
    gold_people = {strip_titles(m) for m in gold_forms}
    if pred_people & gold_people:
        return 1.0
    full = strip_titles(fold(gold.name))
    if any(m == full or m.endswith(" " + full) for m in pred_people):
        return 1.0
    surname = full.split()[-1] if full else ""
    if surname and surname not in ambiguous_surnames and surname in pred_people:
        return 0.9
    return 0.0


def surnames_shared_by_several(golds: Sequence[Any]) -> set[str]:
    seen: dict[str, int] = {}
    for gold in golds:
        if gold.kind.value == "person":
            full = strip_titles(fold(gold.name)).split()
            if full:
                seen[full[-1]] = seen.get(full[-1], 0) + 1
    return {name for name, count in seen.items() if count > 1}


def figure_score(pred: Any, gold: Any, locator: Locator, tolerance: float) -> float:
    """Values agree and units agree, or values agree and the evidence overlaps."""
    if not values_agree(pred.value, gold.value, tolerance):
        return 0.0
    overlap = locator.overlap(pred.evidence, gold.evidence)
    if normalize_unit(pred.unit) == normalize_unit(gold.unit):
        return 2.0 + overlap
    return 1.0 + overlap if overlap > 0 else 0.0


def topic_score(pred: Any, gold: Any, locator: Locator) -> float:
    """The best evidence overlap between the two topics; a shared category breaks ties."""
    best = max((locator.overlap(p, g) for p in pred.evidence for g in gold.evidence), default=0.0)
    if best < SPAN_OVERLAP:
        return 0.0
    return best + (1.0 if pred.category == gold.category else 0.0)


def concern_score(pred: Any, gold: Any, locator: Locator) -> float:
    """Evidence overlap in the article, else similar wording of the issue."""
    overlap = locator.overlap(pred.evidence, gold.evidence)
    if overlap >= SPAN_OVERLAP:
        return 1.0 + overlap
    similarity = fuzz.token_set_ratio(fold(pred.issue), fold(gold.issue))
    return similarity / 100.0 if similarity >= ISSUE_SIMILARITY else 0.0


# --- assignment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """Which prediction went with which gold item (indices), and what was left over."""

    pairs: list[tuple[int, int]]
    unmatched_pred: list[int]
    unmatched_gold: list[int]


def assign(preds: Sequence[Any], golds: Sequence[Any], score: Callable[[Any, Any], float]) -> Assignment:
    """The one-to-one pairing of predictions and gold items with the highest total score."""
    pairs: list[tuple[int, int]] = []
    if preds and golds:
        matrix = np.zeros((len(preds), len(golds)))
        for i, pred in enumerate(preds):
            for j, gold in enumerate(golds):
                value = score(pred, gold)
                if value > 0:
                    weight = OPTIONAL_WEIGHT if getattr(gold, "optional", False) else 1.0
                    matrix[i, j] = value * weight
        rows, cols = linear_sum_assignment(matrix, maximize=True)
        pairs = [(int(i), int(j)) for i, j in zip(rows, cols) if matrix[i, j] > 0]
    matched_pred = {i for i, _ in pairs}
    matched_gold = {j for _, j in pairs}
    return Assignment(
        pairs=sorted(pairs),
        unmatched_pred=[i for i in range(len(preds)) if i not in matched_pred],
        unmatched_gold=[j for j in range(len(golds)) if j not in matched_gold],
    )
