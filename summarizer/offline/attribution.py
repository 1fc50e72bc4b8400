"""Who said what: speech events, the speaker of each quotation, and the speaker at any position.

A speech event is a verb of saying with its subject: a participant's mention before it
("Putin noted", "Rahmon, for his part, reportedly noted", "the Russian leader was cited as
saying"), after it (',” said Putin'), or "according to X". "He"/"She" stand for the last
person who spoke. A quotation takes the speaker named right after it in its sentence,
else the one named before it in its sentence, else the last speaker of the same or the
previous paragraph (quotes that run on). Anything else in a sentence with a speech event
is reported speech of that event's speaker. People outrank organizations
("Rahmon said, according to the Kremlin" is Rahmon's), and an organization's act opening
a clause of its own ends the reported speech. The further rules (a pronoun continuing the
speaker before, verbs of estimate, participles of saying, descriptions such as "Japan's
foreign minister") are in :mod:`.statements`.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import NamedTuple

from . import lexicon as lx
from .keeping import acting
from .patterns import alternation
from .name_spans import capitalised as _capitalised, form_spans as _form_spans
from .people import Participant
from .scanner import cue_words, matches_at, starts
from .statements import (NOT_REPORTING, STATING, described_before, further_events, new_clause_between,
                         pronoun_continues, stating_verbs)
from .text import Document
from .turns import NAME_AS_MODIFIER, SUBJECT_OPENING, entry_floor, entry_starts, layout_of

_SPACE = r"[ \u00a0]+"


def _alt(words) -> str:
    return alternation(words)


_SPEECH_VERB = re.compile(rf"(?<![\w-])(?:{_alt(lx.SPEECH_VERBS)})(?![\w-])")
_ACTION_VERB = re.compile(rf"(?<![\w-])(?:{_alt(lx.ORG_ACTION_VERBS)})(?![\w-])")
# Where a verb or a pronoun can start, from the one scan of the article (see .scanner).
_SPEECH_CUE = cue_words(lx.SPEECH_VERBS, caseless=False, whole=False)
_ACTION_CUE = cue_words(lx.ORG_ACTION_VERBS, caseless=False, whole=False)
_ACCORDING = re.compile(rf"\b[Aa]ccording{_SPACE}to{_SPACE}$")
# What may stand between a subject and its verb: ", for his part," and adverbs or auxiliaries
# (matched from the subject's end to the verb, the text not sliced).
_GAP = re.compile(
    r"(?:,[^,.;“”\"]{1,120},|,\s+(?:which|who))?"
    r"(?:\s+(?:\w+ly|also|further|then|later|again|has|have|had|was|were|is|are|would|will|had|"
    r"on\s+\w+day|in\s+a\s+statement|in\s+an\s+interview|at\s+a\s+(?:news|press)\s+(?:conference|briefing)))*"
    r"\s+$"
)
_COMMA_END = re.compile(r",[ \u00a0]+$")  # a comma and spaces ending the stretch looked at
_ACCORDING_THE = re.compile(rf"\b[Aa]ccording{_SPACE}to{_SPACE}[Tt]he{_SPACE}$")
_INVERTED_LEAD = ",”\""  # ', said Putin': the verb follows a comma or a closing quote
# "He", "She", "he", "she" as words. Written to start with a character class, so the
# engine jumps between h and s instead of trying every position; the word boundary
# before the pronoun is checked behind its first letter.
_PRONOUN = re.compile(r"[HhSs](?<=\b[HhSs])(?:(?<=[Hh])e|(?<=[Ss])he)\b")
_PRONOUN_CUE = cue_words(["he", "she"])


class Mention(NamedTuple):
    # a tuple, not a frozen dataclass: an article makes hundreds, and a tuple is built in C
    start: int
    end: int
    who: int  # index into participants; -1 for a pronoun not yet resolved


class Event(NamedTuple):
    """A verb of saying (or an organization's act) and who did it."""

    verb_start: int
    verb_end: int
    who: int
    speech: bool
    reporting: bool = True  # "said", not "urged": what follows is the speaker's statement

    @property
    def anchor(self) -> int:
        return self.verb_start


class Attribution:
    """Speech events and speakers of one article."""

    def __init__(self, doc: Document, participants: list[Participant]) -> None:
        self.doc = doc
        self.participants = participants
        self.mentions = self._find_mentions()
        self.mention_starts = [m.start for m in self.mentions]
        self._entries = entry_starts(doc)  # a live blog's entries: no speaker crosses into the next
        self.events = self._find_events()
        self._speech = [e for e in self.events if e.speech]
        self._speech_starts = [e.verb_start for e in self._speech]
        self._acts = [e.verb_start for e in self.events if not e.speech]
        self.layout = layout_of(doc, self._forms, self._people_mentions, self._lead_in_subject)
        self.quote_speakers = self._attribute_quotes()

    # --- mentions ----------------------------------------------------------------------

    def _find_mentions(self) -> list[Mention]:
        forms: dict[str, int] = {}
        for index, p in enumerate(self.participants):
            for form in [p.name, *p.aliases]:
                for variant in (form, form[:1].upper() + form[1:]):
                    forms.setdefault(variant, index)
        self._forms = forms
        if not forms:
            return []
        text, memo = self.doc.text, self.doc.memo
        tokens = memo.get("capitalised")
        if tokens is None:
            tokens = memo["capitalised"] = _capitalised(text)
        folded = {" ".join(k.split()): v for k, v in forms.items()}
        get = folded.get  # a span already in single spaces is a key as it stands: no split and join
        mentions = [Mention(start, end, who if (who := get(text[start:end])) is not None
                            else folded[" ".join(text[start:end].split())])
                    for start, end in _form_spans(text, forms, memo.setdefault("form hits", {}), tokens)]
        pronouns = self.doc.memo.get("pronouns")
        if pronouns is None:
            pronouns = self.doc.memo["pronouns"] = [
                Mention(m.start(), m.end(), -1) for m in matches_at(_PRONOUN, text, starts(text, _PRONOUN_CUE))]
        mentions += pronouns
        return sorted(mentions, key=lambda m: m.start)

    def is_person(self, who: int) -> bool:
        return who >= 0 and self.participants[who].kind == "person"

    # --- events ------------------------------------------------------------------------

    def _find_events(self) -> list[Event]:
        text = self.doc.text
        verbs = _verbs(self.doc)
        events: list[Event] = []
        last_person, last_at = -1, -1
        for verb, speech in verbs:
            subject = self.subject_before(verb.start())
            if subject is None and speech and _after_comma_or_quote(text, verb.start()):
                subject = self._subject_after(verb.end())
            who = subject.who if subject else described_before(self, verb.start()) if speech else -1
            if who < 0 and subject is None:
                continue
            if who == -1:  # a pronoun: the speaker of the sentence before, else the last person named
                continuing = pronoun_continues(self, subject.start, last_person, last_at)
                who = last_person if continuing else self.person_before(subject.start)
                if who < 0 and last_at >= entry_floor(self._entries, subject.start):
                    who = last_person
                if who < 0:
                    continue
            stated = verb.re is STATING  # a verb of estimate: a person's only ("He put the cost at")
            if not speech and self.is_person(who) or stated and not self.is_person(who):
                continue
            verb_text = " ".join(verb.group().split())
            reporting = verb_text in lx.REPORTING_VERBS or stated and verb_text not in NOT_REPORTING
            events.append(Event(verb.start(), verb.end(), who, speech, reporting))
            if self.is_person(who) and speech:
                last_person, last_at = who, verb.start()
        for m in self.mentions:
            if m.who < 0 or text.find("ccording", max(0, m.start - 24), m.start) < 0:
                continue  # both patterns below hold the word
            if _ACCORDING.search(text, max(0, m.start - 20), m.start):
                events.append(Event(m.start, m.end, m.who, True))
            elif _ACCORDING_THE.search(text[max(0, m.start - 24):m.start]):
                events.append(Event(m.start, m.end, m.who, True))
        events.sort(key=lambda e: e.verb_start)
        further = further_events(self, events)
        return sorted(events + [Event(*e) for e in further], key=lambda e: e.verb_start) if further else events

    def subject_before(self, pos: int) -> Mention | None:
        text = self.doc.text
        sentence = self.doc.sentence_at(pos)
        # mentions starting at or after pos also end after it: start the walk before them
        for i in range(bisect_left(self.mention_starts, pos) - 1, -1, -1):
            m = self.mentions[i]
            if m.end > pos:
                continue
            if m.end < pos - 160 or m.start < sentence.start:
                break
            if _GAP.match(text, m.end, pos) or _closes_apposition(text, m, pos):
                return m
        return None

    def _subject_after(self, pos: int) -> Mention | None:
        text = self.doc.text
        for m in self.mentions[bisect_left(self.mention_starts, pos):]:
            if m.start > pos + 60:
                break
            between = text[pos:m.start]
            # ', said Foreign Minister Ana Souza': only title words may intervene
            if re.fullmatch(r"[ \u00a0]+(?:(?:the|[A-Z][\w.-]*|[a-z]+ minister|spokes\w+)[ \u00a0]+){0,5}", between):
                return m
            return None
        return None

    def person_before(self, pos: int) -> int:
        """Who a pronoun at ``pos`` stands for: the subject of its sentence ("Kanzaki briefed
        Mehrotra ..., which he described": Kanzaki), else the person named last before it;
        possessives ("Rahmon's attention") and quotes skipped."""
        text = self.doc.text
        sentence_start = self.doc.sentence_at(pos).start
        floor = entry_floor(self._entries, pos)
        last = -1
        for i in range(bisect_left(self.mention_starts, pos) - 1, -1, -1):
            m = self.mentions[i]
            if last >= 0 and m.start < sentence_start or m.start < floor:
                break
            if not self.is_person(m.who):
                continue
            if text[m.end:m.end + 2] in ("’s", "'s") or self.doc.quote_at(m.start) is not None:
                continue
            if m.start < sentence_start:
                return m.who
            last = m.who  # walking back: the first person of the sentence wins
        return last

    # --- quotations --------------------------------------------------------------------

    def _attribute_quotes(self) -> dict[int, int | None]:
        groups: dict[int, list] = {}
        for q in self.doc.quotes:
            groups.setdefault(q.group, []).append(q)
        speakers: dict[int, int | None] = {}
        for group, regions in groups.items():
            speakers[group] = self._quote_speaker(regions[0].start, regions[-1].end)
        return speakers

    def _quote_speaker(self, start: int, end: int) -> int | None:
        doc = self.doc
        speech, at = self._speech, self._speech_starts
        after_sentence = doc.sentence_at(max(start, end - 1))
        after = [e for e in speech[bisect_left(at, end):bisect_left(at, after_sentence.end)]
                 if doc.quote_at(e.verb_start) is None]
        before_sentence = doc.sentence_at(start)
        before = speech[bisect_left(at, before_sentence.start):bisect_left(at, start)]
        close_after = [e for e in after if e.verb_start - end < 80]
        for pool, last in ((close_after, False), (before, True), (after, False)):
            chosen = self._pick(pool, last)
            if chosen is not None:
                return chosen
        # a quote that stands alone: the last speaker of this or the previous paragraph
        paragraph = before_sentence.paragraph
        first = next(i for i, s in enumerate(doc.sentences) if s.paragraph >= paragraph - 1)
        floor = doc.sentences[first].start if first > 0 else -1  # before the first sentence is in it
        if self._entries:
            floor = max(floor, entry_floor(self._entries, start))
        return self._pick(speech[bisect_left(at, floor):bisect_left(at, start)], True)

    def _pick(self, pool: list[Event], last: bool) -> int | None:
        """The first (or with ``last`` the last) event of ``pool`` (in order), people before organizations."""
        if not pool:
            return None
        people = [e for e in pool if self.is_person(e.who)] or pool
        if not last:
            return people[0].who
        i = len(people) - 1
        while i > 0 and people[i - 1].verb_start == people[i].verb_start:
            i -= 1  # max() keeps the first of equal starts
        return people[i].who

    # --- queries -----------------------------------------------------------------------

    def speaker_at(self, pos: int, reporting_only: bool = True) -> Participant | None:
        """Who states what is written at ``pos``: the quote's speaker, or the reporting verb's subject.

        With ``reporting_only`` (figures) only verbs that report a statement count ("said",
        not "urged"); concerns also take acts of speech ("expressed concern", "warned").
        """
        turn = self.layout.turn_at(pos)
        if turn is not None:  # an interview's turn or a readout's bullet: the page says who
            return self.participants[turn] if turn >= 0 else None
        quote = self.doc.quote_at(pos)
        if quote is not None and self.quote_speakers.get(quote.group) is not None:
            return self.participants[self.quote_speakers[quote.group]]
        if quote is not None:
            return None
        sentence = self.doc.sentence_at(pos)
        at = self._speech_starts
        pool = [e for e in self._speech[bisect_left(at, sentence.start):bisect_left(at, sentence.end)]
                if (e.reporting or not reporting_only) and self.doc.quote_at(e.verb_start) is None]
        people = [e for e in pool if self.is_person(e.who)] or pool
        if not people:
            return None
        before = [e for e in people if e.verb_start <= pos]
        chosen = max(before, key=lambda e: e.verb_start) if before else min(people, key=lambda e: e.verb_start)
        if before and self._acts and new_clause_between(self, self._acts, chosen.verb_start, pos):
            return None  # "X warned that ..., and the agency recorded 268 incidents": the article's own voice
        return self.participants[chosen.who]

    def _people_mentions(self) -> list[tuple[int, int]]:
        return [(m.start, m.who) for m in self.mentions if self.is_person(m.who)]

    def _lead_in_subject(self, start: int, end: int) -> int:
        """Who a lead-in ending in a colon names: its speaker ("the ministry said in a readout:"),
        else its subject ("Minister Azman also raised:"); -1 for none."""
        at = self._speech_starts
        for e in self._speech[bisect_left(at, start):bisect_left(at, end)]:
            return e.who
        return self.subject_index(start, end)

    def subject_of(self, start: int, end: int) -> Participant | None:
        """The participant that opens ``text[start:end]`` as its subject ("The Border Commissioner's
        office had doubled patrols"), or None; a quote's words have no such subject."""
        who = self.subject_index(start, end) if self.doc.quote_at(end) is None else -1
        return self.participants[who] if who >= 0 else None

    def subject_index(self, start: int, end: int) -> int:
        i = bisect_left(self.mention_starts, start)
        m = self.mentions[i] if i < len(self.mentions) else None
        if m is None or m.start >= max(end, start + 1) or m.who < 0:
            return -1
        opens = SUBJECT_OPENING.fullmatch(self.doc.text, start, m.start) and not NAME_AS_MODIFIER.match(self.doc.text, m.end)
        return m.who if opens else -1

    def actors(self) -> set[int]:
        """Participants that speak or act somewhere in the article (:func:`.keeping.acting`)."""
        return acting(self.doc.text, self.events)


def _verbs(doc: Document) -> list[tuple[re.Match, bool]]:
    """Verbs of saying (True) and organizations' acts (False), in order; found once per article."""
    verbs = doc.memo.get("verbs")
    if verbs is None:
        text = doc.text
        verbs = [(m, True) for m in matches_at(_SPEECH_VERB, text, starts(text, _SPEECH_CUE))] + [
            (m, False) for m in matches_at(_ACTION_VERB, text, starts(text, _ACTION_CUE))] + [
            (m, True) for m in stating_verbs(doc)]
        verbs.sort(key=lambda v: v[0].start())
        doc.memo["verbs"] = verbs
    return verbs


def _closes_apposition(text: str, m: Mention, pos: int) -> bool:
    """"the ministry's spokeswoman, Klára Benešová, said": a name set off by commas right
    before the verb is its subject (a lone comma after any other name is not)."""
    return _COMMA_END.match(text, m.end, pos) is not None and (
        _COMMA_END.search(text, max(0, m.start - 3), m.start) is not None
        or "," in text[m.start:m.end])  # the mention holds the title: "Sweden's Defence Minister, Erik Sundqvist"


def _after_comma_or_quote(text: str, pos: int) -> bool:
    """Whether the last non-space character before ``pos`` is a comma or a closing quote."""
    i = pos - 1
    while i >= 0 and text[i].isspace():
        i -= 1
    return i >= 0 and text[i] in _INVERTED_LEAD
