"""The offline backend's fast paths find exactly what the plain regexes they replace find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from summarizer.offline import lexicon as lx
from summarizer.offline.attribution import _alt, _form_spans
from summarizer.offline.patterns import first_char_alternation
from summarizer.offline.scan import Caseless, lowered

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "examples").glob("*.txt"))
            + sorted((ROOT / "evals" / "fixtures").glob("*.txt"))]


def test_lowered_refuses_texts_whose_case_folding_is_not_lower_casing():
    assert lowered("Putin SAID") == "putin said"
    assert lowered("İstanbul") is None  # lower-cases to two characters
    assert lowered("Kılıçdaroğlu") is None  # dotless i folds to "i" under re.IGNORECASE
    assert lowered("Maſs") is None


def test_caseless_refuses_patterns_it_cannot_lower_safely():
    with pytest.raises(ValueError):
        Caseless("[À-Þ]x")
    assert Caseless(r"\S+ said").fast.pattern == r"\S+ said"  # escapes keep their case


@pytest.mark.parametrize("text", ["The WAR and the War, war-time; warfare", "Kılıç said war", "İ war"])
def test_caseless_finds_what_ignorecase_finds(text):
    pattern = r"(?<![\w-])(?:war|threats?)(?![\w-])"
    plain = re.compile(pattern, re.IGNORECASE)
    fast = Caseless(pattern)
    assert [m.span() for m in fast.finditer(text, lowered(text))] == [m.span() for m in plain.finditer(text)]
    assert [m.group() for m in fast.finditer(text, lowered(text))] == [m.group() for m in plain.finditer(text)]


@pytest.mark.parametrize("cues", [lx.THREAT_CUES, lx.MEASURE_CUES, ["ab", "(?:x)?abc", "abcd", "b"]])
def test_first_char_alternation_keeps_the_order_of_alternatives(cues):
    plain = re.compile(r"(?<![\w-])(?:" + "|".join(cues) + r")")  # no word end: order decides the length
    grouped = re.compile(r"(?<![\w-])(?:" + first_char_alternation(cues) + r")")
    for text in [*ARTICLES, "abcd xabc abc"]:
        low = text.lower()
        assert [m.span() for m in grouped.finditer(low)] == [m.span() for m in plain.finditer(low)]


def test_first_char_alternation_refuses_upper_case():
    with pytest.raises(ValueError):
        first_char_alternation(["GDP", "trade"])


@pytest.mark.parametrize("text", [
    "Vladimir Putin met Putin's aide; the Russian leader and the  Russian\u00a0leader spoke. Vladimir  Putin said.",
    "Putin-Xi talks: Putin, Xi and Mr Putin. Vladimir Putinov is not Putin",
])
def test_form_spans_replay_the_regex(text):
    forms = {"Vladimir Putin": 0, "Putin": 0, "the Russian leader": 0, "The Russian leader": 0, "Xi": 1}
    regex = re.compile(rf"(?<![\w-])(?:{_alt(forms)})(?![\w-])")
    assert _form_spans(text, forms) == [m.span() for m in regex.finditer(text)]
