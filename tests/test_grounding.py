"""Locating evidence in the article: typography-tolerant, number-preserving, spans in the original."""

from __future__ import annotations

import pytest

from summarizer.grounding import ArticleIndex, UngroundedPolicy, contains, find_problems, ground, locate
from summarizer.models import AlignmentStatus, Brief

ARTICLE = (
    "Foreign Minister Ana\u00a0Duarte said on Monday that \u201cthe port deal\u201d is done.\n\n"
    "Exports rose 12.4%\u2009\u2014 a record \u2013 and the ministry\u2019s forecast is US$2.1 billion."
)


def test_exact_match_reports_span_in_original_text():
    span = locate("the port deal", ARTICLE)
    assert span.status is AlignmentStatus.exact
    assert ARTICLE[span.start : span.end] == "the port deal"


def test_a_verbatim_occurrence_is_preferred_to_an_earlier_typographic_variant():
    article = "THE TALKS WILL RESUME, a banner read. Officials said the talks will resume in May."
    span = locate("the talks will resume", article)
    assert (span.status, span.start) == (AlignmentStatus.exact, article.index("the talks will resume"))
    assert locate("The Talks Will Resume", article).start == 0  # no verbatim copy: the normal form decides


@pytest.mark.parametrize(
    "excerpt, original",
    [
        ("Ana Duarte said", "Ana\u00a0Duarte said"),  # non-breaking space
        ('"the port deal" is done', "\u201cthe port deal\u201d is done"),  # curly double quotes
        ("the ministry's forecast", "the ministry\u2019s forecast"),  # curly apostrophe
        ("12.4% - a record - and", "12.4%\u2009\u2014 a record \u2013 and"),  # dashes, thin space
        ("FOREIGN MINISTER ana duarte", "Foreign Minister Ana\u00a0Duarte"),  # case
        ("on   Monday\n that", "on Monday that"),  # runs of whitespace in the excerpt
    ],
)
def test_typographic_variants_are_exact(excerpt, original):
    span = locate(excerpt, ARTICLE)
    assert span.status is AlignmentStatus.exact
    assert ARTICLE[span.start : span.end] == original


def test_near_miss_is_fuzzy_but_changed_number_is_not_found():
    fuzzy = locate("and the ministrys forecast is US$2.1 billion", ARTICLE)
    assert fuzzy.status is AlignmentStatus.fuzzy
    assert 90 <= fuzzy.score < 100
    assert "forecast is US$2.1 billion" in ARTICLE[fuzzy.start : fuzzy.end]
    assert locate("and the ministry's forecast is US$2.7 billion", ARTICLE).status is AlignmentStatus.not_found


def test_invented_excerpt_is_not_found_and_short_ones_never_fuzzy():
    assert locate("the president resigned in protest", ARTICLE).status is AlignmentStatus.not_found
    assert locate("port deel", ARTICLE).status is AlignmentStatus.not_found
    assert locate("", ARTICLE).status is AlignmentStatus.not_found


def test_zero_width_characters_in_article_are_ignored():
    text = "The\u200b summit\u00ad ended."
    span = locate("the summit ended", text)
    assert span.status is AlignmentStatus.exact
    assert text[span.start : span.end] == "The\u200b summit\u00ad ended"


def test_contains_is_typography_tolerant():
    assert contains("exports rose 12.4% \u2014 a record", "12.4%")
    assert contains("more\u00a0than 15 percent", "more than 15 percent")
    assert not contains("trade rose 12 percent", "15 percent")


def test_seed_gold_evidence_grounds_despite_nbsp_and_curly_quotes(seed_article, seed_gold):
    index = ArticleIndex(seed_article)
    excerpts = [e for t in seed_gold["topics"] for e in t["evidence"]]
    excerpts += [f["evidence"] for f in seed_gold["figures"]]
    excerpts += [c["evidence"] for c in seed_gold["security_concerns"]]
    spans = [index.locate(e) for e in excerpts]
    assert len(spans) == 19
    assert all(s.status is AlignmentStatus.exact for s in spans)
    # The gold writes a straight apostrophe and a single space where the article has a
    # curly apostrophe and a non-breaking space: the span covers the article's own characters.
    partner = index.locate("Russia remains Tajikistan's major trading and economic partner")
    assert seed_article[partner.start : partner.end] == "Russia remains Tajikistan\u2019s major trading and economic partner"
    met = index.locate("met with his Russian counterpart Vladimir Putin to discuss cooperation")
    assert "\u00a0" in seed_article[met.start : met.end]
    assert seed_article[met.start : met.end].endswith("to discuss cooperation")


def _brief(evidence: str, text: str = "12.4%") -> Brief:
    return Brief.model_validate(
        {
            "participants": [{"name": "Ana Duarte", "kind": "person"}],
            "topics": [{"label": "trade", "category": "economy_trade", "evidence": [evidence]}],
            "figures": [
                {
                    "text": text,
                    "value": 12.4,
                    "unit": "percent",
                    "qualifier": "exact",
                    "measure": "export growth",
                    "speaker": None,
                    "evidence": evidence,
                }
            ],
            "security_concerns": [],
        }
    )


def test_ground_fills_spans_and_counts():
    brief, report = ground(_brief("Exports rose 12.4%"), ARTICLE)
    assert report.excerpts == 2 and report.exact == 2 and report.not_found == 0
    assert report.grounding_rate == 1.0
    span = brief.figures[0].evidence_span
    assert ARTICLE[span.start : span.end] == "Exports rose 12.4%"
    assert brief.topics[0].evidence_spans[0] == span


def test_ungrounded_item_is_flagged_or_dropped_never_the_whole_brief():
    invented = _brief("Imports fell 12.4% in March")
    flagged, report = ground(invented, ARTICLE, UngroundedPolicy.flag)
    assert report.not_found == 2 and report.grounding_rate == 0.0
    assert flagged.figures[0].evidence_span.status is AlignmentStatus.not_found
    assert [i.path for i in report.issues] == ["topics[0].evidence[0]", "figures[0].evidence"]
    dropped, report = ground(invented, ARTICLE, UngroundedPolicy.drop)
    assert dropped.figures == [] and dropped.topics == []
    assert report.dropped_items == 2
    assert dropped.participants == invented.participants


def test_figure_text_must_lie_inside_its_evidence():
    brief = _brief("Exports rose 12.4%", text="13 percent")
    problems = find_problems(brief, ArticleIndex(ARTICLE))
    assert [(p.path, p.problem) for p in problems] == [("figures[0].text", "not inside its evidence")]


def test_fast_normalisation_equals_the_character_by_character_one():
    import random

    from summarizer.grounding import _normalize_char_by_char, _normalize_with_map

    rnd = random.Random(7)
    alphabet = "ab \u00a0\t\n\u201c\u201d\u2018\u2019\u2014\u2013-\u0130\u00df\u00c0\u200b\u2026xyZ."
    samples = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(2000)]
    samples += [ARTICLE, "  leading and trailing  ", "", "\u0130stanbul  talks"]
    for sample in samples:
        fast_text, fast_map = _normalize_with_map(sample)
        slow_text, slow_map = _normalize_char_by_char(sample)
        assert (fast_text, list(fast_map)) == (slow_text, list(slow_map)), repr(sample)


@pytest.mark.parametrize(
    "article, name, named",
    [
        ("Minister Ana Duarte spoke.", "Ana Duarte", True),
        ("Anatoly Duarteva spoke.", "Ana Duarte", False),  # inside longer words, never a mention
        ("Minister Ana Duarte-Lopes spoke.", "Ana Duarte", True),  # a hyphen ends a word
        ("minister ANA DUARTE spoke.", "Ana Duarte", True),  # case is folded on the slow path
        ("Ana  Duarte spoke.", "Ana Duarte", True),  # so are runs of spaces
        ("Duarte_Office said", "Duarte", True),  # an underscore separates words, as punctuation does
    ],
)
def test_a_name_is_a_mention_only_as_whole_words(article, name, named):
    assert ArticleIndex(article).mentions(name) is named
