"""Numbers cited as quantities: where they are, their value, unit and qualifier.

Two passes. First the number cores (digits such as "1,200" or "1.5", and number words
such as "twenty-five" or "a million"); then, around each core, the words that give it
meaning: a currency sign or code before it, a qualifier ("more than", "an estimated")
before that, and after it a scale ("billion", "bn", "m"), a unit ("percent", "euros",
"-fold") or a counted noun ("people", "tonnes"). Dates, years, times, ordinals, ages,
durations and identifiers ("Article 5", "S-400", "Nord Stream 2") are dropped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from text_to_num import text2num

from . import lexicon as lx
from .countries import COUNTRIES
from .patterns import alternation
from .scan import Caseless, lowered
from .context_units import CHANGE_BEFORE_FROM, number_of_noun, unit_of_base
from .currencies import currency_after
from .lookback import (QUALIFIER_BEFORE, between_before, currency_before, ends_with_clock,
                       ends_with_letter, ends_with_month, is_identifier, last_word, qualifier_before)
from .multipliers import find_multipliers
from .rawfigure import RawFigure, as_number
from .scanner import cue, cue_words, matches_at, spots
from .shares import find_shares


def _alternation(words) -> str:
    return "(?:" + alternation(words) + ")"


_FIRST_NUMBER_WORD = _alternation([*lx.UNITS_WORDS, *lx.TENS_WORDS])
_NUMBER_WORD = _alternation([*lx.UNITS_WORDS, *lx.TENS_WORDS, "hundred", "thousand", "million", "billion",
                             "trillion", "dozen"])
# thousands grouped by commas, or by no-break or thin spaces ("12\u00a0000")
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?:[\u00a0\u202f\u2009]\d{3})+(?![\d,])|\d+)(?:\.\d+)?"
_CORE = Caseless(
    rf"(?P<digits>(?:(?<![\w.,:/])|(?<=\bRM)|(?<=\bRp)|(?<=\bRs)){_DIGITS})"
    rf"|(?P<words>\b(?:(?:half\s+)?an?\s+(?:dozen|hundred|thousand|million|billion|trillion)"
    rf"|{_FIRST_NUMBER_WORD}(?:(?:\s+and\s+|\s+|-){_NUMBER_WORD})*|dozen)\b)",
)
# Where a core can start, from the article's one scan (see .scanner): a digit after a
# non-word character, a number word, or "a"/"half a" before a scale word. Python's \s
# may stand in the one-byte view as a space, \x1c-\x1f or "?", hence _GAP.
_GAP = r"[\s\x1c-\x1f?]+"
DIGIT_CUE = cue(r"\b[0-9]")
_GLUED_CURRENCY_CUE = cue(r"\b(?:RM|Rp|Rs)[0-9]", caseless=False)  # the digits start two characters in
_A_SCALE_CUE = cue(rf"\b(?:half{_GAP})?an?{_GAP}(?:dozen|hundred|thousand|million|billion|trillion)\b")
_NUMBER_WORD_CUE = cue_words([*lx.UNITS_WORDS, *lx.TENS_WORDS, "dozen"])
# re's \d matches the digits of every script, the scan only ASCII ones; another script's
# digit is a "?" in the scan's one-byte view, like a question mark.
_STAND_IN_CUE = cue(r"\?")
_SCALE = re.compile(r"(?:\s|\u00a0)?(million|billion|trillion|thousand|crores?|lakhs?|mln|bln|mn|bn|trn|tn)\b|(m|b|k|M|B|K)\b",
                    re.IGNORECASE)
_PERCENT = re.compile(r"(?:\s|\u00a0)?%|(?:\s|\u00a0|-)?per(?:\s|-)?cent\b|(?:\s|\u00a0|-)?pct\b", re.IGNORECASE)
_POINTS = re.compile(r"(?:\s|-)percentage(?:\s|-)points?\b|\s?p\.p\.|\s?pp\b", re.IGNORECASE)
_BASIS_POINTS = re.compile(r"\s+basis\s+points?\b", re.IGNORECASE)
_FOLD = re.compile(r"-?fold\b", re.IGNORECASE)
_TIMES = re.compile(r"\s+times(?=\s+(?:more|higher|larger|greater|bigger|less|lower|smaller|as|the|over|faster|"
                    r"cheaper|fewer|that|this|its|their|what|[A-Z][\w-]*['’]s)\b)", re.IGNORECASE)
# The five above in one match, tried in that order; the group's name says which.
_RATIO_UNITS = {"percent": "percent", "points": "percentage_points", "basis": "basis_point", "fold": "times",
                "times": "times"}
_RATIO_UNIT = re.compile("|".join(f"(?P<{name}>{p.pattern})" for name, p in zip(
    _RATIO_UNITS, (_PERCENT, _POINTS, _BASIS_POINTS, _FOLD, _TIMES))), re.IGNORECASE)
_UNIT_ABBREVIATION = re.compile(r"(?:\s|\u00a0)?(" + _alternation(
    [k for k in lx.UNIT_ABBREVIATIONS if k not in {"t", "mt"}] + ["bcm", "tcm"]) + r")\b", re.IGNORECASE)
_HYPHEN_UNIT = re.compile(r"-(kilomet(?:re|er)|km|mile|metre|meter|tonne|ton|megawatt|MW|gigawatt|GW|hectare|litre|"
                          r"barrel|kilogram|kg|storey|seat|bed|member|strong)\b", re.IGNORECASE)
_RATE = re.compile(r"\s+(?:a|an|per)\s+(day|hour)\b", re.IGNORECASE)
_AFTER_QUALIFIER = re.compile(r"\s+or\s+more\b|-?plus\b|\+|\s+or\s+so\b|-odd\b", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s*[-–—]\s*|\s+to\s+", re.IGNORECASE)
_AND_JOIN = re.compile(r"\s+and\s+", re.IGNORECASE)
_WORD = re.compile(r"(?:\s+|-)([A-Za-z][A-Za-z’'-]*)")
_MONTH_AFTER = re.compile(r"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + "|".join(lx.MONTHS) + r")\b")
_TIME_AFTER = re.compile(r"^(?::\d|\s?(?:a\.m\.|p\.m\.|am\b|pm\b|GMT\b|UTC\b|hrs\b|o['’]clock))", re.IGNORECASE)
_ORDINAL_AFTER = re.compile(r"^(?:st|nd|rd|th)\b")
_LETTERS_AFTER = re.compile(r"[A-Za-z]{2,}")
_FRACTION_AFTER = re.compile(r"[\s-]+(?:halves|thirds|quarters|fifths|tenths)\b", re.IGNORECASE)
_HYPHEN_ADJECTIVE = re.compile(r"^-(?:year|day|month|week|hour|minute|decade|century)s?(?:-old)?\b|^\s+years?\s+old\b",
                               re.IGNORECASE)
# After digits, any of the four above in one match: an ordinal, a time, a date, an age.
_DATE_OR_AGE_AFTER = re.compile("|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})"
                                          for p in (_ORDINAL_AFTER, _TIME_AFTER, _MONTH_AFTER, _HYPHEN_ADJECTIVE)))
_DETERMINERS = {"the", "these", "those", "both", "all", "its", "their", "our", "his", "her", "every", "each",
                "no", "any", "this", "that", "my", "your", "whose", "which", "first", "last", "other"}
_NOUN_STOP = {
    "of", "in", "on", "at", "by", "for", "from", "to", "with", "and", "or", "but", "than", "as", "into",
    "over", "under", "per", "a", "an", "the", "this", "that", "these", "those", "who", "which", "whom",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "can", "may",
    "might", "must", "should", "shall", "did", "do", "does", "not", "it", "they", "we", "he", "she", "also",
    "so", "up", "down", "back", "more", "less", "after", "before", "since", "during", "while", "when",
    "if", "then", "there", "here", "out", "off", "about", "around", "between", "among", "against",
    "its", "his", "hers", "theirs", "ours", "through", "across", "via", "within", "without", "towards",
}


def singular(noun: str) -> str:
    """The singular of a counted noun: "people" -> "person", "casualties" -> "casualty"."""
    word = noun.lower()
    if word in lx.IRREGULAR_SINGULAR:
        return lx.IRREGULAR_SINGULAR[word]
    if word in lx.UNIT_ABBREVIATIONS:
        return lx.UNIT_ABBREVIATIONS[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _looks_plural(word: str) -> bool:
    w = word.lower()
    if w in lx.IRREGULAR_SINGULAR or (w.endswith("men") and len(w) > 5):  # "fishermen", "servicemen"
        return True
    if w.endswith("is") and word[:1].isupper():  # "Nepalis", "Pakistanis", not "crisis"
        return word[:-1] in COUNTRIES.by_demonym
    return w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 2 and w not in lx.MASS_NOUNS_IN_S


def _counts_people(noun: str) -> bool:
    """People counted by what they are in general ("citizens", "Koreans"): the unit is "person"."""
    word = noun.split()[-1]
    if word.lower() in lx.PEOPLE_NOUNS:
        return True
    return word[:1].isupper() and (word in COUNTRIES.by_demonym or word[:-1] in COUNTRIES.by_demonym
                                   or word.endswith("ans"))


def _noun_modifier(word: str) -> bool:
    """A lower-case word that can name the kind of a vague head noun ("border" guards, "aid" workers)."""
    return word.isalpha() and word.islower() and word not in _NOUN_STOP and word not in _DETERMINERS \
        and not word.endswith(lx.ADJECTIVE_ENDINGS) and word not in lx.COMMON_ADJECTIVES


_GROUP_SEPARATORS = str.maketrans("", "", ",\u00a0\u202f\u2009")


def parse_digits(raw: str) -> Decimal:
    """"1,200" -> 1200, "1.5" -> 1.5 (commas, or no-break or thin spaces, before three digits
    separate thousands)."""
    return Decimal(raw.translate(_GROUP_SEPARATORS))


def parse_words(raw: str) -> Decimal | None:
    """"twenty-five" -> 25, "a million" -> 1000000, "half a million" -> 500000, "a dozen" -> 12."""
    words = raw.lower().replace("-", " ").split()
    factor = Decimal(1)
    if words[:1] == ["half"]:
        factor, words = Decimal("0.5"), words[1:]
    if words and words[0] in {"a", "an"}:
        words = ["one", *words[1:]]
    if words == ["dozen"] or words == ["one", "dozen"]:
        return Decimal(12) * factor
    if len(words) > 1 and words[-1] == "dozen":  # "two dozen" = 24
        dozens = parse_words(" ".join(words[:-1]))
        return None if dozens is None else dozens * 12 * factor
    try:
        return Decimal(text2num(" ".join(words), "en")) * factor
    except ValueError:
        if len(words) == 1 and words[0] in lx.UNITS_WORDS:
            return Decimal(lx.UNITS_WORDS[words[0]]) * factor
        return None


@dataclass
class _Tail:
    end: int
    scale: Decimal
    unit: str | None
    noun: str | None
    qualifier: str | None
    text_end: int  # end of the words kept in the figure's text


def _tail(text: str, pos: int, value: Decimal) -> _Tail:
    """What follows a number core: scale, unit or counted noun, trailing qualifier."""
    scale, unit, noun, qualifier = Decimal(1), None, None, None
    m = _SCALE.match(text, pos)
    if m:
        word = (m.group(1) or m.group(2)).lower()
        scale, pos = Decimal(str(lx.SCALES[word])), m.end()
    text_end = pos
    m = _RATIO_UNIT.match(text, pos)
    if m:
        unit, pos = _RATIO_UNITS[m.lastgroup], m.end()
        text_end = pos
    if unit is None:
        named = currency_after(text, pos)
        if named:
            unit, pos = named
            text_end = pos
    if unit is None:
        m = _UNIT_ABBREVIATION.match(text, pos)
        if m:
            word = m.group(1).lower()
            if word in {"bcm", "tcm"}:
                scale *= Decimal(10**9 if word == "bcm" else 10**12)
                unit = "cubic metre"
            else:
                unit = lx.UNIT_ABBREVIATIONS[" ".join(word.split())]
            pos = text_end = m.end()
    if unit is None:
        m = _HYPHEN_UNIT.match(text, pos)
        if m:  # "a 250-kilometre railway"
            word = m.group(1).lower()
            unit = "person" if word == "strong" else lx.UNIT_ABBREVIATIONS.get(word) or singular(word)
            pos = text_end = m.end()
    m = _AFTER_QUALIFIER.match(text, pos)
    if m:
        qualifier = lx.QUALIFIERS_AFTER.get(m.group().strip(" -").lower(), "more_than")
        pos = text_end = m.end()
    if unit is None:
        noun, pos = _counted_noun(text, pos, value * scale)
        if noun is not None:
            unit = "person" if _counts_people(noun) else singular(noun)
            m = _AFTER_QUALIFIER.match(text, pos)
            if m and qualifier is None and not m.group().startswith(("+", "-", "plus")):  # "50 tanks or more"
                qualifier = lx.QUALIFIERS_AFTER.get(" ".join(m.group().split()).lower(), "more_than")
    if unit in lx.RATE_UNITS:
        rate = _RATE.match(text, pos)
        if rate and lx.RATE_UNITS[unit] == rate.group(1).lower():  # "barrels a day", "km an hour"
            unit = f"{unit} per {rate.group(1).lower()}"
    return _Tail(pos, scale, unit, noun, qualifier, text_end)


def _counted_noun(text: str, pos: int, value: Decimal) -> tuple[str | None, int]:
    """The noun a number counts: the first plural among the next three words ("2,000 Russian troops")."""
    words = []
    cursor = pos
    for _ in range(3):
        m = _WORD.match(text, cursor)
        if not m:
            break
        word = m.group(1).rstrip("’'")
        if word.lower() in _NOUN_STOP:
            break
        cursor = m.end()
        if word.lower() == "such" and not words:  # "40 such incidents"
            continue
        words.append((word, m.end()))
        if value != 1 and _looks_plural(word):
            break
    for i, (word, end) in enumerate(words):
        lower = word.lower()
        if lower in lx.NOT_COUNTED:
            return None, pos
        if (value == 1 and i == 0 and lower not in COUNTRIES.by_demonym) or _looks_plural(word):
            # "cubic metres", "square kilometres" keep their modifier
            if i > 0 and words[i - 1][0].lower() in {"cubic", "square", "nautical"}:
                return f"{words[i - 1][0].lower()} {word}", end
            # a vague head keeps the noun before it: "hijacking attempts", "crossing points"
            if i > 0 and singular(word) in lx.VAGUE_COUNTED_HEADS and _noun_modifier(words[i - 1][0]):
                return f"{words[i - 1][0]} {word}", end
            return word, end
    if words and value != 1 and words[-1][0] in COUNTRIES.by_demonym and words[-1][0].endswith(("ese", "ss")):
        return words[-1]
    return None, pos


def find_figures(text: str, low: str | None = None) -> list[RawFigure]:
    """Every number in ``text`` cited as a quantity, in order.

    ``low`` is ``text`` lower-cased by :func:`.scan.lowered`, when the caller has it.
    """
    if low is None:
        low = lowered(text)
    cores = _cores(text, low)
    figures: list[RawFigure] = []
    skip_until = -1
    for index, core in enumerate(cores):
        if core.start() < skip_until:
            continue
        figure = _read(text, low, core, cores[index + 1] if index + 1 < len(cores) else None,
                       figures[-1] if figures else None)
        if figure is None:
            continue
        figures.append(figure)
        skip_until = figure.tail_end
    figures += find_multipliers(text, low, figures)
    figures += find_shares(text, low, figures)
    figures.sort(key=lambda f: f.start)
    return figures


def has_other_digits(text: str) -> bool:
    """Whether ``text`` has digits of another script than ASCII (which re's \\d matches, the scan not)."""
    return not text.isascii() and any(text[start].isdecimal() for start, _ in spots(text)[_STAND_IN_CUE])


def _cores(text: str, low: str | None) -> list[re.Match]:
    """The number cores of ``text``: ``_CORE`` tried only where the scan says one can start."""
    if has_other_digits(text):
        return list(_CORE.finditer(text, low))
    found = spots(text)
    candidates = sorted({start for c in (DIGIT_CUE, _A_SCALE_CUE, _NUMBER_WORD_CUE) for start, _ in found[c]}
                        | {start + 2 for start, _ in found[_GLUED_CURRENCY_CUE]})
    return list(matches_at(_CORE.exact, text, candidates))


def _unit_in_context(text: str, start: int, previous: RawFigure | None) -> str | None:
    """The unit of a bare number that its sentence names elsewhere (see .context_units)."""
    carried = unit_of_base(text, start, previous)
    if carried is not None:
        return carried
    noun = number_of_noun(text, start)
    if noun is None:
        return None
    return "person" if _counts_people(noun) or noun.lower() == "people" else singular(noun)


def _read(text: str, low: str | None, core: re.Match, following: re.Match | None,
          previous: RawFigure | None = None) -> RawFigure | None:
    start, end = core.span()
    raw = core.group()
    is_words = core.group("words") is not None
    before = text[max(0, start - 60):start]
    after = text[end:end + 40]
    # identifiers and dates
    if not is_words:
        glued = before.endswith(("RM", "Rp", "Rs")) and currency_before(before, len(before)) is not None
        if ends_with_letter(before) and not glued or _LETTERS_AFTER.match(after) and not _SCALE.match(after) \
                and not _PERCENT.match(after) and not _FOLD.match(after) and not _UNIT_ABBREVIATION.match(after):
            return None
        if _DATE_OR_AGE_AFTER.match(after) or ends_with_clock(before) or ends_with_month(before):
            return None
    elif _HYPHEN_ADJECTIVE.match(after):
        return None
    value = parse_words(raw) if is_words else parse_digits(raw)
    if value is None or is_words and _FRACTION_AFTER.match(after):
        return None  # "two-thirds" is a share (see .shares)

    # left context: currency, then qualifier or "between"
    fig_start = start
    currency = None
    m = currency_before(before, len(before))
    if m:
        symbol = m.group().strip()
        currency = lx.CURRENCY_SYMBOLS.get(symbol) or symbol.upper().rstrip(".")
        if currency == "RS":
            currency = "INR"
        fig_start = start - len(m.group())
    lead = text[max(0, fig_start - 40):fig_start]
    qualifier, keep_qualifier = "exact", False
    lead_low = None if low is None else low[max(0, fig_start - 40):fig_start]
    q = qualifier_before(lead, lead_low)
    ranged_by = between_before(lead, lead_low)
    if q:
        qualifier, keep_qualifier = lx.QUALIFIERS_BEFORE[" ".join(q[1].split())]

    tail = _tail(text, end, value)
    value_max = None
    fig_end = tail.text_end
    # ranges: "3-5%", "3 to 5 percent", "between 3 and 5 percent", "from 10 to 12 million tonnes"
    # a range joins digits to digits, or number words to number words ("two to three times")
    if following is not None and (following.group("digits") is not None
                                  or is_words and following.group("words") is not None):
        join = (_AND_JOIN if ranged_by and ranged_by[1] == "between" else _RANGE_JOIN).match(text, tail.end)
        # a currency between the join and the second number ("$3 to $5") only if the join ends before it
        gap_currency = None if not join or join.end() >= following.start() else currency_before(
            text, following.start(), max(0, following.start() - 8))
        has_gap_currency = bool(gap_currency and gap_currency.start() >= join.end())
        join_end = gap_currency.start() if has_gap_currency else following.start()
        same_money = not has_gap_currency or (currency is not None and currency == (
            lx.CURRENCY_SYMBOLS.get(gap_currency.group().strip()) or gap_currency.group().strip().upper()))
        if join and join.end() == join_end and same_money:
            is_from = ranged_by is not None and ranged_by[1] == "from"
            if not is_from or tail.unit is None:
                upper = parse_words(following.group()) if is_words else parse_digits(following.group())
                second = _tail(text, following.end(), upper)
                unit_ok = (tail.unit is None and not (currency and second.unit)) or tail.unit == second.unit
                if is_from and unit_ok and second.unit and not currency \
                        and CHANGE_BEFORE_FROM.search(lead, 0, ranged_by[0]):
                    # "rise from 45 to 60 km an hour": the values before and after, two figures;
                    # the first counts what the second counts
                    tail = _Tail(tail.end, second.scale if tail.scale == 1 else tail.scale, second.unit,
                                 second.noun, tail.qualifier, tail.text_end)
                    fig_end = tail.text_end
                elif unit_ok and (second.unit or tail.unit or currency) and not _looks_like_year_pair(value, upper):
                    scale = second.scale if tail.scale == 1 else tail.scale
                    tail = _Tail(second.end, scale, second.unit or tail.unit, second.noun or tail.noun,
                                 second.qualifier, second.text_end)
                    value_max = upper * second.scale
                    fig_end = second.text_end
                    if ranged_by:
                        fig_start = min(fig_start, ranged_by[0] + (fig_start - len(lead)))
    unit = currency or tail.unit
    if tail.qualifier:
        qualifier = tail.qualifier
    if unit is None and tail.scale == 1 or unit is None and not is_words:
        unit = _unit_in_context(text, fig_start, previous)
    if unit is None:
        return None  # a bare number counts nothing we can name
    if unit in lx.DURATION_NOUNS:
        return None
    if not currency and tail.scale == 1 and _is_year(raw, value) and unit not in {"percent", "times"}:
        return None
    if not currency and tail.unit not in {"percent", "percentage_points", "times"} and tail.scale == 1:
        if is_identifier(before) or (is_words and not _counted_word_number(raw, before, value, tail.noun)):
            return None
    if keep_qualifier and q is not None:
        fig_start = min(fig_start, fig_start - len(lead) + q[0])
    scaled = value * tail.scale
    upper_scaled = value_max if value_max is not None else None
    return RawFigure(fig_start, fig_end, as_number(scaled),
                     as_number(upper_scaled) if upper_scaled is not None else None, unit, qualifier, tail.noun,
                     max(tail.end, fig_end))


def _is_year(raw: str, value: Decimal) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= value <= 2100


def _looks_like_year_pair(a: Decimal, b: Decimal) -> bool:
    return 1800 <= a <= 2100 and 1800 <= b <= 2100


def _counted_word_number(raw: str, before: str, value: Decimal, noun: str | None) -> bool:
    """Number words count something unless they refer ("the two leaders", "two nations can"),
    are vague ("a few dozen") or are "one"."""
    if raw.lower() in {"one", "a", "an"}:
        return False
    if raw.lower() == "two" and noun is not None and noun.lower() in lx.PARTY_NOUNS:
        return False  # the two parties of a bilateral story, not a quantity
    prev = last_word(before.rstrip())
    return not (prev and prev.lower() in _DETERMINERS | {"few", "several", "many"})
