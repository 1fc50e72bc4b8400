"""Further clues of who states what, beyond "X said": rules of news English that
:class:`.attribution.Attribution` asks about each article.

- A pronoun opening a sentence continues the speaker of the sentence before ("Lindqvist
  told a press conference with Hidayat. She said ..." is Lindqvist's), when nobody is named
  before it in its own sentence.
- A person states a figure with more verbs than organizations do: "He put the cost at ...",
  "She expects ...", "Hidayat repeated that ...", "she drew attention to ...", "the
  President affirmed that ...". They count only with a person (or a pronoun) as subject,
  so an organization is never kept as a participant for them.
- A participle of saying continues its clause's speaker: "X opened the session by saying
  ...", "X devoted his remarks to the climate, arguing that ...": the speaker of the verb
  of saying before it in the sentence, else the person opening the sentence.
- A description stands for the participant named with that title: "Japan's foreign minister
  said", "according to the minister", "the alliance's spokesperson said". Its head word must
  be in the person's role, a country word must be the person's affiliation, and any other
  word that some role holds ("foreign", "deputy") must be in this one; among several, the one
  named last before it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import alternation
from .scanner import cue_words, matches_at, starts

__all__ = ["STATING_CUE", "described_before", "further_events", "pronoun_continues"]

_S = r"[ \u00a0]+"
# verbs by which a person states a figure or a view; "put" only when the clause puts a value "at"
_STATING = re.compile(
    rf"(?<![\w-])(?:put(?={_S}(?:[^.;:“”\"]{{0,80}}?{_S})?at{_S})|expects|expected|repeated|drew{_S}attention|"
    rf"pointed{_S}to|affirmed|requested|briefed{_S}on)(?![\w-])")
STATING_CUE = cue_words(["put", "expects", "expected", "repeated", "drew", "pointed", "affirmed", "requested",
                         "briefed"], caseless=False, whole=False)
_NOT_REPORTING = {"requested"}  # a request reports no fact: its figures are not the requester's
_PASSIVE = re.compile(rf"(?:\b(?:is|was|are|were|be|been|being|not)|,){_S}$")
_PARTICIPLES = sorted({*lx.SPEECH_PARTICIPLES, "saying", "warning"})
_PARTICIPLE = re.compile(rf"(?<![\w-])(?:{alternation(_PARTICIPLES)})(?![\w-])")
_PARTICIPLE_CUE = cue_words(_PARTICIPLES, caseless=False, whole=False)
_PARTICIPLE_LEAD = re.compile(rf"(?:,|\bby){_S}$")  # ", arguing that", "by saying"
_HEADS = ("minister", "spokesperson", "spokesman", "spokeswoman", "president", "commissioner", "ambassador",
          "envoy", "chairman", "chairwoman", "governor", "secretary", "director", "premier", "chancellor")
_HEAD_CUE = cue_words([*_HEADS, "head"], caseless=True, whole=True)
# "the head of state" is the president in state media
_HEAD_ALIASES = {"head of state": "president", "head of government": "prime minister"}
_DESCRIPTION = re.compile(
    rf"(?:\b[Tt]he|(?:\b[Tt]he{_S})?(?<![\w'’-])[\w-]+['’]s)((?:{_S}[\w-]+){{0,4}}?){_S}"
    rf"({alternation(_HEADS)}|{alternation(_HEADS).title()}|head{_S}of{_S}(?:state|government)|"
    rf"Head{_S}of{_S}(?:State|Government))"
    rf"(?:,[^,.;“”\"]{{1,80}},|{_S}(?:\w+ly|also|further|then|later|again|has|had|was|on{_S}\w+day))*{_S}$")
# what a subject follows when it opens a clause: a comma, dash, quote or colon, or a conjunction
_CLAUSE_OPENS = re.compile(r"(?:[,—–“”\":]|\b(?:and|but|that|while))[ \u00a0]*$")
_ACCORDING_TO = re.compile(rf"\b[Aa]ccording{_S}to{_S}")


def _role_words(role: str | None) -> set[str]:
    words = set(re.findall(r"[\w-]+", (role or "").lower()))
    return words | {"spokes" + w[6:] for w in words if w.startswith("spokes")} | (
        {"spokesperson", "spokesman", "spokeswoman"} if any(w.startswith("spokes") for w in words) else set())


def _country_of(word: str) -> str | None:
    bare = re.sub(r"['’]s$", "", word)
    return COUNTRIES.by_name.get(bare) or COUNTRIES.by_demonym.get(bare)


def described_before(att, end: int, floor: int) -> int:
    """The person a description ending right before ``end`` stands for ("Japan's foreign
    minister", "the alliance's spokesperson"), looked for after ``floor``; -1 for none."""
    text = att.doc.text
    heads = starts(text, _HEAD_CUE)  # most verbs have no title word before them: no search
    i = bisect_left(heads, end) - 1
    if i < 0 or heads[i] < end - 100:
        return -1
    m = _DESCRIPTION.search(text, max(floor, end - 120), end)
    if m is None or m.end() != end or not _CLAUSE_OPENS.search(text, max(floor, m.start() - 8), m.start()) and \
            m.start() > floor:
        return -1  # "officials travelling with the minister said": the minister is no subject
    return _described(att, m, end)


def _described(att, m: re.Match, pos: int) -> int:
    head = " ".join(m.group(2).lower().split())
    head = _HEAD_ALIASES.get(head, head)
    opening = m.group(0)[:m.start(1) - m.start()].strip()
    words = [opening] + m.group(1).split() if opening.lower() != "the" else m.group(1).split()
    people = [(i, p) for i, p in enumerate(att.participants) if p.kind == "person"]
    roles = {i: _role_words(p.role) for i, p in people}
    known = set().union(*roles.values()) if roles else set()
    candidates = []
    for i, p in people:
        if not set(head.split()) <= roles[i]:
            continue
        fits = True
        for word in words:
            country = _country_of(word)
            if country is not None:
                fits = p.affiliation == country
            elif word.lower() in known and not word.endswith(("'s", "’s")):
                fits = word.lower() in roles[i]
            if not fits:
                break
        if fits:
            candidates.append(i)
    if len(candidates) == 1:
        return candidates[0]
    last = {}
    for mention in att.mentions[:bisect_left(att.mention_starts, pos)]:
        if mention.who in candidates:
            last[mention.who] = mention.start
    return max(last, key=last.__getitem__) if last else -1


def pronoun_continues(att, pos: int, last_person: int, last_at: int) -> bool:
    """Whether the pronoun at ``pos`` continues ``last_person``, who spoke at ``last_at``: it
    opens its sentence's clauses with nobody named before it, and that speech was in the
    sentence before."""
    doc = att.doc
    if last_person < 0:
        return False
    index = doc.sentence_index(pos)
    sentence = doc.sentences[index]
    if index == 0 or not doc.sentences[index - 1].start <= last_at < sentence.start:
        return False
    for mention in att.mentions[bisect_left(att.mention_starts, sentence.start):bisect_left(att.mention_starts, pos)]:
        if att.is_person(mention.who):
            return False
    return True


def further_events(att, events) -> list[tuple[int, int, int, bool, bool]]:
    """(start, end, who, speech, reporting) of the statements found by the rules above;
    ``events`` are the article's events so far, in order."""
    doc, text = att.doc, att.doc.text
    found = []
    speech = [e for e in events if e.speech]
    speech_starts = [e.verb_start for e in speech]
    for verb in matches_at(_STATING, text, starts(text, STATING_CUE)):
        if _PASSIVE.search(text, max(0, verb.start() - 12), verb.start()):
            continue
        who = _subject(att, verb.start(), speech, speech_starts)
        if who >= 0 and att.is_person(who) and doc.quote_at(verb.start()) is None:
            found.append((verb.start(), verb.end(), who, True, verb.group() not in _NOT_REPORTING))
    for part in matches_at(_PARTICIPLE, text, starts(text, _PARTICIPLE_CUE)):
        at = part.start()
        if not _PARTICIPLE_LEAD.search(text, max(0, at - 6), at) or doc.quote_at(at) is not None:
            continue
        sentence = doc.sentence_at(at)
        before = speech[bisect_left(speech_starts, sentence.start):bisect_left(speech_starts, at)]
        who = before[-1].who if before else att.subject_index(sentence.start, at)
        if who < 0:
            who = described_before(att, _first_verb_gap(text, sentence.start, at), sentence.start)
        if who >= 0 and att.is_person(who):
            found.append((at, part.end(), who, True, True))
    at = text.find("ccording to ")
    while at >= 0:
        m = _ACCORDING_TO.match(text, at - 1)
        d = _DESCRIPTION_AFTER.match(text, m.end()) if m else None
        if d is not None:
            who = _described(att, d, at)
            if who >= 0:
                found.append((d.start(), d.end(), who, True, True))
        at = text.find("ccording to ", at + 12)
    return found


_DESCRIPTION_AFTER = re.compile(
    rf"(?:[Tt]he|[\w-]+['’]s)((?:{_S}[\w-]+){{0,3}}?){_S}({alternation(_HEADS)}|{alternation(_HEADS).title()})\b")


def _subject(att, pos: int, speech, speech_starts) -> int:
    """Who is the subject of the verb at ``pos``: a participant or pronoun right before it,
    else a description; a pronoun stands for the person it continues."""
    subject = att.subject_before(pos)
    if subject is None:
        return described_before(att, pos, att.doc.sentence_at(pos).start)
    if subject.who >= 0:
        return subject.who
    i = bisect_left(speech_starts, subject.start) - 1
    last = next((e for e in reversed(speech[:i + 1]) if att.is_person(e.who)), None)
    if last is not None and pronoun_continues(att, subject.start, last.who, last.verb_start):
        return last.who
    return att.person_before(subject.start)


def _first_verb_gap(text: str, start: int, end: int) -> int:
    """Where the sentence's opening noun phrase ends: before its first lower-case word that
    is not "the"/"of"/a particle ("The Lao Deputy Prime Minister highly appreciated")."""
    for m in re.finditer(r"[ \u00a0]+([a-z][\w-]*)", text[start:end]):
        if m.group(1) not in ("the", "of", "and"):
            return start + m.start()
    return end
