"""Extended grapheme clusters: where a span may start and end without cutting a character.

A reader sees "ê" written as "e" plus U+0302, a flag made of two regional indicators, or
a family emoji joined by ZWJs as one character; a span edge inside one of these cuts it.
The clusters are ``regex``'s ``\\X`` (Unicode's extended grapheme clusters, UAX #29).
Finding the cluster around an index scans only from the nearest point that is certainly
a boundary (after a newline, or between two ASCII characters other than CR LF), so the
cost is that of a few words, not of the article.
"""

from __future__ import annotations

import regex

__all__ = ["cluster_end", "cluster_start", "is_boundary"]

_CLUSTER = regex.compile(r"\X", regex.DOTALL)
# Searched backwards: the last spot before an index where the rules always break.
_CERTAIN = regex.compile(r"(?r)\n|[\x00-\x0c\x0e-\x7f][\x00-\x7f]|\r[^\n]")


def _certain(text: str, index: int) -> bool:
    """Whether the rules break at ``index`` whatever the text around (a cheap, partial test)."""
    before, after = text[index - 1], text[index]
    if before == "\r":
        return after != "\n"
    return before == "\n" or (before < "\x80" and after < "\x80")


def _cluster_around(text: str, index: int) -> tuple[int, int]:
    """``(start, end)`` of the cluster holding ``text[index]``."""
    found = _CERTAIN.search(text, 0, index)
    anchor = 0 if found is None else found.end() if found.group() == "\n" else found.start() + 1
    for match in _CLUSTER.finditer(text, anchor):
        if match.end() > index:
            return match.start(), match.end()
    return len(text), len(text)  # not reached: the clusters cover the text


def is_boundary(text: str, index: int) -> bool:
    """Whether a span may start or end at ``index`` of ``text`` without cutting a cluster."""
    if index <= 0 or index >= len(text) or _certain(text, index):
        return True
    return _cluster_around(text, index)[0] == index


def cluster_start(text: str, index: int) -> int:
    """The nearest cluster boundary at or before ``index``."""
    return index if is_boundary(text, index) else _cluster_around(text, index)[0]


def cluster_end(text: str, index: int) -> int:
    """The nearest cluster boundary at or after ``index``."""
    return index if is_boundary(text, index) else _cluster_around(text, index)[1]
