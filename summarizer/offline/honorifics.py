"""Honorifics written before a person's name: a form of address, never a word of the name.

State media and official readouts put courtesy and rank honorifics before names
("Comrade Tran Quoc Vinh", "His Excellency Ana Souza", "Dato' Seri Azman bin Hashim",
"Tan Sri Ahmad"): the name is what follows them, and the honorific form is an alias.
"""

from __future__ import annotations

import re

__all__ = ["strip_honorifics"]

# Several words make one honorific ("Tan Sri", "Dato' Seri"): the longest are tried first.
# "Sri" and "Seri" alone are words of names ("Sri Mulyani"), honorifics only after Dato/Datuk/Tan.
_HONORIFIC = re.compile(
    r"^(?:(?:His|Her|Their)[ \u00a0]+(?:Excellency|Excellencies|Majesty|Highness|Royal[ \u00a0]+Highness)"
    r"|Dato['’]?[ \u00a0]+(?:Seri|Sri)|Datuk[ \u00a0]+(?:Seri|Sri)|Tan[ \u00a0]+Sri|Toh[ \u00a0]+Puan"
    r"|H\.[ \u00a0]?E\.|Comrade|Dato['’]?|Datuk|Datin|Tun|Puan|Encik|Haji|Hajjah"
    r"|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Madam)[ \u00a0]+(?=\S)"
)


def strip_honorifics(name: str) -> str:
    """``name`` without the honorifics that lead it ("Dato' Seri Azman bin Hashim" -> "Azman bin
    Hashim"); ``name`` itself when it is all honorifics."""
    bare = name
    while True:
        m = _HONORIFIC.match(bare)
        if m is None:
            break
        bare = bare[m.end():]
    return bare if bare else name
