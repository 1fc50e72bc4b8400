"""Unit tests of the offline topic rules: keyword weights, phrases that do not count, names, titles."""

from __future__ import annotations

import pytest

from summarizer.offline.text import Document
from summarizer.offline.topics import build_topics


def categories(text: str) -> set[str]:
    return {t.category.value for t in build_topics(Document(text))}


def topic(text: str, category: str):
    found = [t for t in build_topics(Document(text)) if t.category.value == category]
    assert len(found) == 1, [t.category.value for t in build_topics(Document(text))]
    return found[0]


# --- a word that names its subject beyond doubt makes a topic on its own ---------------------

@pytest.mark.parametrize("text, category", [
    ("The ministers called for safe humanitarian corridors into the eastern provinces.", "humanitarian"),
    ("Both sides agreed to set up a hotline between their coast guards.", "security_defense"),
])
def test_one_strong_keyword_makes_a_topic(text, category) -> None:
    assert category in categories(text)


# --- words often used in passing need company ------------------------------------------------

@pytest.mark.parametrize("text, category", [
    ("The port lies a short drive from the border. Lorries queue at the border most mornings.", "security_defense"),
    ("Several companies welcomed the plan. Local firms said the market was calm.", "economy_trade"),
    ("The allies kept the deadline. The alliance headquarters said nothing more.", "diplomacy"),
    ("The ambassador attended. The embassy issued a short note later.", "diplomacy"),
    ("We want this bridge to carry traffic both ways. It is a living bridge between peoples.", "infrastructure_transport"),
])
def test_weak_keywords_alone_make_no_topic(text, category) -> None:
    assert category not in categories(text)


def test_border_with_its_guards_is_security() -> None:
    text = "Border guards were reinforced last month. Border patrols now run every night along the river."
    assert "security_defense" in categories(text)


# --- phrases in which a keyword speaks of something else -------------------------------------

def test_palm_oil_is_not_energy() -> None:
    assert "energy" not in categories("Palm oil exports fell. Growers said olive oil and palm oil sold poorly.")


def test_aid_workers_are_not_labour_migration() -> None:
    text = "Two aid workers were killed. The agency said aid workers need protection and relief workers too."
    assert "migration_labor" not in categories(text)


def test_humanitarian_corridors_are_no_transport() -> None:
    text = "The plan opens humanitarian corridors. Trucks would use two humanitarian corridors from the south."
    assert "infrastructure_transport" not in categories(text)


def test_an_exchange_of_fire_is_not_culture() -> None:
    text = "Two guards were hurt in an exchange of fire. A second exchange of fire followed at dawn."
    assert "culture_education" not in categories(text)


def test_civilian_as_an_adjective_is_not_humanitarian() -> None:
    assert "humanitarian" not in categories("The ban covers civilian drones. All civilian flights were halted.")


def test_a_lithium_refinery_is_not_energy() -> None:
    assert "energy" not in categories("The lithium refinery will open in May. The refinery will employ 400 people.")


def test_exercising_restraint_is_no_military_exercise() -> None:
    text = "Both sides were urged to exercise restraint. Leaders should exercise caution, the envoy said."
    assert "security_defense" not in categories(text)


# --- keywords inside proper names weigh little, and a repeated name once ----------------------

def test_a_place_named_port_is_no_transport_topic() -> None:
    text = ("Officials in Port Sudan said the talks would resume. The delegation flew from Port Sudan on Monday. "
            "A statement from Port Sudan followed.")
    assert "infrastructure_transport" not in categories(text)


def test_a_ministry_name_does_not_make_its_subject_a_topic() -> None:
    text = "A spokesman for the Ministry of Water Resources said the talks went well."
    assert "environment_climate" not in categories(text)


def test_a_keyword_opening_a_sentence_still_counts() -> None:
    text = "Water is the main worry. Water levels in the reservoir fell again this summer."
    assert "environment_climate" in categories(text)


# --- new words of news English for their categories -------------------------------------------

@pytest.mark.parametrize("text, category", [
    ("The minister praised progress in curbing deforestation and pledged money for forest protection.",
     "environment_climate"),
    ("Sea levels are rising fast, and the islands asked for coastal protection.", "environment_climate"),
    ("The navies held a joint naval exercise, and two warships escorted the convoy.", "security_defense"),
    ("A cholera outbreak has spread to six provinces, health officials said.", "health"),
    ("The two sides agreed to add direct flights and said passenger numbers had doubled.", "infrastructure_transport"),
    ("The Hajj quota for the country's pilgrims will rise next season.", "other"),
    ("Hackers broke into the ministry's email system in a cyberattack.", "security_defense"),
])
def test_new_keywords_find_their_category(text, category) -> None:
    assert category in categories(text)


def test_a_cyberattack_is_security_not_technology() -> None:
    text = "The cyber attack hit the ministry. Officials called it a serious cyber incident."
    found = categories(text)
    assert "technology" not in found


# --- evidence -----------------------------------------------------------------------------

def test_a_title_line_is_the_last_choice_for_evidence() -> None:
    text = ("Dam rebuild agreed\n\n"
            "The two governments agreed to rebuild the dam. The dam is 60 years old and the canal beside it leaks.")
    chosen = topic(text, "infrastructure_transport")
    assert chosen.evidence[0] == "The dam is 60 years old and the canal beside it leaks."
    assert "Dam rebuild agreed" not in chosen.evidence[:2]
