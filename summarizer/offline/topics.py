"""Topics: keyword tables per category, a minimum of evidence, a label from the words that matched."""

from __future__ import annotations

from collections import Counter

from ..models import Category, Topic
from .lexicon import TOPIC_KEYWORDS
from .patterns import first_char_alternation, first_chars, top_level_alternatives
from .scan import Caseless, lowered
from .text import Document, clause_around, tidy

MIN_HITS = 2  # a category needs at least this many keyword hits to be a topic
MAX_EVIDENCE = 3
MAX_SENTENCE_WORDS = 30  # longer sentences give their clause as evidence

# One pass over the text finds every keyword of every category; each hit is then
# classified by the per-category patterns (a keyword listed under two categories counts
# for both), whose named groups give the label word. Keywords match case-insensitively;
# the patterns run over the lower-cased article when there is one (see .scan), grouped
# by first character (see .patterns.first_char_alternation), and a hit only tries the
# categories that have a keyword starting with its first character.
_CATEGORY_PATTERNS: dict[str, tuple[Caseless, dict[str, str], set[str] | None]] = {}
for _category, _entries in TOPIC_KEYWORDS.items():
    _keywords = [kw.lower() for kw, _ in _entries]
    _CATEGORY_PATTERNS[_category] = (
        Caseless("(?:" + "|".join(f"(?P<k{i}>{kw})" for i, kw in enumerate(_keywords)) + r")(?![\w-])"),
        {f"k{i}": label for i, (_, label) in enumerate(_entries)},
        first_chars(_keywords),
    )


def _by_first_letter(keywords: list[str]) -> list[str]:
    """The keywords' alternatives by first letter, longest first within a letter (the order the
    classification was tuned with); those not starting with a letter last."""
    buckets: dict[str, list[str]] = {}
    for keyword in (alt for kw in keywords for alt in top_level_alternatives(kw)):
        head = keyword[0] if keyword[0].isalpha() else ""
        buckets.setdefault(head, []).append(keyword)
    ordered = [kw for h, ks in sorted(buckets.items()) if h for kw in sorted(ks, key=len, reverse=True)]
    return ordered + buckets.get("", [])


_ALL = Caseless(
    r"\b(?<!-)(?:" + first_char_alternation(_by_first_letter(
        [kw.lower() for entries in TOPIC_KEYWORDS.values() for kw, _ in entries])) + r")(?![\w-])"
)


def category_hits(text: str, start: int = 0, end: int | None = None,
                  low: str | None = None) -> dict[str, list[tuple[int, int, str]]]:
    """Every keyword hit in ``text[start:end]`` by category: (start, end, label word).

    ``low`` is ``text`` lower-cased by :func:`.scan.lowered`, when the caller has it.
    """
    end = len(text) if end is None else end
    if low is None:
        low = lowered(text)
    hits: dict[str, list[tuple[int, int, str]]] = {}
    for m in _ALL.spans(text, low, start, end):
        at = m.start()
        for category, (pattern, labels, heads) in _CATEGORY_PATTERNS.items():
            if low is None:  # case folding beyond lower-casing: every category is tried
                found = pattern.exact.match(text, at, end)
            elif heads is None or low[at] in heads:
                found = pattern.fast.match(low, at, end)
            else:
                continue
            if found:
                hits.setdefault(category, []).append((found.start(), found.end(), labels[found.lastgroup]))
    return hits


def build_topics(doc: Document) -> list[Topic]:
    """One topic per category with enough hits, strongest first."""
    text = doc.text
    all_hits = category_hits(text, low=doc.lower)
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
