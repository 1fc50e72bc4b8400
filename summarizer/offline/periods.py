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
# Adverbs of time that date a figure as written: "about 40 percent today", "so far".
# They date only a figure of their own clause.
_ADVERB_PERIODS = ("today", "so far", "at present", "this season", "last season", "each year", "every year",
                   "each month", "every month")
_ADVERBS = frozenset(_ADVERB_PERIODS)
# "... 15 percent of the continent's total trade to 25 percent": the join of a change's two ends
_TO_JOIN = re.compile(r"\bto\b(?=[^,;:]*$)")
_MOST_JOIN = 60
_BASE_BEFORE = re.compile(r"\b(?:against|compared\s+(?:with|to)|versus|vs\.?|(?:up|down)\s+from)\s+$", re.IGNORECASE)
# "200 scholarships, up from 100 at present": a time after the base of a comparison is the base's
_BASE_BETWEEN = re.compile(r"\b(?:against|compared\s+(?:with|to)|versus|(?:up|down)\s+from)\b", re.IGNORECASE)
_FROM = re.compile(r"\bfrom\s+$", re.IGNORECASE)
_RELATIVE = first_char_alternation([re.escape(p.lower()).replace(r"\ ", r"\s+") for p in
                                    sorted((*lx.RELATIVE_PERIODS, *_ADVERB_PERIODS), key=len, reverse=True)])
_PERIOD = Caseless(
    r"\b(?:(?P<rel>(?:since\s+)?(?:" + _RELATIVE + r"))(?![\w])"
    # a span counted back or in: "two years ago", "in five years", "in the past three years", "in a decade"
    r"|(?P<ago>(?:an?|" + _COUNT_WORDS + r"|\d{1,3})\s+(?:years?|decades?|months?|weeks?)\s+ago)\b"
    r"|(?P<span_in>in\s+(?:the\s+(?:next|past|last|coming|previous)\s+)?(?:an?|" + _COUNT_WORDS
    + r"|\d{1,3})\s+(?:years?|decades?|months?|weeks?))\b(?![’'-])"
    # a span of time: "over the next five years", "within two years", "over a decade"
    r"|(?P<span_of>(?:over|within)\s+(?:the\s+(?:next|past|last|coming|previous)\s+)?(?:(?:an?|" + _COUNT_WORDS
    + r"|\d{1,3})\s+)?(?:years?|decades?|months?|weeks?))\b"
    # since an event or a decade: "since the war began", "since the early 1990s", "since the 2021 coup"
    r"|(?P<event>(?:since|before)\s+(?:independence|the\s+(?:(?:early|late|mid-?)\s*)?(?:19|20)\d0s|(?:(?:early|late|mid-?)\s*)?"
    r"(?:19|20)\d0s|the\s+(?:19|20)\d{2}\s+[a-z]+|the\s+(?:" + _EVENTS + r")(?:\s+(?:began|started|erupted|broke\s+out))?))\b"
    # since a season ("since the autumn"); "in the spring" dates an event more often than a figure
    r"|(?P<season>since\s+the\s+(?:spring|summer|autumn|fall|winter)(?:\s+of\s+\d{4})?)\b"
    # "fell 3% over the same period" (the one named before); "over the same period last year" is a base
    r"|(?P<same>(?:over|in|during|for)\s+the\s+same\s+period)\b(?!\s+(?:last|a|of|in|the)\b)"
    r"|(?P<full>for\s+the\s+(?:full|whole)\s+year)\b"
    r"|(?P<whole>(?:in|during|for|over)\s+the\s+whole\s+of\s+(?:(?:the\s+(?:previous|past|last)\s+|last\s+|this\s+)"
    r"(?:year|month|week|decade)|(?:19|20)\d{2}))\b"
    r"|(?P<end_of>by\s+the\s+end\s+of\s+(?:the|this|next)\s+(?:decade|year|month))\b"
    r"|(?P<part>(?:in|during|for|by|over|through)\s+the\s+(?:first|second|third|fourth|last|past)\s+"
    r"(?:quarter|half|(?:\w+\s+)?months|(?:\w+\s+)?weeks)(?:\s+of\s+(?:\d{4}|(?:the|this|last|next)\s+year))?)"
    r"|(?P<since>(?:since|by|until|through|before)\s+(?:(?:early|late|mid-?)\s*)?(?:(?:" + _MONTHS + r")\s+)?\d{4})\b"
    r"|(?P<span>(?:between|from)\s+\d{4}\s+(?:and|to)\s+\d{4}|\d{4}\s*[-–]\s*\d{2,4})\b"
    r"|(?P<year>(?:(?:in|during|for)\s+)?(?:(?:early|late|mid-?)\s*)?(?:(?:" + _MONTHS + r")\s+)?(?:19|20)\d{2})\b"
    r"|(?P<month>(?:in|during|since)\s+(?:" + _MONTHS + r"))\b)"
)
_YEAR_LEAD = re.compile(r"^(?i:in|during|for)\s+")
# "rose 11.4% year on year", "up 5 percent over the previous year": the base of a change
_BASE = re.compile(r"(?i:year[\s-]on[\s-]year|over\s+the\s+previous\s+(?:year|month|quarter|week)$)")
_MONTH_FIRST = re.compile(r"(?:" + _MONTHS + r")\b")
_COMPARISON = re.compile(r"(?:\bover|\bcompared\s+(?:with|to)|\bthan|\bfrom|\bagainst|\bversus|\bvs\.?)\s+"
                         r"(?:the\s+same\s+(?:period|time|months?|quarter)\s+(?:of\s+)?)?$",
                         re.IGNORECASE)
# Where a time expression can start: its first word (a preposition, "early", a month, the
# first word of a relative period), or a digit (the scan's DIGIT_CUE).
_PERIOD_CUE = cue_words({"in", "during", "for", "by", "over", "through", "since", "until", "before", "between", "within",
                         "from", "early", "late", "mid", *lx.MONTHS, *_COUNT_WORDS.split("|"), *(p.split()[0] for p in (*lx.RELATIVE_PERIODS, *_ADVERB_PERIODS))})
_SEASON_CUE = cue_words({"early", "late", "mid"}, whole=False)  # "mid2024": no space needed
# Every time expression holds one of these (or a digit), at most six words after its start
# ("since the start of the year").
_ANCHOR_CUE = cue_words({"year", "month", "week", "quarter", "decade", "half", "months", "weeks", *lx.MONTHS,
                         "independence", "spring", "summer", "autumn", "fall", "winter", *_EVENTS.split("|"),
                         "today", "far", "present", "season", "period"},
                        whole=False)
_MOST_WORDS_BEFORE_ANCHOR = 6  # "in the whole of the previous year"


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
            if not _COMPARISON.search(text, max(0, m.start() - 40), m.start()) and not _BASE.match(m.group())]


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
            if in_clause and (raw.end <= m.start() and _BASE_BETWEEN.search(text, raw.end, m.start())
                              or any(f is not raw and _other_side(text, f, m, raw) for f in neighbours)):
                continue  # "from 2 percent today to 11 percent in 2030": today is the 2's
            if not in_clause and _is_adverb(m):
                continue
            distance = _distance(m, raw)
            if not in_clause and any(_distance(m, f) < distance for f in neighbours if f is not raw):
                continue
            found.append((distance + (0 if m.end() <= raw.start else 5), m))
        if found:
            return _period_text(min(found, key=lambda f: f[0])[1])
    return None


def _other_side(text: str, other: RawFigure, m: re.Match, figure: RawFigure) -> bool:
    """Whether ``figure`` and ``other`` are the values before and after a change ("from
    2 percent today to 11 percent in 2030") and ``m`` is on the side of ``other``."""
    if figure.end <= other.start <= m.start() and _BASE_BEFORE.search(text, max(0, other.start - 20), other.start):
        return True  # "less than 10 percent, down from 45 percent before the war": the war is the 45's
    first, second = (figure, other) if figure.start < other.start else (other, figure)
    if second.start - first.end > _MOST_JOIN or not _FROM.search(text, max(0, first.start - 6), first.start):
        return False  # "rose 14 percent last year to $5.2 billion": the period is the change's and the level's
    join = _TO_JOIN.search(text, first.end, second.start)
    if join is None:
        return False
    return m.start() >= join.end() if first is figure else m.end() <= join.start()


def _is_adverb(m: re.Match) -> bool:
    return m.group("rel") is not None and squash(m.group()).lower() in _ADVERBS


def _distance(m: re.Match, figure: RawFigure) -> int:
    return figure.start - m.end() if m.end() <= figure.start else max(0, m.start() - figure.end)


def _period_text(m: re.Match) -> str:
    value = squash(m.group())
    if m.group("year"):
        value = _YEAR_LEAD.sub("", value)
    if value[:1].isupper() and not _MONTH_FIRST.match(value):
        value = value[0].lower() + value[1:]
    return value
