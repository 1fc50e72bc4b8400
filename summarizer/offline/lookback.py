"""What stands right before a number: a currency, a qualifier, a label, a date, a clock.

Each test says what a search for a pattern anchored at the end ("...$") over the text
before a number says, without trying the pattern at every position of that text: a
string test, a short gate before the search, or one match over the text read backwards.
("$" also matches before a final newline, which the tests keep.)
"""

from __future__ import annotations

import re

import pycountry

from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import alternation
from .scan import Caseless

__all__ = ["ISO_CODES", "QUALIFIER_BEFORE", "between_before", "currency_before", "ends_with_clock",
           "ends_with_letter", "ends_with_month", "is_identifier", "last_word", "qualifier_before"]


def _alternation(words) -> str:
    return "(?:" + alternation(words) + ")"


ISO_CODES = sorted({c.alpha_3 for c in pycountry.currencies})
_CURRENCY_BEFORE = re.compile(
    "(?:" + "|".join((r"\b" if s[0].isalpha() else "") + re.escape(s) + "[\u00a0\u202f\u2009]?"  # "US$\u00a0500"
                     for s in sorted(lx.CURRENCY_SYMBOLS, key=len, reverse=True) if not s.startswith("Rs"))
    + r"|\b(?:" + "|".join(ISO_CODES) + r"|Rs\.?)(?:\s|\u00a0)?)$"
)
# Searched for in the few words before each number: over the lower-cased text when there
# is one (see .scan); only the qualifier's position and lower-cased words are used.
QUALIFIER_BEFORE = Caseless(r"\b(" + _alternation(lx.QUALIFIERS_BEFORE) + r")\s+$")
_BETWEEN = Caseless(r"\b(between|from)\s+$")
# The same two tests as one match at the start of the lead read backwards (the
# alternation tries longer phrases first, so the phrase found is the one a search finds).
_QUALIFIER_REVERSED = re.compile(r"\s+(" + _alternation([q[::-1] for q in lx.QUALIFIERS_BEFORE]) + r")\b")
_BETWEEN_REVERSED = re.compile(r"\s+(neewteb|morf)\b")

# The last character but for one space of anything _CURRENCY_BEFORE matches: a symbol's,
# a code's (upper case), or that of "Rs" / "Rs.".
_CURRENCY_TAIL = frozenset({symbol[-1] for symbol in lx.CURRENCY_SYMBOLS} | set("ABCDEFGHIJKLMNOPQRSTUVWXYZs."))


def currency_before(text: str, end: int, window: int | None = None) -> re.Match | None:
    """``_CURRENCY_BEFORE`` ending at ``end`` (searched from ``window``, else 8 characters
    before), tried only if one of the last three characters can end a currency."""
    if not any(char in _CURRENCY_TAIL for char in text[max(0, end - 3):end]):
        return None
    return _CURRENCY_BEFORE.search(text, max(0, end - 8) if window is None else window, end)


def _word_before(pattern: Caseless, reversed_pattern: re.Pattern, lead: str,
                 lead_low: str | None) -> tuple[int, str] | None:
    """Where ``pattern`` (a phrase, then space to the end) matches in ``lead``, and its phrase lower-cased."""
    if lead_low is None:
        m = next(pattern.spans(lead, None), None)
        return (m.start(1), m.group(1).lower()) if m else None
    m = reversed_pattern.match(lead_low[::-1])
    return (len(lead_low) - m.end(1), m.group(1)[::-1]) if m else None


def qualifier_before(lead: str, lead_low: str | None) -> tuple[int, str] | None:
    """``\\b(more than|about|...)\\s+$`` in ``lead``: where the qualifier starts, and it lower-cased."""
    return _word_before(QUALIFIER_BEFORE, _QUALIFIER_REVERSED, lead, lead_low)


def between_before(lead: str, lead_low: str | None) -> tuple[int, str] | None:
    """``\\b(between|from)\\s+$`` in ``lead``: where the word starts, and it lower-cased."""
    return _word_before(_BETWEEN, _BETWEEN_REVERSED, lead, lead_low)


def is_identifier(before: str) -> bool:
    """"Article 5", "Resolution 2231", "Nord Stream 2": a label, not a quantity."""
    head = before.rstrip()
    i = len(head)
    while i and head[i - 1] in _LETTERS_AND_DOT:
        i -= 1
    word = head[i:]
    if not word:
        return False
    if word.lower() in lx.IDENTIFIER_WORDS:
        return True
    if word.endswith(".") and len(head) < len(before):
        return False  # "... in Kashmir. Nine pilgrims": a full stop and space end the sentence before
    # a capitalised word right before a bare number, not at a sentence start
    lead = head[:i]
    sentence_start = not lead or lead.rstrip()[-1:] in _SENTENCE_ENDS
    return (word[:1].isupper() and word.lower() not in lx.QUALIFIERS_BEFORE and not sentence_start
            and word not in COUNTRIES.by_demonym)

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LETTERS_AND_DOT = _ASCII_LETTERS | {"."}
_SENTENCE_ENDS = frozenset('.!?"“')
_MONTH_NAMES = frozenset(lx.MONTHS)
_MONTH_ENDS = frozenset(month[-3:] for month in lx.MONTHS)  # every month name has three letters or more


def last_word(head: str) -> str:
    """The run of word characters (``\\w``) that ends ``head``."""
    i = len(head)
    while i and (head[i - 1].isalnum() or head[i - 1] == "_"):
        i -= 1
    return head[i:]


def ends_with_letter(before: str) -> bool:
    """``[A-Za-z]-?$``: "S-400", "A400"."""
    head = before[:-1] if before.endswith("\n") else before
    if head.endswith("-"):
        head = head[:-1]
    return head[-1:] in _ASCII_LETTERS


def ends_with_clock(before: str) -> bool:
    """``\\d:$``: the minutes of "10:30"."""
    head = before[:-1] if before.endswith("\n") else before
    return len(head) >= 2 and head[-1] == ":" and head[-2].isdecimal()


def ends_with_month(before: str) -> bool:
    """``\\b(?:January|...|Dec)\\.?\\s+$``: a month name, a full stop maybe, then space ("June 5", "Sept. 12")."""
    head = before.rstrip()
    if len(head) == len(before):
        return False
    if head.endswith("."):
        head = head[:-1]
    return head[-3:] in _MONTH_ENDS and last_word(head) in _MONTH_NAMES
