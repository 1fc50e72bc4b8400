"""From numbers found in the text to figures of the brief: evidence, measure, period, speaker."""

from __future__ import annotations

import re

from ..models import Figure, Qualifier
from . import lexicon as lx
from .attribution import Attribution
from .countries import COUNTRIES
from .lookback import ISO_CODES
from .numbers import RawFigure, find_figures, singular
from .periods import period, sentence_periods
from .table_cells import column_period
from .text import Document, clause_around, squash

_NP_STOP = {
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her", "my", "your",
    "of", "in", "on", "at", "by", "for", "from", "to", "with", "and", "or", "but", "than", "as", "into",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "could", "can", "may",
    "it", "they", "we", "he", "she", "i", "you", "there", "which", "who", "that", "so", "also", "not",
    "said", "says", "noted", "while", "when", "because", "about", "around", "some", "nearly", "almost",
    "more", "less", "over", "under", "up", "down", "just", "only", "still", "even", "last", "next",
    "year", "year’s", "year's", "month", "week", "today’s", "today's", "now", "already", "estimated",
    "total", "expected", "reportedly", "seeing", "see", "saw", "both", "all", "each", "such",
}
_PASSIVE = re.compile(r"^\s+(?:was|were|is|are|has\s+been|have\s+been|had\s+been|will\s+be)\s+"
                      r"(?P<rest>\w+ed\b[^,;.:]{0,40}|\w+[^,;.:\s]*\s+back\b|sent\b[^,;.:]{0,40}|paid\b[^,;.:]{0,40}|"
                      r"spent\b[^,;.:]{0,40}|lost\b[^,;.:]{0,40}|built\b[^,;.:]{0,40})", re.IGNORECASE)
# "... back to Tajikistan" after an amount that is the object of a verb
_OBJECT_REST = re.compile(r"^\s+((?:back\s+)?(?:to|in|into|for|on)\s+[^,;.:]{1,40}?)"
                          r"(?=\s+(?:in|last|this|since|by|and|but|so|over|during|until)\b|[,;.:]|$)")
# "45-percent growth", "$500 million of investment", "a 250-kilometre railway line"
_NOUN_AFTER = re.compile(r"^\s+(?:of\s+|in\s+|worth\s+of\s+)?"
                         r"(?P<noun>[a-z][a-z-]+(?:\s+(?!(?:in|of|for|on|to|and|was|were|is|are|by)\b)[a-z][a-z-]+)?)"
                         r"(?P<pp>\s+(?:in|of|for|on)\s+[^,;.:]{1,40}?)?"
                         r"(?=\s+(?:in|last|this|since|by|and|but|so|was|were|is|are|over|from|to)\b|[,;.:]|$)")
_PP_AFTER = re.compile(r"\s+((?:from|in|of|on|at|for|with|across)\s+(?:[\w’'-]+\s+){0,3}?[\w’'-]+)"
                       r"(?=\s+(?:live|lives|work|works|are|were|was|is|have|has|had|who|which|that|will|would|"
                       r"reach|reached|and|in|last|this|since|by|during|a|per|every|each|once|to)\b|[,;.:]|$)")


def build_figures(doc: Document, attribution: Attribution) -> list[Figure]:
    """The brief's figures, each with its clause as evidence."""
    text = doc.text
    figures = []
    seen: set[tuple[int, int]] = set()
    raws = _without_title_repeats(doc, find_figures(text, doc.lower))
    # per sentence holding a figure, found once: its time expressions and the figures in it
    context: dict[int, tuple[list[re.Match], list[RawFigure]]] = {}
    for raw in raws:
        if (raw.start, raw.end) in seen:
            continue
        seen.add((raw.start, raw.end))
        index = doc.sentence_index(raw.start)
        if index not in context:
            sentence = doc.sentences[index]
            context[index] = (sentence_periods(doc, sentence),
                              [f for f in raws if sentence.start <= f.start < sentence.end])
        c_start, c_end = clause_around(doc, raw.start, raw.end)
        evidence = text[c_start:c_end]
        speaker = attribution.speaker_at(raw.start)
        figures.append(Figure(
            text=text[raw.start:raw.end],
            value=raw.value,
            value_max=raw.value_max,
            unit=raw.unit,
            qualifier=Qualifier(raw.qualifier),
            measure=measure(text, raw, c_start, c_end),
            period=column_period(text, raw.start, raw.end)
            or period(text, raw, c_start, c_end, doc.sentences[index], *context[index]),
            speaker=speaker.name if speaker else None,
            evidence=evidence,
        ))
    return figures


def _without_title_repeats(doc: Document, raws: list[RawFigure]) -> list[RawFigure]:
    """The figures but those of a title line that the body states again ("... for up to 50,000
    workers" over the story that says it): the body's is the one with context."""
    if len(doc.paragraphs) < 2:
        return raws
    start, end = doc.paragraphs[0]
    title = doc.text[start:end]
    if "\n" in title or title.rstrip("”’\"' ")[-1:] in ".!?:":
        return raws
    body = {(f.value, f.unit) for f in raws if f.start >= end}
    return [f for f in raws if not (f.end <= end and (f.value, f.unit) in body)]


# --- measure ---------------------------------------------------------------------------

_AUX = {"had", "has", "have", "was", "were", "is", "are", "been", "be", "will", "would", "could", "can", "may",
        "might", "should", "did", "does", "do", "also", "already", "now", "reportedly", "to", "expected", "set",
        "likely", "due", "projected", "forecast", "going", "able"}
_PREPOSITIONS = {"of", "between", "with", "from", "in", "on", "for", "to", "along", "across", "through", "into",
                 "among", "at"}
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her", "our", "this", "these", "those", "that"}
_SOFT = _PREPOSITIONS | _DETERMINERS | {"and"}
_HARD = {"said", "says", "noted", "told", "added", "which", "who", "whom", "but", "while", "because",
         "as", "so", "if", "when", "where", "how", "what", "whose", "than", "it", "they", "we", "he", "she", "i",
         "you", "there", "is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "can",
         "not", "by", "up", "down", "over", "under", "about", "around", "nearly", "almost", "some", "more",
         "less", "estimated", "expected", "reportedly", "also", "now", "already", "since", "after", "before",
         "want", "wants", "plan", "plans", "aim", "aims", "hope", "hopes", "seek", "seeks", "intend", "expect",
         "expects", "sent", "spent", "paid", "built", "made", "gave", "took", "held", "signed", "announced",
         "million", "billion", "thousand", "trillion", "percent", "cent", "per", "bn", "mln", "m"} \
    | {v for v in lx.LEVEL_VERBS if " " not in v}
_PRONOUNS = {"it", "they", "we", "he", "she", "i", "you", "this", "that", "them", "us"}
_TIME_WORDS = {"year", "years", "month", "months", "week", "weeks", "today", "yesterday", "last", "next",
               "this", "quarter", "half", "first", "second"} | {m.lower() for m in lx.MONTHS}
_LINK_BEFORE = {"to", "at", "of", "worth", "totalling", "totaling", "valued", "reaching"}
_BASE_CHANGE = {"raise": "increase", "boost": "increase", "increase": "increase", "lift": "increase",
                "cut": "cut", "reduce": "reduction", "double": "increase", "expand": "expansion", "grow": "growth",
                "bring": None, "reach": None}
# Verbs whose object is an amount of money -> the noun of that amount.
_MONEY_VERBS = {"invest": "investment", "invested": "investment", "investing": "investment",
                "spend": "spending", "spent": "spending", "provide": "funding", "provided": "funding",
                "allocate": "funding", "allocated": "funding", "pledged": "pledge", "pledge": "pledge",
                "lend": "loan", "lent": "loan", "paid": "payment", "pay": "payment", "cost": "cost",
                "costs": "cost", "earned": "earnings", "earn": "earnings", "raised": "funds raised",
                "borrow": "borrowing", "borrowed": "borrowing", "owes": "debt", "owed": "debt",
                "donated": "donation", "granted": "grant", "received": "receipts", "sold": "sales",
                "exported": "exports", "imported": "imports", "budgeted": "budget"}
# Units of measure: the measure is what is measured ("tonnes of oil"), not the unit.
_MEASURE_UNITS = {"tonne", "ton", "barrel", "kilometre", "metre", "mile", "nautical mile", "cubic metre",
                  "square kilometre", "megawatt", "gigawatt", "kilogram", "hectare", "litre"}
_QUALIFIER_TAIL = {"an", "a", "estimated", "some", "about", "around", "nearly", "almost", "roughly",
                   "approximately", "more", "than", "less", "fewer", "at", "least", "up", "as", "many", "much",
                   "over", "under", "just", "by"}
_WORD_RE = re.compile(r"[\w’'$€£%.-]*\w")
_LEVEL = {v for v in lx.LEVEL_VERBS if " " not in v}
_LEVEL_NOT_COPULA = _LEVEL - {"is", "are", "was", "were"}
_CHANGE_NOUNS = set(lx.CHANGE_VERBS.values())
# lx.CHANGE_VERBS first (every value of it is a noun), then the base forms
_CHANGES = {**_BASE_CHANGE, **lx.CHANGE_VERBS}
_NOT_NOUNS = {"back", "away", "out", "last", "next", "this", "that", "every", "each", "per", "a", "an",
              *lx.UNITS_WORDS, *lx.TENS_WORDS}
_NOUN_STOP = _NP_STOP | _NOT_NOUNS
_OBJECT_STOP = _NP_STOP | _LEVEL
_CURRENCY_CODES = frozenset(ISO_CODES)
# What the rules may find that names no thing: verbs, adverbs and words of comparison.
_NOT_MEASURES = {"put", "stood", "stands", "buys", "carries", "carry", "cost", "costs", "need", "needs", "home",
                 "only", "against", "remaining", "little", "further", "compared", "financed", "be financed", "percent",
                 "amount", "eventually", "currently", "reached", "totalled", "rose", "fell", "times", "bcm"}
_TRAILING_VERBS = {v.split()[0] for v in lx.LEVEL_VERBS} | {"put", "buys", "carries", "carry", "cost", "costs"}
_DEMONSTRATIVES = {"that", "this", "these", "those", "it", "them"}
# the object of a multiplier: "doubling its container capacity to ...", "double the number of ..."
_MULTIPLIED = re.compile(r"\s+(?:(?:its|their|his|her|our|the|a)\s+)?((?:[\w’'-]+\s+){0,3}?[\w’'-]+)"
                         r"(?=\s+(?:to|in|by|from|over|within|and|but|as|at|for|on|next|this|last)\b|[,;.:]|$)")
_POSSESSIVE = re.compile(r"[’']s$")
_HYPHEN_WORD_END = re.compile(r"-[A-Za-z]+$")
_BREAK_RE = re.compile(r"[,;:“”\"()–—]")
_SHARE_OF = re.compile(r"\s+of\s+((?:[\w’'-]+\s+){0,4}?[\w’'-]+)(?=\s+(?:in|last|this|since|by|and|but|was|were|is|are)\b|[,;.:]|$)")


def measure(text: str, raw: RawFigure, c_start: int, c_end: int, sentence_start: int | None = None) -> str:
    """What the figure counts, from the words around it in its clause."""
    after = text[raw.end:c_end]
    before_tokens = [(m.group(), m.start(), m.end()) for m in _WORD_RE.finditer(text, c_start, raw.start)]
    money = raw.unit in _CURRENCY_CODES
    result = _measure(text, raw, after, before_tokens, money)
    return _refined(result, raw, after, text, before_tokens) or ("amount" if money else raw.unit.replace("_", " "))


def _refined(result: str | None, raw: RawFigure, after: str, text: str, tokens: list) -> str | None:
    """A measure that names a thing: what a multiplier multiplies ("doubling its capacity" ->
    "increase in capacity"), what a unit measures ("tonnes of food" -> "food"), else the
    clause's subject, where the rules found only a unit, a verb or a word of time."""
    verb_form = not text[raw.end - 2:raw.end].lower() == "ed"  # "to double its", "doubling the", not "doubled"
    if raw.unit == "times" and (verb_form or result is None or result.lower() in _NOT_MEASURES):
        thing = _MULTIPLIED.match(after)
        if thing and thing.group(1).split()[0].lower() not in _NP_STOP:
            return f"{'decrease' if raw.value < 1 else 'increase'} in {squash(thing.group(1))}"
    if result is None:
        return None
    unit, of, rest = result.partition(" of ")
    if of and rest and singular(unit.lower()) in _MEASURE_UNITS:  # "cubic metres of natural gas": the gas
        first, _, tail = rest.partition(" ")
        return tail if first.lower() in _DEMONSTRATIVES and tail else rest  # "tonnes of that trade": trade
    head, _, last = result.rpartition(" ")
    if head and last.lower() in _TRAILING_VERBS:  # "remittances stood" (at $4 billion)
        result = head
    if result.lower() in _NOT_MEASURES or singular(result.lower()) in _MEASURE_UNITS | {raw.unit}:
        return _clause_subject(text, tokens) or (None if result.lower() in _NOT_MEASURES else result)
    return result


def _proper(word: str) -> bool:
    return COUNTRIES.is_place_word(_POSSESSIVE.sub("", word)) or word.isupper()


def _measure(text: str, raw: RawFigure, after: str, tokens: list, money: bool) -> str | None:
    if raw.noun:  # "2,000 Russian troops from ..."
        head = squash(text[raw.end:raw.tail_end]).strip(" -")
        pp = _PP_AFTER.match(text, raw.tail_end)
        if pp or raw.unit not in _MEASURE_UNITS:
            return head + (" " + squash(pp.group(1)) if pp else "")
        after = text[raw.tail_end:raw.tail_end + len(after)]
    if raw.unit == "percent":
        share = _SHARE_OF.match(after)
        if share:  # "3-5% of Germany's total foreign trade"
            return f"share of {squash(share.group(1))}"
    noun = _NOUN_AFTER.match(after)
    adjective = _HYPHEN_WORD_END.search(text, raw.start, raw.end) is not None  # "a 250-kilometre railway"
    if noun and noun.group("noun").split()[0] not in _NOUN_STOP \
            and not noun.group("noun").endswith("ed") and (raw.unit not in _MEASURE_UNITS or adjective):
        head = noun.group("noun") + (" " + squash(noun.group("pp")) if noun.group("pp") else "")
        if noun.group("noun") in _CHANGE_NOUNS and not noun.group("pp"):
            subject = _np_before(text, tokens, len(tokens))
            if subject and not subject.endswith("ing"):
                return f"{head} in {subject}"
        return head
    own = text[raw.start:raw.end].split()[0].lower()  # "topped US$1 billion", "doubled"
    while tokens and tokens[-1][0].lower() in _QUALIFIER_TAIL and tokens[-1][0].lower() != own:
        if tokens[-1][0].lower() == "by" and len(tokens) > 1 and _change(tokens[-2][0]):
            break
        tokens = tokens[:-1]
    link = tokens[-1][0].lower() if tokens else ""
    if own in lx.CHANGE_VERBS or own in {"topped", "exceeded", "surpassed", "tops"}:
        subject = _np_before(text, tokens, len(tokens))
        change = lx.CHANGE_VERBS.get(own)
        if subject:
            return f"{change} in {subject}" if change and own not in {"topped", "exceeded", "surpassed"} else subject
    if money and link in _MONEY_VERBS:  # "invested more than €900 million in wind farms"
        rest = _OBJECT_REST.match(after)
        return _MONEY_VERBS[link] + (" " + squash(rest.group(1)) if rest else "")
    if link in _LINK_BEFORE and link != "to":  # "a border of about 2,300 km", "projects worth $1.2bn"
        subject = _np_before(text, tokens, len(tokens) - 1)
        if subject:
            return subject
    verbs = [i for i, t in enumerate(tokens) if _change(t[0]) is not None or _is_level(t[0])]
    if verbs:
        v = verbs[-1]
        change = _change(tokens[v][0])
        if link == "to":
            between = _np_span(text, tokens, v + 1, len(tokens) - 1)
            if between:  # "raise bilateral trade to $15 billion"
                return between
            subject = _np_before(text, tokens, v)
            if subject:
                return subject  # "trade rose 14 percent to $4.6 billion": the level, not the change
        subject = _np_before(text, tokens, v)
        if subject:
            return f"{change} in {subject}" if change else subject
    passive = _PASSIVE.match(after)
    if passive:
        return f"{'amount' if money else raw.unit} {squash(passive.group('rest'))}"
    if tokens and tokens[-1][0].islower() and tokens[-1][0].lower() not in _OBJECT_STOP:
        rest = _OBJECT_REST.match(after)
        if rest:  # "they sent US$1.8 billion back to Tajikistan"
            return f"{'amount' if money else raw.unit} {tokens[-1][0]} {squash(rest.group(1))}"
    if raw.noun:
        return squash(text[raw.end:raw.tail_end]).strip(" -")
    return _np_before(text, tokens, len(tokens))


def _has_digit(word: str) -> bool:
    return not word.isalpha() and any(c.isdigit() for c in word)


def _change(word: str) -> str | None:
    return _CHANGES.get(word.lower())


def _is_level(token: str) -> bool:
    return token.lower() in _LEVEL_NOT_COPULA


def _np_before(text: str, tokens: list, index: int) -> str | None:
    """The noun phrase ending right before ``tokens[index]``: "trade between the two countries".

    Auxiliaries before the verb are skipped; a determiner ends the phrase unless a
    preposition precedes it ("trade between the two countries"); a coordinated verb
    ("... topped $1 billion and increased") takes the clause's subject.
    """
    i = index - 1
    while i >= 0 and tokens[i][0].lower() in _AUX:
        i -= 1
    if i >= 0 and tokens[i][0].lower() == "and":
        return _clause_subject(text, tokens[:i])
    end = i + 1
    start = end
    while i >= 0 and end - i <= 10:
        word = tokens[i][0]
        lower = word.lower()
        gap = text[tokens[i][2]:tokens[i + 1][1]] if i + 1 < len(tokens) else ""
        if _BREAK_RE.search(gap) or lower in _HARD or lower in _SPEECH or _has_digit(word) \
                or word[:1] in "$€£" or _change(word) and lower not in {"cut", "increase", "growth"}:
            break
        start = i
        if lower in _DETERMINERS and not (i > 0 and tokens[i - 1][0].lower() in _PREPOSITIONS):
            break
        i -= 1
    return _np_span(text, tokens, start, end)


def _clause_subject(text: str, tokens: list) -> str | None:
    """The first noun phrase of the clause: "This year's trade volumes topped..." -> "trade volumes"."""
    i = 0
    while i < len(tokens) and (tokens[i][0].lower() in _SKIPPED_LEAD
                               or _POSSESSIVE.sub("", tokens[i][0].lower()) in _TIME_WORDS):
        i += 1
    j = i
    while j < len(tokens) and not (tokens[j][0].lower() in _HARD or _change(tokens[j][0]) or _is_level(tokens[j][0])
                                   or _has_digit(tokens[j][0])):
        j += 1
    return _np_span(text, tokens, i, j)


_SPEECH = set(lx.SPEECH_VERBS)
_SOFT_HARD = _SOFT | _HARD
_SKIPPED_LEAD = _SOFT | _HARD | _TIME_WORDS


def _np_span(text: str, tokens: list, start: int, end: int) -> str | None:
    """``tokens[start:end]`` as a phrase, without leading/trailing function and time words."""
    span = tokens[start:end]
    for t in span:
        if _has_digit(t[0]) or t[0][:1] in "$€£":
            return None
    while span and (span[0][0].lower() in _SKIPPED_LEAD or span[0][0].lower().rstrip("’'s") in _TIME_WORDS
                    or _change(span[0][0])):
        span = span[1:]
    while span and span[-1][0].lower() in _SOFT_HARD:
        span = span[:-1]
    if not span or (len(span) == 1 and span[0][0].lower() in _PRONOUNS):
        return None
    phrase = squash(text[span[0][1]:span[-1][2]])
    lead = text[max(0, span[0][1] - 3):span[0][1]].strip(" \u00a0“\"‘'")
    if (not lead or lead[-1] in ".!?\n") and phrase[:1].isupper() and not _proper(span[0][0]):
        phrase = phrase[0].lower() + phrase[1:]  # capitalised only because it starts the sentence
    return phrase
