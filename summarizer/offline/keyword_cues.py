"""Keyword regexes as the literal words a scanner cue looks for.

The keyword tables of the lexicon are small regexes ("threats?", "terroris[mt]s?",
"(?:land)?mines", "terror\\w*"). :func:`keyword_cues` turns a list of them into scanner
cues that are true prefilters: a keyword whose every match is one of a few words
becomes those words (whole words); any other becomes the literal prefixes every match
starts with (the cue then finds where it can start). The exact pattern runs only there.
"""

from __future__ import annotations

from .patterns import top_level_alternatives
from .scanner import Cue, cue_words

try:  # the regex parser, to read a keyword's literal structure
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # Python < 3.11
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["expansions", "keyword_cues", "prefixes"]

_MAX_WORDS = 64  # more expansions than this: the keyword is looked for by its prefixes


def expansions(regex: str) -> set[str] | None:
    """Every string ``regex`` matches, if they are few and the regex is plain; else None."""
    return _expand(_sre_parse.parse(regex))


def prefixes(regex: str) -> set[str]:
    """Literal prefixes, one of which starts every match of ``regex`` (none empty)."""
    found = {""}
    for op, av in _sre_parse.parse(regex):
        piece = _expand([(op, av)])
        if piece is None:
            break
        grown = {p + s for p in found for s in piece}
        if len(grown) > _MAX_WORDS:
            break
        found = grown
    if "" in found:
        raise ValueError(f"no literal start in keyword {regex!r}: give it a cue of its own")
    return found


def keyword_cues(regexes, *, caseless: bool = True) -> list[Cue]:
    """Scanner cues (one or two) for where any of ``regexes`` can match as a word."""
    whole: set[str] = set()
    starts: set[str] = set()
    for regex in regexes:
        for part in top_level_alternatives(regex):
            words = expansions(part)
            if words is not None and "" not in words:
                whole |= words
            else:
                starts |= prefixes(part)
    cues = []
    if whole:
        cues.append(cue_words(whole, caseless=caseless))
    if starts:
        cues.append(cue_words(starts, caseless=caseless, whole=False))
    return cues


def _expand(items) -> set[str] | None:
    found = {""}
    for op, av in items:
        piece = _expand_item(op, av)
        if piece is None:
            return None
        found = {p + s for p in found for s in piece}
        if len(found) > _MAX_WORDS:
            return None
    return found


def _expand_item(op, av) -> set[str] | None:
    if op is _sre.LITERAL:
        return {chr(av)}
    if op is _sre.IN:
        chars = set()
        for item_op, item_av in av:
            if item_op is not _sre.LITERAL:
                return None
            chars.add(chr(item_av))
        return chars
    if op is _sre.SUBPATTERN:
        return _expand(av[3])
    if op is _sre.BRANCH:
        found: set[str] = set()
        for branch in av[1]:
            piece = _expand(branch)
            if piece is None:
                return None
            found |= piece
        return found
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[1] == 1:
        piece = _expand(av[2])
        if piece is None:
            return None
        return piece | {""} if av[0] == 0 else piece
    return None
