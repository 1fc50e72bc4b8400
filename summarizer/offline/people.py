"""Participants: people found by their titles, appositions and verbs of saying; organizations that speak.

People are found from four cues of news style: a title before a name ("Russian President
Vladimir Putin", "Foreign Ministry spokesperson Mao Ning"), an apposition after it
("Ana Souza, Brazil's foreign minister,"), a verb of saying after it ("Ana Souza said"),
and "his Russian counterpart Vladimir Putin". Mentions of one person (surname only,
title forms, "the Russian leader") are merged under the fullest name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import alternation

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_TOKEN = rf"[{UPPER}][\w’'\-]*\.?"
_PARTICLE = "|".join(re.escape(p) for p in lx.NAME_PARTICLES)
NAME = rf"{_TOKEN}(?:[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+)?{_TOKEN}){{0,3}}"
# "\b" + NAME at the start of a pattern, with the word boundary checked behind the capital
# ("(?<!\w.)" after it): the pattern then starts with a character class, and the engine
# jumps from capital to capital instead of trying every position.
_NAME_AT_START = rf"[{UPPER}](?<!\w.)[\w’'\-]*\.?(?:[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+)?{_TOKEN}){{0,3}}"


def _alt(words) -> str:
    return alternation(words)


_DEMONYMS = _alt(COUNTRIES.by_demonym)
_COUNTRY_NAMES = _alt([n for n in COUNTRIES.by_name if not n.startswith("the ")])
ORG_FORMS: dict[str, tuple[str, str | None]] = {}  # surface form -> (organization name, country)
for _forms, _country in lx.ORGANIZATIONS:
    for _form in _forms:
        ORG_FORMS[_form] = (_forms[0], _country)
_NATIONAL_ORG_NAMES = {name for name, country in ORG_FORMS.values() if country}
_ORGS = _alt([f for f in ORG_FORMS if not f.startswith("the ")])
_TITLES = _alt(lx.TITLES)
_DEPTS = _alt(lx.MINISTRIES)
_SPEECH = _alt(lx.SPEECH_VERBS)
_SPACE = r"[ \u00a0]+"

# "Russian President Vladimir Putin", "Chinese Foreign Ministry spokesperson Mao Ning",
# "President of Kazakhstan Kassym-Jomart Tokayev", "NATO Secretary-General Jens X".
def _first_letter_guard(words) -> str:
    """A look at the next character: can it start one of ``words`` (case-insensitively)?

    Put before a case-insensitive trie, it turns most positions away with one test
    instead of the trie's slow case-folding compares.
    """
    return "(?=(?i:[" + "".join(sorted({re.escape(w[0].lower()) for w in words if w})) + "]))"


_TITLE_NAME = re.compile(
    rf"\b(?:(?:(?P<demonym>{_DEMONYMS})|(?P<country>{_COUNTRY_NAMES})['’]s|(?P<org>{_ORGS})){_SPACE}"
    rf"(?P<unit>(?:[{UPPER}][a-z]+{_SPACE}){{1,3}}(?=(?i:spokes|press|chief|head|director|commander|chair)))?)?"
    rf"(?:{_first_letter_guard(lx.MINISTRIES)}(?i:(?P<dept>{_DEPTS})){_SPACE})?"
    rf"\b{_first_letter_guard(lx.TITLES)}(?P<title>(?i:{_TITLES}))"
    rf"(?:{_SPACE}(?i:of|for){_SPACE}(?:the{_SPACE})?(?P<of>{_COUNTRY_NAMES}|{_ORGS}))?"
    rf",?{_SPACE}(?P<name>{NAME})"
)
# "Ana Souza, Brazil's foreign minister," / "Li Wei, the Chinese foreign minister,"
_APPOSITION = re.compile(
    rf"(?P<name>{_NAME_AT_START}),{_SPACE}(?:(?i:the|a|an){_SPACE})?"
    rf"(?:(?P<demonym>{_DEMONYMS}){_SPACE}|(?P<country>{_COUNTRY_NAMES})['’]s{_SPACE}|(?P<org>{_ORGS}){_SPACE})?"
    rf"(?:(?i:(?P<dept>{_DEPTS})){_SPACE})?"
    rf"(?P<title>(?i:{_TITLES}))\b"
    rf"(?:{_SPACE}(?i:of|for|to|at){_SPACE}(?:the{_SPACE})?(?:(?P<odemonym>{_DEMONYMS}){_SPACE})?"
    rf"(?:(?i:(?P<odept>{_DEPTS}))|(?P<of>{_COUNTRY_NAMES}|{_ORGS})))?"
)
# "Ana Souza said", "Ana Souza, for her part, noted"
_SAID = re.compile(rf"(?P<name>{_NAME_AT_START})(?:,(?P<aside>[^,.;“”\"]{{1,40}}),)?{_SPACE}(?:\w+ly{_SPACE})?(?:{_SPEECH})\b")
_ASIDE_NAME = re.compile(rf"{_SPACE}(?P<name>{NAME})")
# A capitalised run after one of these is a place or part of a longer name ("in Kuala Lumpur",
# "the Cape of Good Hope"), not a person.
_PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|near|into|across|outside|inside|of|the|The|around|off)[ \u00a0]+)$")
# A name run that crosses a sentence end ("... Policy. She noted"): not one name.
_CROSSES_SENTENCE = re.compile(r"[a-zà-ÿ]{2,}\.[ \u00a0]")
# ', said Ana Souza'
_SAID_INVERTED = re.compile(rf"[,”\"]{_SPACE}(?:{_SPEECH}){_SPACE}(?P<name>{NAME})")
# "his Russian counterpart Vladimir Putin"
_COUNTERPART = re.compile(
    rf"\b(?:his|her|their|its)?{_SPACE}?(?:(?P<demonym>{_DEMONYMS}){_SPACE})?counterparts?,?{_SPACE}(?P<name>{NAME})"
)
# "the Russian leader", "Russian president", "the Chinese foreign minister" (no name after)
_NATIONAL_TITLE = re.compile(
    rf"\b(?P<phrase>(?:(?i:the){_SPACE})?(?P<demonym>{_DEMONYMS}){_SPACE}"
    rf"(?P<title>(?i:leader|head of state|{_TITLES})))\b(?!{_SPACE}(?:[{UPPER}]|of\b))"
)
_BARE_TITLE = re.compile(
    rf"[Tt](?<!\w.)he{_SPACE}(?P<title>(?i:{_TITLES}))\b(?!{_SPACE}(?:[{UPPER}]|of\b))(?![’'-])"
)
_DEPT_ORG = re.compile(
    rf"\b(?:(?i:the){_SPACE})?(?:(?P<demonym>{_DEMONYMS}){_SPACE}|(?P<country>{_COUNTRY_NAMES})['’]s{_SPACE})?"
    rf"(?P<dept>(?:Foreign|Defen[cs]e|Interior|Finance|Economy|Energy|Trade|Emergencies|Health|Justice){_SPACE}Ministry"
    rf"|Ministry{_SPACE}of{_SPACE}(?:Foreign{_SPACE}Affairs|Defen[cs]e|Finance|Energy|Economy|the{_SPACE}Interior)"
    rf"|State{_SPACE}Department|Foreign{_SPACE}Office)"
    rf"(?:{_SPACE}of{_SPACE}(?:the{_SPACE})?(?P<of>{_COUNTRY_NAMES}))?"
)
# "Ana Souza, a senior analyst at the X Institute," / "Ana Souza, director of the Y Agency (YA)."
# The apposition runs to the next comma, full stop, bracket or quote; it is a role when it is
# a noun phrase headed by a role noun (checked by _role_phrase).
_APPOSED_ROLE = re.compile(
    rf"(?P<name>{_NAME_AT_START}),{_SPACE}(?P<app>[^,;:()“”\"\n]{{3,160}}?)"
    rf"(?=[,;:(“”\"]|\.(?:\s|$)|{_SPACE}(?:who|whose)\b|$)"
)
# ", Ana Souza," after a role phrase ("the chairman of the Y Authority, Ana Souza, said")
_COMMA_NAME = re.compile(rf",{_SPACE}(?P<name>{NAME})(?=[,;:.]|{_SPACE}(?:{_SPEECH}|who)\b)")
# "Minister of Digital Development and Transport Ana Souza": a portfolio of several words ends
# with the word after "and"; the capitalised words after it are the name.
_PORTFOLIO_TITLE = re.compile(
    rf"\b(?P<title>(?:(?:Deputy|Vice|First{_SPACE}Deputy){_SPACE})?(?:Minister|Secretary|Commissioner|Minister{_SPACE}of{_SPACE}State))"
    rf"{_SPACE}(?:of|for){_SPACE}(?P<portfolio>(?:the{_SPACE})?[{UPPER}][\w’'-]*(?:,?{_SPACE}[{UPPER}][\w’'-]*){{0,3}}"
    rf"{_SPACE}and{_SPACE}[{UPPER}][\w’'-]*)"
    rf"{_SPACE}(?P<name>[{UPPER}][\w’'-]+(?:{_SPACE}[{UPPER}][\w’'-]+){{1,2}})\b"
)
_ROLE_STOP = {"and", "or", "but", "by", "from", "with", "in", "on", "at", "to", "for", "of", "as", "while",
              "when", "said", "says", "told", "that", "which", "who", "is", "was", "were", "are", "has",
              "have", "had", "will", "would", "also", "after", "before", "during", "since", "like", "including",
              "between", "among", "than", "not", "its", "his", "her", "their", "our", "this", "these"}
_VERBISH = {"said", "says", "told", "is", "was", "were", "are", "has", "have", "had", "will", "would", "who",
            "which", "that", "could", "can", "may", "might", "should", "did", "does", "do", "been", "being"}
_ROLE_HEAD = set(lx.ROLE_NOUNS)
_THE_MINISTRY = re.compile(r"\b[Tt]he[ \u00a0]+(?:[Ff]oreign[ \u00a0]+)?[Mm]inistry\b(?![ \u00a0]+of\b)")
_ORG_HEADS = _alt(lx.ORG_HEADS)
_CAP = rf"[{UPPER}][\w’'&-]*"
# "the Asian Development Bank", "the paramilitary Rapid Support Forces (RSF)", "the Czech Ministry of
# Foreign Affairs": a run of capitalised words ending in (or headed by) an organization noun.
_NAMED_ORG = re.compile(
    rf"(?<![\w’'-])(?P<name>(?:(?P<demonym>{_DEMONYMS}){_SPACE})?"
    rf"(?:(?:{_CAP}{_SPACE}(?:(?:of|for|and|on|the){_SPACE}){{0,2}}){{1,6}}(?P<head>{_ORG_HEADS})(?!{_SPACE}(?:of|for){_SPACE}(?:the{_SPACE})?[{UPPER}])"
    rf"|(?P<head2>Ministry|Department|Office|Agency|Directorate|Secretariat){_SPACE}(?:of|for){_SPACE}(?:the{_SPACE})?"
    rf"{_CAP}(?:{_SPACE}(?:(?:and|of|the|for){_SPACE})?{_CAP}){{0,5}}))"
    rf"(?![\w’'-])(?:{_SPACE}\((?P<abbr>[{UPPER}][{UPPER}A-Za-z]{{1,7}})\))?"
)
# Every named organization holds one of these words (first words of the heads: a space in
# a head matches any run of spaces): an article without any is not scanned for them.
_NAMED_ORG_WORDS = tuple({h.split()[0] for h in lx.ORG_HEADS}
                         | {"Ministry", "Department", "Office", "Agency", "Directorate", "Secretariat"})
_HEAD_AFTER = re.compile(rf"{_SPACE}(?:{_ORG_HEADS})(?![\w’'-])")
# "Nepal's labour ministry", "the Russian embassy in Prague"
_DEPT_WORD = re.compile(r"\b(?:ministry|embassy|consulate|mission)\b")
_LOWER_DEPT = re.compile(
    rf"(?:\b(?P<the>[Tt]he){_SPACE})?(?:(?P<country>{_COUNTRY_NAMES})['’]s{_SPACE}|(?P<demonym>{_DEMONYMS}){_SPACE})"
    rf"(?P<dept>(?:[a-z]+{_SPACE}){{0,2}}(?:ministry|embassy|consulate|mission))\b"
    rf"(?:{_SPACE}in{_SPACE}(?P<place>[{UPPER}][\w’'-]+))?"
)
_ORG_MENTION = re.compile(rf"\b(?:(?P<the>[Tt]he){_SPACE})?(?P<form>{_ORGS})\b")


@dataclass
class Participant:
    """A person or organization while it is being built."""

    name: str
    kind: str = "person"
    title: str | None = None
    affiliation: str | None = None
    dept: str | None = None
    org: str | None = None  # international organization of the title ("NATO Secretary-General")
    aliases: list[str] = field(default_factory=list)
    first: int = 0
    counterpart_of: str | None = None  # name of the person whose counterpart this is
    described: str | None = None  # role written out in an apposition ("Senior Analyst at the X Institute")

    def add_alias(self, alias: str) -> None:
        alias = " ".join(alias.split())
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def role(self) -> str | None:
        if not self.title:
            return self.described
        if self.described and self.title.lower() in self.described.lower() and self.title.lower() != "minister" \
                and len(self.described.split()) > len(self.title.split()) + 1:
            return self.described  # "Deputy governor of the bank" says more than "Governor"
        where = self.affiliation
        if self.dept and self.dept in _NATIONAL_ORG_NAMES:
            return f"{self.title} of {self.dept}"
        if self.dept:
            base = f"{self.title} of the {self.dept}"
            return f"{base} of {where}" if where and where != self.org else base
        if self.org:
            return f"{self.title} of {self.org}"
        return f"{self.title} of {where}" if where else self.title


def _clean_name(raw: str) -> str | None:
    """The name without trailing possessive, non-name words and places; None if nothing is left
    or if it is the name of an organization ("Suez Canal Authority")."""
    tokens = raw.replace("\u00a0", " ").split()
    if tokens and tokens[-1].rstrip(".,") in lx.ORG_HEADS | {"Corp", "Ltd", "Inc"}:
        return None
    if tokens:
        tokens[-1] = re.sub(r"['’]s$", "", tokens[-1]).rstrip(".")
    while tokens and _bad_token(tokens[-1]):
        tokens.pop()
    # keep the last run of name-like tokens: "Trade Minister Ana Souza" -> "Ana Souza"
    for i in range(len(tokens) - 1, -1, -1):
        if _bad_token(tokens[i]):
            tokens = tokens[i + 1:]
            break
    if not tokens:
        return None
    if tokens[-1].lower() in lx.NAME_PARTICLES:
        return None
    return " ".join(tokens)


def _bad_token(token: str) -> bool:
    bare = token.rstrip(".,")
    return (bare in lx.NON_NAME_WORDS or COUNTRIES.is_place_word(re.sub(r"['’]s$", "", bare)) or bare in ORG_FORMS
            or bare.isupper() and len(bare) > 1 or bare.lower() in lx.TITLES or bare.endswith(".")
            and len(bare) > 2)


def _affiliation(m: re.Match) -> tuple[str | None, str | None]:
    """(country or organization, international organization) from a title match's groups."""
    groups = m.groupdict()
    for key in ("demonym", "odemonym"):
        if groups.get(key):
            return COUNTRIES.resolve(groups[key]), None
    if groups.get("country"):
        return COUNTRIES.resolve(groups["country"]), None
    for key in ("org", "of"):
        value = groups.get(key)
        if value:
            if value in ORG_FORMS:
                org_name, country = ORG_FORMS[value]
                return (country, None) if country else (org_name.removeprefix("the "), org_name)
            return COUNTRIES.resolve(value), None
    return None, None


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


class _Registry:
    """People found so far, merged by name."""

    def __init__(self) -> None:
        self.people: dict[str, Participant] = {}
        self.renamed: dict[str, str] = {}  # merged short name -> full name

    def add(self, name: str, pos: int, title: str | None = None, affiliation: str | None = None,
            dept: str | None = None, org: str | None = None, alias: str | None = None) -> Participant:
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = Participant(name=name, first=pos)
        person.first = min(person.first, pos)
        if title and not person.title:
            person.title = title
        if affiliation and not person.affiliation:
            person.affiliation = affiliation
        if dept and not person.dept:
            person.dept = dept
        if org and not person.org:
            person.org = org
        if alias:
            person.add_alias(alias)
        return person

    def merge_short_names(self) -> None:
        """"Putin" or "Mr Putin" joins "Vladimir Putin" when the longer name ends with it."""
        names = sorted(self.people, key=lambda n: -len(n.split()))
        for name in names:
            if name not in self.people:
                continue
            for other in list(self.people):
                if other == name or other not in self.people:
                    continue
                if len(other.split()) < len(name.split()) and (name.endswith(" " + other) or (
                        len(other.split()) == 1 and name.startswith(other + " ")
                        and not any(n.endswith(" " + other) or n != name and n.startswith(other + " ")
                                    for n in self.people))):
                    short = self.people.pop(other)
                    full = self.people[name]
                    self.renamed[other] = name
                    full.first = min(full.first, short.first)
                    for attr in ("title", "affiliation", "dept", "org", "counterpart_of", "described"):
                        if getattr(full, attr) is None:
                            setattr(full, attr, getattr(short, attr))
                    for alias in [short.name, *short.aliases]:
                        full.add_alias(alias)


def find_people(text: str) -> list[Participant]:
    """People named in the article, with title, affiliation and aliases."""
    registry = _Registry()
    for m in _TITLE_NAME.finditer(text):
        name = _clean_name(m.group("name"))
        if name is None:
            continue
        title = lx.TITLES[" ".join(m.group("title").lower().split())]
        affiliation, org = _affiliation(m)
        alias = text[m.start("title"):m.start("name")] + name if title else None
        registry.add(name, m.start("name"), title or None, affiliation, _dept(m), org, alias)
    for m in _APPOSITION.finditer(text):
        name = _clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        title = lx.TITLES[" ".join(m.group("title").lower().split())]
        affiliation, org = _affiliation(m)
        registry.add(name, m.start("name"), title or None, affiliation, _dept(m), org)
    _find_described(text, registry)
    for pattern in (_SAID, _SAID_INVERTED):
        for m in pattern.finditer(text):
            raw, start = m.group("name"), m.start("name")
            aside = m.groupdict().get("aside")
            inner = _ASIDE_NAME.fullmatch(aside) if aside else None
            if inner:  # "the chairman of the X Authority, Ana Souza, said": the aside is the speaker
                raw, start = inner.group("name"), m.start("aside") + inner.start("name")
            elif _CROSSES_SENTENCE.search(raw) or _PLACE_BEFORE.search(text, max(0, start - 12), start):
                continue
            name = _clean_name(raw)
            if name is None:
                continue
            known = any(p == name or p.endswith(" " + name) for p in registry.people)
            if len(name.split()) >= 2 or known:
                registry.add(name, start)
    for m in _COUNTERPART.finditer(text) if "counterpart" in text else ():
        name = _clean_name(m.group("name"))
        if name is None:
            continue
        affiliation = COUNTRIES.resolve(m.group("demonym")) if m.group("demonym") else None
        subject = _subject_before(registry, text, m.start())
        person = registry.add(name, m.start("name"), affiliation=affiliation)
        if subject is not None and subject.name != name:
            person.counterpart_of = subject.name
    registry.merge_short_names()
    people = sorted(registry.people.values(), key=lambda p: p.first)
    for person in people:
        if person.counterpart_of in registry.renamed:
            person.counterpart_of = registry.renamed[person.counterpart_of]
    _resolve_counterparts(people, text)
    _add_surname_aliases(people, text)
    _add_national_aliases(people, text)
    return people


def _role_phrase(words: list[str], leading: bool) -> tuple[str, int] | None:
    """(role, index where its noun phrase starts) when ``words`` end in a noun phrase headed by a
    role noun and followed only by its complement ("of the X Agency", "for eastern Africa").

    With ``leading`` the phrase must start the words ("a senior analyst at the X Institute");
    otherwise it may start later ("... signed by Italy's minister for energy").
    """
    bare = [w.lower().strip("’'") for w in words]
    for i, word in enumerate(bare):
        head = re.sub(r"['’]s$", "", word)
        if head not in _ROLE_HEAD or head != word:
            continue
        rest = bare[i + 1:]
        if rest and rest[0] in _ROLE_HEAD:
            continue  # "chief executive", "managing director": the last role noun is the head
        if rest and rest[0] not in {"of", "for", "to", "at", "in", "on", "with", "and"}:
            continue
        if any(w in _VERBISH for w in rest) or len(rest) > 14:
            return None
        # back over the modifiers of the head to a determiner, a possessive or the start
        j = i
        while j > 0:
            prev = words[j - 1]
            low = bare[j - 1]
            if low in {"a", "an", "the"}:
                j -= 1
                break
            if low in _ROLE_STOP or low in _VERBISH or prev[:1].isdigit():
                break
            j -= 1
        if leading and j != 0:
            return None
        if not leading and j == i and not words[i][:1].isupper():
            return None  # "... met the press secretary": a bare lower-case noun, no determiner
        phrase = words[j:]
        article: list[str] = []
        if phrase and phrase[0].lower() in {"a", "an", "the"}:
            article, phrase = [phrase[0].lower()], phrase[1:]
        # "the pipeline company's managing director" -> "managing director of the pipeline company"
        owner = [k for k, w in enumerate(phrase) if re.search(r"['’]s$", w) and k < i - j]
        if owner:
            k = owner[-1]
            whose = article + phrase[:k + 1]
            whose[-1] = re.sub(r"['’]s$", "", whose[-1])
            phrase = phrase[k + 1:] + ["of"] + whose
        if not phrase:
            return None
        role = " ".join(phrase)
        return role[:1].upper() + role[1:], j
    return None


def _described_affiliation(phrase: str) -> str | None:
    m = _COUNTRY_MENTION.search(phrase)
    if m:
        return COUNTRIES.resolve(m.group())
    m = _ORG_MENTION.search(phrase)
    if m:
        name, country = ORG_FORMS[m.group("form")]
        return country or name.removeprefix("the ")
    return None


def _find_described(text: str, registry: _Registry) -> None:
    """People whose role is written out around their name with commas."""
    for m in _APPOSED_ROLE.finditer(text):
        name = _clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        start = m.start("name") + len(m.group("name")) - len(name)
        if _PLACE_BEFORE.search(text, max(0, start - 12), start) or _CROSSES_SENTENCE.search(
                text, start, m.end("name")):
            continue
        found = _role_phrase(m.group("app").split(), leading=True)
        if found is None:
            continue
        role, _ = found
        person = registry.add(name, m.start("name"), affiliation=_described_affiliation(m.group("app")))
        person.described = person.described or role
    for m in _COMMA_NAME.finditer(text):
        name = _clean_name(m.group("name"))
        if name is None or len(name.split()) < 2 or name != " ".join(m.group("name").split()):
            continue
        sentence_start = max(text.rfind(c, 0, m.start()) for c in ".;:\n“”\"(")
        segments = text[sentence_start + 1:m.start()].split(",")
        words: list[str] = []
        found = None
        # "Minister of Higher Education, Science and Innovation, Ana Souza": a portfolio may hold commas
        for depth, segment in enumerate(reversed(segments[-3:])):
            words = segment.split() + ([","] if depth else []) + words
            found = _role_phrase([w for w in words if w != ","], leading=False)
            if found or not all(w[:1].isupper() or w in {"and", ",", "of", "the"} for w in segment.split()):
                break
        if found is None:
            continue
        role, at = found
        phrase_words = [w for w in words if w != ","][at:]
        alias = " ".join(phrase_words) + ", " + name
        person = registry.add(name, m.start("name"), affiliation=_described_affiliation(" ".join(phrase_words)),
                              alias=alias)
        person.described = person.described or role
    for m in _PORTFOLIO_TITLE.finditer(text) if _has_any(text, ("Minister", "Secretary", "Commissioner")) else ():
        name = _clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        portfolio = " ".join(m.group("portfolio").split())
        title = " ".join(m.group("title").split())
        before = text[max(0, m.start() - 40):m.start()]
        country = re.search(rf"(?:(?P<demonym>{_DEMONYMS}){_SPACE}|(?P<country>{_COUNTRY_NAMES})['’]s{_SPACE})$", before)
        affiliation = COUNTRIES.resolve(country.group("demonym") or country.group("country")) if country else None
        person = registry.add(name, m.start("name"), affiliation=affiliation,
                              alias=text[m.start():m.end()])
        person.described = person.described or f"{title} of {portfolio}"


def _subject_before(registry: _Registry, text: str, pos: int) -> Participant | None:
    """The person named last before ``pos`` (the subject of "met his counterpart")."""
    best, best_pos = None, -1
    for person in registry.people.values():
        for form in [person.name, *person.aliases]:
            at = text.rfind(form, 0, pos)
            if at > best_pos:
                best, best_pos = person, at
    return best


def country_mentions(text: str) -> Counter:
    """How often each country is named or referred to by its demonym."""
    counts: Counter = Counter()
    for m in _COUNTRY_MENTION.finditer(text):
        country = COUNTRIES.resolve(m.group())
        if country:
            counts[country] += 1
    return counts


_COUNTRY_MENTION = re.compile(rf"\b(?:{_COUNTRY_NAMES}|{_DEMONYMS})(?![\w])")


def _resolve_counterparts(people: list[Participant], text: str) -> None:
    """A counterpart holds the same title as the other party; either one's missing country
    falls back to the article's most mentioned country not taken by the other."""
    by_name = {p.name: p for p in people}
    counts = country_mentions(text)
    for person in people:
        other = by_name.get(person.counterpart_of or "")
        if other is None:
            continue
        if person.title is None and other.title:
            person.title = other.title
        if other.title is None and person.title:
            other.title = person.title
    for person in people:
        if person.affiliation or person.title not in lx.STATE_TITLES:
            continue
        taken = {p.affiliation for p in people if p is not person and p.title == person.title and p.affiliation}
        for country, _ in counts.most_common():
            if country not in taken:
                person.affiliation = country
                break


def _add_surname_aliases(people: list[Participant], text: str) -> None:
    """Surname-only mentions ("Putin", "Rahmon's") become aliases of the full name.

    The last word is tried first; the first word too, for names written family name
    first ("Lin Haoran" ... "Lin said").
    """
    words = Counter(w for p in people if len(p.name.split()) > 1 for w in {p.name.split()[0], p.surname})
    for person in people:
        parts = person.name.split()
        if len(parts) < 2:
            continue
        full = [m.start() for m in re.finditer(re.escape(person.name).replace(r"\ ", r"[ \u00a0]+"), text)]
        for candidate in (parts[-1], parts[0]):
            if words[candidate] > 1 or _bad_token(candidate):
                continue
            pattern = re.compile(rf"(?<![\w-]){re.escape(candidate)}(?![\w-])(?![ \u00a0]+[{UPPER}])")
            if any(not any(s <= m.start() < s + len(person.name) + 2 for s in full) for m in pattern.finditer(text)):
                person.add_alias(candidate)
                break


def _title_matches(word: str, title: str | None) -> bool:
    word = " ".join(word.lower().split())
    if title is None:
        return False
    if word == "minister":  # "the Uzbek minister" for a foreign, defence... minister
        return title.endswith("Minister")
    if word in lx.LEADER_WORDS and title in lx.HEAD_TITLES:
        return word in {"leader", "head of state", "monarch"} or lx.TITLES.get(word) == title
    return lx.TITLES.get(word) == title


def _add_national_aliases(people: list[Participant], text: str) -> None:
    """"the Russian leader", "Russian president" join the person of that country and title;
    "the spokesperson" joins the only person with that title."""
    for m in _BARE_TITLE.finditer(text):
        candidates = [p for p in people if p.kind == "person" and _title_matches(m.group("title"), p.title)]
        if len(candidates) > 1:  # "the spokesperson" vs "the spokesman": the one introduced with that word
            written = m.group("title").lower()
            candidates = [p for p in candidates if any(a.lower().startswith(written + " ") for a in p.aliases)]
        if len(candidates) == 1 and m.group("title").lower() not in {"minister", "leader"}:
            candidates[0].add_alias(m.group())
    for m in _NATIONAL_TITLE.finditer(text):
        country = COUNTRIES.resolve(m.group("demonym"))
        candidates = [p for p in people if p.kind == "person" and p.affiliation == country
                      and _title_matches(m.group("title"), p.title)]
        if len(candidates) == 1:
            candidates[0].add_alias(m.group("phrase"))


# --- organizations ----------------------------------------------------------------------


def find_organizations(text: str) -> list[Participant]:
    """Every organization named (lexicon or a ministry); the caller keeps those that speak or act."""
    found: dict[tuple[str, str | None], Participant] = {}
    for m in _ORG_MENTION.finditer(text):
        if _HEAD_AFTER.match(text, m.end()):
            continue  # "the ASEAN Secretariat": a body of its own, found by _find_named_orgs
        name, country = ORG_FORMS[m.group("form")]
        key = (name, None)
        surface = text[m.start():m.end()] if m.group("the") else m.group("form")
        org = found.get(key)
        if org is None:
            org = found[key] = Participant(name=name, kind="organization", affiliation=country or
                                           name.removeprefix("the "), first=m.start())
        if _fold(surface) != _fold(org.name):
            org.add_alias(surface)
    for m in _DEPT_ORG.finditer(text) if _has_any(text, ("Ministry", "Department", "Office")) else ():
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
    ministries = [o for (dept, _), o in found.items() if dept.startswith("Ministry") or dept == "State Department"
                  or o.name.lower().endswith("ministry") or "Ministry of" in o.name]
    if len(ministries) == 1:  # "the ministry said" can only be that one
        for m in _THE_MINISTRY.finditer(text) if "inistry" in text else ():
            ministries[0].add_alias(m.group())
    for org in found.values():
        org.aliases = [a for a in org.aliases if _fold(a) != _fold(org.name)]
    return sorted(found.values(), key=lambda p: p.first)


def _find_named_orgs(text: str, found: dict[tuple[str, str | None], Participant]) -> None:
    """Organizations named by a capitalised run ending in an organization noun, or by a country's
    lower-case department ("Nepal's labour ministry"); "the agency" joins the only agency."""
    known = {_fold(f) for o in found.values() for f in [o.name, *o.aliases]}
    heads: dict[str, list[Participant]] = {}
    for m in _NAMED_ORG.finditer(text) if _has_any(text, _NAMED_ORG_WORDS) else ():
        name = " ".join(m.group("name").split())
        first = name.split()[0]
        if first in lx.NON_NAME_WORDS and first not in lx.ORG_HEADS and not m.group("demonym"):
            name = name.split(" ", 1)[1] if " " in name else ""  # "The", "In": not part of the name
        country = COUNTRIES.resolve(m.group("demonym")) if m.group("demonym") else None
        owner = re.match(r"(\S+)['’]s ", name)
        if owner and COUNTRIES.resolve(owner.group(1)):  # "Indonesia's Maritime Security Agency"
            country, name = COUNTRIES.resolve(owner.group(1)), name[owner.end():]
        if len(name.split()) < 2 or _fold(name) in known or _fold("the " + name) in known:
            continue
        if any(k.endswith(" " + _fold(name)) or _fold(name).endswith(" " + k) for k in known if len(k.split()) > 1):
            continue  # "the UN Security Council" is already known
        key = (name, country)
        org = found.get(key)
        if org is None:
            org = found[key] = Participant(name=name, kind="organization", affiliation=country or name,
                                           first=m.start("name"))
            head = (m.group("head") or m.group("head2")).lower()
            heads.setdefault(head, []).append(org)
        if m.group("abbr"):
            org.add_alias(m.group("abbr"))
        known.add(_fold(name))
    lower_depts = []
    for hit in _DEPT_WORD.finditer(text):  # only look back from "ministry", "embassy"...: much faster
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
        if key not in found and _fold(name) not in known:
            found[key] = Participant(name=name, kind="organization", affiliation=country, first=start)
            if m.group("the"):
                found[key].add_alias(text[m.start():m.end()])
            heads.setdefault(dept, []).append(found[key])
    for head, orgs in heads.items():
        if len(orgs) == 1 and head not in {"government", "forces", "force", "army", "union", "party"}:
            for m in re.finditer(rf"\b[Tt]he{_SPACE}{re.escape(head)}\b(?![ \u00a0]+(?:of|for)\b)", text):
                orgs[0].add_alias(m.group())


def _has_any(text: str, words) -> bool:
    """Whether any of ``words`` occurs in ``text``: a cheap test before a costly pattern that needs one."""
    return any(word in text for word in words)


def _fold(s: str) -> str:
    return " ".join(s.casefold().split())
