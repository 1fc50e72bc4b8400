"""Currencies named in words after a number, as ISO 4217 codes, by the countries an article is about.

Several countries share a currency's name: "110 billion crowns" is NOK in a Norwegian
story, SEK in a Swedish one, DKK in a Danish one and CZK in a Czech one. A name shared
this way takes the currency of the country it is qualified by ("Australian dollars"),
else of the country the article names most among those that use it, else its usual
reading (dollars USD, pounds GBP, rupees INR, ...), else none ("crowns" of no country).
Codes come from pycountry, by the currency's name there.
"""

from __future__ import annotations

import bisect
import functools
import re
import threading

import pycountry

from . import lexicon as lx
from .countries import COUNTRIES
from .lookback import ISO_CODES
from .patterns import alternation
from .scanner import cue_words, spots

__all__ = ["currency_after"]

# family -> (country, currency name in pycountry) for each country that uses the name;
# the first is the name's usual reading, if it has one.
_FAMILIES: dict[str, tuple[tuple[str, str], ...]] = {
    "dollar": (("United States", "US Dollar"), ("Australia", "Australian Dollar"), ("Canada", "Canadian Dollar"),
               ("New Zealand", "New Zealand Dollar"), ("Singapore", "Singapore Dollar"),
               ("Hong Kong", "Hong Kong Dollar"), ("Taiwan", "New Taiwan Dollar"), ("Jamaica", "Jamaican Dollar")),
    "pound": (("United Kingdom", "Pound Sterling"), ("Egypt", "Egyptian Pound"), ("Lebanon", "Lebanese Pound"),
              ("Sudan", "Sudanese Pound"), ("South Sudan", "South Sudanese Pound"), ("Syria", "Syrian Pound")),
    "rupee": (("India", "Indian Rupee"), ("Pakistan", "Pakistan Rupee"), ("Nepal", "Nepalese Rupee"),
              ("Sri Lanka", "Sri Lanka Rupee"), ("Mauritius", "Mauritius Rupee")),
    "peso": (("Mexico", "Mexican Peso"), ("Argentina", "Argentine Peso"), ("Philippines", "Philippine Peso"),
             ("Chile", "Chilean Peso"), ("Colombia", "Colombian Peso"), ("Uruguay", "Peso Uruguayo")),
    "dinar": (("Iraq", "Iraqi Dinar"), ("Kuwait", "Kuwaiti Dinar"), ("Jordan", "Jordanian Dinar"),
              ("Bahrain", "Bahraini Dinar"), ("Libya", "Libyan Dinar"), ("Tunisia", "Tunisian Dinar"),
              ("Algeria", "Algerian Dinar"), ("Serbia", "Serbian Dinar")),
    "riyal": (("Saudi Arabia", "Saudi Riyal"), ("Qatar", "Qatari Rial"), ("Oman", "Rial Omani"),
              ("Yemen", "Yemeni Rial"), ("Iran", "Iranian Rial")),
    "franc": (("Switzerland", "Swiss Franc"), ("Rwanda", "Rwanda Franc")),
    "shilling": (("Kenya", "Kenyan Shilling"), ("Uganda", "Uganda Shilling"), ("Tanzania", "Tanzanian Shilling"),
                 ("Somalia", "Somali Shilling")),
    "crown": (("Norway", "Norwegian Krone"), ("Sweden", "Swedish Krona"), ("Denmark", "Danish Krone"),
              ("Czech Republic", "Czech Koruna"), ("Iceland", "Iceland Krona")),
}
_NO_USUAL_READING = {"crown"}  # "crowns" alone says no country
# Names read as the usual currency unless the article is about another of their countries
# (a shipping story naming Singapore twice still counts in US dollars).
_STRONG_USUAL_READING = {"dollar", "pound"}
# written name -> family, and the countries it can belong to when narrower than the family's
_NAMES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{f"{word}{s}": (word, ()) for word in ("dollar", "pound", "rupee", "peso", "dinar", "riyal", "franc",
                                             "shilling", "crown") for s in ("", "s")},
    "rial": ("riyal", ()), "rials": ("riyal", ()),
    "krone": ("crown", ("Norway", "Denmark")), "kroner": ("crown", ("Norway", "Denmark")),
    "krona": ("crown", ("Sweden", "Iceland")), "kronor": ("crown", ("Sweden", "Iceland")),
    "koruna": ("crown", ("Czech Republic",)), "korun": ("crown", ("Czech Republic",)),
}
_CODES = {family: {country: pycountry.currencies.get(name=name).alpha_3 for country, name in users}
          for family, users in _FAMILIES.items()}

_COUNTRY_CUE = cue_words([*COUNTRIES.by_name, *COUNTRIES.by_demonym], caseless=False)
_WORDS = sorted({*lx.CURRENCY_WORDS, *_NAMES})
_AFTER = re.compile(r"\s+(" + "(?:" + alternation(_WORDS) + ")" + r"|(?:" + alternation(ISO_CODES) + r"))\b",
                    re.IGNORECASE)
# "5 billion Australian dollars", "HK$" aside: a country's adjective or name before the name
_QUALIFIED_AFTER = re.compile(r"\s+((?:[A-Z][a-z]+\s+){1,2}?)(" + alternation(_NAMES) + r")\b")


def currency_after(text: str, pos: int) -> tuple[str, int] | None:
    """The currency named right after ``pos`` in ``text`` (its code, and where its name ends)."""
    m = _QUALIFIED_AFTER.match(text, pos) if text[pos + 1:pos + 2].isupper() else None
    if m:
        family, _ = _NAMES[m.group(2).lower()]
        qualifier = " ".join(m.group(1).split())
        country = COUNTRIES.resolve(qualifier) or qualifier
        code = _CODES[family].get(country) or _named_code(family, country, qualifier)
        if code:
            return code, m.end()
    m = _CFA.match(text, pos) if text[pos + 1:pos + 2] == "C" else None
    if m:  # West Africa's franc unless the article names more of Central Africa's users
        named = _country_counts(text)
        central = sum(named.get(country, 0) for country in _CENTRAL_CFA)
        return ("XAF" if central > sum(named.values()) - central else "XOF"), m.end()
    m = _AFTER.match(text, pos)
    if m is None:
        return None
    word = " ".join(m.group(1).lower().split())
    if word in _NAMES:
        code = _in_sentence(word, text, pos) or _shared(word, text)
        if code is None and word in lx.CURRENCY_WORDS:
            code = lx.CURRENCY_WORDS[word]
        return (code, m.end()) if code else None
    return lx.CURRENCY_WORDS.get(word) or m.group(1).upper(), m.end()


_MOST_LOOKBACK = 300
_CFA = re.compile(r"\s+CFA\s+francs?\b")
_CENTRAL_CFA = {"Cameroon", "Chad", "Gabon", "Republic of the Congo", "Congo", "Central African Republic",
                "Equatorial Guinea"}


@functools.lru_cache(maxsize=256)
def _named_code(family: str, country: str, qualifier: str) -> str | None:
    """The code of a currency that pycountry names after its country ("Fiji dollars" ->
    "Fiji Dollar" -> FJD), for the countries a family's table leaves out."""
    for name in dict.fromkeys((country, qualifier)):
        currency = pycountry.currencies.get(name=f"{name} {family.title()}")
        if currency is not None:
            return currency.alpha_3
    return None


_local = threading.local()  # per thread: the last article read, and its shared names' codes


def _shared(word: str, text: str) -> str | None:
    """The code of a shared name: the most named of its countries in ``text``, else its usual reading."""
    last = getattr(_local, "last", None)
    if last is None or last[0] is not text:
        last = _local.last = (text, {})
    if word not in last[1]:
        last[1][word] = _shared_in(word, text)
    return last[1][word]


def _shared_in(word: str, text: str) -> str | None:
    family, narrower = _NAMES[word]
    users = [country for country, _ in _FAMILIES[family] if not narrower or country in narrower]
    if family in _STRONG_USUAL_READING:
        top = _top_country(text)
        return _CODES[family][top if top in users else users[0]]
    named = _country_counts(text)
    counts = {country: named.get(country, 0) for country in users}
    best = max(users, key=lambda country: counts[country])  # the first (usual) one on a tie
    if counts[best] == 0 and (family in _NO_USUAL_READING or narrower):
        return _CODES[family][users[0]] if narrower else None
    return _CODES[family][best]


def _in_sentence(word: str, text: str, pos: int) -> str | None:
    """The code of a shared name by the country that is the subject of its sentence, when
    that country uses the name ("Denmark has set up a fund of 50 billion crowns": DKK in a
    story that names Sweden most)."""
    family, narrower = _NAMES[word]
    if family in _STRONG_USUAL_READING:
        return None
    start = max(text.rfind(". ", 0, pos) + 2, text.rfind("\n", 0, pos) + 1, pos - _MOST_LOOKBACK)
    while start < pos and text[start] in " \u00a0\"“‘'":
        start += 1
    places = spots(text)[_COUNTRY_CUE]
    at = bisect.bisect_left(places, (start, -1))
    if at == len(places) or places[at][0] != start or places[at][1] > pos:
        return None
    country = COUNTRIES.resolve(text[start:places[at][1]])
    users = _CODES[family]
    return users[country] if country in users and (not narrower or country in narrower) else None


def _top_country(text: str) -> str | None:
    """The country ``text`` names most (by any name or demonym), or None."""
    counts = _country_counts(text)
    return max(counts, key=lambda country: counts[country]) if counts else None


def _country_counts(text: str) -> dict[str, int]:
    """How often ``text`` names each country, from the scan's spots (a longer name first:
    "South Sudan" is not also "Sudan")."""
    counts: dict[str, int] = {}
    end = -1
    for start, stop in spots(text)[_COUNTRY_CUE]:
        if start < end:
            continue
        end = stop
        country = COUNTRIES.resolve(text[start:stop])
        if country is not None:
            counts[country] = counts.get(country, 0) + 1
    return counts
