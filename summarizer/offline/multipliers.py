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

_INFINITIVE_BEFORE = re.compile(r"\b(?:to|will|would|could|can|may|might|should|\w+'ll)\s+$", re.IGNORECASE)

# "doubled", "more than doubled", "plans to double", "roughly double the number", "twice as"
_MULTIPLIER = Caseless(
    r"\b(?:(?P<verb>doubled|tripled|trebled|quadrupled|halved)"
    r"|(?P<fold>(?:two|three|four|five|six|seven|eight|nine|ten|twenty|hundred|thousand)fold)"
    r"|(?P<adj>double|triple|twice|three\s+times)(?=\s+(?:the|as|its|their|his|her|our|that|this|those)\b)"
    r"|(?P<inf>double|triple|quadruple|halve)"
    r"|(?P<ger>doubling|tripling|quadrupling|halving)(?=\s+(?:the|its|their|his|her|our|that|this)\b))\b",
)
_MULTIPLIER_CUE = cue_words(["double", "triple", "trebled", "quadruple", "halve", "twice", "three times",
                             "doubling", "tripling", "quadrupling", "halving",
                             *(f"{n}fold" for n in ("two", "three", "four", "five", "six", "seven", "eight", "nine",
                                                     "ten", "twenty", "hundred", "thousand"))], whole=False)


def find_multipliers(text: str, low: str | None, taken: list[RawFigure]) -> list[RawFigure]:
    """Multipliers in words, as figures in "times", leaving out any that overlap ``taken``."""
    spans = [(f.start, f.end) for f in taken]
    figures = []
    for m in matches_at(_MULTIPLIER.exact, text, [start for start, _ in spots(text)[_MULTIPLIER_CUE]]):
        if any(s < m.end() and m.start() < e for s, e in spans):
            continue
        key = next(k for k in ("verb", "fold", "adj", "inf", "ger") if m.group(k))
        verb = " ".join(m.group(key).lower().split())
        if key == "fold":  # "twofold" -> 2
            word = verb[:-4]
            multiple = lx.UNITS_WORDS.get(word) or lx.TENS_WORDS.get(word) or lx.SCALE_WORDS[word]
        else:
            multiple = lx.MULTIPLIER_VERBS[verb]
        start, end = m.start(), m.end()
        q = next(QUALIFIER_BEFORE.spans(text, low, max(0, start - 24), start), None)
        # "plans to double", "aims to more than double": the verb's infinitive after a modal or "to"
        lead = q.start(1) if q else start
        if key == "inf" and not _INFINITIVE_BEFORE.search(text, max(0, lead - 12), lead):
            continue
        qualifier = lx.QUALIFIERS_BEFORE[" ".join(q.group(1).lower().split())][0] if q else "exact"
        if q:
            start = q.start(1)
        figures.append(RawFigure(start, end, as_number(Decimal(str(multiple))), None,
                                 "times", qualifier, None, end))
    return figures
