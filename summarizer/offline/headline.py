"""Extractive headline (the lead, lightly trimmed) and summary (the best-scoring sentences)."""

from __future__ import annotations

import re

from ..models import MAX_HEADLINE_WORDS
from .lexicon import WEEKDAYS
from .text import Document, squash

_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|which|whose|where|currently|now)\b[^,]{0,160},")
_DAY = re.compile(r"\s*\b(?:yesterday|today|on\s+(?:" + "|".join(WEEKDAYS) + r")|this\s+(?:morning|afternoon|evening))\b",
                  re.IGNORECASE)
_ATTRIBUTION_TAIL = re.compile(r",\s+(?:the\s+|a\s+)?[^,“”\"]{2,60}?\s+(?:said|says|reported|announced)"
                               r"(?:\s+(?:in\s+a\s+statement|on\s+\w+))?$")
_STRAY = re.compile(r"([.!?][”\"’]?)\s+[.]+$")
MIN_SUMMARY, MAX_SUMMARY = 2, 3


def headline(doc: Document) -> str:
    """The first sentence, without dateline, relative clauses and day words, cut to 25 words."""
    if not doc.sentences:
        return ""
    first = doc.sentences[0]
    line = squash(doc.text[first.start:first.end])
    line = _RELATIVE_CLAUSE.sub("", line)
    line = _DAY.sub("", line)
    line = _ATTRIBUTION_TAIL.sub("", line.strip(" ."))  # ", the ministry said in a statement"
    line = line.strip(" .")
    words = line.split()
    if len(words) > MAX_HEADLINE_WORDS:
        cut = " ".join(words[:MAX_HEADLINE_WORDS])
        # prefer a clause boundary, then a phrase boundary, in the second half
        for marks in ((", ", "; ", " – ", " — "), (" to ", " and ", " as ", " with ", " after ")):
            boundary = max(cut.rfind(mark) for mark in marks)
            if boundary > len(cut) // 2:
                cut = cut[:boundary]
                break
        line = cut
    return line.rstrip(" ,;:–—-")


def summary(doc: Document, mention_spans: list[tuple[int, int, int]], figure_starts: list[int]) -> str:
    """Two or three sentences, picked by lead position, people named and figures given, in article order."""
    # the people named and figures given in each sentence, counted in one walk over them
    who_in: dict[int, set[int]] = {}
    for start, _, who in mention_spans:
        index = _sentence_of(doc, start)
        if who >= 0 and index is not None:
            who_in.setdefault(index, set()).add(who)
    figures_in: dict[int, int] = {}
    for start in figure_starts:
        index = _sentence_of(doc, start)
        if index is not None:
            figures_in[index] = figures_in.get(index, 0) + 1
    scored = []
    for index, sentence in enumerate(doc.sentences):
        body = doc.text[sentence.start:sentence.end]
        words = len(body.split())
        if words < 6:
            continue
        score = 3.0 if index == 0 else 1.0 / (1 + sentence.paragraph)
        score += len(who_in.get(index, ())) + 0.5 * min(figures_in.get(index, 0), 2)
        if body[:1] in "“\"«" or doc.quote_at(sentence.start) is not None:
            score -= 2.0  # a bare quotation reads badly out of context
        if words > 45:
            score -= 1.0
        scored.append((score, index))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:MAX_SUMMARY]
    chosen = sorted(index for _, index in best)
    sentences = [_STRAY.sub(r"\1", squash(doc.text[doc.sentences[i].start:doc.sentences[i].end])) for i in chosen]
    return " ".join(sentences)


def _sentence_of(doc: Document, pos: int) -> int | None:
    """The index of the sentence holding ``pos``, or None (between sentences, or not found: -1)."""
    if not doc.sentences or pos < doc.sentences[0].start:
        return None
    index = doc.sentence_index(pos)
    return index if pos < doc.sentences[index].end else None
