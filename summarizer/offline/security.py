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
from .concern_issue import issue_text
from .concern_region import region_of
from .countries import REGIONS
from .mentions import COUNTRY_NAMES, DEMONYMS
from .keyword_cues import keyword_cues
from .patterns import alternation, first_char_alternation
from .scan import Caseless
from .scanner import cue_words, matches_at, starts
from .text import Document, tidy

_THREAT = Caseless(r"(?<![\w-])(?:" + first_char_alternation(lx.THREAT_CUES) + r")(?![\w-])")
_MEASURE = Caseless(r"(?<![\w-])(?:" + first_char_alternation(lx.MEASURE_CUES) + r")(?![\w-])")
_GENERIC = {"threaten", "threatens", "threatened", "threatening", "threat", "threats", "risk", "risks", "tension", "tensions", "crisis", "alarm", "conflict",
            "concern", "instability", "unstable", "escalation", "deploy", "deployed", "deployment",
            "deploying", "reinforce", "reinforced", "reinforcement", "sanctions", "killed", "wounded", "jamming"}
# Cues that name a threat or a measure only beside a security word ("troops", "incidents", "stolen").
_GENERIC_PATTERN = re.compile(
    r"(?:incidents?|fragile|danger(?:ous)?|recruit\w*|fighters|drugs?|contested|observers|troops|soldiers|"
    r"counter\w*|defend|passwords?|withdraw\w*|security council|nuclear|displace\w*|stolen|theft|leak\w*|"
    r"interference|draft resolution|evacuat\w*|surveillance|contingent|warships?|frigates?|navies|fleets?|"
    r"deter\w*|doctored|malicious|intrusions?|embargo|ballistic|coup|unrest|technical indicators|"
    r"aggression|impunity|extra-regional|pull-?back|withdrawal|escort\w*|smuggl\w*|radars?)",
    re.IGNORECASE,
)
# Security words: a generic cue counts only in a sentence with one of them.
_CONTEXT_WORDS = (
    r"security", r"border", r"borders", r"military", r"armed", r"weapons?", r"arms", r"troops", r"soldiers",
    r"terror\w*", r"militant\w*", r"war", r"attack\w*", r"missiles?", r"drones?", r"defen[cs]e", r"army",
    r"navy", r"insurgen\w*", r"extremis\w*", r"nuclear", r"violence", r"fighting", r"ceasefire", r"shelling",
    r"police", r"forces", r"cyber\w*", r"hack\w*", r"intrusions?", r"navy", r"naval", r"navies",
    r"warships?", r"maritime", r"sanctions", r"truce", r"siege", r"famine", r"militia\w*", r"rebels?",
    r"armed", r"pirates", r"piracy", r"espionage", r"intelligence", r"embargo", r"frontier", r"coast guards?",
    r"occupied", r"besieged", r"humanitarian", r"airspace",
)
_CONTEXT = Caseless(r"(?<![\w-])(?:" + "|".join(_CONTEXT_WORDS) + r")(?![\w-])")
# Where each can start, from the one scan of the article (see .scanner and .keyword_cues).
_THREAT_CUES = keyword_cues(lx.THREAT_CUES)
_MEASURE_CUES = keyword_cues(lx.MEASURE_CUES)
_CONTEXT_CUES = keyword_cues(_CONTEXT_WORDS)
_REGION_NAMES = alternation(REGIONS)
# "the Afghan problem", "the Syrian crisis", "the situation in Sudan", "the war in Gaza"
_IN_PLACE_NOUNS = ("situation", "crisis", "conflict", "war", "fighting", "violence", "unrest", "insurgency")
_NAMED_PROBLEM = re.compile(
    rf"(?:\b[Tt]he\s+)?(?P<place>{DEMONYMS}|{COUNTRY_NAMES})\s+(?:{'|'.join(lx.NAMED_PROBLEM_NOUNS)})\b"
    rf"|\b(?:[Tt]he\s+)?(?:{'|'.join(_IN_PLACE_NOUNS)})\s+in\s+(?:the\s+)?"
    rf"(?P<place2>{_REGION_NAMES}|{COUNTRY_NAMES})\b"
)
# Every named problem holds one of these words; a unit without any is not searched.
_PROBLEM_CUE = cue_words(set(lx.NAMED_PROBLEM_NOUNS) | set(_IN_PLACE_NOUNS), caseless=False)
# An opening quote (not right after "word "), a closing quote, a semicolon, ", and that",
# ", noting that". Each alternative starts with its mark and looks behind it afterwards
# ("(?<!\w .)" after the mark is "(?<!\w )" before it), so the engine jumps from mark to
# mark instead of trying every position.
_UNIT_BREAK = re.compile(
    r"“(?<!\w .)(?<!\w\u00a0.)|«(?<!\w .)(?<!\w\u00a0.)|\"(?=\S)(?<!\w .)(?<!\w\u00a0.)|”|»|\"(?<=\S.)|;\s+"
    r"|,\s+and\s+(?=that\b|(?:the|its|their|his|her)\s)|,\s+(?:noting|adding|saying|stressing|stating|warning|explaining|emphasi[sz]ing|pointing out|"
    r"recalling|insisting)\b(?:\s+that)?"
    # a participle that keeps its own object: ", describing al-Shabaab as ...", ", calling for a truce"
    r"|,\s+(?=(?:describing|calling|citing|accusing|urging)\b)"
    # a measure's purpose names the threat it answers, an item of its own: "..., to deter piracy"
    r"|,\s+(?=to\s+(?:deter|counter|combat|prevent|fight|curb|tackle|thwart|guard\s+against|protect\s+against)\b)"
)
# Damage is a threat only to infrastructure: "the cable was found cut", not "the bank cut rates".
_DAMAGE = {"cut", "severed", "damaged", "sabotaged", "blown up", "blew up"}
_INFRASTRUCTURE = re.compile(
    r"\b(?:cables?|pipelines?|interconnectors?|power\s+lines?|rail(?:way)?\s+lines?|railways?|substations?|"
    r"gas\s+lines?|transmission\s+lines?|pylons?|dams?|bridges?)\b", re.IGNORECASE)
# A group named once: "APT28", "al-Shabaab" (not "Adel al-Otaibi", a person's name).
_GROUP_CODE = re.compile(r"(?i:apt)\s?\d")
_PERSON_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+$")
# Where a unit holds a second statement set off by a comma: ", after ...", ", and would ...",
# ", and sent ...". It is cut there only when both sides name a threat or a measure of their
# own; without the comma ("stepped up patrols after a cable was cut") the two are one item.
_SUB_BREAK = re.compile(
    r",\s+after\s+(?!the\s+(?:war|fighting|conflict)\b)"
    r"|,\s+and\s+(?=(?:would|will|could|should|must|may|might|can|plans?\s+to|\w+ed|sent|began|built|set|shot|"
    r"seized|struck|put|took|held|brought|made)\s+(?!forces\b|groups?\b|men\b|conflict\b|violence\b))"
    # a second measure without the comma: "banned drone flights and sent radar units to the airports"
    r"|\s+and\s+(?=(?:sent|deployed|dispatched|imposed|banned|closed|suspended)\s)")
_LETTER = re.compile(r"[^\W\d_]")  # every letter, and a few other characters (superscript digits)


def build_concerns(doc: Document, attribution: Attribution) -> list[SecurityConcern]:
    """One concern per statement unit that names a threat or a measure against one."""
    text, low = doc.text, doc.lower
    source = text if low is None else low
    threat, measure, context = ((_THREAT.exact, _MEASURE.exact, _CONTEXT.exact) if low is None
                                else (_THREAT.fast, _MEASURE.fast, _CONTEXT.fast))
    # threats before measures at one start, as the two lists were merged before
    cues = sorted([*_spans(threat, source, starts(text, *_THREAT_CUES)),
                   *_spans(measure, source, starts(text, *_MEASURE_CUES))], key=lambda span: span[0])
    problem_words = starts(text, _PROBLEM_CUE)
    if not cues and not problem_words:
        return []
    cue_starts = [span[0] for span in cues]
    context_starts = starts(text, *_CONTEXT_CUES)
    concerns: list[SecurityConcern] = []
    seen: set[str] = set()  # issues (lower-cased) and evidence of the concerns kept
    for sentence in doc.sentences:
        first_cue = bisect_left(cue_starts, sentence.start)
        at = bisect_left(problem_words, sentence.start)
        if not (first_cue < len(cues) and cue_starts[first_cue] < sentence.end
                or at < len(problem_words) and problem_words[at] < sentence.end):
            continue  # neither a cue nor a named problem can be in this sentence
        if _is_title(doc, sentence):
            continue
        has_context = None
        for lo, hi in _units(text, sentence.start, sentence.end):
            unit_cues = _cues_in(cues, cue_starts, lo, hi)
            pieces = _pieces(text, lo, hi, unit_cues, sentence.start) if len(unit_cues) > 1 else ((lo, hi),)
            for lo, hi in pieces:
                concern = _concern(text, source, lo, hi, sentence, attribution, context, context_starts, cues,
                                   cue_starts, problem_words, has_context)
                if concern is None:
                    continue
                concern, has_context = concern
                issue = concern.issue.lower()
                if concern.evidence and issue not in seen and concern.evidence not in seen:
                    concerns.append(concern)  # a repeat of the same issue or words is dropped
                    seen.update((issue, concern.evidence))
    return concerns


def _concern(text, source, lo, hi, sentence, attribution, context, context_starts, cues, cue_starts,
             problem_words, has_context):
    """The concern of the unit ``text[lo:hi]`` and whether its sentence has a security word; None if it has none."""
    unit_cues = _cues_in(cues, cue_starts, lo, hi)
    at = bisect_left(problem_words, lo)
    named = _NAMED_PROBLEM.search(text, lo, hi) if at < len(problem_words) and problem_words[at] < hi else None
    unit_cues = [c for c in unit_cues if not _not_a_cue(text, c, sentence.start)]
    strong = [c for c in unit_cues if _is_strong(text[c[0]:c[1]])]
    if not (named or strong or unit_cues):
        return None
    if not (named or strong):
        if has_context is None:
            has_context = _has_context(context, source, context_starts, sentence.start, sentence.end)
        if not has_context:
            return None
    s, e = tidy(text, lo, hi)
    if len(text[s:e].split()) < 4 or _is_figure_of_speech(text, s, e):
        return None
    anchor = named.start() if named else unit_cues[0][0]
    # a live-blog time stamp or a heading on the line before is not the sentence's opening
    line = text.rfind("\n", sentence.start, anchor) + 1
    speaker = attribution.speaker_at(anchor, reporting_only=False) or (
        attribution.subject_of(line, anchor) if line > s else attribution.subject_of(sentence.start, s))
    own = speaker.affiliation if speaker else None
    return SecurityConcern(
        issue=issue_text(text, s, e, named, (strong or unit_cues)[0] if unit_cues else None),
        region=region_of(text, s, e, named, own, (sentence.start, sentence.end)),
        raised_by=speaker.name if speaker else None,
        evidence=text[s:e],
    ), has_context


# "spend on a war", "is fuel for this war", "ends up in a missile": a threat word only as the
# last object of a comparison or a figure of speech, naming no threat of the moment
_IN_A_FIGURE_OF_SPEECH = re.compile(
    r"(?=[^,;:]*\b(?:every|each|any|no|how|what)\b)[^,;:]*\s(?:on|in|for|into)\s+(?:a|an|this|that)\s+"
    r"(?:war|missile|conflict|bomb|weapon)[\s.!?”\"’]*$", re.IGNORECASE)


def _is_figure_of_speech(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` ends on a threat word in a figure of speech (:data:`_IN_A_FIGURE_OF_SPEECH`)."""
    last = text[max(start, end - 12):end].rstrip(" .!?”\"’").rsplit(None, 1)[-1:]
    return bool(last) and last[0].lower() in _FIGURE_ENDS and _IN_A_FIGURE_OF_SPEECH.match(text, start, end) is not None


_FIGURE_ENDS = {"war", "missile", "conflict", "bomb", "weapon"}


def _cues_in(cues: list[tuple[int, int]], cue_starts: list[int], lo: int, hi: int) -> list[tuple[int, int]]:
    i, found = bisect_left(cue_starts, lo), []
    while i < len(cues) and cue_starts[i] < hi:
        found.append(cues[i])
        i += 1
    return found


def _pieces(text: str, lo: int, hi: int, unit_cues: list[tuple[int, int]], sentence_start: int) -> list[tuple[int, int]]:
    """``text[lo:hi]`` cut where a second statement starts (:data:`_SUB_BREAK`), when the
    pieces on both sides of the cut each hold a cue of their own."""
    pieces, cursor, kept = [], lo, None
    for m in _SUB_BREAK.finditer(text, lo, hi):
        if kept is None:
            kept = unit_cues = [c for c in unit_cues if not _not_a_cue(text, c, sentence_start)]
        before = any(cursor <= c[0] < m.start() for c in unit_cues)
        after = any(m.end() <= c[0] < hi for c in unit_cues)
        if before and after:
            pieces.append((cursor, m.start()))
            cursor = m.end()
    pieces.append((cursor, hi))
    return pieces


def _spans(pattern: re.Pattern, source: str, candidates: list[int]) -> list[tuple[int, int]]:
    """The (start, end) of ``pattern``'s matches in ``source``, tried only at ``candidates``."""
    return [m.span() for m in matches_at(pattern, source, candidates)]


def _is_strong(cue: str) -> bool:
    """A cue that names a threat or measure by itself, without a security word beside it."""
    return cue.lower() not in _GENERIC and not _GENERIC_PATTERN.fullmatch(cue)


def _has_context(pattern: re.Pattern, source: str, candidates: list[int], start: int, end: int) -> bool:
    """Whether a security word (:data:`_CONTEXT`) is in ``source[start:end]``, tried at ``candidates``."""
    for at in candidates[bisect_left(candidates, start):]:
        if at >= end:
            return False
        if pattern.match(source, at, end):
            return True
    return False


# "since the war began", "before the war": a time, not a concern
_TIME_OF_EVENT = re.compile(
    r"\b(?:since|before|after|until|when)\s+(?:the|this|that|last\s+year['’]s)\s+(?:\w+\s+)?(?:war|fighting|conflict|attacks?|"
    r"crisis|invasion|clashes|hostilities|violence)(?:\s+(?:began|started|erupted|broke\s+out|ended))?\b",
    re.IGNORECASE,
)
# A time of event starts with one of these within 40 characters before the cue it holds;
# a back-reference with one of these within 20 (cheap tests before the patterns).
_TIME_WORDS = ("since", "before", "after", "until", "when")
_BACK_WORDS = ("such", "these", "those", "similar", "same")
_OPENING_BEFORE = re.compile(r"[“\"‘(]\s*$")
# "such incursions", "these attacks": a threat already named before
_BACK_REFERENCE = re.compile(r"\b(?:such|these|those|similar|the\s+same)\s+(?:\w+\s+)?$", re.IGNORECASE)


def _not_a_cue(text: str, cue: tuple[int, int], sentence_start: int) -> bool:
    """A cue that does not name a concern: part of a proper name ("the National Armed Forces",
    "Security Council"), a time ("since the war began") or a back-reference ("such incursions")."""
    start, end = cue
    cue_text = text[start:end]
    if cue_text.lower() in _DAMAGE:
        return not _damages_infrastructure(text, start, end)
    if _GROUP_CODE.match(cue_text) or cue_text.lower().startswith("islamic state"):
        return False  # an armed group by name, though written with capitals
    if _not_a_threat_here(text, cue_text.lower(), start, end, sentence_start):
        return True
    if cue_text.startswith(("al-", "Al-")):
        return not cue_text[3:4].isupper() or _PERSON_BEFORE.search(text, max(0, start - 30), start) is not None
    if (text[start].isupper() and start > sentence_start and not cue_text.rsplit(None, 1)[-1].islower()
            and not _OPENING_BEFORE.search(text[max(0, start - 2):start])):
        return True  # a name in capitals ("the National Armed Forces"), not "GPS jamming"
    window = text[max(0, start - 40):start].lower()
    if any(word in window for word in _TIME_WORDS):
        for m in _TIME_OF_EVENT.finditer(text, max(0, start - 40), min(len(text), end + 30)):
            if m.start() <= start < m.end():
                return True
    window = window[-20:]
    return any(word in window for word in _BACK_WORDS) and bool(
        _BACK_REFERENCE.search(text, max(0, start - 20), start))

# "attacks there had risen": the subject's place was named before, and so was the threat
_THERE_AFTER = re.compile(r"\s+there\s+(?:had|have|has|was|were|is|are|rose|fell|\w+ed)\b")
# "what it mines", "the company mines copper": the verb, not explosives
_MINES_VERB = re.compile(r"\b(?:it|they|he|she|we|who|which|that|company|firm)\s+$", re.IGNORECASE)
# "more nuclear, more renewables", "nuclear power": energy, not a weapon
_NUCLEAR_ENERGY = re.compile(
    r"(?:power|energy|plants?|reactors?|renewables?|electricity|fuel|generation|capacity|stations?)\b", re.IGNORECASE)
# "told reporters on the deck of the frigate ...": where someone stood, not a deployment
_ABOARD_BEFORE = re.compile(r"\b(?:aboard|on\s+board|on\s+the\s+deck\s+of|on\s+the\s+bridge\s+of)\s+(?:the\s+|a\s+)?$",
                            re.IGNORECASE)
# "five years ago, when the gulf was the most dangerous ...", "the war, which erupted in April": background
_PAST_WHEN = re.compile(r"\b(?:ago|in\s+\d{4}),?\s+when\b")
_WHICH_BEGAN = re.compile(r",\s+which\s+(?:erupted|began|started|broke\s+out)\b")


def _not_a_threat_here(text: str, cue: str, start: int, end: int, sentence_start: int) -> bool:
    """A cue word used in another sense or as background here: a repeat named by "there",
    the verb "mines", nuclear energy, a ship where someone stood, a past time."""
    if _THERE_AFTER.match(text, end):
        return True
    if cue == "mines":
        return _MINES_VERB.search(text, max(0, start - 12), start) is not None
    if cue == "nuclear":
        return _NUCLEAR_ENERGY.search(text[end:end + 40].split(".")[0]) is not None
    if cue in ("frigate", "frigates", "warship", "warships"):
        return _ABOARD_BEFORE.search(text, max(0, start - 30), start) is not None
    if cue in ("war", "conflict", "fighting") and _WHICH_BEGAN.match(text, end):
        return True
    return "when" in text[max(sentence_start, start - 90):start] and _PAST_WHEN.search(
        text, max(sentence_start, start - 90), start) is not None


def _damages_infrastructure(text: str, start: int, end: int) -> bool:
    """"the cable was found cut", "severed two power lines": a damage verb whose subject or
    object is infrastructure ("the damaged cable", an adjective, names no act)."""
    before = _INFRASTRUCTURE.search(text, max(0, start - 90), start)
    if before and _PASSIVE.search(text, before.end(), start):
        return True
    after = _OBJECT_AFTER.match(text, end)
    return after is not None


# "was found cut", "had been deliberately damaged": the subject named before the verb is what was damaged
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+|found\s+|reported\s+)*$")
# "cut the cable", "blew up a section of the pipeline": the object after the verb
_OBJECT_AFTER = re.compile(
    r"\s+(?:the|a|an|two|three|several|its|their)\s+(?:[\w-]+\s+){0,4}?(?:section\s+of\s+the\s+)?"
    r"(?:cables?|pipelines?|interconnectors?|power\s+lines?|rail(?:way)?\s+lines?|railways?|substations?|"
    r"gas\s+lines?|transmission\s+lines?|pylons?|dams?|bridges?)\b", re.IGNORECASE)


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
