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


# --- keyword lists given as regexes -------------------------------------------------------

try:  # the regex parser, to learn the first characters an alternative can start with
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]


def first_char_alternation(alternatives) -> str:
    """A regex matching what ``"|".join(alternatives)`` matches, grouped by first character.

    ``re`` tries the alternatives of ``a|b|c`` one after the other; a long list of keyword
    regexes ("threats?", "risks?", ...) costs a hundred tries at every position. Grouped as
    ``t(?:hreats?|...)|r(?:isks?|...)``, a position only tries the keywords of its first
    character. Each alternative goes to the group of every character it can start with, in
    its original order, so the first alternative that matches is the same as before. For a
    case-sensitive pattern (lower-case keywords over lower-cased text, see :mod:`.scan`).
    """
    parts = [part for alternative in alternatives for part in top_level_alternatives(alternative)]
    if any(_has_upper_literal(part) for part in parts):
        # case-insensitively, "A..." and "a..." would be tried in two groups, out of order
        raise ValueError("first_char_alternation takes lower-case keywords")
    firsts = []
    for part in parts:
        chars, may_be_empty = _first_chars(_sre_parse.parse(part))
        if chars is None or may_be_empty:
            return "|".join(parts)  # starts with anything: no grouping possible
        firsts.append(chars)
    branches = []
    for char in sorted(set().union(*firsts)):
        members = [part for part, chars in zip(parts, firsts) if char in chars]
        if all(_starts_with_literal(part, char) for part in members):
            branches.append(re.escape(char) + "(?:" + "|".join(part[1:] for part in members) + ")")
        else:  # "(?:land)?mines" under "l" and "m": tried whole, after a look at the character
            branches.append(f"(?={re.escape(char)})(?:" + "|".join(members) + ")")
    return "|".join(branches)


def first_chars(alternatives) -> set[str] | None:
    """Every character a match of any of ``alternatives`` can start with; None if any is possible."""
    found: set[str] = set()
    for alternative in alternatives:
        chars, may_be_empty = _first_chars(_sre_parse.parse(alternative))
        if chars is None or may_be_empty:
            return None
        found |= chars
    return found


def top_level_alternatives(pattern: str) -> list[str]:
    """"aid|food (?:aid|supplies)" -> ["aid", "food (?:aid|supplies)"]."""
    parts, depth, current, escaped, in_class = [], 0, [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _has_upper_literal(part: str) -> bool:
    """An upper-case letter outside an escape ("\\S" is fine)."""
    return any(char.isupper() and (i == 0 or part[i - 1] != "\\") for i, char in enumerate(part))


def _starts_with_literal(part: str, char: str) -> bool:
    """Whether ``part`` is ``char`` followed by a regex of its own (no quantifier on ``char``)."""
    return part[:1] == char and (char.isalnum() or char in " -") and part[1:2] not in ("?", "*", "+", "{")


def _first_chars(items) -> tuple[set[str] | None, bool]:
    """(characters a match can start with, or None if unknown; whether it can be empty)."""
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            return chars | {chr(av)}, False
        if op is _sre.IN:
            members = _class_chars(av)
            return (None if members is None else chars | members), False
        if op is _sre.SUBPATTERN:
            sub, empty = _first_chars(av[3])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            sub, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        elif op is _sre.BRANCH:
            found = [_first_chars(branch) for branch in av[1]]
            if any(f[0] is None for f in found):
                return None, False
            sub, empty = set().union(*(f[0] for f in found)), any(f[1] for f in found)
        else:  # an assertion, a backreference...: not worth understanding here
            return None, False
        if sub is None:
            return None, False
        chars |= sub
        if not empty:
            return chars, False
    return chars, True


def _class_chars(items) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE and av[1] - av[0] < 128:
            chars.update(map(chr, range(av[0], av[1] + 1)))
        else:
            return None
    return chars
