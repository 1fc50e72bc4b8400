"""One scan over an article gives every stage of the extractor its candidate spots.

A stage registers its cues when its module is imported, with :func:`cue` (a short
pattern: a digit, a quotation mark) or :func:`cue_words` (a word list: titles, country
names, verbs of saying). The first :func:`spots` compiles every cue registered so far
into hyperscan databases (the word lists as one set of pure literals, which compiles in
milliseconds where the same words as patterns take seconds); each article is then scanned once, and a stage reads the spots of its cues
(``spots(text)[MY_CUE]``) and runs its exact ``re`` patterns only on windows around
them, instead of passing over the whole text. A cue is a prefilter: it must match
wherever the stage's exact pattern can, and may match more.

Cues are hyperscan patterns: no lookaround, no backreferences, ``\\b`` allowed. They see
the article as one ASCII byte per character (each other character replaced by a
stand-in: curly quotes and dashes by their ASCII forms, accented Latin letters by
their base letter, the euro, pound and yen signs by the bytes ``\x80``-``\x82``,
anything else by ``?``), so a cue is written in ASCII and a spot's offsets are
character offsets in the article itself. Keep a cue's possible lengths few: hyperscan reports a match at
every end, and each report is a Python call.

Where hyperscan is not installed, the same cues run one by one with ``re`` (and the words
with ``bytes.find``) over the same bytes; the spots agree but for overlapping matches of
one pattern cue (tested).
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from dataclasses import dataclass
from collections.abc import Iterator
from functools import cache

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by forcing the fallback in the tests
    hyperscan = None

__all__ = ["Cue", "Spots", "cue", "cue_words", "led_starts", "matches_at", "scan_bytes", "spots", "starts",
           "use_re_only"]


@dataclass(frozen=True)
class Cue:
    """A registered cue: its number in the database, and the pattern as written."""

    id: int
    pattern: str
    caseless: bool
    words: tuple[bytes, ...] = ()
    whole: bool = True


_CUES: list[Cue] = []
_lock = threading.Lock()
_local = threading.local()
_FORCE_RE = [False]


def _register(make) -> Cue:
    with _lock:
        registered = make(len(_CUES))
        _CUES.append(registered)
        _Engine.current = None  # recompiled, with this cue, on the next scan
    return registered


def cue(pattern: str, *, caseless: bool = True) -> Cue:
    """Register ``pattern`` (hyperscan syntax, over the one-byte view) for the next compile."""
    return _register(lambda number: Cue(number, pattern, caseless))


def cue_words(words: list[str] | tuple[str, ...] | set[str] | frozenset[str], *, caseless: bool = True,
              whole: bool = True) -> Cue:
    """A cue for any of ``words`` where it starts a word (and, if ``whole``, ends one).

    Words are folded to the one-byte view ("Côte" is "Cote"). A space in a word is one
    space; with ``whole=False`` only each word's first token is looked for, so the cue
    finds where any of them can start however the text spaces them.
    """
    folded = {scan_bytes(word) for word in words if word}
    if not whole:
        folded = {word.split(b" ")[0] for word in folded}
    if caseless:
        folded = {word.lower() for word in folded}
    literals = tuple(sorted(folded))
    return _register(lambda number: Cue(number, "", caseless, literals, whole))


# -- the one-byte view ---------------------------------------------------------------------

_STAND_INS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": ".", "\u2009": " ", "\u202f": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u20ac": "\x80",  # the euro sign, on Latin-1's unused C1 range so a cue can name it: \x80
    "\xa0": " ", "\xa3": "\x81", "\xa5": "\x82",  # no-break space; pound and yen signs as \x81, \x82
    "ß": "s", "æ": "a", "Æ": "A", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "t", "Þ": "T", "ı": "i", "œ": "o", "Œ": "O",
}


@cache
def _stand_in(char: str) -> str:
    if char in _STAND_INS:
        return _STAND_INS[char]
    base = unicodedata.normalize("NFD", char)[0]
    return base if base.isascii() and base.isalpha() else "?"


def _one_byte_errors(error: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    run = error.object[error.start:error.end]
    return "".join(_stand_in(char) for char in run).encode("latin-1"), error.end


codecs.register_error("summarizer-one-byte", _one_byte_errors)


def scan_bytes(text: str) -> bytes:
    """``text`` as the cues see it: one byte per character, so offsets are the text's own."""
    if text.isascii():
        return text.encode("ascii")
    return text.encode("ascii", errors="summarizer-one-byte")


# -- scanning -------------------------------------------------------------------------------

class Spots:
    """Where each cue matched in one article: ``spots[cue]`` is a list of ``(start, end)``.

    One pair per start (its longest end), in order of start; ``[]`` for a cue with no match.
    """

    __slots__ = ("_by_cue",)

    def __init__(self, by_cue: dict[int, list[tuple[int, int]]]) -> None:
        self._by_cue = by_cue

    def __getitem__(self, registered: Cue) -> list[tuple[int, int]]:
        return self._by_cue.get(registered.id, [])

    def __contains__(self, registered: Cue) -> bool:
        return registered.id in self._by_cue


def _collect(reports: list[tuple[int, int, int]]) -> dict[int, list[tuple[int, int]]]:
    longest: dict[int, dict[int, int]] = {}
    for cue_id, start, end in reports:
        ends = longest.get(cue_id)
        if ends is None:
            longest[cue_id] = {start: end}
        elif ends.get(start, -1) < end:
            ends[start] = end
    return {cue_id: sorted(ends.items()) for cue_id, ends in longest.items()}


_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_SHORT = 3  # words of up to this many bytes are matched with hyperscan's word boundaries


def _short(word: bytes) -> bool:
    """Whether ``word`` is matched with ``\\b`` patterns: short, and a word character at
    each end, where ``\\b`` means what the literal database's own boundary test means."""
    return len(word) <= _SHORT and word[0] in _WORD_BYTES and word[-1] in _WORD_BYTES


def _escaped(word: bytes) -> bytes:
    """``word`` as a hyperscan pattern matching it literally."""
    return b"".join(bytes([c]) if chr(c).isalnum() and c < 128 else b"\\x%02x" % c for c in word)


class _Engine:
    """The compiled cues: hyperscan databases (a scratch space per thread each), or ``re``.

    Pattern cues share one database with leftmost starts; the words of every word cue
    share a literal database, and a literal's report becomes a spot of each cue holding
    it once its word boundaries are checked.
    """

    current: _Engine | None = None

    def __init__(self, cues: list[Cue], use_hyperscan: bool) -> None:
        use_hyperscan = use_hyperscan and hyperscan is not None
        self.cues = [c for c in cues if not c.words]
        self.literals: list[tuple[bytes, bool]] = []
        self.owners: list[list[tuple[int, bool]]] = []
        index: dict[tuple[bytes, bool], int] = {}
        for c in cues:
            for word in c.words:
                key = (word, c.caseless)
                if key not in index:
                    index[key] = len(self.literals)
                    self.literals.append(key)
                    self.owners.append([])
                self.owners[index[key]].append((c.id, c.whole))
        self.lengths = [len(word) for word, _ in self.literals]
        self.database = self.words_database = None
        if use_hyperscan and self.cues:
            self.database = hyperscan.Database()
            flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if c.caseless else 0)
                     for c in self.cues]
            self.database.compile(expressions=[c.pattern.encode("latin-1") for c in self.cues],
                                  ids=[c.id for c in self.cues], elements=len(self.cues), flags=flags)
        # A short word ("a", "in", "he") is inside most words of an article: as a literal it
        # would be reported at every one of them, each report a Python call, and rejected
        # there by its boundaries. Short words go to a database of their own, as patterns
        # with hyperscan's word boundaries, which reports only the spots kept.
        short = [_short(word) for word, _ in self.literals]
        long = [i for i, is_short in enumerate(short) if not is_short]
        self.short: list[tuple[int, bool]] = [
            (i, whole) for i, is_short in enumerate(short) if is_short
            for whole in sorted({whole for _, whole in self.owners[i]})]
        self.short_database = None
        if use_hyperscan and long:
            self.words_database = hyperscan.Database()
            self.words_database.compile(
                expressions=[self.literals[i][0] for i in long], ids=long, elements=len(long), literal=True,
                flags=[hyperscan.HS_FLAG_CASELESS if self.literals[i][1] else 0 for i in long])
        if use_hyperscan and self.short:
            self.short_database = hyperscan.Database()
            self.short_database.compile(
                expressions=[rb"\b" + _escaped(self.literals[i][0]) + (rb"\b" if whole else b"") for i, whole in self.short],
                ids=list(range(len(self.short))), elements=len(self.short),
                flags=[hyperscan.HS_FLAG_CASELESS if self.literals[i][1] else 0 for i, _ in self.short])
        self.patterns = [re.compile(c.pattern.encode("latin-1"), re.IGNORECASE if c.caseless else 0)
                         for c in self.cues]
        self.scratch = threading.local()

    def _space(self, name: str, database):
        space = getattr(self.scratch, name, None)
        if space is None:
            space = hyperscan.Scratch(database)
            setattr(self.scratch, name, space)
        return space

    def scan(self, data: bytes) -> dict[int, list[tuple[int, int]]]:
        reports: list[tuple[int, int, int]] = []
        append = reports.append
        if self.database is None:
            for registered, pattern in zip(self.cues, self.patterns):
                reports += [(registered.id, m.start(), m.end()) for m in pattern.finditer(data)]
        else:
            self.database.scan(data, match_event_handler=lambda i, start, end, flags, context: append((i, start, end)),
                               scratch=self._space("patterns", self.database))
        if self.literals:
            self._scan_words(data, append)
        return _collect(reports)

    def _scan_words(self, data: bytes, append) -> None:
        size, lengths, owners, word = len(data), self.lengths, self.owners, _WORD_BYTES

        def found(i: int, end: int) -> None:
            start = end - lengths[i]
            if start and data[start - 1] in word:
                return
            ends_word = end == size or data[end] not in word
            for cue_id, whole in owners[i]:
                if ends_word or not whole:
                    append((cue_id, start, end))

        if self.words_database is not None or self.short_database is not None:
            if self.words_database is not None:
                self.words_database.scan(data, match_event_handler=lambda i, start, end, flags, context: found(i, end),
                                         scratch=self._space("words", self.words_database))
            if self.short_database is not None:
                short = self.short

                def found_short(k: int, end: int) -> None:
                    i, whole = short[k]
                    start = end - lengths[i]
                    for cue_id, owner_whole in owners[i]:
                        if owner_whole is whole:
                            append((cue_id, start, end))

                self.short_database.scan(data, match_event_handler=lambda k, start, end, flags, context: found_short(k, end),
                                         scratch=self._space("short", self.short_database))
            return
        lowered = data.lower()
        for i, (literal, caseless) in enumerate(self.literals):
            haystack = lowered if caseless else data
            at = haystack.find(literal)
            while at >= 0:
                found(i, at + len(literal))
                at = haystack.find(literal, at + 1)


def _engine() -> _Engine:
    engine = _Engine.current
    if engine is None:
        with _lock:
            engine = _Engine.current
            if engine is None:
                engine = _Engine.current = _Engine(list(_CUES), use_hyperscan=not _FORCE_RE[0])
    return engine


def spots(text: str) -> Spots:
    """The spots of every registered cue in ``text``: scanned once, kept for the same text object."""
    last = getattr(_local, "last", None)
    if last is not None and last[0] is text:
        return last[1]
    found = Spots(_engine().scan(scan_bytes(text)))
    _local.last = (text, found)
    return found


def use_re_only(on: bool) -> None:
    """Run the cues with ``re`` instead of hyperscan (the fallback; for tests and benchmarks)."""
    with _lock:
        _FORCE_RE[0] = on
        _Engine.current = None
    _local.last = None


# -- exact patterns at the spots ---------------------------------------------------------------

def starts(text: str, *cues: Cue) -> list[int]:
    """The start offsets of the spots of ``cues`` in ``text``, in order, each once."""
    found = spots(text)
    if len(cues) == 1:
        return [start for start, _ in found[cues[0]]]
    return sorted({start for registered in cues for start, _ in found[registered]})


def led_starts(text: str, anchor: Cue, lead: Cue, reach: int) -> list[int]:
    """Starts of ``anchor``'s spots, and of ``lead``'s spots at most ``reach`` characters
    before one of them: where a pattern "optional lead words, then the anchor" can start."""
    anchors = starts(text, anchor)
    if not anchors:
        return []
    found, i = set(anchors), 0
    for start in starts(text, lead):
        while i < len(anchors) and anchors[i] < start:
            i += 1
        if i < len(anchors) and anchors[i] - start <= reach:
            found.add(start)
    return sorted(found)


def matches_at(pattern: re.Pattern, text: str, candidates: list[int]) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, trying a match only at ``candidates`` (in order).

    The same matches as the full pass wherever ``candidates`` holds every start a match can
    have, which the cue behind them is written to ensure; most positions are never tried.
    """
    end = -1
    match = pattern.match
    for start in candidates:
        if start < end:
            continue
        m = match(text, start)
        if m is not None:
            end = max(m.end(), start + 1)
            yield m
