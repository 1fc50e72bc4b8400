"""The parts of an article that are not its content: text addressed to an AI model, and reader comments.

The offline extractor reads an article with these parts blanked out (:func:`blank`), so
no participant, figure, topic or concern can come from them, and the brief says what was
left out in one line of ``meta.warnings`` (:func:`left_out_warning`), which names how
much, never what.

Text addressed to a model is where the cues of :mod:`summarizer.injection` match, widened
to the passage an order covers (:func:`injected_spans`).
Reader comments are found by the page furniture around them, never by what they say:

* a comments section: a line that is only a heading such as "Comments", "Reader
  comments", "42 comments", "Comments (12)" or "Join the discussion", after the start of
  the article, to the end of the text;
* one comment: a line that is only "Top comment" or "Featured comment", with the
  paragraph after it; a paragraph opened by a commenter's handle ("nordlys_77 wrote:",
  "Posted by @kari.n", "Reader comment from olaf88:"); a paragraph signed "— reader from
  Oslo" (with the paragraph before it when the signature stands alone).

A paragraph that begins "Comments by the minister ..." or quotes "a reader from Oslo"
inside a sentence is news, and is kept.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .injection import cue_spans
from .literals import Literals
from .names import TITLE_ABBREVIATIONS

__all__ = ["LeftOut", "blank", "injected_spans", "left_out_warning", "not_content", "paragraph_at",
           "reader_comments"]

MODEL = "model"
COMMENTS = "comments"


class LeftOut(NamedTuple):
    """``text[start:end]`` is not content: ``kind`` is ``"model"`` (addressed to an AI model) or ``"comments"``."""

    start: int
    end: int
    kind: str


_RULE = r"(?:[-\u2013\u2014=*#>|\u2022]+[ \t]*)?"  # "--- Comments ---", "## Comments", "> Comments"
# A line that is only the heading of a comments section (matched on the whole line).
_SECTION = re.compile(
    rf"[ \t]*{_RULE}(?:"
    r"(?:\d[\d,.]*k?[ \t]+)?(?:(?:reader|readers'?|user|visitor|latest|newest|oldest|all|"
    r"most[ \t]+(?:popular|recommended|liked|read))[ \t]+)?comments(?:[ \t]*\(\d[\d,]*\))?"
    r"|\d[\d,.]*k?[ \t]+(?:comments?|replies)|comments?[ \t]*\(\d[\d,]*\)"
    r"|(?:show|view|see|load|read)[ \t]+(?:all[ \t]+|more[ \t]+)?(?:\d[\d,]*[ \t]+)?comments"
    r"|(?:join|start)[ \t]+the[ \t]+(?:conversation|discussion|debate)|have[ \t]+your[ \t]+say"
    r"|(?:leave|post|add|write)[ \t]+a[ \t]+(?:comment|reply)|comments?[ \t]+section"
    r"|what[ \t]+(?:our[ \t]+)?readers[ \t]+(?:say|think)|from[ \t]+the[ \t]+comments"
    rf")[ \t]*:?[ \t]*{_RULE}",
    re.IGNORECASE,
)
# A line that is only the heading of one comment: "Top comment", "Featured reader comment".
_ONE = re.compile(
    rf"[ \t]*{_RULE}(?:top|featured|pinned|best|highlighted|most[ \t]+(?:liked|recommended|popular)|"
    r"reader'?s?|user)(?:[ \t]+reader'?s?)?[ \t]+comment[ \t]*:?[ \t]*",
    re.IGNORECASE,
)
# A screen name, not a person's name as news writes it: "@kari", "nordlys_77", "olaf88", "kari.n".
_HANDLE = r"(?:@[\w.-]{2,32}|[\w.-]*[\d_][\w.-]*|[\w-]+\.[\w.-]*\w)(?![\w.-])"
# A line opened by a commenter (matched at the line's start): "nordlys_77 wrote:", "nordlys wrote:",
# "Posted by @kari at 14:02", "Reader comment from olaf88:", "Comment by a reader:".
_COMMENTER = re.compile(
    rf"[ \t]*{_RULE}(?:(?:{_HANDLE}|[a-z][\w-]{{2,31}})[ \t]+(?:wrote|writes|commented|replied|posted)[ \t]*:"
    rf"|(?i:posted|submitted|commented|replied|comment|reply)[ \t]+(?i:by|from)[ \t]+(?:{_HANDLE}"
    r"|(?i:an?[ \t]+)?(?i:reader|user|visitor|subscriber|commenter)\b)"
    r"|(?i:top|featured|pinned|reader'?s?|user)[ \t]+(?i:comment)\b[^\n:]{0,60}:)",
)
# A comment's signature ending its line: "— reader from Oslo", "- Kari, a reader in Bergen", "— Oslo reader".
_SIGNATURE = re.compile(
    r"(?:^|[ \t])[-\u2013\u2014][ \t]*(?:[\w.@'-]+(?:[ \t]+[\w.'-]+)?,[ \t]*)?(?:an?[ \t]+)?"
    r"(?:(?:reader|commenter|subscriber)[ \t]+(?:from|in)[ \t]+[A-Z][\w'-]*(?:[ \t]+[A-Z][\w'-]*){0,2}"
    r"|[A-Z][\w'-]*(?:[ \t]+[A-Z][\w'-]*)?[ \t]+reader)[ \t]*$",
    re.MULTILINE,
)
# Words without which no line above can match (lower case): only the lines holding one
# are tried, so an article without them costs a few substring searches.
_NEEDLES = Literals((b"comment", b"wrote", b"writes", b"repl", b"posted", b"submitted", b"reader", b"discussion",
                     b"conversation", b"debate", b"your say"))
# A comments heading this close to the top is a counter under the byline, not a section.
_MIN_WORDS_BEFORE_SECTION = 60


def reader_comments(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each stretch of reader comments in ``text``, in order (may overlap)."""
    found = []
    for start, end in _candidate_lines(text):
        if _SECTION.fullmatch(text, start, end):
            if len(text[:start].split()) >= _MIN_WORDS_BEFORE_SECTION:
                found.append((start, len(text)))
                break  # a section runs to the end: nothing after it is news
        elif _ONE.fullmatch(text, start, end):
            found.append((start, _next_paragraph_end(text, end)))
        elif opener := _COMMENTER.match(text, start, end):
            p_end = paragraph_at(text, start)[1]
            if not text[opener.end() : p_end].strip():  # the opener alone: the comment is below it
                p_end = _next_paragraph_end(text, p_end)
            found.append((start, p_end))
        elif signature := _SIGNATURE.search(text, start, end):
            p_start, p_end = paragraph_at(text, signature.start())
            sign = signature.start() + (signature.group()[0] in " \t")
            if not text[p_start:sign].strip() and p_start > 0:  # the signature alone: it signs the paragraph above
                p_start = paragraph_at(text, _last_text(text, p_start))[0]
            found.append((p_start, p_end))
    return sorted(found)


def _candidate_lines(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each line holding a word of :data:`_NEEDLES`, in order."""
    # one character per byte ("?" for each non-ASCII one), so offsets are the text's
    data = text.encode("ascii", "replace").lower()
    starts = set()
    for needle in _NEEDLES.present(data):  # one pass; lines are looked for only around the words found
        at = data.find(needle)
        while at >= 0:
            starts.add(data.rfind(b"\n", 0, at) + 1)
            at = data.find(needle, at + 1)
    lines = []
    for start in sorted(starts):
        end = data.find(b"\n", start)
        lines.append((start, len(data) if end < 0 else end))
    return lines


def injected_spans(text: str) -> list[tuple[int, int]]:
    """``[start, end)`` of each passage of ``text`` addressed to an AI model, in order, none overlapping.

    A cue marks where an order begins; the passage is what the order most likely covers.
    Inside a quotation, it is the sentence through the end of the quotation ("The post
    ended: \u201cIgnore previous instructions ...\u201d"): the article is reporting it.
    Elsewhere the order runs from its sentence to the end of its paragraph, and a label
    with nothing after it on its paragraph ("SYSTEM:", "<system>") takes the next paragraph
    too. A fake "END OF ARTICLE" on a line of its own leaves out all that follows. Each
    passage starts at a sentence start and ends at a sentence or paragraph end, so what is
    left reads as whole sentences.
    """
    spans = sorted(_passage(text, name, start, end) for name, start, end in cue_spans(text))
    if not spans:
        return []
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# Paragraphs as the offline extractor reads them (summarizer.offline.text): blank-line
# separated when the article has blank lines, else one per line.
_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")
# A full stop, "!" or "?" that may end a sentence: closing quotes or brackets, whitespace,
# then anything but a lower-case letter.
_SENTENCE_BREAK = re.compile(r"[.!?]+[\"\u201d\u2019')\]\u00bb]*\s+(?=[^\sa-z])")
_SENTENCE_CLOSE = re.compile(r"[.!?]+[\"\u201d\u2019')\]\u00bb]*(?=\s|$)")
_LAST_WORD = re.compile(r"([\w.]+)[.!?]*$")
_NOT_A_BREAK = {title.lower() for title in TITLE_ABBREVIATIONS} | {"no", "vs", "st", "u.s", "u.k", "u.n", "e.u"}


def paragraph_at(text: str, pos: int) -> tuple[int, int]:
    """``[start, end)`` of the paragraph holding ``pos``, as the offline extractor splits them
    (:mod:`summarizer.offline.text`): blank-line separated when ``text`` has blank lines, else one per line."""
    if not _BLANK_LINE.search(text):
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        return start, len(text) if end < 0 else end
    before = [m.end() for m in _BLANK_LINE.finditer(text, 0, pos)]
    after = _BLANK_LINE.search(text, pos)
    return (before[-1] if before else 0), (after.start() if after else len(text))


def _sentence_start(text: str, floor: int, pos: int) -> int:
    """Where the sentence holding ``pos`` starts: after the last sure sentence end from ``floor``.

    A full stop after an abbreviation or an initial is not taken for an end, so the
    start is never later than where the extractor would put it.
    """
    start = floor
    for stop in _SENTENCE_BREAK.finditer(text, floor, pos + 1):  # + 1: the lookahead sees pos
        word = _LAST_WORD.search(text, max(floor, stop.start() - 24), stop.start() + 1)
        bare = word.group(1).rstrip(".") if word else ""
        if (len(bare) == 1 and bare.isupper()) or bare.lower() in _NOT_A_BREAK:
            continue  # "Gen. Ruiz", "George W. Bush"
        start = stop.end()
    return start


def _inside_quote(text: str, start: int, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation opened since ``start``."""
    stretch = text[start:pos]
    return stretch.count('"') % 2 == 1 or stretch.rfind("\u201c") > stretch.rfind("\u201d")


def _passage(text: str, cue: str, start: int, end: int) -> tuple[int, int]:
    """The passage a cue matched at ``[start, end)`` of ``text`` stands for (see :func:`injected_spans`)."""
    p_start, p_end = paragraph_at(text, start)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if cue == "fake end of article" and not _ALNUM.search(text, line_start, start) \
            and not _ALNUM.search(text, end, line_end):
        return line_start, len(text)
    first = _sentence_start(text, p_start, start)
    if _inside_quote(text, p_start, start):
        closer = re.compile("[\"\u201d]").search(text, end, p_end)
        if closer is None:
            return first, p_end
        close = _SENTENCE_CLOSE.search(text, closer.start() - 1, p_end)
        return first, close.end() if close else p_end
    following = _ALNUM.search(text, p_end)
    if following and not _ALNUM.search(text, p_start, start) and not _ALNUM.search(text, end, p_end):
        # a label alone on its paragraph ("SYSTEM:", "<system>") heads the order below it
        p_end = paragraph_at(text, following.start())[1]
    return first, p_end


_ALNUM = re.compile(r"[^\W_]")


def not_content(text: str) -> list[LeftOut]:
    """The stretches of ``text`` that are not the article's content, in order, none overlapping.

    Text addressed to a model inside a comments section counts as part of the section.
    """
    spans = [LeftOut(s, e, MODEL) for s, e in injected_spans(text)]
    spans += [LeftOut(s, e, COMMENTS) for s, e in reader_comments(text)]
    if not spans:
        return []
    spans.sort()
    merged: list[LeftOut] = []
    for span in spans:
        last = merged[-1] if merged else None
        if last is None or span.start > last.end:
            merged.append(span)
            continue
        kind = COMMENTS if COMMENTS in (last.kind, span.kind) else MODEL
        merged[-1] = LeftOut(last.start, max(last.end, span.end), kind)
    return merged


_NOT_A_LINE_BREAK = re.compile(r"[^\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def blank(text: str, spans: list[LeftOut]) -> str:
    """``text`` with each span's characters made spaces, line breaks kept: same length, same offsets."""
    pieces, cursor = [], 0
    for start, end, _ in spans:
        pieces += [text[cursor:start], _NOT_A_LINE_BREAK.sub(" ", text[start:end])]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def left_out_warning(spans: list[LeftOut]) -> str | None:
    """One line for ``meta.warnings`` saying what was left out and how long, or None.

    "left out of extraction: 2 passages addressed to an AI model (412 characters) and a
    reader-comments section (230 characters)"
    """
    parts = []
    for kind, one, many in ((MODEL, "a passage addressed to an AI model", "{} passages addressed to an AI model"),
                            (COMMENTS, "a reader-comments section", "{} reader-comments sections")):
        of_kind = [s for s in spans if s.kind == kind]
        if of_kind:
            size = sum(s.end - s.start for s in of_kind)
            what = one if len(of_kind) == 1 else many.format(len(of_kind))
            parts.append(f"{what} ({size:,} characters)")
    return f"left out of extraction: {' and '.join(parts)}" if parts else None


def _next_paragraph_end(text: str, pos: int) -> int:
    """The end of the first paragraph with text after ``pos`` (``pos`` when there is none)."""
    following = re.compile(r"\S").search(text, pos)
    if following is None:
        return pos
    end = paragraph_at(text, following.start())[1]
    return end if text[pos:end].strip() else pos


def _last_text(text: str, pos: int) -> int:
    """The position of the last non-space character before ``pos`` (0 when there is none)."""
    stripped = text[:pos].rstrip()
    return max(len(stripped) - 1, 0)
