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
from functools import lru_cache

from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import alternation
from .scanner import cue_words, matches_at, starts

__all__ = ["NOT_REPORTING", "STATING", "described_before", "further_events", "new_clause_between", "pronoun_continues",
           "stating_verbs"]

_S = r"[ \u00a0]+"
# verbs by which a person states a figure or a view; "put" only when the clause puts a value "at"
STATING = re.compile(
    rf"(?<![\w-])(?:put(?={_S}(?:[^.;:“”\"]{{0,80}}?{_S})?at{_S})|expects|expected|repeated|drew{_S}attention|"
    rf"pointed{_S}to|affirmed|requested|asked|briefed{_S}on)(?![\w-])")
_STATING_CUE = cue_words(["put", "expects", "expected", "repeated", "drew", "pointed", "affirmed", "requested", "asked",
                         "briefed"], caseless=False, whole=False)
NOT_REPORTING = {"requested", "asked"}  # a request reports no fact: its figures are not the requester's
_PASSIVE = re.compile(rf"(?:\b(?:is|was|are|were|be|been|being|not)|,){_S}$")
_PARTICIPLES = sorted({*lx.SPEECH_PARTICIPLES, "saying", "warning"})
_PARTICIPLE = re.compile(rf"(?<![\w-])(?:{alternation(_PARTICIPLES)})(?![\w-])")
_PARTICIPLE_CUE = cue_words(_PARTICIPLES, caseless=False, whole=False)
_PARTICIPLE_LEAD = re.compile(rf"(?:,|\bby){_S}$")  # ", arguing that", "by saying"
_HEADS = ("minister", "spokesperson", "spokesman", "spokeswoman", "president", "commissioner", "ambassador",
          "envoy", "chairman", "chairwoman", "governor", "secretary", "director", "premier", "chancellor")
_HEAD_WORDS = alternation([*_HEADS, *(head.capitalize() for head in _HEADS)])
_HEAD_CUE = cue_words([*_HEADS, "head"], caseless=True, whole=True)
# "the head of state" is the president in state media
_HEAD_ALIASES = {"head of state": "president", "head of government": "prime minister"}
_HEAD = rf"({_HEAD_WORDS}|head{_S}of{_S}(?:state|government)|Head{_S}of{_S}(?:State|Government))"
_TAIL = rf"(?:,[^,.;“”\"]{{1,80}},|{_S}(?:\w+ly|also|further|then|later|again|has|had|was|on{_S}\w+day))*{_S}"
_HEAD_THEN_VERB = re.compile(rf"{_HEAD}{_TAIL}")  # tried first, anchored at a title word: cheap
_DESCRIPTION = re.compile(
    rf"(?<![\w'’-])(?:[Tt]he\b|(?:[Tt]he{_S})?[\w-]+['’]s)((?:{_S}[\w-]+){{0,4}}?){_S}{_HEAD}{_TAIL}$")
# what a subject follows when it opens a clause: a comma, dash, quote or colon, or a conjunction
_CLAUSE_OPENS = re.compile(r"(?:[,—–“”\":]|\b(?:and|but|that|while))[ \u00a0]*$")
_WORD = re.compile(r"[\w-]+")
_CLAUSE_JOIN = re.compile(r"(?:,[ \u00a0]+(?:and|but|while|whereas)|;)[ \u00a0]+$")
_LOWER_WORD = re.compile(r"[ \u00a0]+([a-z][\w-]*)")
_ACCORDING_TO = re.compile(rf"\b[Aa]ccording{_S}to{_S}")


@lru_cache(maxsize=4096)  # a role recurs across a batch
def _role_words(role: str | None) -> frozenset[str]:
    """The words of a role, lower-cased; any word for a spokesperson stands for all three."""
    words = set(_WORD.findall((role or "").lower()))
    if any(w.startswith("spokes") for w in words):
        words |= {"spokesperson", "spokesman", "spokeswoman"}
    return frozenset(words)


def _country_of(word: str) -> str | None:
    bare = word[:-2] if word.endswith(("'s", "’s")) else word
    return COUNTRIES.by_name.get(bare) or COUNTRIES.by_demonym.get(bare)


def described_before(att, end: int, floor: int | None = None) -> int:
    """The person a description ending right before ``end`` stands for ("Japan's foreign
    minister", "the alliance's spokesperson"), looked for after ``floor`` (by default the
    start of the sentence); -1 for none."""
    found = att.doc.memo.setdefault("descriptions", {})  # the text's part, kept for the second run
    key = (end, floor)
    m = found[key] if key in found else found.setdefault(key, _description_before(att.doc, end, floor))
    return -1 if m is None else _described(att, m, end)


def _description_before(doc, end: int, floor: int | None) -> re.Match | None:
    text = doc.text
    heads = doc.memo.get("title heads")  # most verbs have no title word before them: no search
    if heads is None:
        heads = doc.memo["title heads"] = starts(text, _HEAD_CUE)
    i = bisect_left(heads, end) - 1
    if i < 0 or heads[i] < end - 100 or not _HEAD_THEN_VERB.fullmatch(text, heads[i], end):
        return None
    floor = doc.sentence_at(end).start if floor is None else floor
    m = _DESCRIPTION.search(text, max(floor, heads[i] - 60), end)
    if m is None or m.end() != end or not _CLAUSE_OPENS.search(text, max(floor, m.start() - 8), m.start()) and \
            m.start() > floor:
        return None  # "officials travelling with the minister said": the minister is no subject
    return m


def _titles(att):
    """The article's people, the words of each one's role, and every word of some role; kept
    per list of participants (attribution runs twice when silent organizations are dropped)."""
    kept = att.doc.memo.get("titles")
    if kept is None or kept[0] is not att.participants:
        people = [(i, p) for i, p in enumerate(att.participants) if p.kind == "person"]
        roles = {i: _role_words(p.role) for i, p in people}
        kept = att.doc.memo["titles"] = (att.participants, (people, roles, frozenset().union(*roles.values())))
    return kept[1]


def _described(att, m: re.Match, pos: int) -> int:
    head = " ".join(m.group(2).lower().split())
    head = _HEAD_ALIASES.get(head, head)
    opening = m.group(0)[:m.start(1) - m.start()].strip()
    words = [opening] + m.group(1).split() if opening.lower() != "the" else m.group(1).split()
    people, roles, known = _titles(att)
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
    for i in range(bisect_left(att.mention_starts, pos) - 1, -1, -1):  # the one named last
        if att.mentions[i].who in candidates:
            return att.mentions[i].who
    return -1


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


def new_clause_between(att, acts: list[int], start: int, end: int) -> bool:
    """Whether an organization's act (its verb at one of ``acts``) opens a clause of its own
    between ``start`` and ``end``: ", and the agency recorded ...", "; NATO sent ..."."""
    text = att.doc.text
    for at in acts[bisect_left(acts, start):bisect_left(acts, end)]:
        subject = att.subject_before(at)
        if subject is not None and subject.start > start and _CLAUSE_JOIN.search(
                text, max(0, subject.start - 12), subject.start):
            return True
    return False


def stating_verbs(doc) -> list[re.Match]:
    """A person's verbs of estimate ("put ... at", "expects", "repeated"), outside quotes and
    not passive ("is expected to" states nothing)."""
    text = doc.text
    return [verb for verb in matches_at(STATING, text, starts(text, _STATING_CUE))
            if not _PASSIVE.search(text, max(0, verb.start() - 12), verb.start()) and doc.quote_at(verb.start()) is None]


def further_events(att, events) -> list[tuple[int, int, int, bool, bool]]:
    """(start, end, who, speech, reporting) of the statements found by the rules above;
    ``events`` are the article's events so far, in order."""
    doc, text = att.doc, att.doc.text
    found = []
    participles = doc.memo.get("participles")
    if participles is None:  # ", arguing", "by saying" outside quotes: found once per article
        led = [at for at in starts(text, _PARTICIPLE_CUE) if _PARTICIPLE_LEAD.search(text, max(0, at - 6), at)]
        participles = doc.memo["participles"] = [
            part for part in matches_at(_PARTICIPLE, text, led) if doc.quote_at(part.start()) is None]
    speech = [e for e in events if e.speech] if participles else []
    speech_starts = [e.verb_start for e in speech]
    for part in participles:
        at = part.start()
        # a line break ends a heading the sentence may have run on from ("UPDATE 12:30 GMT")
        start = max(doc.sentence_at(at).start, text.rfind("\n", 0, at) + 1)
        before = speech[bisect_left(speech_starts, start):bisect_left(speech_starts, at)]
        who = before[-1].who if before else att.subject_index(start, at)
        if who < 0:
            who = described_before(att, _first_verb_gap(text, start, at), start)
        if who >= 0 and att.is_person(who):
            found.append((at, part.end(), who, True, True))
    for at, d in _according_to_descriptions(doc):
        who = _described(att, d, at)
        if who >= 0:
            found.append((d.start(), d.end(), who, True, True))
    return found


def _according_to_descriptions(doc) -> list[tuple[int, re.Match]]:
    """Each "according to" followed by a description ("according to the minister"), once per article."""
    kept = doc.memo.get("according to")
    if kept is None:
        text, kept = doc.text, []
        at = text.find("ccording to ")
        while at >= 0:
            m = _ACCORDING_TO.match(text, at - 1)
            d = _DESCRIPTION_AFTER.match(text, m.end()) if m else None
            if d is not None:
                kept.append((at, d))
            at = text.find("ccording to ", at + 12)
        doc.memo["according to"] = kept
    return kept


_DESCRIPTION_AFTER = re.compile(
    rf"(?:[Tt]he|[\w-]+['’]s)((?:{_S}[\w-]+){{0,3}}?){_S}({_HEAD_WORDS})\b")


def _first_verb_gap(text: str, start: int, end: int) -> int:
    """Where the sentence's opening noun phrase ends: before its first lower-case word that
    is not "the"/"of"/a particle ("The Lao Deputy Prime Minister highly appreciated")."""
    for m in _LOWER_WORD.finditer(text, start, end):
        if m.group(1) not in ("the", "of", "and"):
            return m.start()
    return end
