"""Whose office is "its spokesperson" or "its ambassador": the country or body the sentence,
or the one before it, is about ("Britain ... its ambassador, Eleanor Whitcombe"; "The ministry
disowned the release. Its spokesperson, Nurul Ain Rosli, ..."); and "a ministry spokeswoman":
the article's only ministry.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import lexicon as lx
from .countries import COUNTRIES
from .mentions import COUNTRY_MENTION, ORG_FORMS, ORG_MENTION
from .participant import Participant

__all__ = ["owner_of_its"]

_ITS = re.compile(r"(?<![\w’'-])[Ii]ts[ \u00a0]+$")
_SENTENCE_END = re.compile(r"[.!?][”\"’]?\s+")
_THE_MINISTRY = re.compile(r"\b[Tt]he[ \u00a0]+ministry\b")
_A_MINISTRY = re.compile(r"(?<![\w’'-])(?:[Aa]|[Tt]he)[ \u00a0]+ministry[ \u00a0]+$")


def owner_of_its(text: str, at: int, organizations: Callable[[], list[Participant]]
                 ) -> tuple[str | None, str | None]:
    """(country or body, ministry) of a title at ``at`` written after "its", or (None, None).

    The first country or body named earlier in the same sentence owns it; else "the ministry"
    of the sentence before (the article's only ministry, from ``organizations``); else the
    first country or body of the sentence before.
    """
    if _A_MINISTRY.search(text, max(0, at - 16), at):  # "a ministry spokeswoman": the only ministry's
        return _only_ministry(organizations)
    if not _ITS.search(text, max(0, at - 6), at):
        return None, None
    start = _sentence_start(text, at)
    owner = _first_owner(text, start, at)
    if owner is not None:
        return owner, None
    before = _sentence_start(text, max(0, start - 2))
    if _THE_MINISTRY.search(text, before, start):
        owner = _only_ministry(organizations)
        if owner[0] is not None:
            return owner
    return _first_owner(text, before, start), None


def _only_ministry(organizations: Callable[[], list[Participant]]) -> tuple[str | None, str | None]:
    """(country, ministry) of the article's only ministry (perhaps named in two ways: "the Czech
    foreign ministry", "the Czech Ministry of Foreign Affairs"), or (None, None)."""
    ministries = [o for o in organizations() if "ministry" in o.name.lower()]
    depts = {next((lx.MINISTRIES[k] for k in lx.MINISTRIES if "ministry" in k and k in o.name.lower()), None)
             for o in ministries}
    if not ministries or len({o.affiliation for o in ministries}) != 1 or len(depts - {None}) > 1:
        return None, None
    return ministries[0].affiliation, next(iter(depts - {None}), None)


def _sentence_start(text: str, at: int) -> int:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, at - 600), at)]
    return ends[-1] if ends else max(0, at - 600)


def _first_owner(text: str, lo: int, hi: int) -> str | None:
    """The first country or body of the lexicon named in ``text[lo:hi]``."""
    found = [m for m in (COUNTRY_MENTION.search(text, lo, hi), ORG_MENTION.search(text, lo, hi)) if m]
    if not found:
        return None
    first = min(found, key=lambda m: m.start())
    if first.re is ORG_MENTION:
        name, country = ORG_FORMS[first.group("form")]
        return country or name.removeprefix("the ")
    return COUNTRIES.resolve(first.group())
