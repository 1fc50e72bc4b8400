"""The structure of an article as character offsets: paragraphs, sentences, quotations, clauses.

Nothing here rewrites the text: every unit is a ``(start, end)`` pair into the original
string, so any excerpt taken from it is verbatim and grounds as ``exact``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from ..names import TITLE_ABBREVIATIONS
from .scan import lowered
from .scanner import cue, spots

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")

# A sentence ends at . ! or ? (plus closing quotes/brackets) followed by space and
# something that can start a sentence.
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]»]*(?=\s+[\"“‘'(\[«]?[A-Z0-9À-Þ])")
# Words a full stop does not end a sentence after: the titles of summarizer.names, and
# the other abbreviations of news copy.
_ABBREVIATIONS = {title.lower() for title in TITLE_ABBREVIATIONS} | {
    "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "jan", "feb", "mar", "apr",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u", "approx", "est", "mt", "ft",
    "vol", "art", "fig", "al", "govt", "pp", "p.m", "a.m",
}
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_ALNUM = re.compile(r"[^\W_]")  # str.isalnum() as a pattern: a word character but the underscore

OPEN_DOUBLE = "“„«"
CLOSE_DOUBLE = "”»"
# "CAIRO, Oct. 14 — ", "ASTANA, March 12 (Wire) - ", "BAKU — ", "(AP) — "
DATELINE = re.compile(
    r"(?:[A-Z][A-Z'.-]+(?:[ \u00a0]+[A-Z][A-Z'.-]+){0,3}(?:,[ \u00a0]*[A-Z][a-z]{2,8}\.?[ \u00a0]+\d{1,2})?"
    r"(?:[ \u00a0]*\([^)]{1,30}\))?|\([^)]{1,30}\))[ \u00a0]*[-–—:][ \u00a0]+"
)
_QUOTE_CHARS = re.compile(r"[\"“”„«»‘’]")


class Sentence(NamedTuple):
    # a tuple, not a frozen dataclass: an article makes hundreds, and a tuple is built in C
    start: int
    end: int
    paragraph: int


class Quote(NamedTuple):
    """One quoted stretch, marks included. Stretches of one multi-paragraph quote share ``group``."""

    start: int
    end: int
    group: int


@dataclass
class Document:
    """An article split into paragraphs, sentences and quotations."""

    text: str
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    # Per-article results that several stages need (the verbs of saying): found once, here.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.paragraphs = split_paragraphs(self.text)
        self.sentences = [s for i, p in enumerate(self.paragraphs) for s in split_sentences(self.text, p, i)]
        # "MOSCOW, June 5 (Reuters) - " is not part of the lead sentence, which may follow a title line
        for i, first in enumerate(self.sentences):
            if first.paragraph > 1:
                break
            if i > 0 and self.sentences[i - 1].paragraph == first.paragraph:
                continue
            dateline = DATELINE.match(self.text, first.start, first.end)
            if dateline and dateline.end() < first.end:
                self.sentences[i] = Sentence(dateline.end(), first.end, first.paragraph)
                break
        self.quotes = find_quotes(self.text, self.paragraphs)
        self._sentence_starts = [s.start for s in self.sentences]
        self._quote_starts = [q.start for q in self.quotes]

    @cached_property
    def lower(self) -> str | None:
        """The lower-cased text for fast keyword scans (see :mod:`.scan`), or None."""
        return lowered(self.text)

    def sentence_index(self, pos: int) -> int:
        """Index of the sentence holding ``pos`` (the previous one if ``pos`` falls between)."""
        return max(0, bisect_right(self._sentence_starts, pos) - 1)

    def sentence_at(self, pos: int) -> Sentence:
        return self.sentences[self.sentence_index(pos)]

    def quote_at(self, pos: int) -> Quote | None:
        """The quotation holding ``pos``, or None."""
        i = bisect_right(self._quote_starts, pos) - 1
        if i >= 0 and self.quotes[i].start <= pos < self.quotes[i].end:
            return self.quotes[i]
        return None

    def slice(self, start: int, end: int) -> str:
        return self.text[start:end]


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraphs: blank-line separated if the text has blank lines, else one per line."""
    breaker = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _LINE_BREAK
    spans, start = [], 0
    for match in breaker.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [trim(text, s, e) for s, e in spans if text[s:e].strip()]


def trim(text: str, start: int, end: int, chars: str | None = None) -> tuple[int, int]:
    """``(start, end)`` shrunk past leading and trailing whitespace (or ``chars``)."""
    while start < end and (text[start].isspace() if chars is None else text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() if chars is None else text[end - 1] in chars):
        end -= 1
    return start, end


def split_sentences(text: str, paragraph: tuple[int, int], index: int) -> list[Sentence]:
    """Sentences of one paragraph; abbreviations ("St.", "Gen.", "U.S.") and initials do not end one."""
    p_start, p_end = paragraph
    out, start = [], p_start
    for match in _SENTENCE_END.finditer(text, p_start, p_end):
        if text[match.start()] == "." and _is_abbreviation(text, match.start(), p_start):
            continue
        out.append((start, match.end()))
        start = match.end()
    out.append((start, p_end))
    sentences = []
    for s, e in out:
        piece = text[s:e]
        bare = piece.strip()
        if _ALNUM.search(bare):
            s += len(piece) - len(piece.lstrip())
            sentences.append(Sentence(s, s + len(bare), index))
    return sentences


def _is_abbreviation(text: str, dot: int, floor: int = 0) -> bool:
    # only the last few characters: no abbreviation is longer, and searching from the
    # paragraph's start for a match anchored at the dot made every full stop cost O(paragraph)
    before = _WORD_BEFORE.search(text, max(floor, dot - 24), dot)
    if not before:
        return False
    word = before.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "George W. Bush"
        return True
    return word.lower().rstrip(".") in _ABBREVIATIONS


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Quoted stretches, with curly or straight double quotes (and guillemets).

    A quote still open at the end of a paragraph is closed there; when the next paragraph
    opens with a quote mark (the wire convention for a quote running on), both stretches
    share a group so they get one speaker.
    """
    quotes: list[Quote] = []
    group = 0
    continuing = False
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        opened: int | None = None
        for match in _QUOTE_CHARS.finditer(text, p_start, p_end):
            char, pos = match.group(), match.start()
            if char in "‘’":
                continue  # single quotes: apostrophes or nested quotes, never a new speaker
            if char in OPEN_DOUBLE or (char == '"' and opened is None):
                if opened is not None:  # an unclosed quote before this one
                    quotes.append(Quote(opened, pos, group))
                    group += 1
                if not continuing:
                    group += 1
                continuing = False
                opened = pos
            elif opened is not None:
                quotes.append(Quote(opened, pos + 1, group))
                opened = None
        if opened is not None:
            quotes.append(Quote(opened, p_end, group))
            nxt = paragraphs[p_index + 1][0] if p_index + 1 < len(paragraphs) else None
            continuing = nxt is not None and text[nxt] in OPEN_DOUBLE + '"'
        else:
            continuing = False
    return quotes


# --- clauses ---------------------------------------------------------------------------

# Places where a clause ends inside a sentence. The conjunction is left outside both sides.
_CLAUSE_BREAK = re.compile(
    r"\s*[;:]\s+(?!\d)"  # "relations: trade volumes fell"
    r"|\s+[–—]\s+|\s+-\s+"  # parenthetical dashes
    r"|,\s+(?:but|and|so|while|whereas|although|though|because|as|which|yet|or|noting|adding|saying|"
    r"stressing|stating|warning|explaining|emphasi[sz]ing|pointing out|recalling|insisting|urging)\b(?:\s+that\b)?"
    r"|\s+(?:because|although|whereas|so that)\s+"
    r"|\b(?:said|says|noted|notes|added|stressed|told \w+|stated|warned|explained|announced|emphasi[sz]ed|"
    r"believes|insisted|argued|recalled|confirmed) that\s+"
)
# What every clause break holds (case as written; the dashes are "-" in the scan's view):
# a match starts there, or on the white space right before it.
_CLAUSE_CUE = cue(r"[;:,\-]|\b(?:because|although|whereas|so that|said|says|noted|notes|added|stressed|told|"
                  r"stated|warned|explained|announced|emphasi[sz]ed|believes|insisted|argued|recalled|confirmed)\b",
                  caseless=False)
_LEADING_JUNK = re.compile(r"(?:[\"“”‘’'«»(,\s]|(?:But|And|So|Yet|Or|while|but|and|so|yet|or)\s)+")
# Trailing junk is a run of these and white space: the regex [\"“”‘'«»),;:\s–—-]+$
_TRAILING_CHARS = frozenset("\"“”‘'«»),;:–—-")


def clause_around(doc: Document, start: int, end: int, min_words: int = 5) -> tuple[int, int]:
    """The clause of ``[start, end)``: within its sentence and its side of any quote mark.

    Short clauses are widened to their neighbours until they have ``min_words`` words,
    so an excerpt says something on its own.
    """
    sentence = doc.sentence_at(start)
    lo, hi = sentence.start, max(sentence.end, end)
    quote = doc.quote_at(start)
    if quote is not None:
        lo, hi = max(lo, quote.start + 1), min(hi, quote.end)
        if text_has_close(doc.text, hi):
            hi -= 1
    else:
        # stay outside any quote of the same sentence
        for q in doc.quotes:
            if q.end <= start and q.end > lo:
                lo = q.end
            elif q.start >= end and q.start < hi:
                hi = q.start
    lo, hi = max(lo, 0), max(hi, end)
    key = ("clause pieces", lo, hi)  # figures of one sentence share its pieces
    pieces = doc.memo.get(key)
    if pieces is None:
        pieces = doc.memo[key] = _pieces(doc.text, lo, hi)
    # the piece holding the figure, merged with any piece the figure overlaps
    first = next(i for i, (s, e) in enumerate(pieces) if e > start)
    last = next(i for i, (s, e) in enumerate(pieces) if e >= end)
    s, e = pieces[first][0], pieces[last][1]
    while len(doc.text[s:e].split()) < min_words and (first > 0 or last < len(pieces) - 1):
        if first > 0:
            first -= 1
        else:
            last += 1
        s, e = pieces[first][0], pieces[last][1]
    return tidy(doc.text, s, e, keep=(start, end))


def text_has_close(text: str, hi: int) -> bool:
    return hi > 0 and text[hi - 1] in CLOSE_DOUBLE + '"'


def _pieces(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    pieces, cursor = [], lo
    for match in _clause_breaks(text, lo, hi):
        if match.start() > cursor:
            pieces.append((cursor, match.start()))
        cursor = match.end()
    pieces.append((cursor, hi))
    return [p for p in pieces if p[1] > p[0]] or [(lo, hi)]


def _clause_breaks(text: str, lo: int, hi: int) -> list[re.Match]:
    """``_CLAUSE_BREAK.finditer(text, lo, hi)``, tried only at the scan's clause cues and
    the white space right before each."""
    places = spots(text)[_CLAUSE_CUE]
    candidates: list[int] = []
    for start, _ in places[bisect_left(places, (lo, -1)):bisect_left(places, (hi, -1))]:
        first = start
        while first > lo and text[first - 1].isspace():
            first -= 1
        candidates.extend(range(first, start + 1))
    found, end = [], -1
    for start in candidates:
        if start >= end:
            m = _CLAUSE_BREAK.match(text, start, hi)
            if m is not None:
                found.append(m)
                end = m.end()
    return found


def tidy(text: str, start: int, end: int, keep: tuple[int, int] | None = None) -> tuple[int, int]:
    """Strip quote marks, stray punctuation and leading conjunctions, never cutting into ``keep``."""
    s, e = start, end
    lead = _LEADING_JUNK.match(text, s, e)
    if lead:
        s = lead.end()
    e = _before_trailing_junk(text, s, e)
    if keep is not None:
        s, e = min(s, keep[0]), max(e, keep[1])
    return trim(text, s, e)


def _before_trailing_junk(text: str, start: int, end: int) -> int:
    """Where the trailing junk of ``text[start:end]`` starts (else ``end``): read from the end,
    not searched for at every position."""
    while end > start and (text[end - 1] in _TRAILING_CHARS or text[end - 1].isspace()):
        end -= 1
    return end


def squash(text: str) -> str:
    """One-line form of an excerpt: runs of whitespace (incl. non-breaking) become one space."""
    return " ".join(text.split())


def occurrences(text: str, word: str) -> list[int]:
    """Every offset where ``word`` occurs in ``text`` (``str.find``, overlapping ones too)."""
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found
