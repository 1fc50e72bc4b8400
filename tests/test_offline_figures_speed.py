"""The figures stage's fast paths find what the full passes they replace find.

Each fast path (a test read from the end of a string, a pattern tried only at the scan's
cue spots) is compared with the search it stands for, on sentences written for the
purpose and on every project article.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from summarizer.offline import lexicon as lx
from summarizer.offline import lookback, numbers, periods, scanner, text as text_module
from summarizer.offline.text import Document

ROOT = Path(__file__).resolve().parents[1]

PIECES = ["", " ", "  ", "\n", "\u00a0", ".", "-", ":", "5", "10:", "Article", "article", "Nord Stream", "The",
          "the", "said", "May", "Sept.", "June", "xMay", "_May", "more than", "about", "well over", "swell over",
          "at least", "between", "from", "US$", "$", "€", "Rs.", "Rs", "USD", "EUR ", "S-", "A", "“", "! ", "? ",
          "an estimated", "up to", "roughly", "ж", "é", "In", "some"]


def _strings(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6))) for _ in range(count)]


def test_tests_read_from_the_end_agree_with_the_searches_they_replace():
    month = re.compile(r"\b(?:" + "|".join(lx.MONTHS) + r")\.?\s+$")
    letter, clock = re.compile(r"[A-Za-z]-?$"), re.compile(r"\d:$")
    for before in _strings(4000, 1) + ["June ", "in Sept. ", "Article ", "10:", "S-", "x\n", "May\n"]:
        assert lookback.ends_with_month(before) == bool(month.search(before)), before
        assert lookback.ends_with_letter(before) == bool(letter.search(before)), before
        assert lookback.ends_with_clock(before) == bool(clock.search(before)), before


def test_qualifier_and_range_words_read_backwards_agree_with_the_search():
    for lead in _strings(4000, 2) + ["rose by well over ", "swell over ", "at least ", "between "]:
        for fast, slow in ((lookback.qualifier_before, lookback.QUALIFIER_BEFORE),
                           (lookback.between_before, re.compile(r"\b(between|from)\s+$", re.IGNORECASE))):
            found = next(slow.spans(lead, None), None) if hasattr(slow, "spans") else slow.search(lead)
            expected = (found.start(1), found.group(1).lower()) if found else None
            assert fast(lead, lead.lower()) == expected, lead


def _articles() -> list[str]:
    paths = sorted((ROOT / "examples").glob("*.txt")) + sorted((ROOT / "evals" / "fixtures").glob("*.txt"))
    return [path.read_text(encoding="utf-8") for path in paths]


def test_cores_at_cue_spots_are_the_cores_of_a_full_pass(engine):
    extra = ["In mid2024 some ٣٠ people and a dozen\u00a0ships; half a million tonnes, twenty-five cars."]
    for article in _articles() + extra:
        low = article.lower()
        fast = [m.span() for m in numbers._cores(article, low)]
        slow = [m.span() for m in numbers._CORE.finditer(article, low)]
        assert fast == slow


def test_time_expressions_at_cue_spots_are_those_of_a_full_pass(engine):
    for article in _articles():
        doc = Document(article)
        for sentence in doc.sentences:
            fast = [m.span() for m in periods.time_expressions(doc, sentence)]
            slow = [m.span() for m in periods._PERIOD.finditer(article, doc.lower, sentence.start, sentence.end)]
            assert fast == slow, article[sentence.start:sentence.end]


def test_clause_breaks_at_cue_spots_are_those_of_a_full_pass(engine):
    extra = ["Trade grew ;  5 ships came - and  —  so that they said that, but  because it: rose."]
    for article in _articles() + extra:
        doc = Document(article)
        for sentence in doc.sentences:
            lo, hi = sentence.start, sentence.end
            fast = [m.span() for m in text_module._clause_breaks(article, lo, hi)]
            slow = [m.span() for m in text_module._CLAUSE_BREAK.finditer(article, lo, hi)]
            assert fast == slow, article[lo:hi]
