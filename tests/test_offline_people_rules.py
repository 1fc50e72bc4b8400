"""Unit tests of the offline rules for people's names and titles: compound surnames and
particles, titles with their modifiers and portfolios, and names that never run over a
sentence. Every sentence is written for these tests (fictional officials of real countries)."""

from __future__ import annotations

import pytest

from summarizer.offline.people import find_people


def people(text: str) -> dict:
    return {p.name: p for p in find_people(text)}


# --- compound surnames and particles ------------------------------------------------------

def test_a_two_word_surname_is_one_name_with_its_short_forms_as_aliases() -> None:
    found = people("Chile's Finance Minister Rodrigo Valdés Ortega met bankers in Santiago. "
                   "\"Growth will return,\" Valdés Ortega said. Valdés added that rates would fall.")
    assert list(found) == ["Rodrigo Valdés Ortega"]
    aliases = found["Rodrigo Valdés Ortega"].aliases
    assert "Valdés Ortega" in aliases and "Valdés" in aliases
    assert "Ortega" not in aliases  # only ever written inside "Valdés Ortega"


@pytest.mark.parametrize("text, name, short", [
    ("Dutch Deputy Defence Minister Ursula van der Berg visited the port. Van der Berg said ships were ready.",
     "Ursula van der Berg", "Van der Berg"),
    ("Acting President Maria da Silva dos Santos spoke in Brasília. Da Silva dos Santos said more aid would come.",
     "Maria da Silva dos Santos", "Da Silva dos Santos"),
    ("Former Chancellor Otto von Habsburg-Lorraine was there. Von Habsburg-Lorraine said little.",
     "Otto von Habsburg-Lorraine", "Von Habsburg-Lorraine"),
])
def test_a_surname_with_particles_capitalised_at_a_sentence_start_joins_the_full_name(text, name, short) -> None:
    found = people(text)
    assert list(found) == [name]
    assert short in found[name].aliases


def test_the_last_word_after_a_particle_is_no_surname_of_its_own() -> None:
    found = people("Dutch Deputy Defence Minister Ursula van der Berg said the fleet was ready. "
                   "Van der Berg said van der Berg's plan was sound.")
    assert "Berg" not in found["Ursula van der Berg"].aliases


def test_a_patronymic_with_bin_is_an_alias_and_not_a_person() -> None:
    found = people("Saudi Crown Prince Mohammed bin Salman Al Nahyan called on Tuesday, "
                   "and bin Salman said he backed the plan.")
    assert list(found) == ["Mohammed bin Salman Al Nahyan"]
    assert "bin Salman" in found["Mohammed bin Salman Al Nahyan"].aliases


@pytest.mark.parametrize("text, name", [
    ("Peru's Deputy Defence Minister Ursula van der Berg said the talks went well.", "Ursula van der Berg"),
    ("Brazilian President Maria da Silva dos Santos said the talks went well.", "Maria da Silva dos Santos"),
    ("Dutch Foreign Minister Pieter de Jong said the talks went well.", "Pieter de Jong"),
])
def test_names_hold_up_to_two_particles_between_words(text, name) -> None:
    assert name in people(text)


# --- titles with their modifiers -----------------------------------------------------------

@pytest.mark.parametrize("text, name, role, alias", [
    ("Armenia's Deputy Defence Minister Aram Petrosyan said the border was calm.",
     "Aram Petrosyan", "Deputy Defence Minister of Armenia", "Deputy Defence Minister Aram Petrosyan"),
    ("Acting President Ilir Berisha of Albania opened the session.",
     "Ilir Berisha", "Acting President of Albania", "Acting President Ilir Berisha"),
    ("Former Prime Minister Jana Novak of Slovakia attended the funeral.",
     "Jana Novak", "Former Prime Minister of Slovakia", "Former Prime Minister Jana Novak"),
    ("Kazakhstan's First Deputy Prime Minister Serik Omarov chaired the meeting.",
     "Serik Omarov", "First Deputy Prime Minister of Kazakhstan", "First Deputy Prime Minister Serik Omarov"),
    ("Japanese Senior Vice Minister Kenji Mori said the talks were useful.",
     "Kenji Mori", "Senior Vice Minister of Japan", "Senior Vice Minister Kenji Mori"),
])
def test_a_modifier_stays_in_the_title_and_the_alias_is_the_text_as_written(text, name, role, alias) -> None:
    found = people(text)
    assert found[name].role == role
    assert alias in found[name].aliases
    assert alias.split(" ", 1)[1] not in found[name].aliases  # no alias without the modifier


def test_a_deputy_is_not_called_by_the_title_of_the_minister() -> None:
    found = people("Armenia's Deputy Defence Minister Aram Petrosyan met the press. "
                   "The Armenian defence minister was not there.")
    assert "The Armenian defence minister" not in found["Aram Petrosyan"].aliases


def test_a_deputy_is_called_by_the_title_with_its_modifier() -> None:
    found = people("Armenia's Deputy Defence Minister Aram Petrosyan met the press. "
                   "The Armenian deputy defence minister said talks would resume.")
    assert "The Armenian deputy defence minister" in found["Aram Petrosyan"].aliases


# --- portfolios, organizations and countries of a title ------------------------------------

@pytest.mark.parametrize("text, name, role, affiliation", [
    ("Ghana's Fisheries Minister Kofi Mensah signed the accord.",
     "Kofi Mensah", "Fisheries Minister of Ghana", "Ghana"),
    ("Malaysia’s Human Resources Minister, Aziz Rahman, signed the accord.",
     "Aziz Rahman", "Human Resources Minister of Malaysia", "Malaysia"),
    ("EU Fisheries Commissioner Lena Berg signed the accord.",
     "Lena Berg", "Fisheries Commissioner of European Union", "European Union"),
    ("PETRONAS vice-president Farid Osman told reporters the field was ready.",
     "Farid Osman", "Vice President of PETRONAS", "PETRONAS"),
    ("Host President Arslan Berdiyev of Turkmenistan opened the meeting.",
     "Arslan Berdiyev", "President of Turkmenistan", "Turkmenistan"),
])
def test_portfolio_acronym_and_trailing_country(text, name, role, affiliation) -> None:
    found = people(text)
    assert (found[name].role, found[name].affiliation) == (role, affiliation)


def test_words_that_are_no_portfolio_stay_out_of_the_title() -> None:
    found = people("On Monday Minister Kofi Mensah of Ghana signed the accord.")
    assert found["Kofi Mensah"].role == "Minister of Ghana"


def test_a_rank_gives_way_to_the_office_written_beside_it() -> None:
    found = people("Admiral Rizal Hakim, chief of staff of the Malaysian Navy, said the drills would go on.")
    assert found["Rizal Hakim"].role == "Chief of staff of the Malaysian Navy"


def test_india_keeps_its_external_affairs_minister_and_its_country() -> None:
    found = people("Japanese Foreign Minister Aiko Sato met External Affairs Minister Vikram Rao in Tokyo. "
                   "India and Japan agreed to talk again.")
    assert found["Vikram Rao"].role == "External Affairs Minister of India"
    assert found["Aiko Sato"].role == "Foreign Minister of Japan"


# --- no names from words that are not names --------------------------------------------------

def test_a_name_after_a_title_stops_at_the_end_of_its_sentence() -> None:
    found = people("The delegation met Chinese Vice Minister Li Qiang. Serikbayev said the meeting went well.")
    assert "Li Qiang" in found
    assert not any("Serikbayev" in name for name in found)


def test_an_abbreviated_rank_is_no_end_of_a_sentence() -> None:
    found = people("Australian Lt. Gen. Mark Ridley said the drills were routine.")
    assert "Mark Ridley" in found


def test_a_name_read_back_from_its_role_keeps_the_words_after_a_sentence_end() -> None:
    found = people("The council met on Sudan. Grace Achieng, Director of Operations at the Nile Relief Agency, "
                   "said food was short.")
    assert "Grace Achieng" in found


def test_a_verb_ends_the_owner_of_a_role() -> None:
    found = people("State Secretary Ingrid Lund received Indonesia’s Deputy Foreign Minister, Budi Hartono, in Oslo.")
    assert found["Budi Hartono"].role == "Deputy Foreign Minister of Indonesia"


# --- the affiliation of a named body ----------------------------------------------------------

def organizations(text: str) -> dict:
    from summarizer.offline.people import find_organizations

    return {o.name: o for o in find_organizations(text)}


@pytest.mark.parametrize("text, name, affiliation", [
    ("The ASEAN Secretariat said the meeting would go ahead.", "ASEAN Secretariat", "ASEAN"),
    ("Kenya’s state-run Rift Valley Power Company will build the plant.", "Rift Valley Power Company", "Kenya"),
    ("Peruvian copper miner Andes Mining Corporation said output fell.", "Andes Mining Corporation", "Peru"),
    ("Peru and Chile met in Lima. Peru said the Coastal Patrol Authority would lead the search.",
     "Coastal Patrol Authority", "Peru"),
    ("The Lakeside Water Foundation said funds were short.", "Lakeside Water Foundation", "Lakeside Water Foundation"),
])
def test_a_named_body_belongs_to_its_parent_its_country_or_itself(text, name, affiliation) -> None:
    found = organizations(text)
    assert found[name].affiliation == affiliation


# --- "its spokesperson": the owner of the office ---------------------------------------------

def test_its_title_belongs_to_the_country_the_sentence_is_about() -> None:
    found = people("Norway, which chairs the donor group, will propose a new fund next week, "
                   "its ambassador, Kari Nilsen, told the meeting.")
    assert found["Kari Nilsen"].affiliation == "Norway"


def test_its_title_after_the_ministry_belongs_to_the_only_ministry() -> None:
    found = people("Kenya's foreign ministry denied the report on Monday. The ministry called it false. "
                   "Its spokesperson, Wanjiru Kamau, said police would investigate.")
    assert found["Wanjiru Kamau"].affiliation == "Kenya"
    assert found["Wanjiru Kamau"].role == "spokesperson of the Ministry of Foreign Affairs of Kenya"


def test_a_title_without_its_has_no_owner_from_the_sentence_before() -> None:
    found = people("Kenya's foreign ministry denied the report. A spokesperson, Wanjiru Kamau, said more.")
    assert found["Wanjiru Kamau"].affiliation is None


# --- the dateline's country for an official named without one -------------------------------

@pytest.mark.parametrize("text, name, affiliation", [
    ("NAIROBI, May 3 – Kenya's exports to Uganda and Uganda's to Tanzania rose. Uganda and Tanzania "
     "signed too. Deputy Trade Minister Otieno Kamau said the rise would last.", "Otieno Kamau", "Kenya"),
    ("Ghana, Togo sign border pact\n\nACCRA — Ghana and Togo signed a border pact. Togo and Togo's "
     "neighbours welcomed it. State Secretary Ama Owusu said it was fair.", "Ama Owusu", "Ghana"),
])
def test_an_official_without_a_country_is_of_the_dateline_country(text, name, affiliation) -> None:
    assert people(text)[name].affiliation == affiliation


def test_the_dateline_country_is_not_given_twice_for_one_office() -> None:
    found = people("LIMA — Peru's Trade Minister Rosa Quispe met Trade Minister Bruno Diaz. "
                   "Chile and Peru agreed. Chile will host next.")
    assert found["Bruno Diaz"].affiliation == "Chile"


# --- no person from words that are not names ---------------------------------------------------

def test_a_plural_role_noun_is_no_name() -> None:
    found = people("Senior Officials said the plan had worked. Regional Analysts said it would not last.")
    assert found == {}


def test_a_role_noun_is_no_word_of_a_name() -> None:
    found = people("Hotel Manager Peter Brown said the rooms were full.")
    assert list(found) == ["Peter Brown"]


def test_a_title_with_other_words_before_the_name_is_not_the_persons() -> None:
    found = people("Admiral Hotel Manager Peter Brown said the rooms were full.")
    assert found["Peter Brown"].role is None
    assert not any(alias.startswith("Admiral") for alias in found["Peter Brown"].aliases)


def test_a_given_name_that_is_also_a_role_noun_stays_a_name() -> None:
    assert "Dean Ashworth" in people("Dean Ashworth said the vote was close.")


# --- the body a role written out belongs to ---------------------------------------------------

@pytest.mark.parametrize("text, name, affiliation", [
    ("Tomas Lind, a senior fellow at the Nordic Energy Institute, said prices would fall.",
     "Tomas Lind", "Nordic Energy Institute"),
    ("Prices fell, said Mei Tan, head of research at Singapore broker Harbour Capital Partners.",
     "Mei Tan", "Harbour Capital Partners"),
    ("Kivu Mining’s chief executive, Paul Mbeki, said output would rise.", "Paul Mbeki", "Kivu Mining"),
    ("Ana Ruiz, spokesperson of the Chilean Navy, said the ship was safe.", "Ana Ruiz", "Chile"),
    ("Kofi Boateng, chairperson of the African Union Commission, opened the summit.",
     "Kofi Boateng", "African Union"),
    ("Rohan Das, a spokesperson for India’s Ministry of External Affairs, said so.", "Rohan Das", "India"),
])
def test_a_role_written_out_belongs_to_its_body(text, name, affiliation) -> None:
    assert people(text)[name].affiliation == affiliation


def test_an_apposition_never_starts_with_a_verb_of_saying() -> None:
    found = people("Prices doubled in March, said Mei Tan, head of research at Harbour Capital Partners.")
    assert found["Mei Tan"].role == "Head of research at Harbour Capital Partners"


@pytest.mark.parametrize("name", ["Rohan Das", "Marie Le", "Tran Van"])
def test_a_capitalised_surname_that_is_also_a_particle_ends_a_name(name) -> None:
    assert name in people(f"{name}, a senior analyst at the Delta Policy Institute, said prices would rise.")


@pytest.mark.parametrize("verb, noun", [("heads", "Head"), ("chairs", "Chair"), ("leads", "Leader")])
def test_who_heads_a_body_names_the_role(verb, noun) -> None:
    found = people(f"Costs are rising, said Dana Ospanova, who {verb} the Steppe Grain Association.")
    assert found["Dana Ospanova"].role == f"{noun} of the Steppe Grain Association"
    assert found["Dana Ospanova"].affiliation == "Steppe Grain Association"


def test_a_ministry_spokeswoman_belongs_to_the_only_ministry_however_it_is_named() -> None:
    found = people("The Czech foreign ministry was hacked, the Czech Ministry of Foreign Affairs said. "
                   "Mail was cut off, a ministry spokeswoman, Eva Novotna, said.")
    assert found["Eva Novotna"].affiliation == "Czech Republic"


def test_two_ministries_of_two_countries_own_no_ministry_spokeswoman() -> None:
    found = people("The Czech foreign ministry and the Polish foreign ministry met. "
                   "Talks went on, a ministry spokeswoman, Eva Novotna, said.")
    assert found["Eva Novotna"].affiliation is None


def test_a_country_of_two_words_before_a_title_is_its_lead_not_its_portfolio() -> None:
    found = people("New Zealand Foreign Minister Aroha Ngata met her Chilean counterpart Matias Rojas.")
    assert found["Aroha Ngata"].role == "Foreign Minister of New Zealand"
