"""Scoring one predicted brief against its gold, and many into a report.

Pure functions over fixtures and briefs: no model, no I/O. Per field, true positives
are matched pairs with a required gold item, false positives are predictions matched
to nothing, false negatives are required gold items matched by nothing; a prediction
matched to an optional gold item counts for neither side.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..models import Brief
from .dataset import Fixture
from .failures import failed_by_kind
from .matching import (
    DEFAULT_VALUE_TOLERANCE,
    Locator,
    assign,
    concern_score,
    figure_score,
    fold,
    normalize_unit,
    participant_score,
    same_period,
    same_text,
    surnames_shared_by_several,
    topic_score,
)

FIELDS = ("participants", "figures", "topic_categories", "topics", "security_concerns")
ITEM_FIELDS = ("participants", "figures", "topics", "security_concerns")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def scores(self) -> dict[str, float | int | None]:
        """Precision, recall and F1.

        Precision of nothing predicted is undefined (``None``), not perfect.
        Recall of nothing to find is 1.0. F1 is always a number: with no prediction, 1.0
        when there was nothing to find either (an exact answer) and 0.0 when there was.
        """
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        if not self.tp + self.fp:
            precision, f1 = None, (0.0 if self.fn else 1.0)
        else:
            precision = self.tp / (self.tp + self.fp)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": _rounded(precision), "recall": round(recall, 4), "f1": round(f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _share(part: int, whole: int) -> float | None:
    """``part / whole`` to four places; undefined (``None``) when ``whole`` is 0."""
    return round(part / whole, 4) if whole else None


@dataclass
class ArticleScore:
    """Everything scored for one article: counts per field, attribute checks, item verdicts."""

    id: str
    split: str | None
    counts: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    attributes: dict[str, list[bool]] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    excerpts: int = 0
    grounded: int = 0
    text_overlap: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    error_kind: str | None = None  # the error's class name, or "missing"

    def check(self, name: str, ok: bool) -> bool:
        self.attributes.setdefault(name, []).append(ok)
        return ok

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "split": self.split,
            "error": self.error,
            "fields": {name: counts.scores() for name, counts in self.counts.items()},
            "grounding_rate": _share(self.grounded, self.excerpts),  # None: no excerpt predicted
            "attributes": {k: {"correct": sum(v), "n": len(v)} for k, v in sorted(self.attributes.items())},
            "text_overlap": self.text_overlap,
            "items": self.items,
        }


def _dump(item: Any) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude={"evidence_span", "evidence_spans"})


def _verdicts(
    score: ArticleScore, name: str, preds: list[Any], golds: list[Any], pairs: Any
) -> list[tuple[Any, Any]]:
    """Count one field; record each item's verdict; return the counted (pred, gold) pairs."""
    counts = score.counts[name]
    items: list[dict[str, Any]] = []
    counted = []
    for i, j in pairs.pairs:
        optional = getattr(golds[j], "optional", False)
        items.append({"verdict": "optional" if optional else "matched", "pred": _dump(preds[i]), "gold": _dump(golds[j])})
        if not optional:
            counts.tp += 1
            counted.append((preds[i], golds[j]))
    for i in pairs.unmatched_pred:
        counts.fp += 1
        items.append({"verdict": "invented", "pred": _dump(preds[i]), "gold": None})
    for j in pairs.unmatched_gold:
        if not getattr(golds[j], "optional", False):
            counts.fn += 1
            items.append({"verdict": "missed", "pred": None, "gold": _dump(golds[j])})
    score.items[name] = items
    return counted


def _rouge1(pred: str | None, gold: str | None) -> float:
    a, b = Counter(fold(pred).split()), Counter(fold(gold).split())
    shared = sum((a & b).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(a.values()), shared / sum(b.values())
    return round(2 * precision * recall / (precision + recall), 4)


def score_article(
    fixture: Fixture, pred: Brief | None, tolerance: float = DEFAULT_VALUE_TOLERANCE, error: str | None = None,
    error_kind: str | None = None,
) -> ArticleScore:
    """Score one predicted brief (``None`` when the prediction failed or is missing, with
    ``error`` and its ``error_kind``)."""
    gold = fixture.gold
    score = ArticleScore(id=fixture.id, split=fixture.split, error=error, error_kind=error_kind)
    brief = pred if pred is not None else Brief()
    locator = Locator(fixture.index)

    ambiguous = surnames_shared_by_several(gold.participants)
    people = assign(brief.participants, gold.participants, lambda p, g: participant_score(p, g, ambiguous))
    counted_people = _verdicts(score, "participants", brief.participants, gold.participants, people)
    to_gold_name = {brief.participants[i].name: gold.participants[j].name for i, j in people.pairs}

    def same_person(pred_name: str | None, gold_name: str | None) -> bool:
        resolved = to_gold_name.get(pred_name, f"\0unmatched:{pred_name}") if pred_name else None
        return resolved == gold_name

    for p, g in counted_people:
        score.check("participants.role", same_text(p.role, g.role))
        score.check("participants.affiliation", same_text(p.affiliation, g.affiliation))
        score.check("participants.kind", p.kind == g.kind)

    figures = assign(brief.figures, gold.figures, lambda p, g: figure_score(p, g, locator, tolerance))
    for p, g in _verdicts(score, "figures", brief.figures, gold.figures, figures):
        score.check("figures.unit", normalize_unit(p.unit) == normalize_unit(g.unit))
        score.check("figures.qualifier", p.qualifier == g.qualifier)
        score.check("figures.period", same_period(p.period, g.period))
        score.check("figures.speaker", same_person(p.speaker, g.speaker))

    topics = assign(brief.topics, gold.topics, lambda p, g: topic_score(p, g, locator))
    for p, g in _verdicts(score, "topics", brief.topics, gold.topics, topics):
        score.check("topics.category", p.category == g.category)

    categories = score.counts["topic_categories"]
    predicted = {t.category for t in brief.topics}
    required = {t.category for t in gold.topics if not t.optional}
    labelled = {t.category for t in gold.topics}
    categories.tp = len(predicted & required)
    categories.fp = len(predicted - labelled)
    categories.fn = len(required - predicted)

    concerns = assign(brief.security_concerns, gold.security_concerns, lambda p, g: concern_score(p, g, locator))
    for p, g in _verdicts(score, "security_concerns", brief.security_concerns, gold.security_concerns, concerns):
        score.check("security_concerns.raised_by", same_person(p.raised_by, g.raised_by))

    excerpts = [e for t in brief.topics for e in t.evidence]
    excerpts += [f.evidence for f in brief.figures] + [c.evidence for c in brief.security_concerns]
    score.excerpts = len(excerpts)
    score.grounded = sum(1 for e in excerpts if locator.span(e) is not None)

    if pred is not None:
        for name in ("headline", "summary"):
            if getattr(gold, name):
                score.text_overlap[name] = _rouge1(getattr(pred, name), getattr(gold, name))
    return score


def _field_summary(scores: list[ArticleScore]) -> dict[str, dict[str, float | int]]:
    summary: dict[str, dict[str, float | int]] = {}
    for name in FIELDS:
        total = Counts()
        for s in scores:
            total.add(s.counts[name])
        result = total.scores()
        per_article = [s.counts[name].scores() for s in scores]
        for metric in ("precision", "recall", "f1"):
            # the mean over the articles where the metric is defined (precision: those with predictions)
            defined = [a[metric] for a in per_article if a[metric] is not None]
            result[f"macro_{metric}"] = round(statistics.fmean(defined), 4) if defined else None
        summary[name] = result
    return summary


def _grounding_rate(scores: list[ArticleScore]) -> float | None:
    return _share(sum(s.grounded for s in scores), sum(s.excerpts for s in scores))


def summarize_scores(scores: list[ArticleScore]) -> dict[str, Any]:
    """Overall figures of a set of article scores: fields, attributes, grounding, text overlap."""
    attributes: dict[str, list[bool]] = {}
    for s in scores:
        for key, checks in s.attributes.items():
            attributes.setdefault(key, []).extend(checks)
    overlap: dict[str, dict[str, float | int]] = {}
    for name in ("headline", "summary"):
        values = [s.text_overlap[name] for s in scores if name in s.text_overlap]
        overlap[name] = {"rouge1_f": round(statistics.fmean(values), 4) if values else None, "n": len(values)}
    return {
        "n_articles": len(scores),
        "fields": _field_summary(scores),
        "grounding_rate": _grounding_rate(scores),
        "attributes": {
            key: {"accuracy": round(sum(v) / len(v), 4) if v else None, "n": len(v)}
            for key, v in sorted(attributes.items())
        },
        "text_overlap": overlap,
    }


def build_report(scores: list[ArticleScore], **about: Any) -> dict[str, Any]:
    """The full JSON report: overall, per split, per article (stable keys)."""
    report: dict[str, Any] = {"report": "summarizer-eval/1", **about}
    report.update(summarize_scores(scores))
    splits = sorted({s.split for s in scores if s.split})
    report["splits"] = {name: summarize_scores([s for s in scores if s.split == name]) for name in splits}
    report["failed_articles"] = [{"id": s.id, "error": s.error, "kind": s.error_kind} for s in scores if s.error]
    report["failed_by_kind"] = failed_by_kind(report["failed_articles"])
    report["articles"] = [s.to_json() for s in scores]
    return report
