"""Participants: people found by their titles, appositions and verbs of saying; organizations that speak.

People are found from four cues of news style: a title before a name ("Russian President
Vladimir Putin", "Foreign Ministry spokesperson Mao Ning"), an apposition after it
("Ana Souza, Brazil's foreign minister,"), a verb of saying after it ("Ana Souza said"),
and "his Russian counterpart Vladimir Putin". Mentions of one person (surname only,
title forms, "the Russian leader") are merged under the fullest name.

This module finds people by those cues; the rest is in modules of one job each:

    mentions       name, country and organization patterns; which words can be a name
    participant    the participant being built, and the role it reads as
    roles          roles written out around a name ("Ana Souza, a senior analyst at ...")
    aliases        the registry of people found, and the merging of mentions of one person
    organizations  organizations named (``find_organizations``, imported here too)
"""

from __future__ import annotations

import re

from ..names import TITLES
from . import lexicon as lx
from .aliases import Registry, merge_mentions, subject_before
from .countries import COUNTRIES
from .mentions import (
    COUNTRY_NAMES, CROSSES_SENTENCE, DEMONYMS, DEPTS, MODIFIERS, NAME, NAME_AT_START, ORG_FORMS, ORGS, PLACE_BEFORE,
    SPACE, SPEECH, TITLE_FORMS, UPPER, clean_name, first_letter_guard, split_title,
    up_to_sentence_end,
)
from .organizations import find_organizations
from .offices import find_copula_offices, portfolio_before
from .owners import owner_of_its
from .participant import Participant
from .roles import find_described
from .backwards import capitals_between, reversed_pattern, run_starts
from .namecues import (
    DEPT_CUE, LEAD_CUE, SPEECH_CUE, TITLE_CUE, boundaries, comma_before,
    spots_in_words_before, words_back,
)
from .scanner import matches_at, starts

__all__ = ["Participant", "find_organizations", "find_people"]

# "Russian President Vladimir Putin", "Chinese Foreign Ministry spokesperson Mao Ning",
# "President of Kazakhstan Kassym-Jomart Tokayev", "NATO Secretary-General Jens X".
# An unknown body named by its acronym leads a title too ("SOCAR vice-president X"); a
# portfolio of capitalised words is part of the title ("Human Resources Minister X", "EU
# Energy Commissioner X"); "of Turkmenistan" after the name gives the country.
_TITLE_NAME = re.compile(
    rf"\b(?:(?:(?P<demonym>{DEMONYMS})|(?P<country>{COUNTRY_NAMES})['’]s|(?P<org>{ORGS})"
    rf"|(?P<acronym>[A-Z]{{2,8}})(?![\w’'-])){SPACE}"
    rf"(?P<unit>(?:[{UPPER}][a-z]+{SPACE}){{1,3}}(?=(?i:spokes|press|chief|head|director|commander|chair)))?)?"
    rf"(?:{first_letter_guard(lx.MINISTRIES)}(?i:(?P<dept>{DEPTS})){SPACE})?"
    rf"(?:\b(?P<modifier>(?i:{MODIFIERS})){SPACE})?"
    rf"(?:(?P<portfolio>(?:[{UPPER}][a-z]+{SPACE}){{1,3}})(?=(?:Minister|Commissioner|Secretary)\b))?"
    rf"\b{first_letter_guard(TITLES)}(?P<title>(?i:{TITLE_FORMS}))"
    rf"(?:{SPACE}(?i:of|for){SPACE}(?:the{SPACE})?(?P<of>{COUNTRY_NAMES}|{ORGS}))?"
    rf",?{SPACE}(?P<name>{NAME})"
    rf"(?:{SPACE}of{SPACE}(?:the{SPACE})?(?P<after>{COUNTRY_NAMES})(?![\w’'-]))?"
)
# Where a title match can start: at a title that a name or "of" can follow, or at a country,
# organization or ministry word a few words before it (the longest lead: "United Kingdom of
# Great Britain and Northern Ireland's", three words of a unit, a ministry of four, a modifier of two).
_TITLE_THEN = re.compile(rf"(?i:{TITLE_FORMS})(?:{SPACE}(?i:of|for){SPACE}|,?{SPACE}[{UPPER}])")
_LEAD_WORDS = 18
_PORTFOLIO_WORDS = 6
# "Ana Souza, Brazil's foreign minister," / "Li Wei, the Chinese foreign minister,"
_APPOSITION = re.compile(
    rf"(?P<name>{NAME_AT_START}),{SPACE}(?:(?i:the|a|an){SPACE})?"
    rf"(?:(?P<demonym>{DEMONYMS}){SPACE}|(?P<country>{COUNTRY_NAMES})['’]s{SPACE}|(?P<org>{ORGS}){SPACE})?"
    rf"(?:(?i:(?P<dept>{DEPTS})){SPACE})?"
    rf"(?:(?P<modifier>(?i:{MODIFIERS})){SPACE})?"
    rf"(?P<title>(?i:{TITLE_FORMS}))\b"
    rf"(?:{SPACE}(?i:of|for|to|at){SPACE}(?:the{SPACE})?(?:(?P<odemonym>{DEMONYMS}){SPACE})?"
    rf"(?:(?i:(?P<odept>{DEPTS}))|(?P<of>{COUNTRY_NAMES}|{ORGS})))?"
)
# "Ana Souza said", "Ana Souza, for her part, noted"
_SAID = re.compile(rf"(?P<name>{NAME_AT_START})(?:,(?P<aside>[^,.;“”\"]{{1,40}}),)?{SPACE}(?:\w+ly{SPACE})?(?:{SPEECH})\b")
# From a title back to its comma: ", the United Kingdom of Great Britain and Northern Ireland's
# defence ministry" is the longest lead, well inside this reach.
_APPOSITION_REACH = 160
_APPOSITION_WORDS = 16
_ASIDE_NAME = re.compile(rf"{SPACE}(?P<name>{NAME})")
# ', said Ana Souza'
_SAID_INVERTED = re.compile(rf"[,”\"]{SPACE}(?:{SPEECH}){SPACE}(?P<name>{NAME})")
# Both start from a verb of saying; the name of _SAID is read backwards from it, over an
# adverb or an aside in commas.
_SAID_BACK = reversed_pattern(r"[ \u00a0]+(?:yl\w+[ \u00a0]+)?(?:,[^,.;“”\"]{1,40},)?")
# "his Russian counterpart Vladimir Putin"
_COUNTERPART = re.compile(
    rf"\b(?:his|her|their|its)?{SPACE}?(?:(?P<demonym>{DEMONYMS}){SPACE})?counterparts?,?{SPACE}(?P<name>{NAME})"
)
# "their " and the longest demonym before "counterpart", with room for runs of spaces
_COUNTERPART_REACH = 80


def _affiliation(m: re.Match) -> tuple[str | None, str | None]:
    """(country or organization, international organization) from a title match's groups."""
    groups = m.groupdict()
    for key in ("demonym", "odemonym"):
        if groups.get(key):
            return COUNTRIES.resolve(groups[key]), None
    if groups.get("country"):
        return COUNTRIES.resolve(groups["country"]), None
    if groups.get("acronym"):
        return groups["acronym"], groups["acronym"]
    for key in ("org", "of"):
        value = groups.get(key)
        if value:
            if value in ORG_FORMS:
                org_name, country = ORG_FORMS[value]
                return (country, None) if country else (org_name.removeprefix("the "), org_name)
            return COUNTRIES.resolve(value), None
    if groups.get("after"):
        return COUNTRIES.resolve(groups["after"]), None
    return None, None


def _title_of(m: re.Match) -> tuple[str | None, str, int]:
    """(modifier, title, where the title's words start) of a title match. A portfolio written
    before "Minister" joins it ("Transport Minister"), but for words that are no portfolio
    ("Then", "Monday", a country) unless they make a title of the table ("State Secretary")."""
    written, start = m.group("title"), m.start("title")
    portfolio = m.group("portfolio") or ""
    words = [(w.start(), w.group()) for w in re.finditer(r"\S+", portfolio)]
    for size in range(len(words), 0, -1):  # "New Zealand Foreign Minister": a country leads, no portfolio
        if COUNTRIES.resolve(" ".join(w for _, w in words[:size])):
            words = words[size:]
            break
    while words and " ".join([*(w for _, w in words), written]).lower() not in TITLES \
            and (words[0][1] in lx.NON_NAME_WORDS or COUNTRIES.is_place_word(words[0][1])):
        words.pop(0)
    if words:
        start = m.start("portfolio") + words[0][0]
    modifier = m.group("modifier")
    if modifier and (not portfolio or words and words[0][0] == 0):
        start = m.start("modifier")
    else:
        modifier = None  # a dropped word stood between the modifier and the title
    whole = " ".join([*(w for _, w in words), written])
    if whole.lower() in TITLES or modifier and f"{modifier} {whole}".lower() in TITLES:
        return (*split_title(modifier, whole), start)
    base = TITLES[" ".join(written.lower().split())]  # a portfolio of the article's own
    return (modifier.title() if modifier and base else None), " ".join([*(w for _, w in words), base]), start


def _country_in(portfolio: str) -> str | None:
    """The country that leads a run of capitalised words before a title ("New Zealand Foreign")."""
    words = portfolio.split()
    for size in range(len(words), 0, -1):
        country = COUNTRIES.resolve(" ".join(words[:size]))
        if country:
            return country
    return None


def _dept(m: re.Match) -> str | None:
    groups = m.groupdict()
    raw = groups.get("dept") or groups.get("odept")
    if raw:
        return lx.MINISTRIES.get(" ".join(raw.lower().split()))
    if groups.get("unit"):
        unit = " ".join(groups["unit"].split())
        return lx.MINISTRIES.get(unit.lower(), unit)
    org = groups.get("org")
    if org in ORG_FORMS and ORG_FORMS[org][1] and m.group("title").lower() in {"spokesperson", "spokesman",
                                                                              "spokeswoman", "press secretary"}:
        return ORG_FORMS[org][0]  # "the Kremlin", "Downing Street": already national
    return None



def _title_starts(text: str, titles: list[int]) -> list[int]:
    """Where "Russian Foreign Minister Ana Souza" can start: its title, or a lead shortly before it."""
    named = [t for t in titles if _TITLE_THEN.match(text, t)]
    if not named:
        return []
    leads = sorted({*starts(text, LEAD_CUE), *starts(text, DEPT_CUE)})
    found = {*named, *spots_in_words_before(text, named, sorted({*leads, *titles}), _LEAD_WORDS)}
    # an acronym, a modifier and a portfolio: capitalised words just before the title
    for title in named:
        found.update(capitals_between(text, words_back(text, title, _PORTFOLIO_WORDS), title))
    return sorted(found)


def _apposition_starts(text: str, titles: list[int]) -> list[int]:
    """Where "Ana Souza, Brazil's foreign minister" can start: the name before the last comma
    ahead of a title (only an article, a country or body and a ministry can come between)."""
    commas = set()
    for title in titles:
        comma = comma_before(text, title, _APPOSITION_REACH)
        # an article, a lead of nine words at most, a ministry of four and a modifier of two come between
        if comma is not None and len(text[comma + 1:title].split()) <= _APPOSITION_WORDS:
            commas.add(comma)
    return run_starts(text, sorted(commas))


def _counterpart_starts(text: str) -> list[int]:
    """Where "his Russian counterpart X" can start: a word boundary shortly before "counterpart"."""
    found: set[int] = set()
    at = text.find("counterpart")
    while at >= 0:
        found.update(boundaries(text, at - _COUNTERPART_REACH, at + 1))
        found.add(at)  # "\b" then an empty possessive: a match may start at a space before the word
        at = text.find("counterpart", at + 1)
    return sorted(found)


def _inverted_starts(text: str, verbs: list[int]) -> list[int]:
    """Where ', said Ana Souza' can start: the comma or quotation mark before a verb's spaces."""
    found = []
    for verb in verbs:
        at = verb - 1
        while at > 0 and text[at] in " \u00a0":
            at -= 1
        if at < verb - 1 and text[at] in ",”\"":
            found.append(at)
    return found


def find_people(text: str) -> list[Participant]:
    """People named in the article, with title, affiliation and aliases."""
    registry = Registry()
    titles = starts(text, TITLE_CUE)
    for m in matches_at(_TITLE_NAME, text, _title_starts(text, titles)):
        raw = up_to_sentence_end(m.group("name"))
        name = clean_name(raw)
        if name is None or not " ".join(raw.split()).startswith(name):
            continue  # "Admiral Hotel manager Peter Brown": words between, the title is not his
        modifier, title, start = _title_of(m)
        affiliation, org = _affiliation(m)
        dept = _dept(m)
        if affiliation is None and org is None and m.group("portfolio"):
            affiliation = _country_in(m.group("portfolio"))
        if affiliation is None and org is None:  # "its spokesperson, Ana Souza"
            affiliation, its_dept = owner_of_its(text, m.start(), lambda: find_organizations(text))
            dept = dept or its_dept
        alias = text[start:m.start("name")] + name if title else None
        registry.add(name, m.start("name"), title or None, affiliation, dept, org, alias,
                     modifier if title else None)
    for m in matches_at(_APPOSITION, text, _apposition_starts(text, titles)):
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        modifier, title = split_title(m.group("modifier"), m.group("title"))
        affiliation, org = _affiliation(m)
        registry.add(name, m.start("name"), title or None, affiliation, _dept(m), org,
                     modifier=modifier if title else None)
    find_described(text, registry)
    find_copula_offices(text, titles, registry)
    verbs = starts(text, SPEECH_CUE)
    for m in [*matches_at(_SAID, text, run_starts(text, verbs, _SAID_BACK)),
              *matches_at(_SAID_INVERTED, text, _inverted_starts(text, verbs))]:
        raw, start = m.group("name"), m.start("name")
        aside = m.groupdict().get("aside")
        inner = _ASIDE_NAME.fullmatch(aside) if aside else None
        if inner:  # "the chairman of the X Authority, Ana Souza, said": the aside is the speaker
            raw, start = inner.group("name"), m.start("aside") + inner.start("name")
        elif CROSSES_SENTENCE.search(raw):
            continue
        name = clean_name(raw)
        if name is None:
            continue
        office = portfolio_before(text, start, raw)  # "Minister for the Pacific Claire Donnithorne said"
        if office is not None:
            name, start = office[2], office[3]
        elif PLACE_BEFORE.search(text, max(0, start - 12), start):
            continue  # "in Kuala Lumpur said"
        known = any(p == name or p.endswith(" " + name) for p in registry.people)
        if len(name.split()) >= 2 or known:
            person = registry.add(name, start)
            if office is not None and person.title is None and person.described is None:
                person.described = office[0]
                person.affiliation = person.affiliation or office[1]
                person.add_alias(f"{office[0]} {name}")
    for m in matches_at(_COUNTERPART, text, _counterpart_starts(text)) if "counterpart" in text else ():
        name = clean_name(m.group("name"))
        if name is None:
            continue
        affiliation = COUNTRIES.resolve(m.group("demonym")) if m.group("demonym") else None
        subject = subject_before(registry, text, m.start())
        person = registry.add(name, m.start("name"), affiliation=affiliation)
        if subject is not None and subject.name != name:
            person.counterpart_of = subject.name
    return merge_mentions(registry, text)
