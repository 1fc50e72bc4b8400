"""The ``region`` of a security concern: the place named in its clause, else near it.

In order: the place of a named problem ("the situation in Sudan"), a border ("the
Kyrgyz-Tajik border", "the border with Afghanistan"), a sea, strait, lake or other named
feature ("the Sulawesi Sea", "Lake Chad"), a known region or country after a preposition
("drills in Poland and Lithuania", kept together when coordinated), any other place but the
speaker's own country; and when the clause names none, a place after a preposition in the
rest of its sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .countries import COUNTRIES, REGIONS
from .mentions import COUNTRY_NAMES, DEMONYMS, UPPER
from .patterns import alternation
from .scanner import cue_words, spots

__all__ = ["region_of"]

_REGION_NAMES = alternation(REGIONS)
_PLACE = re.compile(rf"\b(?P<place>{_REGION_NAMES}|{COUNTRY_NAMES}|{DEMONYMS})\b")
# Where a place can start (its first word, as the scanner sees it).
_PLACE_CUE = cue_words([*REGIONS, *(n for n in COUNTRIES.by_name if not n.startswith("the ")), *COUNTRIES.by_demonym],
                       caseless=False, whole=False)
_BORDER = re.compile(rf"\bborders?\s+(?:with|between)\s+(?:the\s+)?(?P<a>{COUNTRY_NAMES})(?:\s+and\s+(?P<b>{COUNTRY_NAMES}))?"
                     rf"|\b(?P<c>{COUNTRY_NAMES}|{DEMONYMS})(?:-(?P<d>{COUNTRY_NAMES}|{DEMONYMS}))?\s+border\b")
_PREPOSITION = re.compile(r"\b(?i:in|on|at|near|along|across|inside|into|over|off|from|to|of)\s+(?:the\s+)?$")
# A named feature: "the Sulawesi Sea", "the Indian Ocean", "Lake Chad", "the Strait of Malacca".
_WORD = rf"[{UPPER}][\w’'-]+"
_FEATURE_NOUNS = ("Sea", "Ocean", "Strait", "Straits", "Gulf", "Bay", "Channel", "Islands", "Island", "Peninsula",
                  "Basin", "Valley", "Canal", "Desert", "Mountains", "River", "Delta")
_FEATURE = re.compile(
    rf"\b(?:(?:Lake|Gulf\s+of|Bay\s+of|Sea\s+of|Strait\s+of|Straits\s+of|Horn\s+of)\s+{_WORD}(?:\s+{_WORD})?"
    rf"|(?:{_WORD}\s+){{1,3}}(?:{'|'.join(_FEATURE_NOUNS)})\b)"
)
_FEATURE_CUE = cue_words([*_FEATURE_NOUNS, "Lake"], caseless=False)
_FEATURE_REACH = 60  # a feature's name starts at most this many characters before its noun
_AND = re.compile(r"\s+and\s+(?:the\s+)?$")


def region_of(text: str, start: int, end: int, named: re.Match | None, own: str | None,
              sentence: tuple[int, int] | None = None) -> str | None:
    """The place of the concern in ``text[start:end]`` (its clause); ``own`` is the
    speaker's own country, named last; ``sentence`` is searched when the clause names none."""
    if named:
        return _resolved(named.group("place") or named.group("place2"))
    border = _BORDER.search(text, start, end) if text.find("border", start, end) >= 0 else None
    if border:
        places = [COUNTRIES.resolve(p) for p in border.group("a", "b", "c", "d") if p]
        places = [p for p in places if p]
        if places:
            return "–".join(places) + " border" if len(places) > 1 else f"{places[0]} border"
    feature = _feature(text, start, end)
    if feature:
        return feature
    places = _places(text, start, end)
    after_preposition = [m for m in places if _PREPOSITION.search(text, max(0, m.start() - 12), m.start())]
    if after_preposition:
        return _coordinated(text, after_preposition[0], places)
    others = [m for m in places if _resolved(m.group("place")) != own]
    if others:
        return _resolved(others[0].group("place"))
    if sentence is not None and (sentence[0] < start or end < sentence[1]):
        places = _places(text, *sentence)
        after_preposition = [m for m in places if _PREPOSITION.search(text, max(0, m.start() - 12), m.start())
                             and _resolved(m.group("place")) != own]
        if after_preposition:
            return _resolved(after_preposition[0].group("place"))
    return None


def _places(text: str, start: int, end: int) -> list[re.Match]:
    """Known regions and countries named in ``text[start:end]`` (demonyms left out)."""
    found: list[re.Match] = []
    after = -1
    candidates = spots(text)[_PLACE_CUE]
    for at, _ in candidates[bisect_left(candidates, (start, -1)):]:
        if at >= end:
            break
        if at < after:
            continue
        m = _PLACE.match(text, at, end)
        if m is not None:
            after = m.end()
            if m.group("place") not in COUNTRIES.by_demonym:
                found.append(m)
    return found


def _feature(text: str, start: int, end: int) -> str | None:
    """The first named sea, strait, lake... in ``text[start:end]``."""
    candidates = spots(text)[_FEATURE_CUE]
    for at, noun_end in candidates[bisect_left(candidates, (start, -1)):]:
        if noun_end > end:
            break
        for m in _FEATURE.finditer(text, max(start, at - _FEATURE_REACH), min(end, noun_end + _FEATURE_REACH)):
            if m.start() <= at < m.end():
                name = " ".join(m.group().split())
                return name[4:] if name.startswith("The ") else name
    return None


def _coordinated(text: str, first: re.Match, places: list[re.Match]) -> str:
    """"Poland and Lithuania" when the first place is coordinated with the next one."""
    name = _resolved(first.group("place"))
    for other in places:
        if other.start() > first.end():
            if _AND.match(text[first.end():other.start()]):
                return f"{name} and {_resolved(other.group('place'))}"
            break
    return name


def _resolved(surface: str) -> str:
    return surface if surface in REGIONS else COUNTRIES.resolve(surface) or surface
