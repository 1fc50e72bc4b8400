"""Organizations named in an article: those of the lexicon ("the Kremlin", "NATO"), ministries
("the Russian Foreign Ministry"), capitalised names headed by an organization noun ("the Asian
Development Bank") and a country's lower-case departments ("Nepal's labour ministry").
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from ..names import fold
from . import lexicon as lx
from .countries import COUNTRIES
from .datelines import dateline_country
from .mentions import COUNTRY_NAMES, DEMONYMS, ORG_FORMS, ORG_MENTION, SPACE, UPPER
from .backwards import capitals_between, reversed_text
from .namecues import (
    DEPT_CUE, DEPT_WORD_CUE, LEAD_CUE, ORG_HEAD_CUE, country_mentions, spots_in_words_before,
    with_article_before,
)
from .patterns import alternation
from .participant import Participant
from .scanner import cue_words, matches_at, spots, starts
from .text import occurrences

__all__ = ["find_organizations"]

_DEPT_ORG = re.compile(
    rf"\b(?:(?i:the){SPACE})?(?:(?P<demonym>{DEMONYMS}){SPACE}|(?P<country>{COUNTRY_NAMES})['’]s{SPACE})?"
    rf"(?P<dept>(?:Foreign|Defen[cs]e|Interior|Finance|Economy|Energy|Trade|Emergencies|Health|Justice){SPACE}Ministry"
    rf"|Ministry{SPACE}of{SPACE}(?:Foreign{SPACE}Affairs|Defen[cs]e|Finance|Energy|Economy|the{SPACE}Interior)"
    rf"|State{SPACE}Department|Foreign{SPACE}Office)"
    rf"(?:{SPACE}of{SPACE}(?:the{SPACE})?(?P<of>{COUNTRY_NAMES}))?"
)
_THE_MINISTRY = re.compile(r"\b[Tt]he[ \u00a0]+(?:[Ff]oreign[ \u00a0]+)?[Mm]inistry\b(?![ \u00a0]+of\b)")
_ORG_HEADS = alternation(lx.ORG_HEADS)
_CAP = rf"[{UPPER}][\w’'&-]*"
# "the Asian Development Bank", "the paramilitary Rapid Support Forces (RSF)", "the Czech Ministry of
# Foreign Affairs": a run of capitalised words ending in (or headed by) an organization noun.
_NAMED_ORG = re.compile(
    rf"(?<![\w’'-])(?P<name>(?:(?P<demonym>{DEMONYMS}){SPACE})?"
    rf"(?:(?:{_CAP}{SPACE}(?:(?:of|for|and|on|the){SPACE}){{0,2}}){{1,6}}(?P<head>{_ORG_HEADS})(?!{SPACE}(?:of|for){SPACE}(?:the{SPACE})?[{UPPER}])"
    rf"|(?P<head2>Ministry|Department|Office|Agency|Directorate|Secretariat){SPACE}(?:of|for){SPACE}(?:the{SPACE})?"
    rf"{_CAP}(?:{SPACE}(?:(?:and|of|the|for){SPACE})?{_CAP}){{0,5}}))"
    rf"(?![\w’'-])(?:{SPACE}\((?P<abbr>[{UPPER}][{UPPER}A-Za-z]{{1,7}})\))?"
)
# From a head word back over the capitalised words before it (and the "of", "and", "the"
# between them): where a named organization can start. Nine words: six of the name and a
# demonym of up to three.
_NAMED_ORG_BACK = re.compile(
    r"(?:(?:[ \u00a0]+(?:fo|rof|dna|no|eht)){0,2}[ \u00a0]+[\w’'&-]*" rf"[{UPPER}]){{1,9}}"
)
# The ministry words a department can start with, and the longest lead before one (a country
# of nine words and "'s")
_DEPT_AT = re.compile(
    rf"(?:Foreign|Defen[cs]e|Interior|Finance|Economy|Energy|Trade|Emergencies|Health|Justice){SPACE}Ministry"
    rf"|Ministry{SPACE}of|State{SPACE}Department|Foreign{SPACE}Office"
)
_DEPT_LEAD_WORDS = 10
_OWNER = re.compile(r"(\S+)['’]s ")
_HEAD_AFTER = re.compile(rf"{SPACE}(?:{_ORG_HEADS})(?![\w’'-])")
# "Nepal's labour ministry", "the Russian embassy in Prague"
_DEPT_WORD = re.compile(r"\b(?:ministry|embassy|consulate|mission)\b")
_LOWER_DEPT = re.compile(
    rf"(?:\b(?P<the>[Tt]he){SPACE})?(?:(?P<country>{COUNTRY_NAMES})['’]s{SPACE}|(?P<demonym>{DEMONYMS}){SPACE})"
    rf"(?P<dept>(?:[a-z]+{SPACE}){{0,2}}(?:ministry|embassy|consulate|mission))\b"
    rf"(?:{SPACE}in{SPACE}(?P<place>[{UPPER}][\w’'-]+))?"
)


# "the state copper company Codelco", "the airport operator Avinor", "Norwegian fertiliser maker
# Nordvik Agri": a common noun of a kind of business, then the body's own name
_KINDS = ("company", "firm", "operator", "maker", "producer", "carrier", "airline", "lender", "insurer",
          "miner", "utility", "broadcaster", "conglomerate", "manufacturer", "exporter", "refiner")
_KIND_CUE = cue_words(_KINDS, caseless=False)
_KIND_NAME = re.compile(
    rf"(?P<kind>{'|'.join(_KINDS)}){SPACE}(?P<name>[{UPPER}][\w&’'-]+(?:{SPACE}[{UPPER}][\w&’'-]+){{0,2}})"
    rf"(?![\w’'-]|{SPACE}[{UPPER}])"
)
_KIND_LEAD = re.compile(
    rf"(?:(?P<the>\b[Tt]he)|(?P<demonym>{DEMONYMS})|(?P<country>{COUNTRY_NAMES})['’]s)((?:{SPACE}[a-z][\w-]*){{0,3}}){SPACE}$"
)


def _named_by_kind(text: str, found: dict[tuple[str, str | None], Participant]) -> None:
    """Bodies named after a noun of their kind of business, led by "the", a demonym or a
    country's possessive: "the airport operator Avinor" (alias), "Nordvik" alone (alias)."""
    known = {fold(f) for o in found.values() for f in [o.name, *o.aliases]}
    for m in matches_at(_KIND_NAME, text, starts(text, _KIND_CUE)):
        lead = _KIND_LEAD.search(text, max(0, m.start() - 60), m.start())
        name = m.group("name").rstrip("’'")
        if lead is None or fold(name) in known or COUNTRIES.resolve(name) or name.split()[0] in lx.NON_NAME_WORDS:
            continue
        country = COUNTRIES.resolve(lead.group("demonym") or lead.group("country") or "") or None
        if country is None and "state" in lead.group(4).split():  # "the state copper company": the article's state
            counts = country_mentions(text)
            country = dateline_country(text) or (counts.most_common(1)[0][0] if counts else None)
        org = found[(name, country)] = Participant(name=name, kind="organization", affiliation=country or name,
                                                   first=m.start("name"))
        if lead.group("the"):
            org.add_alias(" ".join(text[lead.start():m.end("name")].split()))
        first = name.split()[0]
        if " " in name and re.search(rf"(?<![\w-]){re.escape(first)}(?![\w-]|{SPACE}[{UPPER}])", text):
            org.add_alias(first)  # "Nordvik" for Nordvik Agri
        known.add(fold(name))


def find_organizations(text: str) -> list[Participant]:
    """Every organization named (lexicon or a ministry); the caller keeps those that speak or act."""
    found: dict[tuple[str, str | None], Participant] = {}
    for m in matches_at(ORG_MENTION, text, with_article_before(text, starts(text, LEAD_CUE))):
        if _HEAD_AFTER.match(text, m.end()):
            continue  # "the ASEAN Secretariat": a body of its own, found by _find_named_orgs
        name, country = ORG_FORMS[m.group("form")]
        key = (name, None)
        surface = text[m.start():m.end()] if m.group("the") else m.group("form")
        org = found.get(key)
        if org is None:
            org = found[key] = Participant(name=name, kind="organization", affiliation=country or
                                           name.removeprefix("the "), first=m.start())
        if fold(surface) != fold(org.name):
            org.add_alias(surface)
    for m in matches_at(_DEPT_ORG, text, _dept_org_starts(text)):
        country = None
        if m.group("demonym"):
            country = COUNTRIES.resolve(m.group("demonym"))
        elif m.group("country") or m.group("of"):
            country = COUNTRIES.resolve(m.group("country") or m.group("of"))
        dept = lx.MINISTRIES.get(" ".join(m.group("dept").lower().split()), m.group("dept"))
        key = (dept, country)
        if country is None:
            same = [k for k in found if k[0] == dept]
            if len(same) == 1:
                key = same[0]
        surface = " ".join(text[m.start():m.end()].split())
        org = found.get(key)
        if org is None:
            org = found[key] = Participant(name=surface, kind="organization", affiliation=country, first=m.start())
        elif len(surface) > len(org.name) and country:
            org.add_alias(org.name)
            org.name = surface
        else:
            org.add_alias(surface)
    _find_named_orgs(text, found)
    _named_by_kind(text, found)
    ministries = [o for (dept, _), o in found.items() if dept.startswith("Ministry") or dept == "State Department"
                  or o.name.lower().endswith("ministry") or "Ministry of" in o.name]
    if len(ministries) == 1:  # "the ministry said" can only be that one
        for m in matches_at(_THE_MINISTRY, text, with_article_before(text, starts(text, DEPT_CUE), keep_words=False)):
            ministries[0].add_alias(m.group())
    for org in found.values():
        folded = fold(org.name)
        org.aliases = [a for a in org.aliases if fold(a) != folded]
    return sorted(found.values(), key=lambda p: p.first)


def _dept_org_starts(text: str) -> list[int]:
    """Where "the Russian Foreign Ministry" can start: at its ministry, its country or "the"."""
    depts = [at for at in starts(text, DEPT_CUE) if _DEPT_AT.match(text, at)]
    if not depts:
        return []
    leads = spots_in_words_before(text, depts, starts(text, LEAD_CUE), _DEPT_LEAD_WORDS)
    return with_article_before(text, sorted({*depts, *leads}))


def _named_org_starts(text: str) -> list[int]:
    """Where "the Asian Development Bank" can start: a capital a few words before its head word
    (or the head itself: "Ministry of ...")."""
    flipped, size = reversed_text(text), len(text)
    found: set[int] = set()
    for head, _ in spots(text)[ORG_HEAD_CUE]:
        m = _NAMED_ORG_BACK.match(flipped, size - head)
        found.update(capitals_between(text, size - m.end() if m else head, head + 1))
    return sorted(found)


@cache  # heads are a few words of the lexicon
def _the_head(head: str) -> re.Pattern:
    """"the agency", not "the agency of ...": a later mention of the only body with that head."""
    return re.compile(rf"\b[Tt]he{SPACE}{re.escape(head)}\b(?![ \u00a0]+(?:of|for)\b)")



# "India’s state-run Bharat Urvarak Ltd", "Norwegian fertiliser maker Nordvik Agri": a country
# and up to three lower-case words of description before a body's name
_COUNTRY_LEAD = re.compile(
    rf"(?:(?P<demonym>{DEMONYMS})|(?P<country>{COUNTRY_NAMES})['’]s)(?:{SPACE}[a-z][\w-]*){{0,3}}{SPACE}$"
)
_PARENT_FORMS = sorted((f for f in ORG_FORMS if not f.startswith("the ")), key=len, reverse=True)


def _belongs_to(text: str, name: str, start: int, head: str, counts: list[Counter]) -> str:
    """The affiliation of a named body with no country in its name: the body it is part of
    ("ASEAN Secretariat": ASEAN), a country just before it ("India’s state-run ..."), the
    article's most named country for a state's body ("the paramilitary Rapid Support Forces"),
    else itself."""
    parent = next((f for f in _PARENT_FORMS if name.startswith(f + " ")), None)
    if parent is not None:
        org_name, country = ORG_FORMS[parent]
        return country or org_name.removeprefix("the ")
    lead = _COUNTRY_LEAD.search(text, max(0, start - 80), start)
    if lead:
        return COUNTRIES.resolve(lead.group("demonym") or lead.group("country")) or name
    if head in lx.STATE_BODY_HEADS:  # with no country in sight, the article's is theirs
        if not counts:
            counts.append(country_mentions(text))
        if counts[0]:
            return counts[0].most_common(1)[0][0]
    return name


def _find_named_orgs(text: str, found: dict[tuple[str, str | None], Participant]) -> None:
    """Organizations named by a capitalised run ending in an organization noun, or by a country's
    lower-case department ("Nepal's labour ministry"); "the agency" joins the only agency."""
    known = {fold(f) for o in found.values() for f in [o.name, *o.aliases]}
    heads: dict[str, list[Participant]] = {}
    counts: list[Counter] = []  # the article's country mentions, counted when first needed
    for m in matches_at(_NAMED_ORG, text, _named_org_starts(text)):
        name = " ".join(m.group("name").split())
        first = name.split()[0]
        if first in lx.NON_NAME_WORDS and first not in lx.ORG_HEADS and not m.group("demonym"):
            name = name.split(" ", 1)[1] if " " in name else ""  # "The", "In": not part of the name
        country = COUNTRIES.resolve(m.group("demonym")) if m.group("demonym") else None
        owner = _OWNER.match(name)
        if owner and COUNTRIES.resolve(owner.group(1)):  # "Indonesia's Maritime Security Agency"
            country, name = COUNTRIES.resolve(owner.group(1)), name[owner.end():]
        folded = fold(name)
        if len(name.split()) < 2 or folded in known or "the " + folded in known:
            continue
        if any(k.endswith(" " + folded) or folded.endswith(" " + k) for k in known if " " in k):
            continue  # "the UN Security Council" is already known
        key = (name, country)
        org = found.get(key)
        if org is None:
            if country is None:
                affiliation = _belongs_to(text, name, m.start("name"), m.group("head") or m.group("head2"), counts)
            org = found[key] = Participant(name=name, kind="organization", affiliation=country or affiliation,
                                           first=m.start("name"))
            head = (m.group("head") or m.group("head2")).lower()
            heads.setdefault(head, []).append(org)
        if m.group("abbr"):
            org.add_alias(m.group("abbr"))
        known.add(folded)
    lower_depts = []
    for hit in matches_at(_DEPT_WORD, text, starts(text, DEPT_WORD_CUE)):  # look back from "ministry"...
        lo = max(0, hit.start() - 70)
        lo = text.rfind(" ", 0, lo) + 1 if lo else 0  # start at a word boundary
        m = next((m for m in _LOWER_DEPT.finditer(text, lo, min(len(text), hit.end() + 40))
                  if m.end("dept") == hit.end()), None)
        if m and (not lower_depts or lower_depts[-1].start() != m.start()):
            lower_depts.append(m)
    for m in lower_depts:
        country = COUNTRIES.resolve(m.group("country") or m.group("demonym"))
        start = m.start("country") if m.group("country") else m.start("demonym")
        name = " ".join(text[start:m.end()].split())
        dept = m.group("dept").split()[-1]
        key = (name, country)
        if key not in found and fold(name) not in known:
            found[key] = Participant(name=name, kind="organization", affiliation=country, first=start)
            if m.group("the"):
                found[key].add_alias(text[m.start():m.end()])
            heads.setdefault(dept, []).append(found[key])
    for head, orgs in heads.items():
        if len(orgs) == 1 and head not in {"government", "forces", "force", "army", "union", "party"}:
            pattern = _the_head(head)
            for m in matches_at(pattern, text, with_article_before(text, occurrences(text, head), keep_words=False)):
                orgs[0].add_alias(m.group())
