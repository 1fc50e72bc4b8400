"""A number found in the text, before the figures stage adds its measure, period and speaker."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["RawFigure", "as_number"]


@dataclass
class RawFigure:
    """One number found in the text, before measure, period and speaker are added."""

    start: int  # span of the figure's text, qualifier included when it is kept
    end: int
    value: int | float
    value_max: int | float | None
    unit: str
    qualifier: str
    noun: str | None = None  # the counted noun as written ("people"), if any
    tail_end: int = 0  # end of the number and its unit/noun, for the measure


def as_number(value: Decimal) -> int | float:
    """An int when integral (1800000000, not 1.8e9), else a float."""
    return int(value) if value == value.to_integral_value() else float(value)
