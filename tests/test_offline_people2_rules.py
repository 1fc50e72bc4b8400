"""Unit tests of the second round of offline rules for participants: honorifics, Arabic
articles joined to a name, offices stated with a copula or written whole before a name,
bylines, and which organizations are kept. Every sentence is written for these tests
(fictional officials of real countries)."""

from __future__ import annotations

import pytest

from summarizer.offline import extract
from summarizer.offline.honorifics import strip_honorifics
from summarizer.offline.people import find_people


def people(text: str) -> dict:
    return {p.name: p for p in find_people(text)}


# --- honorifics -------------------------------------------------------------------------------

@pytest.mark.parametrize("written, name", [
    ("Comrade Nguyen Van Thanh", "Nguyen Van Thanh"),
    ("His Excellency Omar Haddad", "Omar Haddad"),
    ("Dato' Seri Faridah binti Yusof", "Faridah binti Yusof"),
    ("Tan Sri Ismail Rahim", "Ismail Rahim"),
    ("Sri Wahyuni Lestari", "Sri Wahyuni Lestari"),  # "Sri" alone is a given name
    ("Comrade", "Comrade"),
])
def test_an_honorific_is_no_word_of_the_name(written, name) -> None:
    assert strip_honorifics(written) == name


def test_an_honorific_before_a_name_becomes_an_alias_and_the_short_form_joins_the_name() -> None:
    found = people("The Minister of Foreign Affairs of Malaysia, Dato' Seri Rosli bin Kamal, received the "
                   "delegation in Putrajaya. Minister Rosli said trade had grown.")
    assert list(found) == ["Rosli bin Kamal"]
    person = found["Rosli bin Kamal"]
    assert "Dato' Seri Rosli bin Kamal" in person.aliases and "Minister Rosli" in person.aliases
    assert person.affiliation == "Malaysia"


def test_state_media_comrade_is_an_alias_of_the_president() -> None:
    found = people("President of the Socialist Republic of Viet Nam Comrade Do Van Hai received the guests.")
    assert list(found) == ["Do Van Hai"]
    assert "Comrade Do Van Hai" in found["Do Van Hai"].aliases
    assert found["Do Van Hai"].role == "President of Vietnam"


# --- Arabic articles joined to a name -----------------------------------------------------------

def test_a_name_ending_in_an_arabic_article_is_read_whole() -> None:
    found = people("The Kingdom's envoy met the Minister of State for Foreign Affairs of Saudi Arabia, "
                   "Khalid bin Nasser al-Harbi, in Riyadh. Al-Harbi's aides were there, and al-Harbi spoke.")
    assert "Khalid bin Nasser al-Harbi" in found
    person = found["Khalid bin Nasser al-Harbi"]
    assert person.affiliation == "Saudi Arabia"
    assert "al-Harbi" in person.aliases


# --- offices stated with a copula or before the name --------------------------------------------

def test_an_office_stated_with_a_copula_in_an_introduction() -> None:
    found = people("SEOUL — Lee Seo-yeon has been South Korea's Deputy Minister of Trade and Energy since March. "
                   "Lee spoke to us in her office.")
    assert list(found) == ["Lee Seo-yeon"]
    person = found["Lee Seo-yeon"]
    assert person.affiliation == "South Korea"
    assert person.role == "Deputy Minister of Trade and Energy of South Korea"
    assert "Lee" in person.aliases


def test_a_copula_without_a_country_states_no_office() -> None:
    assert people("Lee Seo-yeon has been Deputy Minister of Trade since March.") == {}


def test_a_portfolio_written_before_a_name_is_the_office_and_the_sentence_opens_with_its_country() -> None:
    found = people("Japan will send two patrol ships, Minister for the Pacific Islands Haruto Mori said.")
    assert list(found) == ["Haruto Mori"]
    person = found["Haruto Mori"]
    assert person.role == "Minister for the Pacific Islands"
    assert person.affiliation == "Japan"
    assert "Minister for the Pacific Islands Haruto Mori" in person.aliases


def test_a_portfolio_minister_without_a_country_in_the_sentence_is_of_the_dateline() -> None:
    found = people("BAMAKO - Minister of Mines Oumar Keita Traore said the site was closed.")
    assert found["Oumar Keita Traore"].affiliation == "Mali"


def test_a_place_before_a_name_still_hides_a_place_said() -> None:
    assert "Lake Victoria" not in people("The boats came back across Lake Victoria, officials said.")


# --- organizations named by their kind of business, and which are kept ---------------------------

def organizations(text: str) -> dict:
    return {p.name: p for p in extract(text).participants if p.kind == "organization"}


def test_a_body_named_after_its_kind_of_business_that_speaks_is_kept() -> None:
    found = organizations("SANTIAGO, May 2 — The state mining company Minera Andina, which runs the northern pits, "
                          "said in a statement that output would rise. Chile expects more.")
    assert list(found) == ["Minera Andina"]
    assert found["Minera Andina"].affiliation == "Chile"
    assert "The state mining company Minera Andina" in found["Minera Andina"].aliases


def test_a_business_of_a_country_takes_the_country_and_its_first_word_as_an_alias() -> None:
    found = organizations("Danish shipping operator Nordhavn Lines agreed to buy four vessels. "
                          "Nordhavn has also awarded a contract to a yard.")
    assert found["Nordhavn Lines"].affiliation == "Denmark"
    assert "Nordhavn" in found["Nordhavn Lines"].aliases


def test_a_body_named_only_as_the_source_of_estimates_is_not_kept() -> None:
    found = organizations("The fighting has displaced two million people, according to UN estimates, "
                          "and the Kremlin said it would send aid.")
    assert "the United Nations" not in found
    assert "the Kremlin" in found


def test_a_body_cited_as_the_source_itself_is_kept() -> None:
    found = organizations("Two million people have fled, according to the Kremlin.")
    assert "the Kremlin" in found


def test_a_source_followed_by_a_place_is_still_the_source() -> None:
    found = organizations("Two million people have fled, according to the Kremlin in a statement.")
    assert "the Kremlin" in found


def test_a_dateline_is_no_part_of_a_role_written_before_a_name() -> None:
    text = ("NAIROBI – Kenya's Deputy Minister of Trade, Wanjiru Kamau-Otieno, said on Monday that "
            "exports to Uganda rose by a fifth last year.")
    person = people(text)["Wanjiru Kamau-Otieno"]
    assert not [alias for alias in person.aliases if "NAIROBI" in alias], person.aliases
    assert "Kenya's Deputy Minister of Trade, Wanjiru Kamau-Otieno" in person.aliases
