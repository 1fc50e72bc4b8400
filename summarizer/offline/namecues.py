"""The scanner cues of the people and organization finders, and the candidate starts read from them.

Each finder's exact pattern runs only where one of these cues says it can start
(:func:`summarizer.offline.scanner.matches_at`). A cue lists the first word of what it
stands for (``whole=False``), since the exact patterns let any run of spaces part the
words of a title or a country's name.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left
from collections import Counter

from ..names import TITLES
from . import lexicon as lx
from .countries import COUNTRIES
from .backwards import reversed_text
from .mentions import COUNTRY_MENTION, ORG_FORMS
from .scanner import cue_words, matches_at, spots

__all__ = [
    "DEPT_CUE", "DEPT_WORD_CUE", "HEAD_CUE", "LEAD_CUE", "ORG_HEAD_CUE", "ROLE_CUE", "SPEECH_CUE", "TITLE_CUE",
    "article_before", "boundaries", "comma_before", "country_mentions", "spots_in_words_before",
    "with_article_before", "words_back",
]

# a title's first word, or a modifier's, in any case: "minister", "Secretary-General", "lt.", "acting"
TITLE_CUE = cue_words({title.split()[0] for title in [*TITLES, *lx.TITLE_MODIFIERS]}, whole=False)
# country names, demonyms and organizations, in their own case (names led by "the" are left out:
# the patterns that read them as a lead leave them out too, and "the" is everywhere)
LEAD_CUE = cue_words([w for w in [*COUNTRIES.by_demonym, *COUNTRIES.by_name, *ORG_FORMS] if not w.startswith("the ")],
                     caseless=False, whole=False)
# "the Russian head of state" (the other leader words are titles)
HEAD_CUE = cue_words(["head"])
# "foreign ministry", "state department", "government": in any case
DEPT_CUE = cue_words(lx.MINISTRIES, whole=False)
# verbs of saying, lower case as the patterns have them
SPEECH_CUE = cue_words(lx.SPEECH_VERBS, caseless=False, whole=False)
# the words a named organization ends in ("Bank", "Authority") or starts with ("Ministry of ...")
ORG_HEAD_CUE = cue_words({h.split()[0] for h in lx.ORG_HEADS}
                         | {"Ministry", "Department", "Office", "Agency", "Directorate", "Secretariat"},
                         caseless=False, whole=False)
# a country's department in lower case: "Nepal's labour ministry", "the Russian embassy"
DEPT_WORD_CUE = cue_words(["ministry", "embassy", "consulate", "mission"], caseless=False)
# nouns that head a role written out ("a senior analyst at ...")
ROLE_CUE = cue_words(lx.ROLE_NOUNS)

_BOUNDARY = re.compile(r"\b")
_SPACES = " \u00a0"


def article_before(text: str, at: int) -> int | None:
    """Where "the" (any case) ends right before ``at``, over spaces: its start, or None."""
    end = at
    while end > 0 and text[end - 1] in _SPACES:
        end -= 1
    if end == at or end < 3 or text[end - 3:end].lower() != "the":
        return None
    return end - 3


def comma_before(text: str, at: int, reach: int) -> int | None:
    """The last comma in the ``reach`` characters before ``at``, or None."""
    found = text.rfind(",", max(0, at - reach), at)
    return None if found < 0 else found


def boundaries(text: str, lo: int, hi: int) -> list[int]:
    """Offsets of the word boundaries (starts and ends of words) in ``text[lo:hi]``."""
    return [m.start() for m in _BOUNDARY.finditer(text, max(0, lo), hi)]


_WORDS_BACK = [re.compile(rf"(?:[ \u00a0]+[^ \u00a0]+){{0,{n}}}") for n in range(21)]


def spots_in_words_before(text: str, anchors: list[int], spots: list[int], words: int) -> list[int]:
    """The ``spots`` (sorted offsets) that start within the ``words`` words before an anchor,
    where a lead ("Russian", "the Foreign Ministry") of the anchor's title can start."""
    if not spots:
        return []
    flipped, size, back = reversed_text(text), len(text), _WORDS_BACK[words]
    found: set[int] = set()
    for anchor in anchors:
        lo = size - back.match(flipped, size - anchor).end()
        i = bisect_left(spots, lo)
        while i < len(spots) and spots[i] < anchor:
            found.add(spots[i])
            i += 1
    return sorted(found)


def with_article_before(text: str, words: list[int], keep_words: bool = True) -> list[int]:
    """The starts of "the" right before ``words``, and (``keep_words``) the words themselves."""
    found = set(words) if keep_words else set()
    for at in words:
        article = article_before(text, at)
        if article is not None:
            found.add(article)
    return sorted(found)


def words_back(text: str, at: int, words: int) -> int:
    """Where the ``words`` words before ``at`` start (words parted by spaces)."""
    return len(text) - _WORDS_BACK[words].match(reversed_text(text), len(text) - at).end()


# the first words of country names and demonyms: the lead spots that can start a country
_COUNTRY_FIRST_WORDS = frozenset(n.split()[0] for n in [*COUNTRIES.by_name, *COUNTRIES.by_demonym])


_counted = threading.local()


def country_mentions(text: str) -> Counter:
    """How often each country is named or referred to by its demonym (counted once for the
    same text object: several finders ask)."""
    last = getattr(_counted, "last", None)
    if last is not None and last[0] is text:
        return last[1]
    counts: Counter = Counter()
    spotted = [at for at, end in spots(text)[LEAD_CUE] if text[at:end] in _COUNTRY_FIRST_WORDS]
    for m in matches_at(COUNTRY_MENTION, text, spotted):
        country = COUNTRIES.resolve(m.group())
        if country:
            counts[country] += 1
    _counted.last = (text, counts)
    return counts
