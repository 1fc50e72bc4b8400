"""Unit tests of the offline security-concern rules: whole phrases, regions, speakers, items."""

from __future__ import annotations

import pytest

from summarizer.offline import extract
from summarizer.offline.concern_issue import MAX_ISSUE_WORDS, whole_phrase


def concerns(text: str) -> list:
    return extract(text).security_concerns


def only_concern(text: str):
    found = concerns(text)
    assert len(found) == 1, [c.issue for c in found]
    return found[0]


# --- the issue is a whole phrase ------------------------------------------------------------

@pytest.mark.parametrize("words, phrase", [
    # too long: cut before the phrase that follows, not after its first words
    ("The coast guard will step up patrols in the Gulf of Riga after a pipeline near the port was damaged",
     "The coast guard will step up patrols in the Gulf of Riga"),
    # never ending on a word that needs another after it
    ("cyberattacks are among the most serious threats we", "cyberattacks are among the most serious threats"),
    ("the worst attack on a Latvian port since a 2019", "the worst attack on a Latvian port"),
    ("smuggling fell to three cases last year, from more", "smuggling fell to three cases last year"),
])
def test_issue_is_a_whole_phrase(words, phrase) -> None:
    assert " ".join(whole_phrase(words.split())) == phrase


def test_long_issue_keeps_at_most_the_limit_and_ends_on_a_content_word() -> None:
    words = ("militants attacked a convoy of trucks carrying grain and fuel to the besieged town in the "
             "north of the province").split()
    phrase = whole_phrase(words)
    assert 4 <= len(phrase) <= MAX_ISSUE_WORDS
    assert phrase[-1] not in {"the", "of", "to", "in", "and"}


def test_issue_of_an_article_concern_is_not_cut_mid_phrase() -> None:
    text = ("The navy will step up patrols in the Gulf of Riga after a data cable off the Latvian coast "
            "was damaged on Sunday, the defence ministry said.")
    issues = [c.issue for c in concerns(text)]
    assert "The navy will step up patrols in the Gulf of Riga" in issues, issues


# --- the region is the place named in or near the clause -----------------------------------

@pytest.mark.parametrize("text, region", [
    ("Defence Minister Aina Berzina said the navy would begin joint patrols in the Sulawesi Sea next month.",
     "Sulawesi Sea"),
    ("Militants recruited by armed groups around Lake Chad attacked two villages.", "Lake Chad"),
    ("About 9,000 troops will take part in military exercises in Poland and Lithuania next month.",
     "Poland and Lithuania"),
    ("Armed smugglers crossed the border with Afghanistan twice last week, officials said.", "Afghanistan border"),
])
def test_region_is_the_place_named_in_the_clause(text, region) -> None:
    assert only_concern(text).region == region


def test_region_comes_from_the_sentence_when_the_clause_names_none() -> None:
    text = "At the talks on Mali, Senegal's foreign minister Awa Ndiaye said: “The armed groups are recruiting children”."
    found = concerns(text)
    assert found and found[0].region == "Mali"


# --- a measure and the threat it answers are items of their own -----------------------------

def test_measure_and_the_threat_of_its_purpose_clause_are_two_items() -> None:
    text = ("Defence Minister Aina Berzina said the two navies would begin joint patrols in the Gulf of Riga "
            "next month, to deter smuggling and attacks on shipping by armed gangs.")
    found = concerns(text)
    evidence = [c.evidence for c in found]
    assert len(found) == 2, evidence
    assert evidence[1].startswith("to deter smuggling")
    assert "to deter" not in evidence[0]
    assert {c.raised_by for c in found} == {"Aina Berzina"}
