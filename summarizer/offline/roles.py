"""Roles written out around a person's name: "Ana Souza, a senior analyst at the X Institute,",
"the chairman of the Y Authority, Ana Souza, said", "Minister of Digital Development and
Transport Ana Souza". Each found person is added to the :class:`~.aliases.Registry` with the
role as its description.
"""

from __future__ import annotations

import re

from . import lexicon as lx
from .aliases import Registry
from .backwards import capitals_between, name_run_start, reversed_text, run_starts
from .countries import COUNTRIES
from .mentions import (
    COUNTRY_MENTION, COUNTRY_NAMES, CROSSES_SENTENCE, DEMONYMS, NAME, NAME_AT_START, ORG_FORMS, ORG_MENTION,
    PLACE_BEFORE, POSSESSIVE, SPACE, SPEECH, UPPER, clean_name,
)
from .namecues import ROLE_CUE, TITLE_CUE, country_mentions
from .scanner import matches_at, starts
from .text import DATELINE, occurrences

__all__ = ["find_described"]

# "Ana Souza, a senior analyst at the X Institute," / "Ana Souza, director of the Y Agency (YA)."
# The apposition runs to the next comma, full stop, bracket or quote; it is a role when it is
# a noun phrase headed by a role noun (checked by _role_phrase).
_APPOSED_ROLE = re.compile(
    rf"(?P<name>{NAME_AT_START}),{SPACE}(?!(?:{SPEECH})\b)(?P<app>[^,;:()“”\"\n]{{3,160}}?)"
    rf"(?=[,;:(“”\"]|\.(?:\s|$)|{SPACE}(?:who|whose)\b|$)"
)
_CAPITALISED = rf"[{UPPER}][\w’'&.–-]*"
# "Ana Souza, who heads the X Association": the verb names the role
_WHO_HEADS = re.compile(
    rf"(?P<name>{NAME_AT_START}),{SPACE}who{SPACE}(?P<verb>heads|leads|chairs|runs|directs|manages){SPACE}"
    rf"(?P<body>(?:the{SPACE})?{_CAPITALISED}(?:{SPACE}(?:(?:of|for|and|on|the){SPACE}){{0,2}}{_CAPITALISED})*)"
)
_HEAD_NOUNS = {"heads": "Head", "leads": "Leader", "chairs": "Chair", "runs": "Head", "directs": "Director",
               "manages": "Manager"}
# ", Ana Souza," after a role phrase ("the chairman of the Y Authority, Ana Souza, said")
_COMMA_NAME = re.compile(rf",{SPACE}(?P<name>{NAME})(?=[,;:.]|{SPACE}(?:{SPEECH}|who)\b)")
# "Minister of Digital Development and Transport Ana Souza": a portfolio of several words ends
# with the word after "and"; the capitalised words after it are the name.
_PORTFOLIO_TITLE = re.compile(
    rf"\b(?P<title>(?:(?:Deputy|Vice|First{SPACE}Deputy){SPACE})?(?:Minister|Secretary|Commissioner|Minister{SPACE}of{SPACE}State))"
    rf"{SPACE}(?:of|for){SPACE}(?P<portfolio>(?:the{SPACE})?[{UPPER}][\w’'-]*(?:,?{SPACE}[{UPPER}][\w’'-]*){{0,3}}"
    rf"{SPACE}and{SPACE}[{UPPER}][\w’'-]*)"
    rf"{SPACE}(?P<name>[{UPPER}][\w’'-]+(?:{SPACE}[{UPPER}][\w’'-]+){{1,2}})\b"
)
# "Uzbek " or "Uzbekistan's " just before a portfolio title (compiled once: it is large)
_COUNTRY_BEFORE = re.compile(rf"(?:(?P<demonym>{DEMONYMS}){SPACE}|(?P<country>{COUNTRY_NAMES})['’]s{SPACE})$")
_ROLE_STOP = {"and", "or", "but", "by", "from", "with", "in", "on", "at", "to", "for", "of", "as", "while",
              "when", "said", "says", "told", "that", "which", "who", "is", "was", "were", "are", "has",
              "have", "had", "will", "would", "also", "after", "before", "during", "since", "like", "including",
              "between", "among", "than", "not", "its", "his", "her", "their", "our", "this", "these"}
_VERBISH = {"said", "says", "told", "is", "was", "were", "are", "has", "have", "had", "will", "would", "who",
            "which", "that", "could", "can", "may", "might", "should", "did", "does", "do", "been", "being"}
_ROLE_HEAD = set(lx.ROLE_NOUNS)
# a lower-case verb in the past ("received", "welcomed"): no modifier of a role noun
_PAST_VERB = re.compile(r"[a-z]{2,}ed$")


def _role_phrase(words: list[str], leading: bool) -> tuple[str, int] | None:
    """(role, index where its noun phrase starts) when ``words`` end in a noun phrase headed by a
    role noun and followed only by its complement ("of the X Agency", "for eastern Africa").

    With ``leading`` the phrase must start the words ("a senior analyst at the X Institute");
    otherwise it may start later ("... signed by Italy's minister for energy").
    """
    bare = [w.lower().strip("’'") for w in words]
    for i, word in enumerate(bare):
        head = POSSESSIVE.sub("", word)
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
            if low in _ROLE_STOP or low in _VERBISH or prev[:1].isdigit() or _PAST_VERB.match(prev):
                break  # "... Haugland received Indonesia's deputy foreign minister": the verb ends it
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
        owner = [k for k, w in enumerate(phrase) if POSSESSIVE.search(w) and k < i - j]
        if owner:
            k = owner[-1]
            whose = article + phrase[:k + 1]
            whose[-1] = POSSESSIVE.sub("", whose[-1])
            phrase = phrase[k + 1:] + ["of"] + whose
        if not phrase:
            return None
        role = " ".join(phrase)
        return role[:1].upper() + role[1:], j
    return None


# A capitalised run of a role phrase ("at the Caspian Energy Observatory in Tbilisi")
_BODY = re.compile(rf"{_CAPITALISED}(?:{SPACE}(?:(?:of|for|and|on|the){SPACE}){{0,2}}{_CAPITALISED})+")


# "Bharat Urvarak’s chairman": the owner of the role; "head of research at London shipbroker
# Harcourt Maritime": a name of two words or more that ends the phrase after a description
_OWNER_BODY = re.compile(rf"(?P<body>[{UPPER}][\w&.-]*(?:{SPACE}[{UPPER}][\w&.-]*)*)['’]s\b")
_LAST_BODY = re.compile(
    rf"\b(?:at|of|for)(?:{SPACE}the)?(?:{SPACE}[a-z][\w-]*)*(?:{SPACE}[{UPPER}][\w’'&.-]*)*?"
    rf"{SPACE}(?!(?:of|for|and|the|on|in|at|to|with|from)\b)[a-z][\w-]*"
    rf"{SPACE}(?P<body>[{UPPER}][\w’'&.-]*(?:{SPACE}[{UPPER}][\w’'&.-]*)+)$"
)


def _without_role(body: str) -> str:
    """"Head of the X Association" -> "X Association": a capitalised role before the body."""
    words = body.split()
    if words[0].lower() in _ROLE_HEAD and len(words) > 2 and words[1] in {"of", "for", "at"}:
        words = words[3:] if words[2] == "the" else words[2:]
    return " ".join(words)


def _described_affiliation(phrase: str, text: str) -> str | None:
    """Whom a role written out belongs to: the body named in it ("Senior analyst at the Caspian
    Energy Observatory"), or the state of a state's body ("chief of staff of the Indonesian
    Navy"), or a country or body of the lexicon named in it, or the body that owns the role
    ("Nordvik’s chief executive") or ends it ("at London shipbroker Harcourt Maritime")."""
    bodies = [_without_role(m.group()) for m in _BODY.finditer(phrase)
              if any(w in lx.ORG_HEADS for w in m.group().split())]
    if bodies:
        body = bodies[-1]
        parent = ORG_MENTION.match(body)
        if parent and len(body[parent.end():].split()) == 1:  # "the African Union Commission": the AU
            name, country = ORG_FORMS[parent.group("form")]
            return country or name.removeprefix("the ")
        if not any(w in lx.STATE_BODY_HEADS for w in body.split()):
            return body
        country = COUNTRY_MENTION.search(phrase)
        if country is None:
            counts = country_mentions(text)
            return counts.most_common(1)[0][0] if counts else None
    m = _LAST_BODY.search(phrase)  # before the country: "London" of "London shipbroker X" is a place
    if m and not COUNTRIES.resolve(m.group("body")):
        return m.group("body")
    m = COUNTRY_MENTION.search(phrase)
    if m:
        return COUNTRIES.resolve(m.group())
    m = ORG_MENTION.search(phrase)
    if m:
        name, country = ORG_FORMS[m.group("form")]
        return country or name.removeprefix("the ")
    m = _OWNER_BODY.search(phrase)
    return m.group("body") if m else None


# Back from a role noun over the apposition it can be in, to the comma that opens it.
_APPOSITION_BACK = re.compile(r"[^,;:()“”\"\n]{0,400},")


def _comma_opening(text: str, at: int) -> int | None:
    """The comma that opens the apposition holding ``at``, or None."""
    m = _APPOSITION_BACK.match(reversed_text(text), len(text) - at)
    return None if m is None else len(text) - m.end()


def _apposed_starts(text: str, roles: list[int]) -> list[int]:
    """Where "Ana Souza, a senior analyst at the X Institute" can start: the name before the comma
    that opens an apposition holding a role noun. A list of names before it ("Li Wei, Ana Souza,
    a senior analyst") is read too, as the full pass would match its first name and go on from
    the end of that apposition."""
    found: set[int] = set()
    commas = {c for c in (_comma_opening(text, at) for at in roles) if c is not None}
    seen: set[int] = set()
    while commas:
        comma = commas.pop()
        seen.add(comma)
        start = name_run_start(text, comma)
        if start is None:
            continue
        found.update(capitals_between(text, start, comma))
        before = _comma_opening(text, start)
        if before is not None and before not in seen:
            commas.add(before)
    return sorted(found)


_BREAK_BACK = re.compile(r"[.;:\n“”\"(]")


def _sentence_start(text: str, at: int) -> int:
    """The last of ``.;:`` a newline, a quotation mark or a bracket before ``at`` (-1 if none),
    found in one search of the reversed text."""
    m = _BREAK_BACK.search(reversed_text(text), len(text) - at)
    return -1 if m is None else len(text) - 1 - m.start()



def find_described(text: str, registry: Registry) -> None:
    """People whose role is written out around their name with commas."""
    for m in matches_at(_APPOSED_ROLE, text, _apposed_starts(text, starts(text, ROLE_CUE))):
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        start = m.start("name") + len(m.group("name")) - len(name)
        if PLACE_BEFORE.search(text, max(0, start - 12), start) or CROSSES_SENTENCE.search(
                text, start, m.end("name")):
            continue
        found = _role_phrase(m.group("app").split(), leading=True)
        if found is None:
            continue
        role, _ = found
        person = registry.add(name, m.start("name"), affiliation=_described_affiliation(m.group("app"), text))
        person.described = person.described or role
    for m in _COMMA_NAME.finditer(text):
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2 or name != " ".join(m.group("name").split()):
            continue
        sentence_start = _sentence_start(text, m.start())
        dateline = DATELINE.match(text, sentence_start + 1, m.start())  # "ACCRA – " opens no role
        if dateline:
            sentence_start = dateline.end() - 1
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
        person = registry.add(name, m.start("name"), affiliation=_described_affiliation(" ".join(phrase_words), text),
                              alias=alias)
        person.described = person.described or role
    commas = occurrences(text, ", who ")
    for m in matches_at(_WHO_HEADS, text, run_starts(text, commas)) if commas else ():
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        body = " ".join(m.group("body").split()).rstrip(".")
        role = f"{_HEAD_NOUNS[m.group('verb')]} of {body}"
        person = registry.add(name, m.start("name"), affiliation=_described_affiliation(body, text))
        person.described = person.described or role
    # it starts with "Deputy", "Vice", "First", "Minister", "Secretary" or "Commissioner"
    portfolios = [at for at in starts(text, TITLE_CUE) if text[at] in "DVFMSC"]
    for m in matches_at(_PORTFOLIO_TITLE, text, portfolios):
        name = clean_name(m.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        portfolio = " ".join(m.group("portfolio").split())
        title = " ".join(m.group("title").split())
        before = text[max(0, m.start() - 40):m.start()]
        country = _COUNTRY_BEFORE.search(before)
        affiliation = COUNTRIES.resolve(country.group("demonym") or country.group("country")) if country else None
        person = registry.add(name, m.start("name"), affiliation=affiliation,
                              alias=text[m.start():m.end()])
        person.described = person.described or f"{title} of {portfolio}"
