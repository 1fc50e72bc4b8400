"""Unit tests of the offline attribution rules: who states what, sentence by sentence."""

from __future__ import annotations

import re

import pytest

from summarizer.offline import extract
from summarizer.offline.attribution import Attribution, _form_spans
from summarizer.offline.patterns import alternation
from summarizer.offline.people import find_organizations, find_people
from summarizer.offline.text import Document


def speaker_of(text: str, phrase: str, reporting_only: bool = False) -> str | None:
    doc = Document(text)
    attribution = Attribution(doc, find_people(text) + find_organizations(text))
    who = attribution.speaker_at(text.index(phrase), reporting_only=reporting_only)
    return who.name if who else None


# --- a name set off by commas before the verb is its subject ------------------------------

@pytest.mark.parametrize("text, phrase, speaker", [
    ("The fund will open a regional office, a ministry spokeswoman, Ilse Marttinen, said.",
     "regional office", "Ilse Marttinen"),
    ("Chile's representative at the talks, Ambassador Tomás Aravena, said the deadline would slip.",
     "deadline", "Tomás Aravena"),
])
def test_name_in_commas_before_the_verb_is_the_speaker(text, phrase, speaker) -> None:
    assert speaker_of(text, phrase) == speaker


def test_lone_comma_after_a_name_that_is_no_apposition_does_not_make_it_the_speaker() -> None:
    text = "Prime Minister Oskar Lindahl met Hana Dvorak, said a ministry statement issued in Oslo."
    assert speaker_of(text, "met") != "Hana Dvorak"


# --- pronouns -------------------------------------------------------------------------------

def test_pronoun_inside_a_sentence_stands_for_its_subject_not_its_object() -> None:
    text = ("Foreign Minister Kenji Morita briefed Foreign Minister Anil Varma on the missile tests, "
            "which he described as a danger to shipping.")
    assert speaker_of(text, "danger") == "Kenji Morita"


def test_pronoun_opening_a_sentence_continues_the_last_person_named() -> None:
    text = ("Foreign Minister Kenji Morita met reporters in Osaka on Monday.\n\n"
            "He said the coast guard would add two patrol boats.")
    assert speaker_of(text, "patrol boats") == "Kenji Morita"


# --- no speaker across sentences without a pronoun -----------------------------------------

def test_narration_after_a_quote_is_not_credited_to_the_last_speaker() -> None:
    text = ('"We will not be intimidated," Defence Minister Lena Kowalska said. '
            "The border guard recorded 40 crossings last week.")
    assert speaker_of(text, "The border guard") is None


def test_reported_speech_does_not_run_into_the_next_sentence_without_a_pronoun() -> None:
    text = ("Defence Minister Lena Kowalska said the ministry would buy new radars. "
            "Critics say the radars arrive too late.")
    assert speaker_of(text, "arrive too late") is None
    assert speaker_of(text, "new radars") == "Lena Kowalska"


def test_concern_raised_by_takes_the_speaker_of_its_sentence() -> None:
    text = ("Interior Minister Pavel Novak said armed smugglers had attacked two border posts "
            "on the northern frontier.")
    concerns = extract(text).security_concerns
    assert concerns and concerns[0].raised_by == "Pavel Novak"


# --- names found as whole words --------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "The minister met the EU envoy; EUROPOL and the EU's Min Ji-won attended, not Mint.",
    "Min\u00a0Ji-won and the  EU met the minister; the Minister of State did not.",
])
def test_forms_are_found_by_a_capitalised_word_or_by_search(text) -> None:
    forms = {"the EU": 0, "The EU": 0, "Min Ji-won": 1, "Min": 1, "the minister": 2, "Brazil’s envoy": 3}
    regex = re.compile(rf"(?<![\w-])(?:{alternation(forms)})(?![\w-])")
    assert _form_spans(text, forms) == [m.span() for m in regex.finditer(text)]


# --- layout: interview turns, live-blog entries, readout bullets ----------------------------

_INTERVIEW = (
    "Finance Minister Tomasz Wierzbicki spoke to us in Warsaw. Wierzbicki has led the ministry since March.\n\n"
    "Q: How large is the deficit this year?\n\n"
    "A: About 5 percent of output, and we want it under 3 percent by 2027.\n\n"
    "Q: Our readers say 40 percent of firms cannot find staff.\n\n"
    "A: That is a fair point.\n"
)


def test_an_answer_is_the_interviewees_and_a_question_is_nobodys() -> None:
    assert speaker_of(_INTERVIEW, "About 5 percent", reporting_only=True) == "Tomasz Wierzbicki"
    assert speaker_of(_INTERVIEW, "40 percent of firms", reporting_only=True) is None


def test_a_turn_labelled_with_a_name_is_that_persons() -> None:
    text = ("Defence Minister Ilse Marttinen and General Aarne Koski spoke to reporters in Helsinki.\n\n"
            "Q: Will the brigade grow?\n\nKoski: It will reach 6,000 soldiers.\n\n"
            "Q: And the budget?\n\nMarttinen: It rises by 12 percent.\n")
    assert speaker_of(text, "6,000", reporting_only=True) == "Aarne Koski"
    assert speaker_of(text, "12 percent", reporting_only=True) == "Ilse Marttinen"


def test_a_speaker_of_one_live_blog_entry_never_carries_into_the_next() -> None:
    text = ("LIVE: Budget day in Ottawa\n\nUPDATE 15:10 GMT\n"
            "Finance Minister Claire Boisvert said the deficit would fall to 30 billion dollars.\n\n"
            "UPDATE 14:05 GMT\nProtesters gathered outside parliament. She said 2,000 officers were on duty.\n")
    assert speaker_of(text, "30 billion", reporting_only=True) == "Claire Boisvert"
    assert speaker_of(text, "2,000", reporting_only=True) is None


def test_without_entries_a_pronoun_still_stands_for_the_last_speaker() -> None:
    text = ("Finance Minister Claire Boisvert said the deficit would fall to 30 billion dollars.\n\n"
            "Protesters gathered outside parliament. She said 2,000 officers were on duty.\n")
    assert speaker_of(text, "2,000", reporting_only=True) == "Claire Boisvert"


def test_readout_bullets_are_said_by_the_subject_of_their_lead_in() -> None:
    text = ("1. Foreign Minister Henrik Aalto received his Estonian counterpart in Helsinki on Monday.\n\n"
            "2. Minister Aalto also raised:\n\n"
            "- the rise in cyberattacks on Finnish hospitals, which doubled to 140 last year;\n"
            "- the need for 300 more border guards.\n\n"
            "3. The two sides agreed:\n\n- to open 4 new consulates.\n")
    assert speaker_of(text, "the need for 300", reporting_only=True) == "Henrik Aalto"
    assert speaker_of(text, "to open 4", reporting_only=True) is None


def test_a_long_apposition_between_a_name_and_its_verb_keeps_the_name_as_speaker() -> None:
    text = ("Ravi Menon, chairman of the Bengaluru Chamber of Commerce and Industry, said more than 300 "
            "firms had signed up.")
    assert speaker_of(text, "more than 300", reporting_only=True) == "Ravi Menon"


def test_a_name_with_its_title_set_off_by_a_comma_is_the_subject_of_the_verb_after_it() -> None:
    text = ("Chile's Minister of Mining, Tomás Aravena, said on Tuesday that output would reach "
            "1.2 million tonnes.")
    assert speaker_of(text, "1.2 million", reporting_only=True) == "Tomás Aravena"
