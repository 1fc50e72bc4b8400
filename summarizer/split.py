"""Splitting a long article into parts that each fit one request.

A part is a slice of the article, ``text[start:end]``, so a span found in a part maps to
the whole article by adding ``start``. Parts are cut on paragraph boundaries (blank
lines); a paragraph longer than a part is cut on sentence boundaries, and a sentence
longer than a part at the last whitespace that fits (or, with none, at the limit).
Each part after the first repeats the last paragraph (or sentence) of the one before
when that is short enough, so a statement on a boundary is seen whole by one request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .names import TITLE_ABBREVIATIONS

__all__ = ["Part", "sentences", "split_article"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# A sentence ends at . ! or ? (a closing quote or bracket may follow), before whitespace
# and a capital letter, a digit or an opening quote; not after an abbreviated title such
# as "Mr." or "Gen." (summarizer.names.TITLE_ABBREVIATIONS).
_SENTENCE_BREAK = re.compile(
    "".join(rf"(?<!\b{title}\.)" for title in TITLE_ABBREVIATIONS)
    + r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)\]]))\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9\u0400-\u042f])"
)


@dataclass(frozen=True)
class Part:
    """One part of an article: ``text`` is ``article[start:end]``."""

    index: int
    start: int
    end: int
    text: str


def split_article(text: str, max_chars: int, overlap_chars: int = 0) -> list[Part]:
    """``text`` in parts of at most ``max_chars`` characters, in order, covering all of it
    but the whitespace between parts.

    A text that fits is one part. Consecutive parts share at most ``overlap_chars``
    characters: the last unit (paragraph, else sentence) of the previous part, when it
    fits within that bound and leaves room for new text.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    if len(text) <= max_chars:
        return [Part(0, 0, len(text), text)]
    units = _units(text, max_chars)
    if not units:  # only whitespace: nothing to cut
        return [Part(0, 0, len(text), text)]
    parts: list[Part] = []
    first = 0  # the first unit of the part being built
    while True:
        last = first
        while last + 1 < len(units) and units[last + 1][1] - units[first][0] <= max_chars:
            last += 1
        start, end = units[first][0], units[last][1]
        parts.append(Part(len(parts), start, end, text[start:end]))
        if last + 1 >= len(units):
            return parts
        # Repeat the last unit when it is short, is not the whole previous part (else
        # the next part would hold all of it again) and leaves room for the next unit.
        repeat = (
            last > first
            and units[last][1] - units[last][0] <= overlap_chars
            and units[last + 1][1] - units[last][0] <= max_chars
        )
        first = last if repeat else last + 1


def _units(text: str, max_chars: int) -> list[tuple[int, int]]:
    """``(start, end)`` of every paragraph, or of its sentences or pieces when it is too long."""
    units: list[tuple[int, int]] = []
    for start, end in _pieces(text, 0, len(text), _PARAGRAPH_BREAK):
        if end - start <= max_chars:
            units.append((start, end))
            continue
        for s_start, s_end in _pieces(text, start, end, _SENTENCE_BREAK):
            if s_end - s_start <= max_chars:
                units.append((s_start, s_end))
            else:
                units.extend(_hard_cuts(text, s_start, s_end, max_chars))
    return units


def _pieces(text: str, start: int, end: int, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The stretches of ``text[start:end]`` between matches of ``separator``, trimmed of whitespace."""
    pieces = []
    position = start
    for match in separator.finditer(text, start, end):
        pieces.append((position, match.start()))
        position = match.end()
    pieces.append((position, end))
    return [trimmed for piece in pieces if (trimmed := _trim(text, *piece))[1] > trimmed[0]]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _hard_cuts(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut at the last whitespace within ``max_chars``, else at the limit."""
    cuts = []
    while end - start > max_chars:
        limit = start + max_chars
        cut = max((text.rfind(c, start + 1, limit + 1) for c in " \n\t"), default=-1)
        cut = cut if cut > start else limit
        cuts.append(_trim(text, start, cut))
        start = _trim(text, cut, end)[0]
    cuts.append((start, end))
    return [cut for cut in cuts if cut[1] > cut[0]]


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, by the same boundaries the splitter uses."""
    return [text[start:end] for start, end in _pieces(text, 0, len(text), _SENTENCE_BREAK)]
