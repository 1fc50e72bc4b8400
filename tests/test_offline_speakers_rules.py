"""Unit tests of the rules of who states a figure or a concern beyond "X said" (summarizer/offline/statements.py)."""

from __future__ import annotations

import pytest

from summarizer.offline.attribution import Attribution
from summarizer.offline.people import find_organizations, find_people
from summarizer.offline.text import Document


def speaker_of(text: str, phrase: str, reporting_only: bool = True) -> str | None:
    doc = Document(text)
    attribution = Attribution(doc, find_people(text) + find_organizations(text))
    who = attribution.speaker_at(text.index(phrase), reporting_only=reporting_only)
    return who.name if who else None


# --- a pronoun opening a sentence continues the speaker before ------------------------------

def test_a_pronoun_opening_a_sentence_continues_the_speaker_not_the_person_named_last() -> None:
    text = ("Trade Commissioner Marta Kowalczyk told a news conference with Chile's Trade Minister, "
            "Felipe Ortúzar Vidal. She said the deal would remove duties on 96 percent of goods.")
    assert speaker_of(text, "96 percent") == "Marta Kowalczyk"


def test_a_pronoun_after_a_person_named_in_its_own_sentence_keeps_that_person() -> None:
    text = ("Trade Commissioner Marta Kowalczyk spoke first. "
            "After Foreign Minister Felipe Ortúzar Vidal arrived, he said exports rose 4 percent.")
    assert speaker_of(text, "4 percent") == "Felipe Ortúzar Vidal"


# --- verbs by which a person states a figure ------------------------------------------------

@pytest.mark.parametrize("text, phrase", [
    ("Energy Minister Tomasz Wilk spoke in Gdansk. He put the cost of the new terminal at 2 billion zlotys.",
     "2 billion"),
    ("Energy Minister Tomasz Wilk said the terminal was late. He expects traffic to rise by 8 percent next year.",
     "8 percent"),
    ("Energy Minister Tomasz Wilk repeated that the terminal had cost 2 billion zlotys.", "2 billion"),
    ("The port needs a new quay, a project Energy Minister Tomasz Wilk put at 300 million zlotys.",
     "300 million"),
])
def test_a_person_states_a_figure_with_verbs_of_estimate(text, phrase) -> None:
    assert speaker_of(text, phrase) == "Tomasz Wilk"


def test_a_passive_verb_of_estimate_makes_no_speaker() -> None:
    text = "Energy Minister Tomasz Wilk is expected to open the terminal, which cost 2 billion zlotys."
    assert speaker_of(text, "2 billion") is None


def test_a_request_reports_no_figure_but_raises_a_concern() -> None:
    text = "Interior Minister Ana Dobre requested more patrols along the 450 km border with armed smugglers."
    assert speaker_of(text, "450 km") is None
    assert speaker_of(text, "armed smugglers", reporting_only=False) == "Ana Dobre"


# --- participles of saying ------------------------------------------------------------------

@pytest.mark.parametrize("text, phrase", [
    ("President Kofi Mensah opened the summit by warning that the lake had shrunk by 90 percent.", "90 percent"),
    ("President Kofi Mensah devoted his speech to the climate, arguing that Africa gets 3 percent of the money.",
     "3 percent"),
])
def test_a_participle_of_saying_continues_the_subject_of_its_sentence(text, phrase) -> None:
    assert speaker_of(text, phrase) == "Kofi Mensah"


def test_a_participle_after_a_verb_of_saying_belongs_to_that_verbs_speaker() -> None:
    text = ("Ghana will send two ships, Defence Minister Kofi Mensah said on Monday, adding that "
            "another 300 sailors would follow.")
    assert speaker_of(text, "300 sailors") == "Kofi Mensah"


def test_a_participle_with_no_person_as_subject_makes_no_speaker() -> None:
    text = "Prices rose for a third month, suggesting that inflation of 6 percent may last."
    assert speaker_of(text, "6 percent") is None


# --- descriptions of a person named before ---------------------------------------------------

def test_a_country_and_title_stand_for_the_participant_with_that_role() -> None:
    text = ("Foreign Minister Yuki Arakawa of Japan met External Affairs Minister Dev Khanna of India. "
            "Tokyo will double its chip investment to 5 billion dollars, Japan's foreign minister said.")
    assert speaker_of(text, "5 billion") == "Yuki Arakawa"


def test_according_to_the_title_is_the_last_person_named_with_that_title() -> None:
    text = ("Trade Minister Rizal Pratama spoke after the talks. Exports could grow by about a half, "
            "according to the minister.")
    assert speaker_of(text, "about a half") == "Rizal Pratama"


def test_a_title_after_a_preposition_is_no_subject() -> None:
    text = ("Trade Minister Rizal Pratama left for Tokyo. The ministry has 40 staff there, "
            "officials travelling with the minister said.")
    assert speaker_of(text, "40 staff") is None


# --- a long apposition between a name and its verb -------------------------------------------

def test_a_name_then_a_long_apposition_then_said_is_the_speaker() -> None:
    text = ("Ingrid Rasmussen, Director of Operations at the United Nations Office for the Coordination of "
            "Humanitarian Affairs (OCHA), said some 2 million people needed food aid.")
    assert speaker_of(text, "2 million") == "Ingrid Rasmussen"


def test_a_title_of_state_media_stands_for_the_head_of_state() -> None:
    text = ("President Nguyen Van Long received Lao Foreign Minister Somsak Vongkham in Ha Noi. "
            "The head of state affirmed that Viet Nam would grant 900 scholarships a year. "
            "He proposed joint patrols against armed smugglers at the border gates.")
    assert speaker_of(text, "900 scholarships") == "Nguyen Van Long"
    assert speaker_of(text, "armed smugglers", reporting_only=False) == "Nguyen Van Long"


# --- a live blog's heading and a new clause of narration ---------------------------------------

def test_a_participle_after_a_live_blog_heading_continues_the_subject_of_its_line() -> None:
    text = ("UPDATE 09:10 GMT\nSamoa's Prime Minister Tala Faleolo opened the meeting by saying "
            "illegal fishing costs the islands 90 million dollars a year.\n\n"
            "UPDATE 09:40 GMT\nThe leaders broke for lunch.")
    assert speaker_of(text, "90 million") == "Tala Faleolo"


def test_an_organizations_act_in_a_new_clause_ends_the_reported_speech() -> None:
    text = ("The National Cyber Security Agency has warned that the election could be targeted, "
            "and the Interior Ministry recorded 300 serious incidents last year.")
    assert speaker_of(text, "300 serious") is None
    assert speaker_of(text, "the election") == "National Cyber Security Agency"


def test_a_person_who_asked_for_a_measure_raised_the_concern_but_states_no_figure() -> None:
    text = ("Foreign Minister Lee Jun-ho visited Astana and Tashkent. According to an aide, the minister asked "
            "his hosts to stop 200 North Korean workers from evading sanctions.")
    assert speaker_of(text, "North Korean workers", reporting_only=False) == "Lee Jun-ho"
    assert speaker_of(text, "200 North") is None
