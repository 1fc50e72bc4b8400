"""Shares written as fractions: "almost a quarter of", "two-thirds of", "rose by a fifth".

LABELING reads a fraction as a percent ("a third" = 33.33, "half of the ..." = 50). A
fraction is a share only where news English uses it as one: before "of" ("a quarter of
the budget", "half the population") or after "by" ("fell by a third", "grow by about a
half"). Elsewhere it is something else: "the first half of 2024", "half an hour", "a
third country", "a quarter century".
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .lookback import qualifier_before
from .rawfigure import RawFigure
from .scanner import cue_words, spots

__all__ = ["find_shares"]

_PARTS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_PLURAL_PARTS = {"halves": 2, "thirds": 3, "quarters": 4, "fifths": 5, "tenths": 10}
_SHARE_CUE = cue_words([*_PARTS, *_PLURAL_PARTS])
_COUNT = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "nine": 9}
_COUNT_BEFORE = re.compile(r"\b(a|an|one|two|three|four|nine)[\s-]+$", re.IGNORECASE)
# "of" after it, but not the "of" of a span of time or distance ("a quarter of an hour")
_OF_AFTER = re.compile(r"\s+of\b(?!\s+an?\s+(?:hour|century|minute|mile|second|day|week|month|year)\b)"
                       r"|(?<=half)\s+(?:the|its|their|his|her|our|all)\b", re.IGNORECASE)
_BY_BEFORE = re.compile(r"\bby\s+$", re.IGNORECASE)
# "the first half of", "in the second half": a part of a period, not a share
_NOT_SHARE_BEFORE = {"the", "first", "second", "third", "fourth", "last", "past", "next", "latter", "other"}
_NOT_SHARE_AFTER = re.compile(r"\s+(?:an?|way|time|hearted|century|final|finals)\b|-", re.IGNORECASE)


def find_shares(text: str, low: str | None, taken: list[RawFigure]) -> list[RawFigure]:
    """Fractions used as shares, as percent figures, leaving out any that overlap ``taken``."""
    found = []
    for start, end in spots(text)[_SHARE_CUE]:
        share = _share(text, low, start, end)
        if share is not None and not any(f.start < share.end and share.start < f.end for f in taken):
            found.append(share)
    return found


def _share(text: str, low: str | None, start: int, end: int) -> RawFigure | None:
    word = text[start:end].lower()
    count = _COUNT_BEFORE.search(text, max(0, start - 8), start)
    if word in _PLURAL_PARTS:
        if count is None or _COUNT[count.group(1).lower()] < 2:
            return None
        numerator, parts = _COUNT[count.group(1).lower()], _PLURAL_PARTS[word]
    elif count is not None and _COUNT[count.group(1).lower()] == 1:
        numerator, parts = 1, _PARTS[word]
    elif word == "half":
        numerator, parts, count = 1, 2, None
    else:
        return None  # "the third", "a third" needs its article
    first = count.start() if count is not None else start
    previous = re.search(r"(\w+)\W*$", text[max(0, first - 20):first])
    if previous is not None and previous.group(1).lower() in _NOT_SHARE_BEFORE:
        return None
    if _NOT_SHARE_AFTER.match(text, end):
        return None
    lead = text[max(0, first - 40):first]
    q = qualifier_before(lead, None if low is None else low[max(0, first - 40):first])
    qualifier, keep = lx.QUALIFIERS_BEFORE[" ".join(q[1].split())] if q else ("exact", False)
    head = first - len(lead) + q[0] if q else first
    if not (_OF_AFTER.match(text, end) or _BY_BEFORE.search(text, max(0, head - 8), head)):
        return None
    value = round(100 * numerator / parts, 2)
    return RawFigure(head if keep else first, end, int(value) if value.is_integer() else value, None, "percent",
                     qualifier, None, end)
