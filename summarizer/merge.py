"""Merging the briefs of an article's parts into one brief of the whole article.

Every rule is deterministic: the same part briefs always give the same brief, and
items keep the order in which they first appear (part by part, item by item).

* Spans: each part brief was grounded against its part, so its spans move by the part's
  start offset; an excerpt not found in its part is looked for in the whole article.
* Participants merge when one's name is the other's name or one of its aliases (case,
  accents and punctuation ignored). The longer name (more words, then more characters)
  becomes the name and the other an alias; aliases are united; role, affiliation and
  kind are the first non-null ones. Aliases alone never merge two participants: "the
  minister" may be two people in two parts.
* Figures of different parts merge when they have the same ``(value, value_max, unit)``
  and their evidence spans overlap (the same figure seen twice where parts overlap), or,
  without spans, the same evidence. The first is kept; its null speaker or period is
  filled from the duplicate. Figures of one part are never merged with each other.
* Topics merge by category: one topic per category, the first label, the evidence of
  all united (an excerpt already there, or overlapping one there, is not added again).
* Security concerns of different parts merge when their evidence spans overlap, or else
  when their issues are the same text; the first is kept, its null region or raised_by
  filled from the duplicate.
* Speaker and raised_by are rewritten to the merged participant's name.
* Headline: the first part's. Summary: the first sentence of the summaries of at most
  four parts spread evenly from the first to the last (first, last and evenly between).
* Meta: usage, attempts and transport retries summed over parts; the warnings of each
  part prefixed with its number; the grounding report's excerpt counts and issues
  recomputed over the merged brief against the whole article, its other counts (items
  the parts dropped, ...) summed over the parts and its other lists joined, each entry's
  path prefixed with its part (``parts[2].figures[0].speaker``); a flag such as
  ``possible_injection`` set when any part set it; ``parts`` the count.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from .grounding import ArticleIndex, find_problems, normalize
from .models import (
    AlignmentStatus,
    Brief,
    Figure,
    GroundingIssue,
    GroundingReport,
    Participant,
    SecurityConcern,
    Span,
    Topic,
)
from .names import fold
from .split import Part, sentences

__all__ = ["merge_briefs"]

MAX_SUMMARY_SENTENCES = 4

Item = TypeVar("Item", Figure, SecurityConcern)
_folded = lru_cache(maxsize=4096)(fold)  # an issue is compared with many others


def merge_briefs(article: str, parts: Sequence[Part], briefs: Sequence[Brief]) -> tuple[Brief, GroundingReport]:
    """One brief of ``article`` from the briefs of its ``parts`` (same order), and its grounding report."""
    index = ArticleIndex(article)
    shifted = [_shift(brief, part.start, index) for part, brief in zip(parts, briefs, strict=True)]
    people = _People()
    for number, brief in enumerate(shifted):
        for participant in brief.participants:
            people.add(number, participant)
    figures = _merge_items(
        [(n, people.renamed(n, f)) for n, b in enumerate(shifted) for f in b.figures],
        lambda f: (f.value, f.value_max, f.unit.casefold()),
        lambda a, b: _same_place(a.evidence, a.evidence_span, b.evidence, b.evidence_span),
        ("speaker", "period"),
    )
    concerns = _merge_items(
        [(n, people.renamed(n, c)) for n, b in enumerate(shifted) for c in b.security_concerns],
        lambda c: None,
        lambda a, b: _same_place(a.evidence, a.evidence_span, b.evidence, b.evidence_span)
        or _folded(a.issue) == _folded(b.issue),
        ("region", "raised_by"),
    )
    merged = Brief(
        headline=next((b.headline for b in shifted if b.headline), None),
        summary=_summary([b.summary for b in shifted]),
        participants=people.participants(),
        topics=_merge_topics([t for b in shifted for t in b.topics]),
        figures=figures,
        security_concerns=concerns,
    )
    return merged, _report(merged, index, briefs)


# --- spans ------------------------------------------------------------------------------


def _moved(span: Span | None, offset: int, excerpt: str, index: ArticleIndex) -> Span | None:
    if span is None:
        return None
    if span.status is AlignmentStatus.not_found:
        return index.locate(excerpt)  # the whole article may hold what its part did not
    return span.model_copy(update={"start": span.start + offset, "end": span.end + offset})


def _shift(brief: Brief, offset: int, index: ArticleIndex) -> Brief:
    """``brief`` with its spans moved from its part to the whole article."""
    topics = [
        t if t.evidence_spans is None else t.model_copy(
            update={"evidence_spans": [_moved(s, offset, e, index) for s, e in zip(t.evidence_spans, t.evidence)]}
        )
        for t in brief.topics
    ]
    figures = [
        f.model_copy(update={"evidence_span": _moved(f.evidence_span, offset, f.evidence, index)})
        for f in brief.figures
    ]
    concerns = [
        c.model_copy(update={"evidence_span": _moved(c.evidence_span, offset, c.evidence, index)})
        for c in brief.security_concerns
    ]
    return brief.model_copy(update={"topics": topics, "figures": figures, "security_concerns": concerns})


def _overlap(a: Span | None, b: Span | None) -> bool | None:
    """Whether two located spans overlap; None when either is not located."""
    if a is None or b is None or a.start is None or b.start is None:
        return None
    return a.start < b.end and b.start < a.end  # type: ignore[operator]


def _same_place(text_a: str, span_a: Span | None, text_b: str, span_b: Span | None) -> bool:
    overlap = _overlap(span_a, span_b)
    return overlap if overlap is not None else normalize(text_a) == normalize(text_b)


# --- participants -----------------------------------------------------------------------


@dataclass
class _Person:
    name: str
    aliases: list[str]
    role: str | None
    affiliation: str | None
    kind: object

    def mentions(self) -> set[str]:
        return {fold(m) for m in [self.name, *self.aliases]}

    def absorb(self, other: Participant) -> None:
        names = [self.name, other.name]
        # the fullest form is the name: more words, then more characters; a tie keeps the first
        fullest = max(names, key=lambda n: (len(n.split()), len(n)))
        for mention in [*names, *other.aliases]:
            self._alias(mention)
        self.name = fullest
        self.aliases = [a for a in self.aliases if fold(a) != fold(fullest)]
        self.role = self.role or other.role
        self.affiliation = self.affiliation or other.affiliation

    def _alias(self, mention: str) -> None:
        if fold(mention) not in {fold(a) for a in self.aliases}:
            self.aliases.append(mention)


@dataclass
class _People:
    """Participants merged so far, and which merged person each part's participant became."""

    people: list[_Person] = field(default_factory=list)
    became: dict[tuple[int, str], _Person] = field(default_factory=dict)

    def add(self, part: int, participant: Participant) -> None:
        name = fold(participant.name)
        own = {fold(a) for a in participant.aliases}
        person = next((p for p in self.people if name in p.mentions() or fold(p.name) in own), None)
        if person is None:
            person = _Person(participant.name, [], participant.role, participant.affiliation, participant.kind)
            self.people.append(person)
        person.absorb(participant)
        self.became[(part, name)] = person

    def renamed(self, part: int, item: Item) -> Item:
        """``item`` with its speaker or raised_by set to the merged participant's name."""
        attribute = "speaker" if isinstance(item, Figure) else "raised_by"
        reference = getattr(item, attribute)
        person = self.became.get((part, fold(reference))) if reference else None
        return item.model_copy(update={attribute: person.name}) if person else item

    def participants(self) -> list[Participant]:
        return [
            Participant(name=p.name, aliases=p.aliases, role=p.role, affiliation=p.affiliation, kind=p.kind)
            for p in self.people
        ]


# --- figures, concerns, topics ----------------------------------------------------------


def _merge_items(
    items: list[tuple[int, Item]],
    key: Callable[[Item], Hashable],
    same: Callable[[Item, Item], bool],
    fill: tuple[str, ...],
) -> list[Item]:
    """Items in order, each dropped when it has the ``key`` of a kept item from another part
    and is the ``same`` as it; the kept item's nulls among ``fill`` are filled from it."""
    kept: list[Item] = []
    by_key: dict[Hashable, list[tuple[int, int]]] = {}  # key -> (part, place in kept)
    for part, item in items:
        candidates = by_key.setdefault(key(item), [])
        twin = next((place for p, place in candidates if p != part and same(kept[place], item)), None)
        if twin is None:
            candidates.append((part, len(kept)))
            kept.append(item)
            continue
        other = kept[twin]
        update = {
            name: getattr(item, name)
            for name in fill
            if getattr(other, name) is None and getattr(item, name) is not None
        }
        if update:
            kept[twin] = other.model_copy(update=update)
    return kept


def _merge_topics(topics: list[Topic]) -> list[Topic]:
    by_category: dict[object, Topic] = {}
    for topic in topics:
        kept = by_category.get(topic.category)
        if kept is None:
            by_category[topic.category] = topic
            continue
        evidence = list(kept.evidence)
        spans = list(kept.evidence_spans or [None] * len(evidence))
        for excerpt, span in zip(topic.evidence, topic.evidence_spans or [None] * len(topic.evidence)):
            if not any(_same_place(excerpt, span, e, s) for e, s in zip(evidence, spans)):
                evidence.append(excerpt)
                spans.append(span)
        located = all(s is not None for s in spans)
        by_category[topic.category] = kept.model_copy(
            update={"evidence": evidence, "evidence_spans": spans if located else None}
        )
    return list(by_category.values())


def _summary(summaries: list[str | None]) -> str | None:
    count = len(summaries)
    chosen = sorted({round(i * (count - 1) / (MAX_SUMMARY_SENTENCES - 1)) for i in range(MAX_SUMMARY_SENTENCES)})
    firsts = [found[0] for n in chosen if (found := sentences(summaries[n] or ""))]
    return " ".join(firsts) or None


# --- grounding --------------------------------------------------------------------------


def _report(brief: Brief, index: ArticleIndex, parts: Sequence[Brief]) -> GroundingReport:
    """Excerpt counts and issues recomputed on the merged brief; the rest (items the parts
    dropped, references they cleared, ...) summed or listed over the parts."""
    spans = [s for t in brief.topics for s in (t.evidence_spans or [])]
    spans += [f.evidence_span for f in brief.figures if f.evidence_span is not None]
    spans += [c.evidence_span for c in brief.security_concerns if c.evidence_span is not None]
    statuses = [s.status for s in spans]
    recomputed = {
        "excerpts": len(spans),
        "exact": statuses.count(AlignmentStatus.exact),
        "fuzzy": statuses.count(AlignmentStatus.fuzzy),
        "not_found": statuses.count(AlignmentStatus.not_found),
        "issues": find_problems(brief, index),
    }
    reports = [(n, b.meta.grounding) for n, b in enumerate(parts) if b.meta is not None]
    carried: dict[str, object] = {}
    for name in GroundingReport.model_fields:
        if name in recomputed:
            continue
        values = [(n, getattr(r, name)) for n, r in reports]
        if all(isinstance(v, int) for _, v in values):
            carried[name] = sum(v for _, v in values)
        elif all(isinstance(v, list) for _, v in values):  # issues of a part: their paths name it
            carried[name] = [
                i.model_copy(update={"path": f"parts[{n}].{i.path}"}) if isinstance(i, GroundingIssue) else i
                for n, v in values for i in v
            ]
    return GroundingReport(**recomputed, **carried)
