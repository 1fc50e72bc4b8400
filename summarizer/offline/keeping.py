"""Which organizations a brief keeps: those that speak or act in the article.

An organization named only as the source of numbers ("according to UN estimates", "according
to World Bank figures") does not speak: the name is a modifier of the noun after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

__all__ = ["acting"]

# a lower-case word right after the name: "UN estimates", "the agency's figures" is no source
_MODIFIED_NOUN = re.compile(
    r"(?:['’]s)?[ \u00a0]+(?!(?:in|on|at|of|for|and|or|but|to|from|with|by|as|which|who|that|said|says)\b)[a-z]"
)


class _Event(Protocol):
    verb_start: int
    verb_end: int
    who: int


def acting(text: str, events: Iterable[_Event]) -> set[int]:
    """The participants of ``events`` that speak or act. An "according to" event has the
    mention itself as its verb; it counts only when the name is not a modifier of a noun."""
    return {e.who for e in events if not _names_a_noun(text, e)}


def _names_a_noun(text: str, event: _Event) -> bool:
    """Whether the event is a name modifying a noun after "according to": the mention of
    "according to UN estimates", or its "verb" ("estimates" is a noun there)."""
    before = text[max(0, event.verb_start - 80):event.verb_start]
    if "ccording" not in before:
        return False
    if before.rstrip(" \u00a0").endswith(("ccording to", "ccording to the", "ccording to The")):
        return _MODIFIED_NOUN.match(text, event.verb_end) is not None  # the mention itself
    return _ACCORDING_NAME.search(before) is not None  # "according to UN" + "estimates"


_ACCORDING_NAME = re.compile(r"[Aa]ccording[ \u00a0]+to[ \u00a0]+(?:the[ \u00a0]+)?[A-Z][^,.;:“”\"]{0,50}[ \u00a0]$")
