"""What a bare number counts when its sentence names it elsewhere, and changes read as two values.

News often leaves the counted noun out where the sentence has already named it: the base
of a comparison counts what the figure before it counts ("37 incursions last year, up from
21"), and the number that "the number of" a noun is brought to counts that noun ("bringing
the number of its branches to 14"). A verb of change before "from" ("raised from 15 to 25
million tonnes") gives a value before and a value after, not a range.
"""

from __future__ import annotations

import re

from .rawfigure import RawFigure

__all__ = ["CHANGE_BEFORE_FROM", "number_of_noun", "unit_of_base"]

_CONTEXT_REACH = 160
_NOT_CARRIED = {"times"}  # "doubled, up from 3": the 3 is no multiplier
_BASE_LEAD = re.compile(r"(?:\b(?:up|down)\s+from|\bagainst|\bcompared\s+(?:with|to))\s+(?:[a-z]+\s+){0,2}$")
_TO_LEAD = re.compile(r"\bto\s+(?:[a-z]+\s+){0,2}$")
_NUMBER_OF = re.compile(r"\bnumber\s+of\s+(?:[\w-]+\s+){0,3}?(?!(?:its|his|this|was|has|is)\b)([a-z]+s)\b"
                        r"(?!.*\bnumber\s+of\b)")
# a verb of change right before "from": "raised from 15 to 25 million tonnes" gives two values
CHANGE_BEFORE_FROM = re.compile(r"\b(?:ris(?:e|es|en|ing)|rose|rais(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|"
                                r"gr(?:ow|ows|ew|own|owing)|climb(?:s|ed|ing)?|jump(?:s|ed|ing)?|"
                                r"f(?:all|alls|ell|allen|alling)|drop(?:s|ped|ping)?|cut(?:s|ting)?|"
                                r"reduc(?:e|es|ed|ing)|lift(?:s|ed|ing)?|expand(?:s|ed|ing)?|boost(?:s|ed|ing)?|"
                                r"declin(?:e|es|ed|ing)|slash(?:es|ed|ing)?)\s+$", re.IGNORECASE)


def _sentence_lead(text: str, start: int) -> str:
    """The words of the sentence before ``start``, at most ``_CONTEXT_REACH`` characters."""
    lead = text[max(0, start - _CONTEXT_REACH):start]
    return lead[max(lead.rfind(". "), lead.rfind("\n")) + 1:]


def unit_of_base(text: str, start: int, previous: RawFigure | None) -> str | None:
    """The unit of ``previous`` when the bare number at ``start`` is the base it is compared
    with ("48 intrusions, up from 30", "against fewer than 12"), in the same sentence."""
    if previous is None or previous.unit in _NOT_CARRIED:
        return None
    lead = _sentence_lead(text, start)
    if start - previous.end < len(lead) and _BASE_LEAD.search(lead):
        return previous.unit
    return None


def number_of_noun(text: str, start: int) -> str | None:
    """The plural noun of "the number of ..." when the bare number at ``start`` is what that
    number goes "to" ("double the number of scholarships, to 200"), else None."""
    lead = _sentence_lead(text, start)
    if not _TO_LEAD.search(lead):
        return None
    m = _NUMBER_OF.search(lead)
    return m.group(1) if m else None
