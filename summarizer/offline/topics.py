"""Topics: keyword tables per category, a minimum of evidence, a label from the words that matched."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ..models import Category, Topic
from .lexicon import TOPIC_KEYWORDS, TOPIC_NOT_COUNTED
from .patterns import first_char_alternation, first_chars, top_level_alternatives
from .keyword_cues import keyword_cues
from .scan import Caseless, lowered
from .scanner import matches_at, spots
from .text import Document, clause_around, tidy

MIN_SCORE = 2.0  # a category is a topic when the weights of its hits add up to this
NAME_WEIGHT = 0.5  # a keyword inside a proper name ("Port Sudan", "the Ministry of Water Resources"), once per name
MAX_EVIDENCE = 3
MAX_SENTENCE_WORDS = 30  # longer sentences give their clause as evidence

# One pass over the text finds every keyword of every category; each hit is then
# classified by the per-category patterns (a keyword listed under two categories counts
# for both), whose named groups give the label word and weight. Keywords match case-insensitively;
# the patterns run over the lower-cased article when there is one (see .scan), grouped
# by first character (see .patterns.first_char_alternation), and a hit only tries the
# categories that have a keyword starting with its first character.
_CATEGORY_PATTERNS: dict[str, tuple[Caseless, dict[str, tuple[str, float]], set[str] | None]] = {}
for _category, _entries in TOPIC_KEYWORDS.items():
    _keywords = [entry[0].lower() for entry in _entries]
    _CATEGORY_PATTERNS[_category] = (
        Caseless("(?:" + "|".join(f"(?P<k{i}>{kw})" for i, kw in enumerate(_keywords)) + r")(?![\w-])"),
        {f"k{i}": (entry[1], entry[2] if len(entry) > 2 else 1.0) for i, entry in enumerate(_entries)},
        first_chars(_keywords),
    )
# Phrases around a hit that take it out of its category ("palm oil" is no energy).
_NOT_COUNTED = {category: Caseless(pattern) for category, pattern in TOPIC_NOT_COUNTED.items()}
_NOT_COUNTED_REACH = 24  # characters before a hit where such a phrase can start


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
        [entry[0].lower() for entries in TOPIC_KEYWORDS.values() for entry in entries])) + r")(?![\w-])"
)
# Where each category's keywords can start, from the one scan of the article (see .scanner).
_CATEGORY_CUES = {category: keyword_cues([entry[0] for entry in entries]) for category, entries in TOPIC_KEYWORDS.items()}


def category_hits(text: str, low: str | None = None) -> dict[str, list[tuple[int, int, str, float]]]:
    """Every keyword hit in ``text`` by category: (start, end, label word, weight).

    ``low`` is ``text`` lower-cased by :func:`.scan.lowered`, when the caller has it.
    The keywords are tried only where the scanner's cues say one can start, and each
    category only where one of its own keywords can. A hit inside one of the category's
    not-counted phrases ("palm oil" for energy) is left out.
    """
    if low is None:
        low = lowered(text)
    found = spots(text)
    tried: dict[int, list[str]] = {}
    for category, cues in _CATEGORY_CUES.items():
        for registered in cues:
            for at, _ in found[registered]:
                tried.setdefault(at, []).append(category)
    hits: dict[str, list[tuple[int, int, str, float]]] = {}
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
            if hit is None:
                continue
            if category in _NOT_COUNTED and _not_counted(_NOT_COUNTED[category], text, low, at, hit.end()):
                continue
            label, weight = _CATEGORY_PATTERNS[category][1][hit.lastgroup]
            hits.setdefault(category, []).append((at, hit.end(), label, weight))
    return hits


def _not_counted(phrase: Caseless, text: str, low: str | None, start: int, end: int) -> bool:
    """Whether the hit at start..end lies inside a match of ``phrase`` (a category's not-counted phrases)."""
    for m in phrase.spans(text, low, max(0, start - _NOT_COUNTED_REACH), min(len(text), end + _NOT_COUNTED_REACH)):
        if m.start() <= start and end <= m.end():
            return True
    return False


def _capitalized(word: str) -> bool:
    return word[:1].isupper()


def _in_name(text: str, start: int, end: int, sentence_start: int) -> bool:
    """Whether a keyword written with a capital stands beside other capitalized words, as
    inside a proper name: "Port Sudan", "the Darfur Women's Health Network", "the Ministry of
    Water Resources" (not at the start of a sentence; the caller rules out headlines)."""
    if not text[start:start + 1].isupper():
        return False
    window = max(sentence_start, start - _NAME_REACH)
    before = text[window:start].split()
    if not before or before[-1] in ('"', "“", "-", "—", "–"):
        return False
    whole = window == sentence_start  # else more words precede the window
    after = text[end:end + _NAME_REACH].split()
    # the sentence's first word has its capital from its place, not from a name
    neighbours = after[:1] + (before[-1:] if len(before) > 1 or not whole else [])
    if before[-1] in _NAME_JOINERS and (len(before) > 2 or not whole):
        neighbours.append(before[-2] if len(before) > 1 else "")
    if after[:1] and after[0] in _NAME_JOINERS and len(after) > 1:
        neighbours.append(after[1])
    return any(_capitalized(word.strip("'’(\"“")) and word[-1:] not in ".:" for word in neighbours)


_SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", "'", ")")
_NAME_JOINERS = frozenset({"of", "for", "and", "&"})
_NAME_REACH = 40  # characters looked at on each side of a keyword for the words of a name


def _headline_like(text: str, start: int, end: int) -> bool:
    """A line whose words are mostly capitalized (a headline or a section title)."""
    words = [w for w in text[start:end].split() if w[:1].isalpha()]
    return bool(words) and sum(1 for w in words if w[:1].isupper()) > 0.6 * len(words)


def build_topics(doc: Document) -> list[Topic]:
    """One topic per category whose hits weigh enough, strongest first."""
    text = doc.text
    all_hits = category_hits(text, doc.lower)
    topics = []
    rank_of: dict[int, tuple[bool, bool]] = {}  # sentence index -> (a title line, more than MAX_SENTENCE_WORDS words)
    sentence_of: dict[int, int] = {}  # hit start -> sentence index (a hit often counts for two categories)
    headline_like: dict[int, bool] = {}

    def sentence_index(at: int) -> int:
        index = sentence_of.get(at)
        if index is None:
            index = sentence_of[at] = doc.sentence_index(at)
        return index

    def rank(index: int) -> tuple[bool, bool]:
        found = rank_of.get(index)
        if found is None:
            sentence = doc.sentences[index]
            body = text[sentence.start:sentence.end]
            found = rank_of[index] = (not body.rstrip().endswith(_SENTENCE_ENDS), len(body.split()) > MAX_SENTENCE_WORDS)
        return found

    def in_name(start: int, end: int) -> bool:
        index = sentence_index(start)
        sentence = doc.sentences[index]
        if not _in_name(text, start, end, sentence.start):
            return False
        if index not in headline_like:
            headline_like[index] = _headline_like(text, sentence.start, sentence.end)
        return not headline_like[index]

    def pick_evidence(by_sentence: dict[int, list[tuple[int, int, str, float]]]) -> list[str]:
        """Up to MAX_EVIDENCE excerpts: sentences with the most hits first, short sentences
        (a whole sentence reads better than a clause) before long ones, lines that are no
        sentence (titles) last, earlier ones on ties."""
        evidence: list[str] = []
        for index, sentence_hits in _ranked(by_sentence, rank):
            first = sentence_hits[0]
            sentence = doc.sentences[index]
            if not rank(index)[1]:
                s, e = tidy(text, sentence.start, sentence.end)
            else:
                s, e = clause_around(doc, first[0], first[1], min_words=8)
            excerpt = text[s:e]
            if excerpt and not any(excerpt in other or other in excerpt for other in evidence):
                evidence.append(excerpt)
            if len(evidence) == MAX_EVIDENCE:
                break
        return evidence

    for category, hits in all_hits.items():
        score = 0.0
        names: set[str] = set()  # a name repeated ("Port Sudan" five times) weighs once
        for start, end, _, weight in hits:
            if text[start].isupper() and in_name(start, end):
                name = text[start:end].lower()
                weight = NAME_WEIGHT if name not in names else 0.0
                names.add(name)
            score += weight
        if score < MIN_SCORE:
            continue
        by_sentence: dict[int, list[tuple[int, int, str, float]]] = {}
        for hit in hits:  # a name still points at evidence
            by_sentence.setdefault(sentence_index(hit[0]), []).append(hit)
        evidence = pick_evidence(by_sentence)
        if evidence:
            topics.append((score, hits[0][0], Topic(label=_label(hits), category=Category(category), evidence=evidence)))
    topics.sort(key=lambda t: (-t[0], t[1]))
    return [t for _, _, t in topics]


def _ranked(by_sentence: dict[int, list], rank) -> Iterator[tuple[int, list]]:
    """The sentences by most hits, then by ``rank`` and place; ``rank`` is asked only of the
    sentences of the hit counts reached (the caller stops after a few)."""
    by_count: dict[int, list[int]] = {}
    for index, sentence_hits in by_sentence.items():
        by_count.setdefault(len(sentence_hits), []).append(index)
    for count in sorted(by_count, reverse=True):
        for index in sorted(by_count[count], key=lambda i: (*rank(i), i)):
            yield index, by_sentence[index]


def _label(hits: list[tuple[int, int, str, float]]) -> str:
    """The two most frequent label words of the hits: "trade and economic relations"."""
    counts = Counter(hit[2] for hit in hits)
    first_seen: dict[str, int] = {}
    for start, _, label, _ in hits:
        first_seen.setdefault(label, start)
    words: list[str] = []
    for word in sorted(counts, key=lambda w: (-counts[w], first_seen[w])):
        if not any(set(word.split()) & set(other.split()) for other in words):
            words.append(word)
        if len(words) == 2:
            break
    return " and ".join(words)
