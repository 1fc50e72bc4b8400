"""The ``issue`` of a security concern: a short phrase around its cue, never cut mid-phrase.

From the cue the phrase reaches back over its noun phrase and auxiliaries (to a
preposition, a conjunction or a subject pronoun) and forward to a clause boundary. A
phrase longer than :data:`MAX_ISSUE_WORDS` is cut before a preposition, conjunction or
participle ("... patrols in the Baltic Sea | after an undersea cable ..."), and a phrase
never ends on a word that needs one after it ("the most serious threats we", "from more").
"""

from __future__ import annotations

import re

from .text import squash

__all__ = ["MAX_ISSUE_WORDS", "issue_text"]

MAX_ISSUE_WORDS = 14
MIN_ISSUE_WORDS = 4  # a cut phrase keeps at least this many words

_DASH_ASIDE = re.compile(r"\s+[–—-]\s+[^–—]{1,80}?\s+[–—-]\s+")
_INTRO = re.compile(r"^(?:Based on|According to|In line with|Under|As part of|In addition to|Given)\b[^,]{0,60},\s+")
_CUT = re.compile(r"\s+(?:so that|in order to|because|which|while|as well as|instead of)\s+|,\s+(?:and|but|which|while|as)\s+"
                  r"|\s+and\s+(?=is\b|are\b|was\b|were\b|has\b|have\b|will\b|to\b|\w+ed\b)")
_QUOTE_CHARS = "“”\"«»‘’'"  # every character _QUOTE_MARK can remove
_QUOTE_MARK = re.compile(r"[“”\"«»]|(?<!\w)[‘’']|[‘’'](?!\w)")

_BACK_STOP = {"that", "which", "who", "whom", "said", "says", "noted", "added", "stressed", "told", "warned",
              "of", "on", "in", "at", "to", "for", "over", "since", "from", "with", "by", "about", "against",
              "and", "but", "or", "while", "because", "as", "if", "when"}
_SUBJECT_PRONOUNS = {"we", "they", "he", "she", "it", "i"}
# Words that open a phrase: a long issue is cut before one of them.
_PHRASE_OPENERS = {"in", "on", "at", "to", "for", "with", "by", "from", "into", "over", "after", "before", "since",
                   "until", "during", "while", "when", "because", "and", "but", "or", "which", "who", "that",
                   "including", "involving", "amid", "alongside", "near", "along", "across", "against", "through",
                   "as", "than", "under", "within", "between", "following", "despite"}
# Words a phrase cannot end with: they need a word after them.
_OPEN_ENDS = _PHRASE_OPENERS | {
    "the", "of", "a", "an", "is", "are", "was", "were", "so", "be", "been", "being", "has", "have", "had", "will",
    "would", "could", "can", "may", "might", "must", "should", "not", "no", "more", "less", "most", "least",
    "very", "its", "their", "his", "her", "our", "my", "your", "this", "these", "those", "such", "about", "some",
    "we", "they", "he", "she", "it", "i", "you", "whose", "where", "whom", "what", "also", "both", "either",
}


def issue_text(text: str, start: int, end: int, named: re.Match | None, cue: tuple[int, int] | None) -> str:
    """A short description of the concern in ``text[start:end]``: the named problem, or the
    phrase around the cue at ``cue`` (dashed asides and quote marks dropped)."""
    if named:
        return squash(named.group())
    unit = text[start:end]
    if "–" in unit or "—" in unit or "-" in unit:
        unit = _DASH_ASIDE.sub(" ", unit)
    if any(mark in unit for mark in _QUOTE_CHARS):
        unit = _QUOTE_MARK.sub("", unit)
    unit = squash(unit)
    if cue is not None:
        m = re.search(re.escape(squash(text[cue[0]:cue[1]])), unit)
        if m:
            unit = " ".join([*_lead_in(unit[:m.start()].split()), unit[m.start():]])
    unit = _INTRO.sub("", unit)
    cut = _CUT.search(unit)
    while cut and len(unit[:cut.start()].split()) < 5:
        cut = _CUT.search(unit, cut.end())
    if cut:
        unit = unit[:cut.start()]
    words = whole_phrase(unit.split())
    unit = " ".join(words)
    return unit[:1].upper() + unit[1:] if unit else squash(text[start:end])


def whole_phrase(words: list[str]) -> list[str]:
    """``words`` cut to :data:`MAX_ISSUE_WORDS` before a phrase opener, without open ends."""
    if len(words) > MAX_ISSUE_WORDS:
        cut = MAX_ISSUE_WORDS
        for i in range(MAX_ISSUE_WORDS, MIN_ISSUE_WORDS - 1, -1):
            if _bare(words[i]) in _PHRASE_OPENERS or words[i - 1].endswith(","):
                cut = i
                break
        words = words[:cut]
    words = list(words)
    if words:
        words[-1] = words[-1].rstrip(" ,;:.–—-”\"")
    while len(words) > 1 and (not words[-1] or _bare(words[-1]) in _OPEN_ENDS or (
            any(c.isdigit() for c in words[-1]) and _bare(words[-2]) in _OPEN_ENDS)):
        words.pop()  # "... since a 2020": the number only modified what was cut
        words[-1] = words[-1].rstrip(" ,;:.–—-”\"")
    return words


def _lead_in(words_before: list[str]) -> list[str]:
    """The words before the cue that belong to its phrase: back to a preposition, a
    conjunction or a subject pronoun, at most six."""
    kept: list[str] = []
    for word in reversed(words_before[-6:]):
        bare = word.lower().strip(",;:“”\"")
        if bare == "at" and kept and kept[0].lower() in ("least", "most"):
            kept.insert(0, word)  # "at least 40 incidents": a qualifier, not a preposition
            break
        if word.endswith((",", ";", ":")) or bare in _BACK_STOP:
            break
        kept.insert(0, word)
        if bare in _SUBJECT_PRONOUNS:
            break
    return kept


def _bare(word: str) -> str:
    return word.lower().strip(",;:.“”\"’‘'()")
