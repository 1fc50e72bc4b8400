"""Topics: keyword tables per category, a minimum of evidence, a label from the words that matched."""

from __future__ import annotations

import re
from collections import Counter

from ..models import Category, Topic
from .lexicon import TOPIC_KEYWORDS
from .text import Document, clause_around, tidy

MIN_HITS = 2  # a category needs at least this many keyword hits to be a topic
MAX_EVIDENCE = 3
MAX_SENTENCE_WORDS = 30  # longer sentences give their clause as evidence

# One pass over the text finds every keyword of every category; the alternatives are
# grouped by first letter so that a word start only tries the keywords of its letter.
# Each hit is then classified by the per-category patterns (a keyword listed under two
# categories counts for both), whose named groups give the label word.
_CATEGORY_PATTERNS: dict[str, tuple[re.Pattern, dict[str, str]]] = {
    category: (
        re.compile("(?:" + "|".join(f"(?P<k{i}>{kw})" for i, (kw, _) in enumerate(entries)) + r")(?![\w-])",
                   re.IGNORECASE),
        {f"k{i}": label for i, (_, label) in enumerate(entries)},
    )
    for category, entries in TOPIC_KEYWORDS.items()
}


def _top_level_alternatives(pattern: str) -> list[str]:
    """"aid|food (?:aid|supplies)" -> ["aid", "food (?:aid|supplies)"]."""
    parts, depth, current = [], 0, []
    for char in pattern:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _first_letter_alternation(keywords: list[str]) -> str:
    buckets: dict[str, list[str]] = {}
    for keyword in (alt for kw in keywords for alt in _top_level_alternatives(kw)):
        head = keyword[0].lower() if keyword[0].isalpha() else ""
        buckets.setdefault(head, []).append(keyword)
    branches = [f"(?=[{h}{h.upper()}])(?:{'|'.join(sorted(ks, key=len, reverse=True))})"
                for h, ks in sorted(buckets.items()) if h]
    branches += buckets.get("", [])
    return "|".join(branches)


_ALL = re.compile(
    r"\b(?<!-)(?:" + _first_letter_alternation([kw for entries in TOPIC_KEYWORDS.values() for kw, _ in entries])
    + r")(?![\w-])",
    re.IGNORECASE,
)


def category_hits(text: str, start: int = 0, end: int | None = None) -> dict[str, list[tuple[int, int, str]]]:
    """Every keyword hit in ``text[start:end]`` by category: (start, end, label word)."""
    end = len(text) if end is None else end
    hits: dict[str, list[tuple[int, int, str]]] = {}
    for m in _ALL.finditer(text, start, end):
        for category, (pattern, labels) in _CATEGORY_PATTERNS.items():
            found = pattern.match(text, m.start(), end)
            if found:
                hits.setdefault(category, []).append((found.start(), found.end(), labels[found.lastgroup]))
    return hits


def build_topics(doc: Document) -> list[Topic]:
    """One topic per category with enough hits, strongest first."""
    text = doc.text
    all_hits = category_hits(text)
    topics = []
    for category, hits in all_hits.items():
        if len(hits) < MIN_HITS:
            continue
        by_sentence: dict[int, list[tuple[int, int, str]]] = {}
        for hit in hits:
            by_sentence.setdefault(doc.sentence_index(hit[0]), []).append(hit)
        # sentences with the most hits first, earlier ones on ties
        # sentences with the most hits first, short sentences (a whole sentence reads better
        # than a clause) before long ones, earlier ones on ties
        def rank(item):
            sentence = doc.sentences[item[0]]
            long = len(text[sentence.start:sentence.end].split()) > MAX_SENTENCE_WORDS
            return (-len(item[1]), long, item[0])

        ranked = sorted(by_sentence.items(), key=rank)
        evidence: list[str] = []
        for _, sentence_hits in ranked:
            first = sentence_hits[0]
            sentence = doc.sentences[doc.sentence_index(first[0])]
            if len(text[sentence.start:sentence.end].split()) <= MAX_SENTENCE_WORDS:
                s, e = tidy(text, sentence.start, sentence.end)
            else:
                s, e = clause_around(doc, first[0], first[1], min_words=8)
            excerpt = text[s:e]
            if excerpt and not any(excerpt in other or other in excerpt for other in evidence):
                evidence.append(excerpt)
            if len(evidence) == MAX_EVIDENCE:
                break
        if evidence:
            topics.append((len(hits), min(h[0] for h in hits), Topic(
                label=_label(hits), category=Category(category), evidence=evidence)))
    topics.sort(key=lambda t: (-t[0], t[1]))
    return [t for _, _, t in topics]


def _label(hits: list[tuple[int, int, str]]) -> str:
    """The two most frequent label words of the hits: "trade and economic relations"."""
    counts = Counter(label for _, _, label in hits)
    first_seen = {}
    for start, _, label in hits:
        first_seen.setdefault(label, start)
    words: list[str] = []
    for word in sorted(counts, key=lambda w: (-counts[w], first_seen[w])):
        if not any(set(word.split()) & set(other.split()) for other in words):
            words.append(word)
        if len(words) == 2:
            break
    return " and ".join(words)
