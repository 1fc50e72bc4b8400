"""One fold for names and one owner of title words (summarizer.names), as every caller sees them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from summarizer.evaluate.matching import participant_score
from summarizer.grounding import ArticleIndex, participant_mentions
from summarizer.models import Brief, Participant
from summarizer.names import HONORIFICS, TITLE_ABBREVIATIONS, TITLE_WORDS, TITLES, fold, strip_titles
from summarizer.offline import lexicon as lx
from summarizer.offline.people import find_people
from summarizer.split import sentences


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Jean-Luc Mélenchon", "jean luc melenchon"),
        ("Jean Luc Melenchon", "jean luc melenchon"),
        ("  O'Brien,  Conor ", "o brien conor"),
        ("Recep Tayyip Erdoğan", "recep tayyip erdogan"),
        ("Lars Løkke Rasmussen", "lars lokke rasmussen"),
        ("Łukasz Straße", "lukasz strasse"),
        ("SERGEI\u00a0LAVROV", "sergei lavrov"),
        ("Dr. Amna Babiker", "dr amna babiker"),
        ("al_Burhan", "al burhan"),
        ("", ""),
        (None, ""),
        ("—", ""),
    ],
)
def test_fold_drops_case_accents_and_punctuation(text, folded):
    assert fold(text) == folded


def _brief(speaker: str, raised_by: str | None = None) -> Brief:
    return Brief.model_validate({
        "participants": [{"name": "Jean-Luc Mélenchon", "aliases": ["Mélenchon"], "kind": "person"}],
        "figures": [{"text": "12 percent", "value": 12, "unit": "percent", "qualifier": "exact",
                     "measure": "growth", "speaker": speaker, "evidence": "grew 12 percent"}],
        "security_concerns": [{"issue": "unrest", "raised_by": raised_by, "evidence": "unrest grew"}],
    })


def test_a_speaker_written_without_hyphen_or_accent_resolves_to_the_participant():
    brief = _brief("Jean Luc Melenchon", raised_by="MELENCHON")
    assert brief.figures[0].speaker == "Jean-Luc Mélenchon"
    assert brief.security_concerns[0].raised_by == "Jean-Luc Mélenchon"


def test_a_speaker_naming_no_participant_is_refused():
    with pytest.raises(ValidationError, match="must name a listed participant"):
        _brief("Jean Lucas Melenchon")


def test_brief_participant_finds_a_name_however_it_is_written():
    brief = _brief("Jean-Luc Mélenchon")
    assert brief.participant("jean luc melenchon").name == "Jean-Luc Mélenchon"
    assert brief.participant("Jean-Luc MÉLENCHON").name == "Jean-Luc Mélenchon"
    assert brief.participant("melenchon").name == "Jean-Luc Mélenchon"
    assert brief.participant("Jeanluc Melenchon") is None  # a hyphen breaks words, it does not join them


def test_grounding_finds_a_name_written_another_way():
    index = ArticleIndex("PARIS — Jean-Luc Mélenchon told supporters on Sunday that the vote was stolen.")
    assert index.mentions("Jean Luc Melenchon")
    assert index.mentions("jean-luc mélenchon")
    assert not index.mentions("Luc Melen")  # whole words only


def test_honorifics_never_ground_a_person_but_names_that_look_like_titles_do():
    assert participant_mentions(Participant(name="Dr Amna Babiker", kind="person")) == [
        "Dr Amna Babiker", "amna", "babiker"]
    assert participant_mentions(Participant(name="Lt. Gen. Abdel Fattah al-Burhan", kind="person")) == [
        "Lt. Gen. Abdel Fattah al-Burhan", "abdel", "burhan"]
    # "Sen" abbreviates "Senator" but is also a name: Hun Sen keeps his surname
    assert participant_mentions(Participant(name="Hun Sen", kind="person")) == ["Hun Sen", "hun", "sen"]
    assert {"mr", "mrs", "ms", "dr", "sir", "dame", "prof", "gen", "col"} <= HONORIFICS
    assert "sen" not in HONORIFICS and "st" not in HONORIFICS


@pytest.mark.parametrize(
    ("mention", "stripped"),
    [
        ("foreign minister ana duarte", "ana duarte"),
        ("the foreign minister ana duarte", "ana duarte"),
        (fold("Minister of Foreign Affairs Ana Duarte"), "ana duarte"),
        (fold("Maj. Gen. Wichai Somboonsuk"), "wichai somboonsuk"),
        (fold("Mr. Putin"), "putin"),
        ("sir keir starmer", "keir starmer"),
        ("the russian leader", "russian leader"),
        ("minister", "minister"),  # the last word is kept
        ("ana duarte", "ana duarte"),
    ],
)
def test_strip_titles(mention, stripped):
    assert strip_titles(mention) == stripped


def test_scoring_matches_a_person_named_with_a_title_and_another_spelling():
    gold = Participant(name="Jean-Luc Mélenchon", kind="person")
    pred = Participant(name="Mr. Jean Luc Melenchon", kind="person")
    assert participant_score(pred, gold, set()) == 1.0


def test_titles_table_holds_the_abbreviated_forms():
    assert TITLES["premier"] == "Prime Minister"
    assert TITLES["gen."] == "General"
    assert TITLES["lt. gen."] == "Lieutenant General"
    assert TITLES["maj. gen."] == "Major General"
    assert TITLES["gov."] == "Governor"
    assert TITLES["mr."] == "" and TITLES["dr."] == ""  # courtesy titles name no office
    assert "st." not in TITLES  # "St. Petersburg" is no title before a name
    assert {"minister", "foreign", "affairs", "gen", "mr", "the"} <= TITLE_WORDS


def test_the_extractor_classifies_only_canonical_titles():
    canonical = set(TITLES.values())
    assert lx.STATE_TITLES <= canonical
    assert lx.HEAD_TITLES <= canonical
    assert not hasattr(lx, "TITLES")  # one table of titles: summarizer.names.TITLES


def test_the_extractor_reads_abbreviated_titles():
    people = find_people("California Gov. Gavin Newsom said on Monday that the state would sue.")
    assert [(p.name, p.role) for p in people] == [("Gavin Newsom", "Governor")]


def test_a_sentence_does_not_end_after_an_abbreviated_title():
    text = ("Troops came under fire, Maj. Gen. Wichai Somboonsuk said. Dr. Li Wei agreed. "
            "Sgt. Ana Souza left for St. Petersburg. Capt. Tomas Aveiro stayed.")
    assert sentences(text) == [
        "Troops came under fire, Maj. Gen. Wichai Somboonsuk said.",
        "Dr. Li Wei agreed.",
        "Sgt. Ana Souza left for St. Petersburg.",
        "Capt. Tomas Aveiro stayed.",
    ]


@pytest.mark.parametrize("abbreviation", TITLE_ABBREVIATIONS)
def test_every_title_abbreviation_keeps_its_sentence_whole(abbreviation):
    text = f"They met {abbreviation}. Ana Souza on Monday. Talks ended."
    assert sentences(text) == [f"They met {abbreviation}. Ana Souza on Monday.", "Talks ended."]
