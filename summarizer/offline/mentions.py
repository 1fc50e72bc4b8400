"""Pieces shared by the finders of people and organizations: name, country and organization
patterns, and the tests that tell a word of a person's name from a title, place or body.

Regexes here are strings to build patterns with (``NAME``, ``DEMONYMS``, ``ORGS``...),
except the compiled ``ORG_MENTION``, ``COUNTRY_MENTION``, ``PLACE_BEFORE`` and
``CROSSES_SENTENCE``. Titles come from :data:`summarizer.names.TITLES`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..names import TITLE_ABBREVIATIONS, TITLES
from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import SPACE, alternation

__all__ = [
    "COUNTRY_MENTION", "COUNTRY_NAMES", "CROSSES_SENTENCE", "DEMONYMS", "DEPTS", "MODIFIERS", "NAME", "NAME_AT_START",
    "NATIONAL_ORG_NAMES", "ORGS", "ORG_FORMS", "ORG_MENTION", "PLACE_BEFORE", "POSSESSIVE", "SPACE", "SPEECH",
    "TITLE_FORMS", "UPPER", "clean_name", "first_letter_guard", "has_any", "not_name_word", "split_title",
    "up_to_sentence_end",
]

UPPER = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
_TOKEN = rf"[{UPPER}][\w’'\-]*\.?"
_PARTICLE = "|".join(re.escape(p) for p in lx.NAME_PARTICLES)
# a later word may carry an Arabic article: "Adel bin Fahad al-Otaibi", "Omar el-Sayed"
_LATER_TOKEN = rf"(?:(?:{'|'.join(lx.ARTICLE_PREFIXES)})-)?{_TOKEN}"
# up to two particles between words: "Ursula van der Berg", "Maria da Silva dos Santos"
NAME = rf"{_TOKEN}(?:[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+){{0,2}}{_LATER_TOKEN}){{0,3}}"
# "\b" + NAME at the start of a pattern, with the word boundary checked behind the capital
# ("(?<!\w.)" after it): the pattern then starts with a character class, and the engine
# jumps from capital to capital instead of trying every position.
NAME_AT_START = rf"[{UPPER}](?<!\w.)[\w’'\-]*\.?(?:[ \u00a0]+(?:(?:{_PARTICLE})[ \u00a0]+){{0,2}}{_LATER_TOKEN}){{0,3}}"


DEMONYMS = alternation(COUNTRIES.by_demonym)
COUNTRY_NAMES = alternation([n for n in COUNTRIES.by_name if not n.startswith("the ")])
ORG_FORMS: dict[str, tuple[str, str | None]] = {}  # surface form -> (organization name, country)
for _forms, _country in lx.ORGANIZATIONS:
    for _form in _forms:
        ORG_FORMS[_form] = (_forms[0], _country)
NATIONAL_ORG_NAMES = {name for name, country in ORG_FORMS.values() if country}
ORGS = alternation([f for f in ORG_FORMS if not f.startswith("the ")])
TITLE_FORMS = alternation(TITLES)
MODIFIERS = alternation(lx.TITLE_MODIFIERS)
DEPTS = alternation(lx.MINISTRIES)
SPEECH = alternation(lx.SPEECH_VERBS)

# A capitalised run after one of these is a place or part of a longer name ("in Kuala Lumpur",
# "the Cape of Good Hope"), not a person.
PLACE_BEFORE = re.compile(r"(?:\b(?:in|at|near|into|across|outside|inside|of|the|The|around|off)[ \u00a0]+)$")
# A name run that crosses a sentence end ("... Policy. She noted"): not one name.
CROSSES_SENTENCE = re.compile(r"[a-zà-ÿ]{2,}\.[ \u00a0]")
# "Putin's", "Souza’s": the ending taken off a name (compiled here: re's own cache of
# patterns is shared with every stage and may have dropped it)
POSSESSIVE = re.compile(r"['’]s$")
ORG_MENTION = re.compile(rf"\b(?:(?P<the>[Tt]he){SPACE})?(?P<form>{ORGS})\b")


def first_letter_guard(words) -> str:
    """A look at the next character: can it start one of ``words`` (case-insensitively)?

    Put before a case-insensitive trie, it turns most positions away with one test
    instead of the trie's slow case-folding compares.
    """
    return "(?=(?i:[" + "".join(sorted({re.escape(w[0].lower()) for w in words if w})) + "]))"



def has_any(text: str, words) -> bool:
    """Whether any of ``words`` occurs in ``text``: a cheap test before a costly pattern that needs one."""
    return any(word in text for word in words)


COUNTRY_MENTION = re.compile(rf"\b(?:{COUNTRY_NAMES}|{DEMONYMS})(?![\w])")


# a word of two lower-case letters or more, then a full stop: a sentence ends ("Qiang.", not "J." or "Jr.")
_ENDS_SENTENCE = re.compile(r"[a-zà-ÿ]{2}\.$")


def up_to_sentence_end(raw: str) -> str:
    """A name read after its title, cut where a sentence ends inside it: "Li Qiang. Serikbayev
    said" names Li Qiang ("Gen." or "Dr." end no sentence)."""
    tokens = raw.replace("\u00a0", " ").split()
    for i, token in enumerate(tokens[:-1]):
        if _ENDS_SENTENCE.search(token) and token[:-1] not in TITLE_ABBREVIATIONS:
            return " ".join(tokens[:i + 1])
    return raw


def split_title(modifier: str | None, title: str) -> tuple[str | None, str]:
    """(modifier, canonical title) of a written title and the modifier before it: "deputy" and
    "trade minister" give ("Deputy", "Trade Minister"); a whole title of the table stays one
    ("deputy" and "foreign minister" give (None, "Deputy Foreign Minister"))."""
    written = " ".join(title.lower().split())
    if modifier:
        modifier = " ".join(modifier.lower().split())
        whole = TITLES.get(f"{modifier} {written}")
        if whole:
            return None, whole
        return modifier.title(), TITLES[written]
    return None, TITLES[written]


@lru_cache(maxsize=4096)  # a name recurs within an article and across a batch
def clean_name(raw: str) -> str | None:
    """The name without trailing possessive, non-name words and places; None if nothing is left
    or if it is the name of an organization ("Suez Canal Authority")."""
    tokens = raw.replace("\u00a0", " ").split()
    if tokens and tokens[-1].rstrip(".,") in lx.ORG_HEADS | {"Corp", "Ltd", "Inc"}:
        return None
    if tokens:
        tokens[-1] = POSSESSIVE.sub("", tokens[-1]).rstrip(".")
    while tokens and not_name_word(tokens[-1]):
        tokens.pop()
    # keep the last run of name-like tokens: "Trade Minister Ana Souza" -> "Ana Souza"
    for i in range(len(tokens) - 1, -1, -1):
        if not_name_word(tokens[i]):
            tokens = tokens[i + 1:]
            break
    if not tokens:
        return None
    if tokens[-1] in lx.NAME_PARTICLES:  # "van" ends no name; "Das" of "Rohan Das" does
        return None
    return " ".join(tokens)


@lru_cache(maxsize=8192)
def not_name_word(token: str) -> bool:
    """Whether ``token`` cannot be a word of a person's name: a title, place, organization, acronym..."""
    bare = token.rstrip(".,")
    return (bare in lx.NON_NAME_WORDS or COUNTRIES.is_place_word(POSSESSIVE.sub("", bare)) or bare in ORG_FORMS
            or bare.isupper() and len(bare) > 1 or bare.lower() in TITLES or bare.endswith(".")
            and len(bare) > 2 or _role_noun(bare))


# Role nouns that are also given names or surnames ("Dean", "Judge"): still name words.
_ROLE_NOUNS_AS_NAMES = {"dean", "judge", "fellow", "partner", "principal", "general", "head", "chief", "member"}


def _role_noun(word: str) -> bool:
    """"Manager", "Officials": a role noun, or its plural, is no word of a person's name."""
    low = word.lower()
    if low in _ROLE_NOUNS_AS_NAMES:
        return False
    singular = low[:-1] if low.endswith("s") else low
    return low in lx.ROLE_NOUNS or singular in lx.ROLE_NOUNS and singular not in _ROLE_NOUNS_AS_NAMES

