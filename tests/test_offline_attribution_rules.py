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
