"""Whether the offline backend can read a text: its rules are rules of news English.

:func:`unreadable` answers ``None`` for English and otherwise says what the text looks
like. Cheap first: "the", "of", "and", "to" among the words of the article's first 1,500
characters, as every English news text has them (one word in eleven or more in each of
the project's articles, none in the other languages tried); about 9 µs an article.
Only a text that fails that look gets a closer one over its whole length: its letters
counted by script (a text mostly in another script is refused, so an English article
quoting a paragraph of Russian is English), then a wider set of English function words
among its words. What a refused text looks like is named by ``py3langid`` (its model
ships inside its package), imported only then; a Latin-script text it calls English
(a table, a list of names) is read after all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import cache
from typing import NamedTuple

__all__ = ["Foreign", "unreadable"]

# The quick look: English news has these four in one word in eleven or more (0.09-0.16
# in the project's articles); other languages almost never ("to" in Polish or Czech). A text
# that fails it (a table, a 40-word flash) is not refused: it gets the closer look.
QUICK_WINDOW = 1500
QUICK_WORDS = (" the ", " of ", " and ", " to ")
QUICK_SHARE = 0.06
QUICK_MIN_WORDS = 40

# The closer look. English function words that other Latin-script languages hardly use
# as words: not "a", "in", "an", "as", "on" (French, Portuguese, German, Polish), "is" and
# "was" (Dutch, Afrikaans), "at", "for" and "her" (Danish, Norwegian, Tagalog).
FUNCTION_WORDS = frozenset(
    "the of and to that said says told with by from has have had are were it its his "
    "she they their will would been not but which who this after".split()
)
# Their share of the words: 0.20-0.28 in the project's articles, 0.08-0.14 in hard English
# (a list of foreign names, a table, a bulleted readout); at most 0.02 in 21 other
# languages measured (Afrikaans "by", Polish "to").
FUNCTION_SHARE = 0.05
# Fewer letters than this in another script than Latin, or fewer words than this, are too
# little to judge: the text is read.
MIN_LETTERS = 20
MIN_WORDS = 20

# Patterns of the closer look only, compiled on its first use (re's cache) to keep start-up short.
_WORD = r"[^\W\d_]+"
_LATIN_LETTERS = r"[A-Za-z]+"
_NON_ASCII = r"[^\x00-\x7f]"

# The first word of a letter's Unicode name that is not the script's own name.
_SCRIPT_NAMES = {"CJK": "Han", "HIRAGANA": "kana", "KATAKANA": "kana", "FULLWIDTH": "Latin",
                 "HALFWIDTH": "kana", "NKO": "N'Ko"}


class Foreign(NamedTuple):
    """What a text the offline backend cannot read looks like: a language and its script."""

    language: str | None  # "Russian"; None when no language could be named
    code: str | None  # ISO 639-1 code of ``language``
    script: str  # "Latin", "Cyrillic", "Han", ...

    def message(self) -> str:
        """The one line that refuses the text, with the fix."""
        if self.language is None:
            looks, reader = f"written in {self.script} script", f"{self.script} script"
        elif self.script == "Latin":
            looks, reader = self.language, self.language
        else:
            looks, reader = f"{self.language} ({self.script} script)", self.language
        return (f"the offline backend reads English; this article looks {looks}: use an LLM backend "
                f"(--backend openai with a model that reads {reader})")


def unreadable(text: str) -> Foreign | None:
    """``None`` when the offline backend can read ``text`` (English); else what the text looks like."""
    if _looks_english(text[:QUICK_WINDOW]):
        return None
    return _closer_look(text)


def _looks_english(window: str) -> bool:
    # Another script cannot pass: it has no " the " between spaces. Words are counted as
    # spaces, which is near enough and costs one pass.
    words = window.count(" ")
    return words >= QUICK_MIN_WORDS and sum(window.count(w) for w in QUICK_WORDS) >= QUICK_SHARE * words


def _closer_look(text: str) -> Foreign | None:
    scripts = _letters_by_script(text)
    latin = scripts.pop("Latin", 0)
    other = sum(scripts.values())
    if other > latin and other >= MIN_LETTERS:
        script = _main_script(scripts)
        code = _language_of(text)
        return Foreign(_language_name(code), code, script)
    words = re.findall(_WORD, text.lower())
    if len(words) < MIN_WORDS or sum(w in FUNCTION_WORDS for w in words) >= FUNCTION_SHARE * len(words):
        return None
    code = _language_of(text)
    if code in (None, "en"):  # a table or a list of names, in English after all, or no language
        return None
    return Foreign(_language_name(code), code, "Latin")


def _letters_by_script(text: str) -> Counter[str]:
    """Letters counted by script: ASCII letters as Latin, the rest by their Unicode names."""
    counts: Counter[str] = Counter()
    counts["Latin"] = sum(map(len, re.findall(_LATIN_LETTERS, text)))
    for char, count in Counter(re.findall(_NON_ASCII, text)).items():
        if char.isalpha():
            counts[_script(char)] += count
    return counts


@cache
def _script(letter: str) -> str:
    first = unicodedata.name(letter, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_NAMES.get(first) or first.capitalize()


def _main_script(scripts: Counter[str]) -> str:
    # Japanese is written in Han and kana together: name both.
    if scripts["kana"] and scripts["Han"]:
        return "Han and kana"
    return scripts.most_common(1)[0][0]


def _language_of(text: str) -> str | None:
    """The ISO 639 code py3langid gives ``text`` (its first 5,000 characters are plenty)."""
    import py3langid  # here: only a refusal loads its model (about 0.6 s)

    code, _ = py3langid.classify(text[:5000])
    return None if code in ("", "zxx") else code  # zxx: "no linguistic content"


def _language_name(code: str | None) -> str | None:
    """ "Russian" for "ru": pycountry's name, without "(macrolanguage)" and "Modern"."""
    if not code:
        return None
    import pycountry

    language = pycountry.languages.get(alpha_2=code) or pycountry.languages.get(alpha_3=code)
    if language is None:
        return None
    return re.sub(r"\s*\(.*\)$", "", language.name).removeprefix("Modern ")
