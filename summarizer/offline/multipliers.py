"""Multipliers written as words: "doubled", "more than doubled", "plans to double", "twofold"."""

from __future__ import annotations

import re
from decimal import Decimal

from . import lexicon as lx
from .lookback import QUALIFIER_BEFORE
from .rawfigure import RawFigure, as_number
from .scan import Caseless
from .scanner import cue_words, matches_at, spots

__all__ = ["find_multipliers"]

# "doubled", "more than doubled", "plans to double", "roughly double the number", "twice as"
_MULTIPLIER = Caseless(
    r"\b(?:(?P<verb>doubled|tripled|trebled|quadrupled|halved)"
    r"|(?P<fold>(?:two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)fold)"
    r"|(?P<adj>double|triple|twice|three\s+times)(?=\s+(?:the|as)\b)"
    r"|(?P<inf>double|triple|quadruple|halve))\b",
)
_MULTIPLIER_CUE = cue_words(["double", "triple", "trebled", "quadruple", "halve", "twice", "three times",
                             *(f"{n}fold" for n in ("two", "three", "four", "five", "six", "seven", "eight", "nine",
                                                     "ten", "twenty", "hundred", "thousand"))], whole=False)


def find_multipliers(text: str, low: str | None, taken: list[RawFigure]) -> list[RawFigure]:
    """Multipliers in words, as figures in "times", leaving out any that overlap ``taken``."""
    spans = [(f.start, f.end) for f in taken]
    figures = []
    for m in matches_at(_MULTIPLIER.exact, text, [start for start, _ in spots(text)[_MULTIPLIER_CUE]]):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        key = next(k for k in ("verb", "fold", "adj", "inf") if m.group(k))
        verb = " ".join(m.group(key).lower().split())
        if key == "fold":  # "twofold" -> 2
            word = verb[:-4]
            multiple = lx.UNITS_WORDS.get(word) or lx.TENS_WORDS.get(word) or lx.SCALE_WORDS[word]
        else:
            multiple = lx.MULTIPLIER_VERBS[verb]
        if key == "inf" and not re.search(r"\b(?:to|will|would|could|\w+'ll)\s+$", text[max(0, m.start() - 12):m.start()],
                                          re.IGNORECASE):
            continue
        start, end = m.start(), m.end()
        q = QUALIFIER_BEFORE.spans(text, low, max(0, start - 24), start) if key != "inf" else None
        q = next(q, None) if q is not None else None
        qualifier = lx.QUALIFIERS_BEFORE[" ".join(q.group(1).lower().split())][0] if q else "exact"
        if q:
            start = q.start(1)
        figures.append(RawFigure(start, end, as_number(Decimal(str(multiple))), None,
                                 "times", qualifier, None, end))
    return figures
