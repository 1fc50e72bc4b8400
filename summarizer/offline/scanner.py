"""One scan over an article gives every stage of the extractor its candidate spots.

A stage registers its cues when its module is imported, with :func:`cue` (a short
pattern: a verb of saying, a digit, a title word) or :func:`cue_words` (a word list).
The first :func:`spots` compiles every cue registered so far into one hyperscan
database; each article is then scanned once, and a stage reads the spots of its cues
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

Where hyperscan is not installed, the same cues run one by one with ``re`` over the
same bytes; the spots agree but for overlapping matches of one cue (tested).
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised by forcing the fallback in the tests
    hyperscan = None

__all__ = ["Cue", "Spots", "cue", "cue_words", "scan_bytes", "spots", "use_re_only"]


@dataclass(frozen=True)
class Cue:
    """A registered cue: its number in the database, and the pattern as written."""

    id: int
    pattern: str
    caseless: bool


_CUES: list[Cue] = []
_lock = threading.Lock()
_local = threading.local()
_FORCE_RE = [False]


def cue(pattern: str, *, caseless: bool = True) -> Cue:
    """Register ``pattern`` (hyperscan syntax, over the one-byte view) for the next compile."""
    with _lock:
        registered = Cue(len(_CUES), pattern, caseless)
        _CUES.append(registered)
        _Engine.current = None  # recompiled, with this cue, on the next scan
    return registered


def cue_words(words: list[str] | tuple[str, ...] | set[str] | frozenset[str], *, caseless: bool = True,
              suffix: str = "") -> Cue:
    """A cue for any of ``words`` as whole words (``suffix``, e.g. ``"s?"``, may follow each)."""
    alternatives = "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))
    return cue(rf"\b(?:{alternatives}){suffix}\b", caseless=caseless)


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


class _Engine:
    """The compiled cues: one hyperscan database (a scratch space per thread), or ``re``."""

    current: _Engine | None = None

    def __init__(self, cues: list[Cue], use_hyperscan: bool) -> None:
        self.cues = cues
        self.database = None
        if use_hyperscan and hyperscan is not None and cues:
            self.database = hyperscan.Database()
            flags = [hyperscan.HS_FLAG_SOM_LEFTMOST | (hyperscan.HS_FLAG_CASELESS if c.caseless else 0)
                     for c in cues]
            self.database.compile(expressions=[c.pattern.encode("latin-1") for c in cues],
                                  ids=[c.id for c in cues], elements=len(cues), flags=flags)
        self.patterns = [re.compile(c.pattern.encode("latin-1"), re.IGNORECASE if c.caseless else 0) for c in cues]
        self.scratch = threading.local()

    def scan(self, data: bytes) -> dict[int, list[tuple[int, int]]]:
        reports: list[tuple[int, int, int]] = []
        if self.database is None:
            for registered, pattern in zip(self.cues, self.patterns):
                reports += [(registered.id, m.start(), m.end()) for m in pattern.finditer(data)]
            return _collect(reports)
        scratch = getattr(self.scratch, "space", None)
        if scratch is None:
            scratch = self.scratch.space = hyperscan.Scratch(self.database)
        append = reports.append
        self.database.scan(data, match_event_handler=lambda i, start, end, flags, context: append((i, start, end)),
                           scratch=scratch)
        return _collect(reports)


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
