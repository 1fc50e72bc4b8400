"""Mentions of one person merged under one participant.

The :class:`Registry` collects people as the finders meet them, one entry per name; then
:func:`merge_mentions` joins short names to full ones ("Putin", "Mr Putin" to "Vladimir
Putin"), gives counterparts their title and country, and adds the surname and title
mentions ("Rahmon's", "the Russian leader", "the spokesperson") as aliases.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..names import TITLES
from . import lexicon as lx
from .countries import COUNTRIES
from .mentions import DEMONYMS, MODIFIERS, SPACE, TITLE_FORMS, UPPER, not_name_word
from .datelines import dateline_country
from .honorifics import strip_honorifics
from .namecues import (
    HEAD_CUE, LEAD_CUE, TITLE_CUE, country_mentions, spots_in_words_before, with_article_before,
)
from .participant import Participant
from .scanner import matches_at, starts

__all__ = ["Registry", "merge_mentions", "subject_before"]

# "the Russian leader", "Russian president", "the Chinese foreign minister" (no name after)
_NATIONAL_TITLE = re.compile(
    rf"\b(?P<phrase>(?:(?i:the){SPACE})?(?P<demonym>{DEMONYMS}){SPACE}(?:(?P<modifier>(?i:{MODIFIERS})){SPACE})?"
    rf"(?P<title>(?i:leader|head of state|{TITLE_FORMS})))\b(?!{SPACE}(?:[{UPPER}]|of\b))"
)
_BARE_TITLE = re.compile(
    rf"[Tt](?<!\w.)he{SPACE}(?:(?P<modifier>(?i:{MODIFIERS})){SPACE})?"
    rf"(?P<title>(?i:{TITLE_FORMS}))\b(?!{SPACE}(?:[{UPPER}]|of\b))(?![’'-])"
)

_DEMONYM_WORDS = 4  # the longest demonym has three words


# Titles of one office under another name: a country's foreign minister is "taken" by either
_OFFICE = {"External Affairs Minister": "Foreign Minister"}


class Registry:
    """People found so far, merged by name."""

    def __init__(self) -> None:
        self.people: dict[str, Participant] = {}
        self.renamed: dict[str, str] = {}  # merged short name -> full name

    def add(self, name: str, pos: int, title: str | None = None, affiliation: str | None = None,
            dept: str | None = None, org: str | None = None, alias: str | None = None,
            modifier: str | None = None) -> Participant:
        written, name = name, strip_honorifics(name)  # "Comrade X", "Dato' Seri X": the name is X
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = Participant(name=name, first=pos)
        person.first = min(person.first, pos)
        if title and not person.title:
            person.title, person.modifier = title, modifier
        if affiliation and not person.affiliation:
            person.affiliation = affiliation
        if dept and not person.dept:
            person.dept = dept
        if org and not person.org:
            person.org = org
        if alias:
            person.add_alias(alias)
        if written != name:
            person.add_alias(written)
        return person

    def merge_short_names(self) -> None:
        """"Putin" or "Mr Putin" joins "Vladimir Putin" when the longer name ends with it."""
        size = {name: len(name.split()) for name in self.people}
        names = sorted(self.people, key=lambda n: -size[n])
        for name in names:
            if name not in self.people:
                continue
            for other in list(self.people):
                if size[other] >= size[name] or other not in self.people:
                    continue
                if name.endswith(" " + other) or name.endswith(" " + _lower_particle(other)) or (
                        size[other] == 1 and name.startswith(other + " ")
                        and not any(n.endswith(" " + other) or n != name and n.startswith(other + " ")
                                    for n in self.people)):
                    short = self.people.pop(other)
                    full = self.people[name]
                    self.renamed[other] = name
                    full.first = min(full.first, short.first)
                    if full.title is None:
                        full.title, full.modifier = short.title, short.modifier
                    for attr in ("affiliation", "dept", "org", "counterpart_of", "described"):
                        if getattr(full, attr) is None:
                            setattr(full, attr, getattr(short, attr))
                    for alias in [short.name, *short.aliases]:
                        full.add_alias(alias)


def _lower_particle(name: str) -> str:
    """"Van der Berg" -> "van der Berg": a particle capitalised at the start of a sentence."""
    first, _, rest = name.partition(" ")
    if rest and first.lower() in lx.NAME_PARTICLES:
        return f"{first.lower()} {rest}"
    return name


def merge_mentions(registry: Registry, text: str) -> list[Participant]:
    """The people of ``registry``, in order of first mention, each with every mention of them merged in."""
    registry.merge_short_names()
    people = sorted(registry.people.values(), key=lambda p: p.first)
    for person in people:
        if person.counterpart_of in registry.renamed:
            person.counterpart_of = registry.renamed[person.counterpart_of]
    _resolve_counterparts(people, text)
    _add_surname_aliases(people, text)
    _add_national_aliases(people, text)
    return people


def subject_before(registry: Registry, text: str, pos: int) -> Participant | None:
    """The person named last before ``pos`` (the subject of "met his counterpart")."""
    best, best_pos = None, -1
    for person in registry.people.values():
        for form in [person.name, *person.aliases]:
            at = text.rfind(form, 0, pos)
            if at > best_pos:
                best, best_pos = person, at
    return best


def _resolve_counterparts(people: list[Participant], text: str) -> None:
    """A counterpart holds the same title as the other party; either one's missing country
    falls back to the dateline's country, then to the article's most mentioned country, not
    taken by another holder of that office."""
    by_name = {p.name: p for p in people}
    for person in people:
        other = by_name.get(person.counterpart_of or "")
        if other is None:
            continue
        if person.title is None and other.title:
            person.title, person.modifier = other.title, other.modifier
        if other.title is None and person.title:
            other.title, other.modifier = person.title, person.modifier
    counts: Counter | None = None
    for person in people:
        if person.affiliation or person.title not in lx.STATE_TITLES:
            continue
        office = _OFFICE.get(person.title, person.title)
        taken = {p.affiliation for p in people
                 if p is not person and _OFFICE.get(p.title, p.title) == office and p.affiliation}
        if counts is None:  # counted only when a state title has no country, which is rare
            counts = country_mentions(text)
        filed_from = dateline_country(text)  # wire copy: the country the story is filed from first
        for country in [*([filed_from] if filed_from else []), *(c for c, _ in counts.most_common())]:
            if country not in taken:
                person.affiliation = country
                break


def _add_surname_aliases(people: list[Participant], text: str) -> None:
    """Surname-only mentions ("Putin", "Rahmon's", "Valdés Ortega", "van der Berg") become aliases
    of the full name.

    A name of three words or more may end in a compound surname, written without the first
    name ("Valdés Ortega", "da Silva dos Santos", "Van der Berg" at a sentence's start); then
    its first word alone ("Valdés") is the short form. Otherwise the last word is tried first;
    the first word too, for names written family name first ("Lin Haoran" ... "Lin said").
    A word is never taken from inside a longer mention ("Berg" of "van der Berg").
    """
    words = Counter(w for p in people if len(p.name.split()) > 1 for w in {p.name.split()[0], p.surname})
    for person in people:
        parts = person.name.split()
        if len(parts) < 2:
            continue
        spans = [(s, s + len(person.name) + 2) for s in _name_starts(text, person.name)]
        compound = None
        if len(parts) >= 3:
            compound = _compound_surname(text, parts[1:], spans)
            if compound is not None:
                written, found = compound
                person.add_alias(written)
                spans += found
        for at, part in enumerate(parts[1:-1], start=1):
            if part in _PATRONYMIC and compound is None:  # "bin Salman" of Mohammed bin Salman Al Nahyan
                chunk = _compound_surname(text, parts[at:at + 2], spans)
                if chunk is not None:
                    person.add_alias(chunk[0])
                    spans += chunk[1]
        candidates = [parts[-1], parts[0]]
        if compound is not None and parts[1].lower() not in lx.NAME_PARTICLES and len(parts) == 3:
            candidates = [parts[1], *candidates]  # "Valdés" for Rodrigo Valdés Ortega
        for candidate in candidates:
            if words[candidate] > 1 or not_name_word(candidate):
                continue
            if any(not any(s <= at < e for s, e in spans) and not _after_particle(text, at)
                   for at in _alone(text, candidate)):
                person.add_alias(candidate)
                break


def _compound_surname(text: str, tail: list[str], spans: list[tuple[int, int]]
                      ) -> tuple[str, list[tuple[int, int]]] | None:
    """The surname ``tail`` as written alone (not inside a mention of the full name), and the
    spans of those mentions; a leading particle may be capitalised ("Van der Berg")."""
    if tail[-1].lower() in lx.NAME_PARTICLES:
        return None
    forms = [" ".join(tail)]
    if tail[0] in lx.NAME_PARTICLES:
        forms.append(" ".join([tail[0].capitalize(), *tail[1:]]))
    for form in forms:
        found = [(s, s + len(form)) for s in _name_starts(text, form)
                 if not any(a <= s < b for a, b in spans) and not (s and _is_word(text[s - 1]))
                 and not (s + len(form) < len(text) and _is_word(text[s + len(form)]))]
        if found:
            return form, found
    return None


# particles that make a name of the next word: "son of", "father of"
_PATRONYMIC = {"bin", "ibn", "ben", "abu"}


def _after_particle(text: str, at: int) -> bool:
    """Whether the word at ``at`` follows a particle ("der Berg", "bin Salman")."""
    before = text[max(0, at - 6):at].rstrip(" \u00a0")
    return before.rsplit(" ", 1)[-1].lower() in lx.NAME_PARTICLES if before else False


# Surnames are looked for with str.find, not a pattern per name: compiling a regular expression
# for each new name cost more than all the searching.
_SPACES = " \u00a0"
_CAPITALS = frozenset(c for c in map(chr, range(0x250)) if re.fullmatch(f"[{UPPER}]", c))


def _name_starts(text: str, name: str) -> list[int]:
    """Where ``name`` occurs in ``text`` (its words parted by any run of spaces), without overlaps."""
    tokens = name.split(" ")
    found, at = [], text.find(tokens[0])
    while at >= 0:
        pos = at + len(tokens[0])
        for token in tokens[1:]:
            if pos >= len(text) or text[pos] not in _SPACES:
                break
            while pos < len(text) and text[pos] in _SPACES:
                pos += 1
            if not text.startswith(token, pos):
                break
            pos += len(token)
        else:
            found.append(at)
            at = text.find(tokens[0], pos)
            continue
        at = text.find(tokens[0], at + 1)
    return found


def _is_word(char: str) -> bool:
    return char.isalnum() or char in "_-"


def _alone(text: str, word: str) -> Iterator[int]:
    """Where ``word`` stands as a word of its own, not followed by a capitalised one ("Putin",
    not "Putin Street")."""
    at, size = text.find(word), len(text)
    while at >= 0:
        end = at + len(word)
        if not (at and _is_word(text[at - 1])) and not (end < size and _is_word(text[end])):
            after = end
            while after < size and text[after] in _SPACES:
                after += 1
            if after == end or after == size or text[after] not in _CAPITALS:
                yield at
        at = text.find(word, at + 1)


def _title_matches(word: str, title: str | None) -> bool:
    word = " ".join(word.lower().split())
    if title is None:
        return False
    if word == "minister":  # "the Uzbek minister" for a foreign, defence... minister
        return title.endswith("Minister")
    if title == "External Affairs Minister":  # India's foreign minister
        return TITLES.get(word) in {title, "Foreign Minister"}
    if word in lx.LEADER_WORDS and title in lx.HEAD_TITLES:
        return word in {"leader", "head of state", "monarch"} or TITLES.get(word) == title
    return TITLES.get(word) == title


def _mention_matches(m: re.Match, person: Participant) -> bool:
    """Whether "the deputy trade minister" (a modifier and a title) names ``person``: a
    modifier must be the person's own, and a person with one is not "the trade minister"."""
    modifier, word = m.group("modifier"), m.group("title")
    if modifier is None and person.modifier is None:
        return _title_matches(word, person.title)
    if modifier is None or person.title is None:
        return False
    if person.modifier is not None:
        return " ".join(modifier.lower().split()) == person.modifier.lower() and _title_matches(word, person.title)
    whole = TITLES.get(" ".join(f"{modifier} {word}".lower().split()))  # "deputy" + "foreign minister"
    return whole is not None and whole == person.title


def _written_title(m: re.Match) -> str:
    """"deputy minister": the modifier and title as written, in lower case, single-spaced."""
    return " ".join(" ".join(part for part in (m.group("modifier"), m.group("title")) if part).lower().split())


def _add_national_aliases(people: list[Participant], text: str) -> None:
    """"the Russian leader", "Russian president" join the person of that country and title;
    "the spokesperson" joins the only person with that title."""
    titles = starts(text, TITLE_CUE)
    for m in matches_at(_BARE_TITLE, text, with_article_before(text, titles, keep_words=False)):
        candidates = [p for p in people if p.kind == "person" and _mention_matches(m, p)]
        written = _written_title(m)
        if len(candidates) > 1:  # "the spokesperson" vs "the spokesman": the one introduced with that word
            candidates = [p for p in candidates if any(a.lower().startswith(written + " ") for a in p.aliases)]
        if len(candidates) == 1 and written not in {"minister", "leader"}:
            candidates[0].add_alias(m.group())
# a demonym can start it only a few words before a title ("South African foreign minister")
    demonyms = spots_in_words_before(text, sorted({*titles, *starts(text, HEAD_CUE)}), starts(text, LEAD_CUE),
                                     _DEMONYM_WORDS)
    for m in matches_at(_NATIONAL_TITLE, text, with_article_before(text, demonyms)):
        country = COUNTRIES.resolve(m.group("demonym"))
        candidates = [p for p in people if p.kind == "person" and p.affiliation == country
                      and _mention_matches(m, p)]
        if len(candidates) == 1:
            candidates[0].add_alias(m.group("phrase"))
