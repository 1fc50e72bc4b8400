"""Spans start and end on grapheme-cluster boundaries (issue 10, item 23).

A span that starts on a combining mark, inside an emoji ZWJ sequence, between a variation
selector and its base, or between the two halves of a flag cuts a character a reader sees
as one. The boundaries here are computed independently of the package, with ``regex``'s
``\\X`` (extended grapheme clusters) over the whole text.
"""

from __future__ import annotations

import unicodedata

import pytest
import regex

from summarizer.grounding import ArticleIndex, locate
from summarizer.models import AlignmentStatus


def boundaries(text: str) -> set[int]:
    return {0} | {match.end() for match in regex.finditer(r"\X", text, flags=regex.DOTALL)}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# A fictional visit; the article is stored decomposed (NFD), as some CMS exports are.
VIETNAMESE = nfd(
    "The delegation from Vietnam was led by Deputy Minister Lê Quang Minh, who told reporters "
    "in Lyon that the rice export agreement with France would take effect in the spring."
)


@pytest.mark.parametrize("excerpt", [
    "ê Quang Minh, who told reporters in Lyon that the rice export agreement",  # starts after a base letter
    "The delegation from Vietnam was led by Deputy Minister Lê",  # ends on an accented letter
    "Deputy Minister Lê Quang Minh, who told reporters in Lyon",
])
def test_a_composed_excerpt_of_a_decomposed_article_is_found_whole(excerpt):
    excerpt = nfc(excerpt)
    span = locate(excerpt, VIETNAMESE)
    assert span.grounded
    assert {span.start, span.end} <= boundaries(VIETNAMESE)
    assert nfc(VIETNAMESE[span.start : span.end]) == excerpt  # still the excerpt, nothing cut off


def test_a_decomposed_excerpt_of_a_composed_article_is_exact():
    article = nfc("Élodie Marchand, the French trade envoy, met officials in Hà Nội on Tuesday.")
    excerpt = nfd("Élodie Marchand, the French trade envoy, met officials in Hà Nội")
    span = locate(excerpt, article)
    assert span.status is AlignmentStatus.exact
    assert article[span.start : span.end] == nfc(excerpt)


def test_an_exact_match_that_would_split_a_character_is_not_taken():
    # "cafe" occurs in the decomposed "café" only by cutting the acute accent off it
    article = nfd("Both ministers met at the café beside the old harbour in Marseille on Friday.")
    span = locate("Both ministers met at the cafe", article)
    assert span.status is not AlignmentStatus.exact
    if span.grounded:
        assert {span.start, span.end} <= boundaries(article)


# Clusters of every kind the rules join: combining marks, ZWJ emoji, variation selectors,
# regional-indicator flags, Hangul jamo, an Indic conjunct, CR LF.
TRICKY = (
    "Envoy Trâ\u0300n of Vie\u0323\u0302t Nam met the \U0001F1EB\U0001F1F7\U0001F1FB\U0001F1F3 panel; "
    "crowds waved \u2764\ufe0f and \U0001F468\u200d\U0001F469\u200d\U0001F467 signs in \u1109\u1165\u110b\u116e\u11af "
    "and \u0915\u094d\u0937 script.\r\nTalks went on."
)


def test_every_grounded_span_of_any_piece_of_a_tricky_article_lies_on_cluster_boundaries():
    index = ArticleIndex(TRICKY)
    legal = boundaries(TRICKY)
    checked = 0
    for start in range(len(TRICKY)):
        for end in range(start + 1, min(len(TRICKY), start + 40) + 1, 3):
            span = index.locate(TRICKY[start:end])
            if span.grounded:
                checked += 1
                assert {span.start, span.end} <= legal, (TRICKY[start:end], span)
    assert checked > 1000  # most pieces ground, so the rule was exercised


def test_a_fuzzy_span_is_widened_to_whole_clusters():
    # the excerpt begins on the accent of "Trần" (as a decomposed copy cut one character late)
    article = "Envoy Tra\u0302\u0300n Quoc Bao told the press in Geneva that the grain corridor talks would resume."
    excerpt = "\u0302\u0300n Quoc Bao told the press in Geneva that the grain corridr talks"
    span = locate(excerpt, article)
    assert span.status is AlignmentStatus.fuzzy
    assert {span.start, span.end} <= boundaries(article)
    assert article[span.start : span.end].startswith("a\u0302\u0300n Quoc Bao")  # the whole letter
