"""Offices stated in a clause of their own or written whole before a name.

Two cues of news English that the title finders of :mod:`.people` do not read:

* a copula after the name: "Kang Min-seo has been South Korea's First Vice Minister of
  Trade, Industry and Energy since January" (an interview's or profile's introduction);
* a portfolio of "Minister for ..." written before the name with no comma: "Minister for the
  Pacific Claire Donnithorne said" (the name is found by its verb of saying; the words
  before it are its office), with the country that opens the sentence as the minister's.
"""

from __future__ import annotations

import re

from ..names import TITLES
from .aliases import Registry
from .countries import COUNTRIES
from .datelines import dateline_country
from .mentions import (
    COUNTRY_NAMES, DEMONYMS, NAME_AT_START, SPACE, TITLE_FORMS, UPPER, clean_name, not_name_word,
)

__all__ = ["find_copula_offices", "portfolio_before"]

_COPULA = r"(?:has{SPACE}been|had{SPACE}been|is|was|became|has{SPACE}served{SPACE}as|serves{SPACE}as)".replace(
    "{SPACE}", SPACE)
_COPULA_WORDS = (" has been ", " had been ", " is ", " was ", " became ", " served as ", " serves as ")
# "Kang Min-seo has been South Korea's " + up to three capitalised words of the title's own
_BEFORE_TITLE = re.compile(
    rf"(?P<name>{NAME_AT_START}){SPACE}{_COPULA}{SPACE}(?:(?i:the){SPACE})?"
    rf"(?:(?P<demonym>{DEMONYMS}){SPACE}|(?P<country>{COUNTRY_NAMES})['’]s{SPACE})"
    rf"(?P<lead>(?:[{UPPER}][\w’'-]*{SPACE}){{0,3}})$"
)
_CAP = rf"[{UPPER}][\w’'-]*"
# the title and its portfolio: "Vice Minister of Trade, Industry and Energy"
_OFFICE = re.compile(
    rf"(?i:{TITLE_FORMS})\b(?:{SPACE}(?:of|for){SPACE}(?:the{SPACE})?{_CAP}"
    rf"(?:(?:,{SPACE}|{SPACE}and{SPACE}|{SPACE}){_CAP}){{0,4}})?"
)
_REACH = 110  # a name of four words, "has been", a country of three words and three words of title


def find_copula_offices(text: str, titles: list[int], registry: Registry) -> None:
    """People whose office is stated with a copula: "X has been South Korea's Vice Minister of Y"."""
    for title in titles:
        window = text[max(0, title - _REACH):title]
        if not any(word in window for word in _COPULA_WORDS):
            continue
        m = _BEFORE_TITLE.search(window)
        office = _OFFICE.match(text, title)
        if m is None or office is None:
            continue
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2 or name != " ".join(m.group("name").split()):
            continue
        country = COUNTRIES.resolve(m.group("demonym") or m.group("country"))
        written = " ".join((m.group("lead") + office.group()).split()).rstrip(",")
        person = registry.add(name, max(0, title - _REACH) + m.start("name"), affiliation=country)
        person.described = person.described or (f"{written} of {country}" if country else written)


# "Minister for the Pacific ", "Secretary of State for Wales ": a title, "of"/"for", a portfolio of
# capitalised words, right before a name
_PORTFOLIO_BEFORE = re.compile(
    rf"(?P<office>(?:(?:Deputy|Vice|Assistant){SPACE})?(?:Minister|Secretary|Commissioner)"
    rf"(?:{SPACE}of{SPACE}State)?{SPACE}(?:of|for){SPACE}(?:the{SPACE})?{_CAP}(?:{SPACE}{_CAP}){{0,2}}){SPACE}$"
)


def portfolio_before(text: str, start: int, raw: str) -> tuple[str, str | None, str, int] | None:
    """(office, country, name, where the name starts) when the run of capitalised words ``raw``
    at ``start`` ends a portfolio begun before it: "[Minister for the] Pacific Claire Donnithorne"
    (the portfolio's last word is read with the run). The country is the one that opens the
    sentence, else the one the story is filed from (its dateline)."""
    words = raw.split()
    window = text[max(0, start - 60):start]
    if len(words) < 3 or not any(head in window for head in ("Minister", "Secretary", "Commissioner")):
        return None
    at, ends = start, []  # where each word of the run ends
    for word in words:
        at = text.index(word, at) + len(word)
        ends.append(at)
    for size in range(1, len(words) - 1):  # the name keeps two words at least
        m = _PORTFOLIO_BEFORE.search(text, max(0, ends[size - 1] - 70), ends[size - 1] + 1)
        if m is None or m.start() > start:
            continue
        office = " ".join(m.group("office").split())
        if office.lower() in TITLES:
            return None  # "Minister of Defence": a title of the table, read by the title finder
        while size < len(words) - 2 and _portfolio_word(words[size]):
            office += " " + words[size]  # "Minister for the Pacific Islands": a plural noun is the portfolio's
            size += 1
        name = clean_name(" ".join(words[size:]))
        if name is None or len(name.split()) < 2:
            return None
        sentence = max(text.rfind(". ", 0, m.start()), text.rfind("\n", 0, m.start()))
        country = COUNTRIES.resolve(_first_words(text, sentence + 1)) or dateline_country(text)
        return office, country, name, ends[size] - len(words[size])
    return None


def _portfolio_word(word: str) -> bool:
    """A word that goes on a portfolio, not a name: a title or body word, or a plural noun
    ("Islands", "Resources")."""
    return not_name_word(word) or len(word) > 4 and word.endswith("s") and not word.endswith("ss")


def _first_words(text: str, at: int) -> str:
    """The country name (of up to three words) that opens the text at ``at``, or ""."""
    words = text[at:at + 60].split()[:3]
    for size in range(len(words), 0, -1):
        candidate = " ".join(words[:size]).rstrip(",")
        if COUNTRIES.resolve(candidate):
            return candidate
    return ""
