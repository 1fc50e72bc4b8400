"""Plain-text tables: a cell's period is the heading of its column.

A news table in plain text is a block of lines whose cells are set apart by runs of two or
more spaces, tabs or bars ("Estonia      2.1%     3.4%"), under a heading line whose cells
name the years or periods ("Country      2022     2025"). A number in a row of such a block
refers to the period at the head of its column, not to the nearest year of the block.
"""

from __future__ import annotations

import re
import threading

__all__ = ["column_period"]

_CELL = re.compile(r"[^\s|](?:[^\t|]*?[^\s|])?(?= {2,}|\t|\s*\||\s*$)")
# a heading cell that names a time: "2022", "FY2024", "2023/24", "Q1 2024", "H1 2025", "Jan-Jun 2024"
_PERIOD_HEADING = re.compile(r"^(?:(?:FY|Q[1-4]|H[12])\s?)?(?:19|20)\d{2}(?:\s?[/–-]\s?\d{2,4})?"
                             r"(?:\s+(?:Q[1-4]|H[12]))?$|^(?:Q[1-4]|H[12])\s+(?:19|20)\d{2}$"
                             r"|^[A-Z][a-z]{2,8}(?:\s?[–-]\s?[A-Z][a-z]{2,8})?\s+(?:19|20)\d{2}$")
_MOST_CELLS = 12


_local = threading.local()  # per thread: the last article read, and whether it has a cell gap


def _has_cell_gaps(text: str) -> bool:
    """Whether ``text`` has two spaces, a tab or a bar anywhere (found once per article)."""
    last = getattr(_local, "last", None)
    if last is None or last[0] is not text:
        last = _local.last = (text, "  " in text or "\t" in text or "|" in text)
    return last[1]


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _cells(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The cells of the line ``text[start:end]`` as (start column, end column, text)."""
    return [(m.start() - start, m.end() - start, m.group()) for m in _CELL.finditer(text, start, end)]


def column_period(text: str, start: int, end: int) -> str | None:
    """The period heading the column of the number at ``text[start:end]`` when it is a cell
    of a plain-text table whose heading line names periods, else None."""
    if not _has_cell_gaps(text):
        return None
    line_start, line_end = _line_bounds(text, start)
    line = text[line_start:line_end]
    if end > line_end or not ("  " in line or "\t" in line or "|" in line):
        return None
    row = _cells(text, line_start, line_end)
    if not 2 <= len(row) <= _MOST_CELLS:
        return None
    column = start - line_start
    cell = next((i for i, (a, b, _) in enumerate(row) if a <= column < b), None)
    if cell is None:
        return None
    # walk up the block (lines without a blank one between) to the nearest heading of periods
    pos = line_start
    while pos > 0:
        above_start, above_end = _line_bounds(text, pos - 1)
        if above_start == above_end or not text[above_start:above_end].strip():
            return None
        heading = _cells(text, above_start, above_end)
        periods = [c for c in heading if _PERIOD_HEADING.match(c[2])]
        if len(heading) == len(row) and periods:
            name = heading[cell][2]
            return name if _PERIOD_HEADING.match(name) else None
        if periods:  # a heading of periods over fewer cells (no heading over the row names)
            a, b, _ = row[cell]
            best = min(periods, key=lambda c: abs((c[0] + c[1]) - (a + b)))
            return best[2] if best[0] < b and a < best[1] or abs(best[1] - b) <= 2 else None
        pos = above_start
    return None
