"""Names of people and organizations: the one folded form they are compared in, and the title words.

:func:`fold` is the only rule for comparing names. Brief validation (a figure's speaker
naming a participant), grounding, merging, scoring and the offline extractor all call it,
so a mention that matches in one place matches in all: no case, no accents, punctuation
and hyphens as word breaks, single spaces ("Jean-Luc Mélenchon" -> "jean luc melenchon").

Titles live here too, each word list once, the others derived from it:

* :data:`TITLE_ABBREVIATIONS`: titles written abbreviated with a full stop ("Dr.", "Gen.",
  "St."); a sentence never ends after one (:mod:`summarizer.split`).
* :data:`HONORIFICS`: folded words that are never a word of a person's name; grounding
  does not take "Dr" of "Dr Amna Babiker" for her first name.
* :data:`TITLES`: written title (lower case) -> canonical title ("premier" -> "Prime
  Minister"), the table the offline extractor reads "Russian President X" with. It is
  kept here, not in the extractor's lexicon, because its words are also what
  :func:`strip_titles` removes; its abbreviated forms ("gen.", "mr.") are built from
  :data:`TITLE_ABBREVIATIONS`.
* :data:`TITLE_WORDS`: every word of a title, which :func:`strip_titles` drops from the
  front of a folded mention ("foreign minister ana duarte" -> "ana duarte").
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["HONORIFICS", "TITLES", "TITLE_ABBREVIATIONS", "TITLE_WORDS", "fold", "strip_titles"]

# --- folding ----------------------------------------------------------------------------

# The combining-mark blocks NFKD leaves accents in (Latin, Greek, Cyrillic names).
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not decompose, written without their stroke in English news ("Løkke", "Łukasz").
_PLAIN_LETTERS = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i",
                                "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH"})
_NOT_WORD = re.compile(r"[\W_]+")


def fold(text: str | None) -> str:
    """``text`` without case, accents or punctuation, its words separated by single spaces.

    Hyphens and apostrophes break words: "Jean-Luc" and "Jean Luc" fold alike, "jean luc".
    """
    if not text:
        return ""
    if not text.isascii():  # ASCII text, the usual case, needs no decomposition
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text)).translate(_PLAIN_LETTERS)
    return " ".join(_NOT_WORD.sub(" ", text).casefold().split())


# --- titles -----------------------------------------------------------------------------

# Courtesy titles written abbreviated: they name no office ("Mr." gives no role).
_COURTESY = ("mr", "mrs", "ms", "dr")
# Other abbreviated titles and the word each stands for.
_ABBREVIATED = {
    "prof": "professor", "st": "saint", "gen": "general", "lt": "lieutenant", "maj": "major",
    "col": "colonel", "capt": "captain", "sgt": "sergeant", "adm": "admiral", "sen": "senator",
    "rep": "representative", "gov": "governor", "amb": "ambassador",
}
# Abbreviations that are also words of names: "Hun Sen", "St John".
_ALSO_NAMES = {"sen", "st"}

TITLE_ABBREVIATIONS: tuple[str, ...] = tuple(a.capitalize() for a in (*_COURTESY, *_ABBREVIATED))
HONORIFICS: frozenset[str] = frozenset(
    {*_COURTESY, "sir", "dame", "madam", *(a for a in _ABBREVIATED if a not in _ALSO_NAMES)}
)

# Written title (lower case) -> canonical role title. Longest forms are tried first.
# Abbreviated forms ("gen.", "lt. gen.", "mr.") are added below, from _ABBREVIATED and _COURTESY.
_WRITTEN_TITLES: dict[str, str] = {
    "president": "President",
    "president-elect": "President-elect",
    "vice president": "Vice President",
    "vice-president": "Vice President",
    "prime minister": "Prime Minister",
    "premier": "Prime Minister",
    "deputy prime minister": "Deputy Prime Minister",
    "first deputy prime minister": "First Deputy Prime Minister",
    "foreign minister": "Foreign Minister",
    "foreign affairs minister": "Foreign Minister",
    "minister of foreign affairs": "Foreign Minister",
    "minister for foreign affairs": "Foreign Minister",
    "external affairs minister": "External Affairs Minister",  # India's title, kept as written
    "minister of external affairs": "External Affairs Minister",
    "deputy foreign minister": "Deputy Foreign Minister",
    "top diplomat": "Foreign Minister",
    "foreign secretary": "Foreign Secretary",
    "secretary of state": "Secretary of State",
    "defence minister": "Defence Minister",
    "defense minister": "Defence Minister",
    "minister of defence": "Defence Minister",
    "minister of defense": "Defence Minister",
    "defence secretary": "Defence Secretary",
    "defense secretary": "Defence Secretary",
    "secretary of defense": "Defence Secretary",
    "interior minister": "Interior Minister",
    "finance minister": "Finance Minister",
    "minister of finance": "Finance Minister",
    "economy minister": "Economy Minister",
    "trade minister": "Trade Minister",
    "energy minister": "Energy Minister",
    "minister of energy": "Energy Minister",
    "labour minister": "Labour Minister",
    "labor minister": "Labour Minister",
    "health minister": "Health Minister",
    "education minister": "Education Minister",
    "justice minister": "Justice Minister",
    "minister": "Minister",
    "deputy minister": "Deputy Minister",
    "vice minister": "Vice Minister",
    "vice-minister": "Vice Minister",
    "state secretary": "State Secretary",
    "undersecretary": "Undersecretary",
    "under-secretary": "Undersecretary",
    "under secretary": "Undersecretary",
    "permanent secretary": "Permanent Secretary",
    "permanent representative": "Permanent Representative",
    "deputy permanent representative": "Deputy Permanent Representative",
    "high commissioner": "High Commissioner",
    "deputy ambassador": "Deputy Ambassador",
    "chancellor": "Chancellor",
    "king": "King",
    "queen": "Queen",
    "emir": "Emir",
    "crown prince": "Crown Prince",
    "prince": "Prince",
    "sheikh": "Sheikh",
    "sultan": "Sultan",
    "secretary-general": "Secretary-General",
    "secretary general": "Secretary-General",
    "deputy secretary-general": "Deputy Secretary-General",
    "director-general": "Director-General",
    "director general": "Director-General",
    "ambassador": "Ambassador",
    "envoy": "Envoy",
    "special envoy": "Special Envoy",
    "spokesperson": "spokesperson",
    "spokeswoman": "spokesperson",
    "spokesman": "spokesperson",
    "press secretary": "press secretary",
    "national security adviser": "National Security Adviser",
    "national security advisor": "National Security Adviser",
    "general": "General",
    "lieutenant general": "Lieutenant General",
    "major general": "Major General",
    "admiral": "Admiral",
    "colonel": "Colonel",
    "commander": "Commander",
    "chief of staff": "Chief of Staff",
    "chief of the general staff": "Chief of the General Staff",
    "army chief": "Army Chief",
    "senator": "Senator",
    "governor": "Governor",
    "mayor": "Mayor",
    "speaker": "Speaker",
    "parliament speaker": "Speaker of Parliament",
    "chairman": "Chairman",
    "chairwoman": "Chairwoman",
    "central bank governor": "Central Bank Governor",
    "commissioner": "Commissioner",
    "high representative": "High Representative",
    "foreign policy chief": "High Representative for Foreign Affairs",
    "pope": "Pope",
    "patriarch": "Patriarch",
    "supreme leader": "Supreme Leader",
    "opposition leader": "Opposition Leader",
    "leader": "Leader",
}


def _abbreviated(title: str) -> str | None:
    """"lieutenant general" -> "lt. gen.": the title with every word abbreviated, if every word has an abbreviation."""
    short = {word: abbreviation for abbreviation, word in _ABBREVIATED.items()}
    words = title.split()
    if not all(word in short for word in words):
        return None
    return " ".join(short[word] + "." for word in words)


TITLES: dict[str, str] = {
    **_WRITTEN_TITLES,
    **{form: canonical for title, canonical in _WRITTEN_TITLES.items() if (form := _abbreviated(title))},
    **{courtesy + ".": "" for courtesy in _COURTESY},
}

# Words of titles that the extractor's table does not hold ("culture minister", "the chair").
_OTHER_TITLE_WORDS = ("the", "chair", "head", "culture", "transport", "agriculture")
TITLE_WORDS: frozenset[str] = frozenset(
    {*HONORIFICS, *_OTHER_TITLE_WORDS, *(word for title in TITLES for word in fold(title).split())}
)


def strip_titles(folded: str) -> str:
    """A folded person mention without leading titles: "foreign minister ana duarte" -> "ana duarte".

    The last word is always kept: "minister" alone stays "minister".
    """
    tokens = folded.split()
    while len(tokens) > 1 and tokens[0] in TITLE_WORDS:
        tokens.pop(0)
    return " ".join(tokens)
