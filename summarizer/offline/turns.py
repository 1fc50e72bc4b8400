"""Speech laid out by the page rather than by verbs: interview turns, live-blog entries, readout bullets.

- An interview transcript gives each turn a label: "Q:" is the interviewer's (no speaker
  of the brief), "A:" the interviewee's, and "KANG:" or "Kang:" the named participant's.
  The interviewee is the person named most often before the first question.
- A live blog is a run of entries, each under a timestamp line ("UPDATE 14:05 GMT",
  "09:30"); a speaker named in one entry never carries into the next.
- A readout lists bullets ("- to raise the quota ...") after a lead-in that ends with a
  colon; the bullets are said by whoever the lead-in names as its subject ("Minister Azman
  also raised:", "the ministry said in a readout:"), and by nobody when it names none.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence

from .text import Document

__all__ = ["Layout", "NAME_AS_MODIFIER", "SUBJECT_OPENING", "entry_floor", "entry_starts", "layout_of"]

# a timestamp alone on its line: the head of a live-blog entry
_ENTRY_HEAD = re.compile(
    r"[ \t]*(?:(?:UPDATE|Update|UPDATED|Updated)[ \t]+(?:at[ \t]+)?)?\d{1,2}[:.]\d{2}"
    r"(?:[ \t]*(?:GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|PST|PDT|IST|JST|AEST|AEDT|local(?:[ \t]+time)?|"
    r"[AaPp]\.?[Mm]\.?))?[ \t]*(?=\r?\n|$)"
)
_TURN_LABEL = re.compile(r"(Q|A|Question|Answer|[A-Z][\w'’.-]*(?:[ \u00a0][A-Z][\w'’.-]*){0,2})[ \u00a0]?:[ \u00a0]")
_BULLET = re.compile(r"[-–—•*·▪][ \u00a0]")
_NUMBERING = re.compile(r"\d{1,2}[.)][ \u00a0]+")

# what may open a sentence before its subject's name: "the", title words
SUBJECT_OPENING = re.compile(r"(?:[Tt]he[ \u00a0]+)?(?:[A-Z][\w'’-]*[ \u00a0]+){0,4}")
# a name that only qualifies the subject: "the United Nations envoy", "NATO's spokesperson"
NAME_AS_MODIFIER = re.compile(r"['’]s\b|[ \u00a0]+(?:envoy|spokes\w+|officials?|ambassador|minister|chief|head|"
                           r"representatives?|delegation|secretary|director|adviser|advisor|team|mission|member)s?\b")


class Layout:
    """Who speaks where by the page's layout, for one article.

    ``turn_at(pos)`` is ``None`` outside any labelled stretch, else the index of the
    participant who says what is at ``pos`` (-1: nobody, an interviewer's question).
    """

    def __init__(self, stretches: list[tuple[int, int, int]]) -> None:
        self._stretches = stretches
        self._stretch_starts = [s[0] for s in stretches]

    def turn_at(self, pos: int) -> int | None:
        if not self._stretches:
            return None
        i = bisect_right(self._stretch_starts, pos) - 1
        if i >= 0 and pos < self._stretches[i][1]:
            return self._stretches[i][2]
        return None


def entry_starts(doc: Document) -> list[int]:
    """Where each live-blog entry starts (its timestamp line); empty when the article is no live blog."""
    entries = doc.memo.get("entries")
    if entries is None:
        text, heads = doc.text, []
        line = 0
        while line >= 0:
            first = text[line:line + 1]
            if first and (first.isdigit() or first in "U \t") and _ENTRY_HEAD.match(text, line):
                heads.append(line)
            line = text.find("\n", line) + 1 or -1
        entries = doc.memo["entries"] = heads if len(heads) >= 2 else []
    return entries


def entry_floor(entries: list[int], pos: int) -> int:
    """The start of the live-blog entry holding ``pos`` (0 before the first or without entries)."""
    if not entries:
        return 0
    i = bisect_right(entries, pos) - 1
    return entries[i] if i >= 0 else 0


def layout_of(doc: Document, names: dict[str, int], mentions: Callable[[], Sequence[tuple[int, int]]],
              subject_of: Callable[[int, int], int]) -> Layout:
    """The :class:`Layout` of ``doc``.

    ``names`` maps each form of a participant's name to its index; ``mentions()`` gives
    (start, participant) of the people's mentions, in order (asked only of a transcript); ``subject_of(start, end)`` is
    the participant a lead-in names as its speaker or subject (-1 for none).
    """
    text = doc.text
    stretches: list[tuple[int, int, int]] = []
    if "Q:" in text or "Question:" in text:
        stretches += _turns(doc, names, mentions)
    if ":\n" in text or ":\r\n" in text:
        stretches += _bullets(doc, subject_of)
    stretches.sort()
    return Layout(stretches)


def _turns(doc: Document, names: dict[str, int], mention_starts) -> list[tuple[int, int, int]]:
    """Interview turns: paragraphs opening with a label, at least two questions among them."""
    text = doc.text
    labelled = []
    for start, end in doc.paragraphs:
        m = _TURN_LABEL.match(text, start, end)
        if m:
            labelled.append((start, end, m.group(1)))
    questions = [t for t in labelled if t[2] in ("Q", "Question")]
    if len(questions) < 2:
        return []
    first_question = questions[0][0]
    interviewee = _most_named(mention_starts(), first_question)
    stretches = []
    for start, end, label in labelled:
        if label in ("Q", "Question"):
            stretches.append((start, end, -1))
        elif label in ("A", "Answer"):
            stretches.append((start, end, interviewee))
        else:
            who = names.get(label, names.get(label.title(), -1))
            if who >= 0:
                stretches.append((start, end, who))
    return stretches


def _most_named(mention_starts, before: int) -> int:
    """The person mentioned most often before ``before`` (the first at a tie); -1 if none."""
    counts: dict[int, int] = {}
    for start, who in mention_starts:
        if start >= before:
            break
        counts[who] = counts.get(who, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else -1


def _bullets(doc: Document, subject_of) -> list[tuple[int, int, int]]:
    """Runs of bullet paragraphs after a lead-in paragraph that ends with a colon."""
    text, paragraphs = doc.text, doc.paragraphs
    stretches = []
    i = 0
    while i < len(paragraphs) - 1:
        start, end = paragraphs[i]
        if text[end - 1] != ":" or not _BULLET.match(text, *paragraphs[i + 1]):
            i += 1
            continue
        j = i + 1
        while j < len(paragraphs) and _BULLET.match(text, *paragraphs[j]):
            j += 1
        lead = doc.sentence_at(end - 1)
        lead_start = lead.start
        numbering = _NUMBERING.match(text, lead_start, end)
        if numbering:
            lead_start = numbering.end()
        who = subject_of(lead_start, end)
        if who >= 0:  # bullets nobody is named for keep the attribution of their own words
            stretches.append((paragraphs[i + 1][0], paragraphs[j - 1][1], who))
        i = j
    return stretches
