"""Security concerns: threats, risks and instability named, and measures taken against them.

A sentence is cut into units at quotation marks, semicolons and participial
continuations (", noting that ..."), because those are where a new statement starts.
Each unit with a threat or measure cue gives one concern, however many cues it has, so
adjacent keyword hits do not multiply. Generic cues ("risk", "tensions", "concern") need
a security word in the same sentence, so "inflation risks" is not a security concern.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from ..models import SecurityConcern
from . import lexicon as lx
from .attribution import Attribution
from .countries import COUNTRIES, REGIONS
from .mentions import COUNTRY_NAMES, DEMONYMS
from .patterns import alternation, first_char_alternation
from .scan import Caseless
from .text import Document, squash, tidy

_THREAT = Caseless(r"(?<![\w-])(?:" + first_char_alternation(lx.THREAT_CUES) + r")(?![\w-])")
_MEASURE = Caseless(r"(?<![\w-])(?:" + first_char_alternation(lx.MEASURE_CUES) + r")(?![\w-])")
_GENERIC = {"threaten", "threatens", "threatened", "threatening", "threat", "threats", "risk", "risks", "tension", "tensions", "crisis", "alarm", "conflict",
            "concern", "instability", "unstable", "escalation", "deploy", "deployed", "deployment",
            "deploying", "reinforce", "reinforced", "reinforcement", "sanctions", "killed", "wounded"}
# Cues that name a threat or a measure only beside a security word ("troops", "incidents", "stolen").
_GENERIC_PATTERN = re.compile(
    r"(?:incidents?|fragile|danger(?:ous)?|recruit\w*|fighters|drugs?|contested|observers|troops|soldiers|"
    r"counter\w*|defend|passwords?|withdraw\w*|security council|nuclear|displace\w*|stolen|theft|leak\w*|"
    r"interference|draft resolution|evacuat\w*|surveillance|contingent|warships?|frigates?|navies|fleets?|"
    r"deter\w*|doctored|malicious|intrusions?|embargo|ballistic|coup|unrest|technical indicators|"
    r"aggression|impunity|extra-regional|pull-?back|withdrawal|escort\w*|smuggl\w*)",
    re.IGNORECASE,
)
_CONTEXT = Caseless(
    r"(?<![\w-])(?:security|border|borders|military|armed|weapons?|arms|troops|soldiers|terror\w*|militant\w*|"
    r"war|attack\w*|missiles?|drones?|defen[cs]e|army|navy|insurgen\w*|extremis\w*|nuclear|violence|fighting|"
    r"ceasefire|shelling|police|forces|cyber\w*|hack\w*|intrusions?|navy|naval|navies|warships?|maritime|"
    r"sanctions|truce|siege|famine|militia\w*|rebels?|armed|pirates|piracy|espionage|intelligence|"
    r"embargo|frontier|coast guard|occupied|besieged|humanitarian)(?![\w-])",
)
_REGION_NAMES = alternation(REGIONS)
# "the Afghan problem", "the Syrian crisis", "the situation in Sudan", "the war in Gaza"
_IN_PLACE_NOUNS = ("situation", "crisis", "conflict", "war", "fighting", "violence", "unrest", "insurgency")
_NAMED_PROBLEM = re.compile(
    rf"(?:\b[Tt]he\s+)?(?P<place>{DEMONYMS}|{COUNTRY_NAMES})\s+(?:{'|'.join(lx.NAMED_PROBLEM_NOUNS)})\b"
    rf"|\b(?:[Tt]he\s+)?(?:{'|'.join(_IN_PLACE_NOUNS)})\s+in\s+(?:the\s+)?"
    rf"(?P<place2>{_REGION_NAMES}|{COUNTRY_NAMES})\b"
)
# Every named problem holds one of these words; a unit without any is not searched.
_PROBLEM_WORDS = tuple(sorted(set(lx.NAMED_PROBLEM_NOUNS) | set(_IN_PLACE_NOUNS)))
_REGION = re.compile(rf"\b(?P<place>{_REGION_NAMES}|"
                     rf"{COUNTRY_NAMES}|{DEMONYMS})\b")
_BORDER = re.compile(rf"\bborders?\s+(?:with|between)\s+(?:the\s+)?(?P<a>{COUNTRY_NAMES})(?:\s+and\s+(?P<b>{COUNTRY_NAMES}))?"
                     rf"|\b(?P<c>{COUNTRY_NAMES}|{DEMONYMS})(?:-(?P<d>{COUNTRY_NAMES}|{DEMONYMS}))?\s+border\b")
_PREPOSITION = re.compile(r"\b(?:in|on|at|near|along|across|inside|into|over|off|from|to|of)\s+(?:the\s+)?$")
# An opening quote (not right after "word "), a closing quote, a semicolon, ", and that",
# ", noting that". Each alternative starts with its mark and looks behind it afterwards
# ("(?<!\w .)" after the mark is "(?<!\w )" before it), so the engine jumps from mark to
# mark instead of trying every position.
_UNIT_BREAK = re.compile(
    r"“(?<!\w .)(?<!\w\u00a0.)|«(?<!\w .)(?<!\w\u00a0.)|\"(?=\S)(?<!\w .)(?<!\w\u00a0.)|”|»|\"(?<=\S.)|;\s+"
    r"|,\s+and\s+(?=that\b|(?:the|its|their|his|her)\s)|,\s+(?:noting|adding|saying|stressing|stating|warning|explaining|emphasi[sz]ing|pointing out|"
    r"recalling|insisting)\b(?:\s+that)?"
)
_LETTER = re.compile(r"[^\W\d_]")  # every letter, and a few other characters (superscript digits)
_DASH_ASIDE = re.compile(r"\s+[–—-]\s+[^–—]{1,80}?\s+[–—-]\s+")
_INTRO = re.compile(r"^(?:Based on|According to|In line with|Under|As part of|In addition to|Given)\b[^,]{0,60},\s+")
_CUT = re.compile(r"\s+(?:so that|in order to|because|which|while|as well as|instead of)\s+|,\s+(?:and|but|which|while|as)\s+"
                  r"|\s+and\s+(?=is\b|are\b|was\b|were\b|has\b|have\b|will\b|to\b|\w+ed\b)")
MAX_ISSUE_WORDS = 14
_QUOTE_MARK = re.compile(r"[“”\"«»]|(?<!\w)[‘’']|[‘’'](?!\w)")


def build_concerns(doc: Document, attribution: Attribution) -> list[SecurityConcern]:
    """One concern per statement unit that names a threat or a measure against one."""
    text, low = doc.text, doc.lower
    problem_words = _positions(text, _PROBLEM_WORDS)
    concerns: list[SecurityConcern] = []
    for sentence in doc.sentences:
        if _is_title(doc, sentence):
            continue
        has_context = _CONTEXT.search(text, low, sentence.start, sentence.end) is not None
        for lo, hi in _units(text, sentence.start, sentence.end):
            cues = sorted([*_THREAT.finditer(text, low, lo, hi), *_MEASURE.finditer(text, low, lo, hi)],
                          key=lambda m: m.start())
            at = bisect_left(problem_words, lo)
            named = _NAMED_PROBLEM.search(text, lo, hi) if at < len(problem_words) and problem_words[at] < hi else None
            cues = [m for m in cues if not _not_a_cue(text, m, sentence.start)]
            strong = [m for m in cues if m.group().lower() not in _GENERIC and not _GENERIC_PATTERN.fullmatch(m.group())]
            if not (named or strong or (cues and has_context)):
                continue
            s, e = tidy(text, lo, hi)
            if len(text[s:e].split()) < 4:
                continue
            anchor = named.start() if named else cues[0].start()
            speaker = attribution.speaker_at(anchor, reporting_only=False)
            own = speaker.affiliation if speaker else None
            concerns.append(SecurityConcern(
                issue=_issue(text, s, e, named, (strong or cues)[0] if cues else None),
                region=_region(text, s, e, named, own),
                raised_by=speaker.name if speaker else None,
                evidence=text[s:e],
            ))
    return concerns


def _positions(text: str, words: tuple[str, ...]) -> list[int]:
    """Sorted start positions of every occurrence of ``words`` in ``text`` (as substrings)."""
    found = []
    for word in words:
        at = text.find(word)
        while at >= 0:
            found.append(at)
            at = text.find(word, at + 1)
    return sorted(found)


# "since the war began", "before the war": a time, not a concern
_TIME_OF_EVENT = re.compile(
    r"\b(?:since|before|after|until|when)\s+(?:the|this|that|last\s+year['’]s)\s+(?:\w+\s+)?(?:war|fighting|conflict|attacks?|"
    r"crisis|invasion|clashes|hostilities|violence)(?:\s+(?:began|started|erupted|broke\s+out|ended))?\b",
    re.IGNORECASE,
)
# "such incursions", "these attacks": a threat already named before
_BACK_REFERENCE = re.compile(r"\b(?:such|these|those|similar|the\s+same)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _not_a_cue(text: str, cue: re.Match, sentence_start: int) -> bool:
    """A cue that does not name a concern: part of a proper name ("the National Armed Forces",
    "Security Council"), a time ("since the war began") or a back-reference ("such incursions")."""
    if cue.group()[:1].isupper() and cue.start() > sentence_start and not re.search(
            r"[“\"‘(]\s*$", text[max(0, cue.start() - 2):cue.start()]):
        return True
    for m in _TIME_OF_EVENT.finditer(text, max(0, cue.start() - 40), min(len(text), cue.end() + 30)):
        if m.start() <= cue.start() < m.end():
            return True
    return bool(_BACK_REFERENCE.search(text, max(0, cue.start() - 20), cue.start()))


def _is_title(doc: Document, sentence) -> bool:
    """A title line: the whole first paragraph, short, without a full stop."""
    if sentence.paragraph != 0 or len(doc.paragraphs) < 2:
        return False
    p_start, p_end = doc.paragraphs[0]
    body = doc.text[p_start:p_end].strip()
    return len(body.split()) <= 20 and not body.endswith((".", "!", "?", "”", "\"", "’"))


def _units(text: str, start: int, end: int) -> list[tuple[int, int]]:
    units, cursor = [], start
    for m in _UNIT_BREAK.finditer(text, start, end):
        if m.start() > cursor:
            units.append((cursor, m.start()))
        cursor = m.end()
    if end > cursor:
        units.append((cursor, end))
    return [u for u in units if _has_letter(text, *u)]


def _has_letter(text: str, start: int, end: int) -> bool:
    m = _LETTER.search(text, start, end)
    while m is not None and not m.group().isalpha():
        m = _LETTER.search(text, m.end(), end)
    return m is not None


_BACK_STOP = {"that", "which", "who", "whom", "said", "says", "noted", "added", "stressed", "told", "warned",
              "of", "on", "in", "at", "to", "for", "over", "since", "from", "with", "by", "about", "against",
              "and", "but", "or", "while", "because", "as", "if", "when"}
_SUBJECT_PRONOUNS = {"we", "they", "he", "she", "it", "i"}
_TRAILING_FUNCTION = re.compile(r"(?:\s+(?:to|the|of|and|a|an|in|on|at|for|with|by|that|which|is|are|was|were|so))+$",
                                re.IGNORECASE)


def _issue(text: str, start: int, end: int, named: re.Match | None, cue: re.Match | None) -> str:
    """A short description: the named problem, or the phrase around the first cue.

    From the cue, the phrase reaches back over its noun phrase and auxiliaries (to a
    preposition, a conjunction or a subject pronoun) and forward to a clause boundary,
    at most 14 words; dashed asides are dropped.
    """
    if named:
        return squash(named.group())
    unit = squash(_QUOTE_MARK.sub("", _DASH_ASIDE.sub(" ", text[start:end])))
    if cue is not None:
        m = re.search(re.escape(squash(cue.group())), unit)
        if m:
            words_before = unit[:m.start()].split()
            kept: list[str] = []
            for word in reversed(words_before[-6:]):
                bare = word.lower().strip(",;:“”\"")
                if word.endswith((",", ";", ":")) or bare in _BACK_STOP:
                    break
                kept.insert(0, word)
                if bare in _SUBJECT_PRONOUNS:
                    break
            unit = " ".join([*kept, unit[m.start():]])
    unit = _INTRO.sub("", unit)
    cut = _CUT.search(unit)
    while cut and len(unit[:cut.start()].split()) < 5:
        cut = _CUT.search(unit, cut.end())
    if cut:
        unit = unit[:cut.start()]
    unit = " ".join(unit.split()[:MAX_ISSUE_WORDS])
    unit = _TRAILING_FUNCTION.sub("", unit.rstrip(" ,;:.–—-”\""))
    return unit[:1].upper() + unit[1:] if unit else squash(text[start:end])


def _region(text: str, start: int, end: int, named: re.Match | None, own: str | None) -> str | None:
    """The place of the concern: a named problem's place, a border, a place after a preposition,
    else any place other than the speaker's own country."""
    if named:
        return _place(named.group("place") or named.group("place2"))
    border = _BORDER.search(text, start, end)
    if border:
        places = [COUNTRIES.resolve(p) for p in border.group("a", "b", "c", "d") if p]
        places = [p for p in places if p]
        if places:
            return "–".join(places) + " border" if len(places) > 1 else f"{places[0]} border"
    places = [m for m in _REGION.finditer(text, start, end) if m.group("place") not in COUNTRIES.by_demonym]
    after_preposition = [m for m in places if _PREPOSITION.search(text, max(0, m.start() - 12), m.start())]
    others = [m for m in places if _place(m.group("place")) != own]
    for pool in (after_preposition, others):
        if pool:
            return _place(pool[0].group("place"))
    return None


def _place(surface: str) -> str:
    return surface if surface in REGIONS else COUNTRIES.resolve(surface) or surface
