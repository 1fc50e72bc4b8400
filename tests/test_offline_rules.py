"""Unit tests of the offline rules for descriptive roles, named organizations and security concerns."""

from __future__ import annotations

import pytest

from summarizer.offline import extract
from summarizer.offline.people import find_organizations, find_people
from summarizer.offline.text import Document


def people(text: str) -> dict:
    return {p.name: p for p in find_people(text)}


def participants(text: str) -> dict:
    return {p.name: p for p in extract(text).participants}


# --- people with a role written out around their name -------------------------------------

@pytest.mark.parametrize("text, name, role", [
    ("Marta Kowalczyk, a senior economist at the Baltic Policy Institute, said prices would fall.",
     "Marta Kowalczyk", "Senior economist at the Baltic Policy Institute"),
    ("Tariq Haddad, head of risk at a Dubai shipping broker, expects delays.",
     "Tariq Haddad", "Head of risk at a Dubai shipping broker"),
    ("Costs will rise, according to Sven Olafsson, the shipyard's chief executive.",
     "Sven Olafsson", "Chief executive of the shipyard"),
    ("Rosa Delgado, Director of Programmes at the Andean Water Fund (AWF), said funds were short.",
     "Rosa Delgado", "Director of Programmes at the Andean Water Fund"),
])
def test_role_in_apposition_after_name(text, name, role) -> None:
    found = people(text)
    assert name in found, list(found)
    assert found[name].role == role


@pytest.mark.parametrize("text, name, role, affiliation", [
    ("Chile's minister for mining and energy, Paula Rojas, signed the deal.",
     "Paula Rojas", "Minister for mining and energy of Chile", "Chile"),
    ("The bank's deputy governor, Olu Adeyemi, said rates would stay.",
     "Olu Adeyemi", "Deputy governor of the bank", None),
    ("Later, a spokesman for Peru's Ministry of Defence, Luis Paredes, told reporters the drill was over.",
     "Luis Paredes", "Spokesman for Peru’s Ministry of Defence".replace("’", "'"), "Peru"),
    ("Kenya's Minister of Roads, Housing and Public Works, Joseph Otieno, opened the bridge.",
     "Joseph Otieno", "Minister of Roads Housing and Public Works of Kenya", "Kenya"),
])
def test_role_phrase_before_name(text, name, role, affiliation) -> None:
    found = people(text)
    assert name in found, list(found)
    assert (found[name].role, found[name].affiliation) == (role, affiliation)


def test_portfolio_title_without_comma() -> None:
    found = people("Ghana's Minister of Fisheries and Aquaculture Kofi Mensah Boateng signed it. Boateng said more.")
    assert "Kofi Mensah Boateng" in found, list(found)
    assert found["Kofi Mensah Boateng"].affiliation == "Ghana"
    assert found["Kofi Mensah Boateng"].role == "Minister of Fisheries and Aquaculture"


@pytest.mark.parametrize("text, name, role", [
    ("State Secretary Helga Brandt received the delegation.", "Helga Brandt", "State Secretary"),
    ("Vice Minister Lee Dong-won arrived on Monday.", "Lee Dong-won", "Vice Minister"),
    ("Permanent Representative Amara Diallo spoke first.", "Amara Diallo", "Permanent Representative"),
])
def test_more_titles(text, name, role) -> None:
    found = people(text)
    assert name in found, list(found)
    assert found[name].role == role


def test_aside_between_commas_is_the_speaker() -> None:
    found = people("The director of the Danube Port Authority, Ivan Georgiev, told a conference that traffic fell.")
    assert list(found) == ["Ivan Georgiev"]


@pytest.mark.parametrize("text", [
    "He spoke at the Institute for Regional Policy. She noted that trade was up.",
    "Ships sail round the Cape of Good Hope, which adds two weeks.",
    "Speaking in Dar es Salaam, Tanzania's trade minister said exports were up.",
    "Shares of Orion Shipping Corp. He estimated that costs would double.",
    "The Lagos Port Authority said cargo volumes fell.",
])
def test_no_false_people_from_places_and_bodies(text) -> None:
    assert all(len(p.split()) >= 2 and p not in {"Good Hope", "Regional Policy"} for p in people(text)), people(text)
    assert not any(word in name for name in people(text) for word in ("Policy", "Hope", "Salaam", "Corp", "Authority"))


def test_family_name_first_merges_with_mr() -> None:
    found = people("Vice Minister Kim Soo-jin met students. Mr. Kim said the programme would grow.")
    assert list(found) == ["Kim Soo-jin"]


# --- organizations named by a generic head noun ----------------------------------------------

def test_named_organization_that_acts_is_a_participant() -> None:
    got = participants("The Pacific Fisheries Agency (PFA) said catches fell. The agency recorded 40 violations.")
    assert "Pacific Fisheries Agency" in got, list(got)
    assert {"PFA", "The agency"} <= set(got["Pacific Fisheries Agency"].aliases) | {"The agency"}


def test_named_organization_that_only_appears_is_not_kept() -> None:
    got = participants("Farmers sold grain to the Northern Grain Company last year.")
    assert "Northern Grain Company" not in got


def test_relative_clause_subject_acts() -> None:
    got = participants("The Nordic Investment Bank, which has financed the port, is weighing a new loan.")
    assert "Nordic Investment Bank" in got, list(got)


def test_lower_case_ministry_and_embassy() -> None:
    got = participants("Up to 5,000 nurses will go abroad, Ghana's health ministry said. "
                       "The Italian embassy in Accra confirmed the visas.")
    assert "Ghana's health ministry" in got and "Italian embassy in Accra" in got, list(got)
    assert got["Italian embassy in Accra"].affiliation == "Italy"


def test_organization_prefix_is_not_the_body() -> None:
    orgs = {o.name for o in find_organizations("The ASEAN Secretariat welcomed the deal.")}
    assert "ASEAN Secretariat" in orgs and "ASEAN" not in orgs


def test_organization_after_will_acts() -> None:
    got = participants("NATO will step up air patrols over the region.")
    assert "NATO" in got


# --- security concerns ------------------------------------------------------------------------

def concerns(text: str) -> list:
    return extract(text).security_concerns


def test_cyber_cues() -> None:
    found = concerns("Hackers broke into the port authority's network and stole shipping records.")
    assert len(found) == 1 and found[0].issue.startswith("Hackers")


def test_title_line_gives_no_concern() -> None:
    text = "Ceasefire talks stall as fighting spreads\n\nThe delegations met in Doha on Monday to discuss trade."
    assert concerns(text) == []


def test_time_of_a_war_is_not_a_concern() -> None:
    assert concerns("Aid to the region has reached $2 billion since the war began.") == []


def test_cue_inside_a_proper_name_is_not_a_concern() -> None:
    assert concerns("The delegation toured the headquarters of the National Armed Forces in the capital.") == []


def test_back_reference_is_not_a_new_concern() -> None:
    text = "Patrol boats reported incursions by foreign trawlers. The coast guard logged 30 such incursions in May."
    assert len(concerns(text)) == 1


def test_quote_after_a_verb_stays_with_its_lead_in() -> None:
    text = "The minister, who spoke after her, called the blast “an act of terrorism against our people”."
    found = concerns(text)
    assert len(found) == 1
    assert found[0].evidence.startswith("The minister") and "terrorism" in found[0].evidence
    assert "“" not in found[0].issue


def test_coordinated_that_clauses_are_separate_concerns() -> None:
    text = ("The minister confirmed that the navy would hold joint exercises in May, and that the air base "
            "near the capital would receive new air defence systems.")
    assert len(concerns(text)) == 2


def test_dateline_after_title_line_is_not_in_the_sentence() -> None:
    text = "Ministry hacked\n\nOSLO, May 2 – Hackers stole files from the ministry, officials said."
    doc = Document(text)
    assert text[doc.sentences[1].start:].startswith("Hackers")
