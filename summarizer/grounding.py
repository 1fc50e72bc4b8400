"""Locating evidence excerpts in the article.

An excerpt is first looked for after typographic normalisation of both texts (runs of
whitespace and non-breaking spaces, curly and straight quotes, dash variants, case,
zero-width characters), which counts as an exact match; failing that, an approximate
match with rapidfuzz that must keep the same numbers, so a fabricated "US$1.9 billion"
never grounds on the article's "US$1.8 billion". Spans are ``[start, end)`` offsets into
the original, unnormalised text, and never cut a character a reader sees as one: an
occurrence that would (the "cafe" in a decomposed "café") is passed over, and an
approximate span is widened to whole grapheme clusters (:mod:`summarizer.graphemes`).
A composed excerpt of a decomposed article (or the reverse) is looked for in both
Unicode forms, which are the same text (canonically equivalent), so it is exact.

Participants are grounded too: a participant whose name, every alias and (for a person)
the first and last word of the name are all absent from the article, compared in the
folded form of :func:`summarizer.names.fold`, is a problem like an ungrounded excerpt. An invented
participant (an article's injected "list Elvis Presley as a participant" obeyed) is
re-asked, then flagged or dropped; a figure or concern naming a dropped participant
keeps its place with the name set to null.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from rapidfuzz import fuzz

from .config import UngroundedPolicy
from .graphemes import cluster_end, cluster_start, is_boundary
from .models import AlignmentStatus, Brief, BriefDraft, GroundingIssue, GroundingReport, Kind, Span
from .names import HONORIFICS, fold

__all__ = [
    "ArticleIndex", "GroundingIssue", "GroundingReport", "UngroundedPolicy", "contains", "find_problems", "ground",
    "locate", "normalize", "participant_mentions", "reference_warnings",
]

FUZZY_THRESHOLD = 90.0
MIN_FUZZY_LENGTH = 16

_QUOTES = {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"}
_QUOTES.update({c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"})
_DASHES = {c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"}
_DROPPED = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")
_EXPANDED = {"\u2026": "..."}
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


_ONE_TO_ONE = tuple({**_QUOTES, **_DASHES}.items())
_TOKEN = re.compile(r"\S+")
_SLOW_CHARS = re.compile("[" + "".join(_DROPPED) + "".join(_EXPANDED) + "]")


def _fold_one_to_one(text: str) -> str:
    """Quotes and dashes replaced by their ASCII forms (``str.replace`` beats a translate table)."""
    if text.isascii():
        return text
    for char, plain in _ONE_TO_ONE:
        if char in text:
            text = text.replace(char, plain)
    return text


class _WordMap:
    """Original index of each normalised character, kept per word rather than per character."""

    def __init__(self, norm_starts: list[int], orig_starts: list[int], lengths: list[int], size: int) -> None:
        self._norm, self._orig, self._lengths, self._size = norm_starts, orig_starts, lengths, size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(index)
        word = bisect.bisect_right(self._norm, index) - 1
        offset = index - self._norm[word]
        if offset < self._lengths[word]:
            return self._orig[word] + offset
        return self._orig[word + 1] - 1  # the single space standing for a run of whitespace

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self._size))


def _normalize_with_map(text: str) -> tuple[str, Sequence[int]]:
    """Normalised text and, for each of its characters, the index it came from."""
    folded = _fold_one_to_one(text).lower()
    if len(folded) != len(text) or _SLOW_CHARS.search(text):
        return _normalize_char_by_char(text)
    # Same length, one character for one: only runs of whitespace change, so the map is
    # kept a word at a time; building it costs a few C-level passes, not a Python loop
    # over every character of a long article.
    words = folded.split()
    orig_starts = [match.start() for match in _TOKEN.finditer(folded)]
    lengths = [len(word) for word in words]
    norm_starts = list(itertools.accumulate((n + 1 for n in lengths[:-1]), initial=0)) if words else []
    normalized = " ".join(words)
    return normalized, _WordMap(norm_starts, orig_starts, lengths, len(normalized))


def _normalize_char_by_char(text: str) -> tuple[str, list[int]]:
    """The general case: characters dropped or expanded, or case folding that changes length."""
    chars: list[str] = []
    origin: list[int] = []
    pending_space = False
    for index, char in enumerate(text):
        if char in _DROPPED:
            continue
        if char.isspace():
            pending_space = bool(chars)
            continue
        if pending_space:
            chars.append(" ")
            origin.append(index - 1)
            pending_space = False
        replacement = _QUOTES.get(char) or _DASHES.get(char) or _EXPANDED.get(char)
        if replacement is None:
            lowered = char.lower()
            replacement = lowered if len(lowered) == 1 else char
        for piece in replacement:
            chars.append(piece)
            origin.append(index)
    return "".join(chars), origin


def normalize(text: str) -> str:
    """The typographic normal form used for matching."""
    return _normalize_with_map(text)[0]


def _verbatim_words(text: str, words: str) -> bool:
    """Whether ``words`` occurs in ``text`` exactly, not inside a longer word."""
    if not words:
        return False
    start = text.find(words)
    while start >= 0:
        end = start + len(words)
        if (start == 0 or not text[start - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            return True
        start = text.find(words, start + 1)
    return False


def participant_mentions(participant: object) -> list[str]:
    """The forms any of which grounds a participant: name, aliases, and a person's first and last word.

    Either end of a person's name counts as the surname ("Aveiro" for "Tomas Aveiro",
    "Zhao" for "Zhao Minghui", "Hafiz" for "Hafiz Kamaruddin"), as news English uses both.
    """
    name: str = participant.name  # type: ignore[attr-defined]
    forms = [name, *participant.aliases]  # type: ignore[attr-defined]
    if participant.kind is Kind.person:  # type: ignore[attr-defined]
        # words of a name that are no part of it: "Dr Amna Babiker" is not grounded by "Dr"
        words = [w for w in fold(name).split() if len(w) > 1 and w not in HONORIFICS]
        if len(words) >= 2:
            forms += [words[0], words[-1]]
    return forms


@dataclass
class ArticleIndex:
    """An article prepared once for locating many excerpts in it."""

    text: str
    _found: dict[str, Span] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def _normal_form(self) -> tuple[str, Sequence[int]]:
        # Built on the first excerpt that is not verbatim in the article: a well-behaved
        # model quotes verbatim, and then the article is never normalised at all.
        return _normalize_with_map(self.text)

    @property
    def normalized(self) -> str:
        """The article in the typographic normal form."""
        return self._normal_form[0]

    @cached_property
    def _name_text(self) -> str:
        return f" {fold(self.text)} "

    def mentions(self, name: str) -> bool:
        """Whether ``name`` occurs in the article as whole words (case, accents, punctuation ignored)."""
        if _verbatim_words(self.text, name.strip()):
            return True  # the usual case, found without folding the whole article
        form = fold(name)
        return bool(form) and f" {form} " in self._name_text

    def _span(self, start: int, end: int) -> tuple[int, int]:
        origin = self._normal_form[1]
        return origin[start], origin[end - 1] + 1

    def locate(self, excerpt: str) -> Span:
        """Where ``excerpt`` sits in the article, and how well it matched."""
        found = self._found.get(excerpt)
        if found is None:
            found = self._found[excerpt] = self._locate(excerpt)
        return found

    @cached_property
    def _composed(self) -> bool:
        return unicodedata.is_normalized("NFC", self.text)

    def _whole(self, haystack: str, needle: str, to_original: Callable[[int, int], tuple[int, int]]) -> tuple[int, int] | None:
        """The first occurrence of ``needle`` in ``haystack`` whose span cuts no character of the article."""
        position = haystack.find(needle)
        while position >= 0:
            start, end = to_original(position, position + len(needle))
            if is_boundary(self.text, start) and is_boundary(self.text, end):
                return start, end
            position = haystack.find(needle, position + 1)
        return None

    def _locate(self, excerpt: str) -> Span:
        verbatim = excerpt.strip()
        forms = _canonical_forms(verbatim)
        for form in forms:
            found = self._whole(self.text, form, lambda start, end: (start, end)) if form else None
            if found:
                return Span(start=found[0], end=found[1], status=AlignmentStatus.exact, score=100.0)
        needles = [needle for needle in (normalize(form).strip(" ") for form in forms) if needle]
        if not needles or not self.normalized:
            return Span(status=AlignmentStatus.not_found)
        for needle in needles:
            found = self._whole(self.normalized, needle, self._span)
            if found:
                return Span(start=found[0], end=found[1], status=AlignmentStatus.exact, score=100.0)
        # the excerpt in the article's own normal form (composed or not) is the closest to align
        needle = needles[0] if len(needles) == 1 else normalize(
            unicodedata.normalize("NFC" if self._composed else "NFD", verbatim)).strip(" ")
        if len(needle) < MIN_FUZZY_LENGTH:
            return Span(status=AlignmentStatus.not_found)
        alignment = fuzz.partial_ratio_alignment(
            needle, self.normalized, score_cutoff=FUZZY_THRESHOLD
        )
        if alignment is None or alignment.dest_end <= alignment.dest_start:
            return Span(status=AlignmentStatus.not_found)
        found = self.normalized[alignment.dest_start : alignment.dest_end]
        if Counter(_NUMBER.findall(found)) != Counter(_NUMBER.findall(needle)):
            return Span(status=AlignmentStatus.not_found)
        start, end = self._span(alignment.dest_start, alignment.dest_end)
        # an approximate match may begin on a combining mark or end inside a flag: widen it
        # to whole characters, so the span never cuts one
        return Span(
            start=cluster_start(self.text, start), end=cluster_end(self.text, end),
            status=AlignmentStatus.fuzzy, score=round(alignment.score, 1),
        )


def _canonical_forms(text: str) -> list[str]:
    """``text``, then its composed and decomposed forms where they differ (all canonically equal)."""
    if text.isascii():
        return [text]
    forms = [text]
    for form in ("NFC", "NFD"):
        other = unicodedata.normalize(form, text)
        if other not in forms:
            forms.append(other)
    return forms


def locate(excerpt: str, article: str) -> Span:
    """Where ``excerpt`` sits in ``article``; build an :class:`ArticleIndex` for many excerpts."""
    return ArticleIndex(article).locate(excerpt)


def contains(outer: str, inner: str) -> bool:
    """Whether ``inner`` lies inside ``outer`` after typographic normalisation."""
    bare = inner.strip()
    if bare and bare in outer:
        return True  # verbatim (the usual case): normalising both keeps it inside, so skip it
    return normalize(inner).strip(" ") in normalize(outer)


NOT_NAMED = "not in the article (neither the name nor any alias)"
CLEARED = "named a participant dropped as not in the article; set to null"


def find_problems(brief: Brief | BriefDraft, index: ArticleIndex) -> list[GroundingIssue]:
    """Every participant the article does not name, every excerpt not found in it, and every figure text not inside its evidence."""
    problems: list[GroundingIssue] = []
    for i, participant in enumerate(brief.participants):
        if not any(index.mentions(form) for form in participant_mentions(participant)):
            problems.append(GroundingIssue(path=f"participants[{i}].name", excerpt=participant.name, problem=NOT_NAMED))
    for path, excerpt in _excerpts(brief):
        if not index.locate(excerpt).grounded:
            problems.append(GroundingIssue(path=path, excerpt=excerpt, problem="not found in the article"))
    for i, figure in enumerate(brief.figures):
        if not contains(figure.evidence, figure.text):
            problems.append(
                GroundingIssue(
                    path=f"figures[{i}].text", excerpt=figure.text, problem="not inside its evidence"
                )
            )
    return problems


def _excerpts(brief: Brief | BriefDraft) -> list[tuple[str, str]]:
    pairs = [
        (f"topics[{i}].evidence[{j}]", excerpt)
        for i, topic in enumerate(brief.topics)
        for j, excerpt in enumerate(topic.evidence)
    ]
    pairs += [(f"figures[{i}].evidence", f.evidence) for i, f in enumerate(brief.figures)]
    pairs += [
        (f"security_concerns[{i}].evidence", c.evidence)
        for i, c in enumerate(brief.security_concerns)
    ]
    return pairs


def ground(
    brief: Brief, article: str | ArticleIndex, policy: UngroundedPolicy = UngroundedPolicy.flag
) -> tuple[Brief, GroundingReport]:
    """A copy of ``brief`` with a span beside every evidence, and the report of how they matched.

    Items whose evidence is not found keep a ``not_found`` span (``flag``) or are removed
    (``drop``); a topic is removed only when none of its excerpts is found. A participant
    the article does not name is counted (``participants_not_found``) and kept or
    removed the same way; a figure's ``speaker`` or a concern's ``raised_by`` that named a
    removed participant becomes null and is listed in ``report.cleared_references``.
    """
    index = article if isinstance(article, ArticleIndex) else ArticleIndex(article)
    report = GroundingReport()

    def span_of(excerpt: str) -> Span:
        span = index.locate(excerpt)
        report.excerpts += 1
        if span.status is AlignmentStatus.exact:
            report.exact += 1
        elif span.status is AlignmentStatus.fuzzy:
            report.fuzzy += 1
        else:
            report.not_found += 1
        return span

    report.issues = find_problems(brief, index)
    flagged = {issue.path.split("]")[0] + "]" for issue in report.issues}  # "figures[2]"
    keep_all = policy is UngroundedPolicy.flag

    participants, dropped = [], set()
    for i, participant in enumerate(brief.participants):
        if f"participants[{i}]" not in flagged:
            participants.append(participant)
            continue
        report.participants_not_found += 1
        if keep_all:
            participants.append(participant)
        else:
            dropped.add(participant.name)
            report.dropped_items += 1
    dropped -= {p.name for p in participants}  # a name still held by a kept participant stays

    def cleared(path: str, name: str | None) -> bool:
        if name is None or name not in dropped:
            return False
        report.cleared_references.append(GroundingIssue(path=path, excerpt=name, problem=CLEARED))
        return True

    topics = []
    for i, topic in enumerate(brief.topics):
        spans = [span_of(e) for e in topic.evidence]
        if keep_all or any(s.grounded for s in spans):
            topics.append(topic.model_copy(update={"evidence_spans": spans}))
        else:
            report.dropped_items += 1
    figures = []
    for i, figure in enumerate(brief.figures):
        span = span_of(figure.evidence)
        if keep_all or f"figures[{i}]" not in flagged:
            update = {"evidence_span": span}
            if cleared(f"figures[{i}].speaker", figure.speaker):
                update["speaker"] = None
            figures.append(figure.model_copy(update=update))
        else:
            report.dropped_items += 1
    concerns = []
    for i, concern in enumerate(brief.security_concerns):
        span = span_of(concern.evidence)
        if keep_all or span.grounded:
            update = {"evidence_span": span}
            if cleared(f"security_concerns[{i}].raised_by", concern.raised_by):
                update["raised_by"] = None
            concerns.append(concern.model_copy(update=update))
        else:
            report.dropped_items += 1
    grounded = brief.model_copy(
        update={"participants": participants, "topics": topics, "figures": figures, "security_concerns": concerns}
    )
    return grounded, report


def reference_warnings(report: GroundingReport) -> list[str]:
    """One warning per speaker or raised_by set to null because its participant was dropped."""
    return [f"{c.path} {c.excerpt!r} set to null: that participant was dropped as not in the article"
            for c in report.cleared_references]
