"""Where a person's name can start, found backwards from the cue that follows it.

Most cues of a person come after the name: a verb of saying ("Ana Souza said"), a comma
and a title ("Ana Souza, Brazil's foreign minister"). Running the exact pattern at every
capital letter of an article is what made the people stage slow; instead, from a cue's
spot we match the name *backwards*, with a reversed pattern over the reversed article,
and get the few capitals it can start at. The exact pattern then runs only there
(:func:`summarizer.offline.scanner.matches_at`).

The reversed run is more permissive than the forward name (one more word than
``NAME``'s four): a start it gives is never to the right of where the exact pattern
can start, so the exact matches are the same as a full pass.
"""

from __future__ import annotations

import re
import threading

from . import lexicon as lx
from .mentions import UPPER

__all__ = ["capitals_between", "name_run_start", "reversed_text", "run_starts"]

_SPACE = r"[ \u00a0]+"
_REV_PARTICLE = "|".join(re.escape(p[::-1]) for p in sorted(lx.NAME_PARTICLES, key=len, reverse=True))
_REV_ARTICLE = "|".join(p[::-1] for p in sorted(lx.ARTICLE_PREFIXES, key=len, reverse=True))
# a name token "[UPPER][\w’'\-]*\.?" read backwards, with an article joined before it ("al-Otaibi")
_REV_TOKEN = rf"\.?[\w’'\-]*[{UPPER}](?:-(?:{_REV_ARTICLE}))?"
# up to five tokens, with up to two particles between them ("Ana de Souza" is "azuoS ed anA")
REV_NAME = rf"{_REV_TOKEN}(?:{_SPACE}(?:(?:{_REV_PARTICLE}){_SPACE}){{0,2}}{_REV_TOKEN}){{0,4}}"
_RUN = re.compile(REV_NAME)
# a capital that starts a word: where NAME_AT_START can match
_CAPITAL = re.compile(rf"[{UPPER}](?<!\w.)")

_local = threading.local()


def reversed_text(text: str) -> str:
    """``text[::-1]``, made once for the same text object."""
    last = getattr(_local, "last", None)
    if last is not None and last[0] is text:
        return last[1]
    flipped = text[::-1]
    _local.last = (text, flipped)
    return flipped


def name_run_start(text: str, end: int, pattern: re.Pattern = _RUN) -> int | None:
    """The leftmost start of a run of name words that ends at ``end`` (after what ``pattern``,
    a reversed pattern ending in :data:`REV_NAME`, reads first), or None if none does."""
    flipped = reversed_text(text)
    m = pattern.match(flipped, len(text) - end)
    return None if m is None else len(text) - m.end()


def capitals_between(text: str, lo: int, hi: int) -> list[int]:
    """Offsets of the capitals that start a word in ``text[lo:hi]``."""
    return [m.start() for m in _CAPITAL.finditer(text, lo, hi)]


def run_starts(text: str, ends: list[int], pattern: re.Pattern = _RUN) -> list[int]:
    """Every capital that starts a word of the name runs ending at ``ends``, in order, once each."""
    found: set[int] = set()
    for end in ends:
        start = name_run_start(text, end, pattern)
        if start is not None:
            found.update(capitals_between(text, start, end))
    return sorted(found)


def reversed_pattern(lead: str) -> re.Pattern:
    """A pattern matched backwards: ``lead`` (already reversed), then a name run."""
    return re.compile(lead + REV_NAME)
