"""Where each form of a participant's name occurs in a text, as whole words, found fast.

Moved out of :mod:`.attribution` (which finds its mentions with :func:`form_spans`) so that
module keeps to the rules of who said what.
"""

from __future__ import annotations

import re

from .mentions import UPPER
from .patterns import alternation

__all__ = ["capitalised", "form_spans"]


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


def form_spans(text: str, forms, hits_of: dict[str, list[tuple[int, int]]] | None = None,
                tokens: dict[str, list[int]] | None = None) -> list[tuple[int, int]]:
    """Spans of ``forms`` as whole words: what ``(?<![\\w-])(?:form|...)(?![\\w-])`` finds.

    Building and compiling that regex for each article's names costs more than the rest of
    attribution, so the forms are looked up with ``str.find`` and the regex's choice is
    replayed: the leftmost occurrence, the longest form there, no overlaps. A space in a
    form matches a run of spaces and non-breaking spaces, as in :func:`.patterns.alternation`.
    ``hits_of`` keeps each form's occurrences for the article (attribution runs twice when
    organizations that never act are dropped); ``tokens`` is :func:`capitalised` of ``text``.
    """
    hits_of = {} if hits_of is None else hits_of
    tokens = capitalised(text) if tokens is None else tokens
    found = []
    for form in set(forms):
        if not form:
            continue
        if "" in form.split(" ") or "\u00a0" in form:  # odd spacing: the regex itself decides
            pattern = re.compile(rf"(?<![\w-])(?:{alternation(forms)})(?![\w-])")
            return [m.span() for m in pattern.finditer(text)]
        hits = hits_of.get(form)
        if hits is None:
            hits = hits_of[form] = _occurrences(text, form, tokens)
        found += hits
    found.sort()
    spans: list[tuple[int, int]] = []
    pos = 0
    for at, negative_length in found:
        if at >= pos:  # the first at a position is the longest
            spans.append((at, at - negative_length))
            pos = at - negative_length
    return spans


def _occurrences(text: str, form: str, tokens: dict[str, list[int]]) -> list[tuple[int, int]]:
    """(start, -length) of each whole-word occurrence of ``form`` (its spaces any run of spaces).

    ``tokens`` are the starts of each capitalised word of the text (:func:`capitalised`):
    a form is looked up there by its longest capitalised word, else found with ``str.find``.
    """
    pieces = form.split(" ")
    size = len(text)
    found = []
    tokens_at = [_is_token(piece) for piece in pieces]
    k = max(range(len(pieces)), key=lambda i: (tokens_at[i], len(pieces[i])))
    anchor, before, after = pieces[k], pieces[:k], pieces[k + 1:]
    if tokens_at[k]:
        # a piece is bounded by spaces or the form's boundaries: a whole capitalised word
        hits = tokens.get(anchor, ())
    else:
        hits = []
        hit = text.find(anchor)
        while hit >= 0:
            hits.append(hit)
            hit = text.find(anchor, hit + 1)
    for hit in hits:
        at = _form_start(text, hit, before)
        end = _form_end(text, hit + len(anchor), after) if at >= 0 else -1
        if end >= 0 and (at == 0 or not _is_word_char(text[at - 1])) and (
                end == size or not _is_word_char(text[end])):
            found.append((at, at - end))
    return found


def _is_token(piece: str) -> bool:
    """A capitalised word of word characters only ("Putin", "Sung-ho"; not "Brazil’s")."""
    return _TOKEN.fullmatch(piece) is not None


def capitalised(text: str) -> dict[str, list[int]]:
    """Each capitalised word of ``text`` (a whole run of word characters) and where it starts."""
    tokens: dict[str, list[int]] = {}
    # split() yields text between words and the words in turn, with no match object to build
    pieces = iter(_CAPITALISED_SPLIT.split(text))
    pos = len(next(pieces))
    for word in pieces:
        starts = tokens.get(word)
        if starts is None:
            tokens[word] = [pos]
        else:
            starts.append(pos)
        pos += len(word) + len(next(pieces))
    return tokens


def _form_end(text: str, pos: int, pieces: list[str]) -> int:
    """End of the words ``pieces`` from ``pos``, each after a run of spaces; -1 if they are not there."""
    size = len(text)
    for piece in pieces:
        if pos >= size or text[pos] not in _SPACES:
            return -1
        while pos < size and text[pos] in _SPACES:
            pos += 1
        if not text.startswith(piece, pos):
            return -1
        pos += len(piece)
    return pos


def _form_start(text: str, pos: int, pieces: list[str]) -> int:
    """Start of the words ``pieces`` ending before ``pos``, each before a run of spaces; -1 if not there."""
    for piece in reversed(pieces):
        if pos == 0 or text[pos - 1] not in _SPACES:
            return -1
        while pos > 0 and text[pos - 1] in _SPACES:
            pos -= 1
        pos -= len(piece)
        if pos < 0 or not text.startswith(piece, pos):
            return -1
    return pos


_SPACES = " \u00a0"
_TOKEN = re.compile(rf"[{UPPER}][\w-]*")
# a capital not after a word character: written to start with the class, so the engine
# jumps from capital to capital, the boundary checked behind it
_CAPITALISED = re.compile(rf"[{UPPER}](?<![\w-].)[\w-]*")
_CAPITALISED_SPLIT = re.compile(f"({_CAPITALISED.pattern})")
