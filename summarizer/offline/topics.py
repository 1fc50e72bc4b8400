"""Topics: keyword tables per category, a minimum of evidence, a label from the words that matched."""

from __future__ import annotations

from collections import Counter

from ..models import Category, Topic
from .lexicon import TOPIC_KEYWORDS
from .patterns import first_char_alternation, first_chars, top_level_alternatives
from .literals import keyword_cues
from .scan import Caseless, lowered
from .scanner import matches_at, spots
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
# Where each category's keywords can start, from the one scan of the article (see .scanner).
_CATEGORY_CUES = {category: keyword_cues([kw for kw, _ in entries]) for category, entries in TOPIC_KEYWORDS.items()}


def category_hits(text: str, low: str | None = None) -> dict[str, list[tuple[int, int, str]]]:
    """Every keyword hit in ``text`` by category: (start, end, label word).

    ``low`` is ``text`` lower-cased by :func:`.scan.lowered`, when the caller has it.
    The keywords are tried only where the scanner's cues say one can start, and each
    category only where one of its own keywords can.
    """
    if low is None:
        low = lowered(text)
    found = spots(text)
    tried: dict[int, list[str]] = {}
    for category, cues in _CATEGORY_CUES.items():
        for registered in cues:
            for at, _ in found[registered]:
                tried.setdefault(at, []).append(category)
    hits: dict[str, list[tuple[int, int, str]]] = {}
    if low is None:  # case folding beyond lower-casing: every category is tried
        pattern_of, source = {c: p.exact for c, (p, _, _) in _CATEGORY_PATTERNS.items()}, text
        every = _ALL.exact
    else:
        pattern_of, source = {c: p.fast for c, (p, _, _) in _CATEGORY_PATTERNS.items()}, low
        every = _ALL.fast
    for m in matches_at(every, source, sorted(tried)):
        at = m.start()
        for category in tried[at]:
            hit = pattern_of[category].match(source, at)
            if hit:
                hits.setdefault(category, []).append((hit.start(), hit.end(), _CATEGORY_PATTERNS[category][1][hit.lastgroup]))
    return hits


def build_topics(doc: Document) -> list[Topic]:
    """One topic per category with enough hits, strongest first."""
    text = doc.text
    all_hits = category_hits(text, doc.lower)
    topics = []
    long_sentences: dict[int, bool] = {}  # sentence index -> more than MAX_SENTENCE_WORDS words

    def is_long(index: int) -> bool:
        long = long_sentences.get(index)
        if long is None:
            sentence = doc.sentences[index]
            long = long_sentences[index] = len(text[sentence.start:sentence.end].split()) > MAX_SENTENCE_WORDS
        return long

    for category, hits in all_hits.items():
        if len(hits) < MIN_HITS:
            continue
        by_sentence: dict[int, list[tuple[int, int, str]]] = {}
        for hit in hits:
            by_sentence.setdefault(doc.sentence_index(hit[0]), []).append(hit)
        # sentences with the most hits first, short sentences (a whole sentence reads better
        # than a clause) before long ones, earlier ones on ties
        ranked = sorted(by_sentence.items(), key=lambda item: (-len(item[1]), is_long(item[0]), item[0]))
        evidence: list[str] = []
        for index, sentence_hits in ranked:
            first = sentence_hits[0]
            sentence = doc.sentences[index]
            if not is_long(index):
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
