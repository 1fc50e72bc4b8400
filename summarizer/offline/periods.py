"""A figure's period: the time expression of its clause or sentence ("in 2023", "last year")."""

from __future__ import annotations

import re
from bisect import bisect_left

from . import lexicon as lx
from .numbers import DIGIT_CUE, RawFigure, has_other_digits
from .patterns import first_char_alternation
from .scan import Caseless
from .scanner import cue_words, spots
from .text import Document, Sentence, squash

__all__ = ["period", "sentence_periods", "time_expressions"]

_MONTHS = "|".join(lx.MONTHS)
_COUNT_WORDS = "|".join([*lx.UNITS_WORDS, *lx.TENS_WORDS, "several", "few"])
# events that news dates a span from: "since the war began"
_EVENTS = "war|fighting|conflict|crisis|campaign|invasion|pandemic|coup|outbreak|uprising|start|beginning"
# Lower-case (see .scan), the word boundary that starts every alternative put first so
# that mid-word positions fail at once, relative periods grouped by first character.
_RELATIVE = first_char_alternation([re.escape(p.lower()).replace(r"\ ", r"\s+") for p in
                                    sorted(lx.RELATIVE_PERIODS, key=len, reverse=True)])
_PERIOD = Caseless(
    r"\b(?:(?P<rel>(?:" + _RELATIVE + r"))(?![\w])"
    # a span of time: "over the next five years", "within two years", "over a decade"
    r"|(?P<span_of>(?:over|within)\s+(?:the\s+(?:next|past|last|coming|previous)\s+)?(?:(?:an?|" + _COUNT_WORDS
    + r"|\d{1,3})\s+)?(?:years?|decades?|months?|weeks?))\b"
    # since an event or a decade: "since the war began", "since the early 1990s", "since the 2021 coup"
    r"|(?P<event>since\s+(?:independence|the\s+(?:(?:early|late|mid-?)\s*)?(?:19|20)\d0s|(?:(?:early|late|mid-?)\s*)?"
    r"(?:19|20)\d0s|the\s+(?:19|20)\d{2}\s+[a-z]+|the\s+(?:" + _EVENTS + r")(?:\s+(?:began|started|erupted|broke\s+out))?))\b"
    # since a season ("since the autumn"); "in the spring" dates an event more often than a figure
    r"|(?P<season>since\s+the\s+(?:spring|summer|autumn|fall|winter)(?:\s+of\s+\d{4})?)\b"
    r"|(?P<end_of>by\s+the\s+end\s+of\s+(?:the|this|next)\s+(?:decade|year|month))\b"
    r"|(?P<part>(?:in|during|for|by|over|through)\s+the\s+(?:first|second|third|fourth|last|past)\s+"
    r"(?:quarter|half|(?:\w+\s+)?months|(?:\w+\s+)?weeks)(?:\s+of\s+(?:\d{4}|this\s+year|last\s+year))?)"
    r"|(?P<since>(?:since|by|until|through|before)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:" + _MONTHS + r")\s+)?\d{4})\b"
    r"|(?P<span>(?:between|from)\s+\d{4}\s+(?:and|to)\s+\d{4}|\d{4}\s*[-–]\s*\d{2,4})\b"
    r"|(?P<year>(?:(?:in|during|for)\s+)?(?:(?:early|late|mid-?)\s*)?(?:(?:" + _MONTHS + r")\s+)?(?:19|20)\d{2})\b"
    r"|(?P<month>(?:in|during|since)\s+(?:" + _MONTHS + r"))\b)"
)
_YEAR_LEAD = re.compile(r"^(?i:in|during|for)\s+")
_MONTH_FIRST = re.compile(r"(?:" + _MONTHS + r")\b")
_COMPARISON = re.compile(r"(?:\bover|\bcompared\s+(?:with|to)|\bthan|\bfrom|\bagainst|\bversus|\bvs\.?)\s+$",
                         re.IGNORECASE)
# Where a time expression can start: its first word (a preposition, "early", a month, the
# first word of a relative period), or a digit (the scan's DIGIT_CUE).
_PERIOD_CUE = cue_words({"in", "during", "for", "by", "over", "through", "since", "until", "before", "between", "within",
                         "from", "early", "late", "mid", *lx.MONTHS, *(p.split()[0] for p in lx.RELATIVE_PERIODS)})
_SEASON_CUE = cue_words({"early", "late", "mid"}, whole=False)  # "mid2024": no space needed
# Every time expression holds one of these (or a digit), at most five words after its start
# ("since the start of the year").
_ANCHOR_CUE = cue_words({"year", "month", "week", "quarter", "decade", "half", "months", "weeks", *lx.MONTHS,
                         "independence", "spring", "summer", "autumn", "fall", "winter", *_EVENTS.split("|")},
                        whole=False)
_MOST_WORDS_BEFORE_ANCHOR = 5


def time_expressions(doc: Document, sentence: Sentence) -> list[re.Match]:
    """Every time expression in ``sentence``, as ``_PERIOD`` finds them, tried only at cue spots."""
    text, low = doc.text, doc.lower
    lo, hi = sentence.start, sentence.end
    if low is None or has_other_digits(text):
        return list(_PERIOD.finditer(text, low, lo, hi))
    found = spots(text)
    anchors = sorted(_starts_in(found[_ANCHOR_CUE], lo, hi) + _starts_in(found[DIGIT_CUE], lo, hi))
    if not anchors:
        return []
    candidates = sorted(_starts_in(found[_PERIOD_CUE], lo, hi) + _starts_in(found[_SEASON_CUE], lo, hi) + anchors)
    matches, end, fast = [], -1, _PERIOD.fast
    next_anchor = 0
    for start in candidates:
        if start < end:
            continue
        while anchors[next_anchor] < start:
            next_anchor += 1
            if next_anchor == len(anchors):
                return matches
        if len(text[start:anchors[next_anchor]].split()) > _MOST_WORDS_BEFORE_ANCHOR:
            continue
        m = fast.match(low, start, hi)
        if m is not None:
            matches.append(_PERIOD.exact.match(text, start, hi))
            end = max(m.end(), start + 1)
    return matches


def sentence_periods(doc: Document, sentence: Sentence) -> list[re.Match]:
    """The time expressions of ``sentence`` that may be a figure's period: not comparison
    bases ("over 2020", "than last year")."""
    text = doc.text
    return [m for m in time_expressions(doc, sentence)
            if not _COMPARISON.search(text, max(0, m.start() - 20), m.start())]


def _starts_in(places: list[tuple[int, int]], lo: int, hi: int) -> list[int]:
    """The starts of ``places`` (in order) that fall in ``[lo, hi)``."""
    return [start for start, _ in places[bisect_left(places, (lo, -1)):bisect_left(places, (hi, -1))]]


# --- period ----------------------------------------------------------------------------


def period(text: str, raw: RawFigure, c_start: int, c_end: int, sentence: Sentence, in_sentence: list[re.Match],
           neighbours: list[RawFigure]) -> str | None:
    """The time expression of the figure's clause, else of its sentence; comparison bases
    ("over 2020", "than last year") are not periods, and outside the clause a time
    expression nearer to another figure belongs to that figure.

    ``in_sentence`` are the time expressions of the figure's sentence but comparison bases
    (:func:`sentence_periods`), ``neighbours`` the figures that start in it.
    """
    for lo, hi, in_clause in ((c_start, c_end, True), (sentence.start, sentence.end, False)):
        found = []
        for m in (m for m in in_sentence if lo <= m.start() and m.end() <= hi):
            if raw.start <= m.start() < raw.end:
                continue
            if any(f.start <= m.start() < f.end for f in neighbours):
                continue
            distance = _distance(m, raw)
            if not in_clause and any(_distance(m, f) < distance for f in neighbours if f is not raw):
                continue
            found.append((distance + (0 if m.end() <= raw.start else 5), m))
        if found:
            return _period_text(min(found, key=lambda f: f[0])[1])
    return None


def _distance(m: re.Match, figure: RawFigure) -> int:
    return figure.start - m.end() if m.end() <= figure.start else max(0, m.start() - figure.end)


def _period_text(m: re.Match) -> str:
    value = squash(m.group())
    if m.group("year"):
        value = _YEAR_LEAD.sub("", value)
    if value[:1].isupper() and not _MONTH_FIRST.match(value):
        value = value[0].lower() + value[1:]
    return value
