"""Regex alternations of long word lists, built as a character trie.

``re`` tries the alternatives of ``a|b|c`` one after the other at every position, so an
alternation of the ~500 country names and demonyms costs hundreds of tries per
character. Factoring common prefixes ("Austr(?:ia|alia)") lets a failing position fail
on its first character, which makes the extractor several times faster.
"""

from __future__ import annotations

import re

SPACE = r"[ \u00a0]+"


def alternation(words) -> str:
    """A non-capturing regex matching any of ``words`` (longest first); spaces match any run of spaces."""
    trie: dict = {}
    for word in set(words):
        if not word:
            continue
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _render(trie)


def _render(node: dict) -> str:
    ends_here = "" in node
    branches = []
    for char in sorted(k for k in node if k):
        piece = SPACE if char == " " else re.escape(char)
        branches.append(piece + _render(node[char]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # longest match first: the optional ending comes after the longer branches
    return f"(?:{body})?" if ends_here else body
