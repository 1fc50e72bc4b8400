"""Unit tests of the offline security-concern rules: second statements, damage, armed groups, repeats."""

from __future__ import annotations

import pytest

from summarizer.offline import extract


def concerns(text: str) -> list:
    return extract(text).security_concerns


def evidence(text: str) -> list[str]:
    return [c.evidence for c in concerns(text)]


# --- a second statement set off by a comma is an item of its own ----------------------------

def test_a_measure_and_the_threat_after_it_are_two_items() -> None:
    text = ("Finland doubled its border patrols for a month, after drones were seen near the "
            "frontier post at Vaalimaa on three nights.")
    found = evidence(text)
    assert len(found) == 2
    assert found[0].startswith("Finland doubled its border patrols")
    assert found[1].startswith("drones were seen")


def test_without_the_comma_the_measure_and_its_trigger_stay_one_item() -> None:
    text = "The navy stepped up patrols in the Gulf of Bothnia after a gas pipeline was damaged on Sunday."
    assert len(concerns(text)) == 1


def test_and_with_a_new_verb_after_a_comma_starts_a_second_measure() -> None:
    text = ("The interior minister said the police would get powers to jam drones over ports, and would "
            "spend 200 million euros on counter-drone systems.")
    found = evidence(text)
    assert len(found) == 2
    assert "counter-drone systems" in found[1]


def test_a_list_joined_by_and_is_not_cut() -> None:
    text = ("The plan provides for two humanitarian corridors, the withdrawal of heavy weapons, and a "
            "monitoring committee with observers from the region.")
    assert len(concerns(text)) == 1


# --- deliberate damage to infrastructure --------------------------------------------------

@pytest.mark.parametrize("text", [
    "An electricity interconnector between Gotland and the mainland was found severed on Monday.",
    "Saboteurs cut the main rail line north of Kaunas in two places overnight.",
    "A section of the gas pipeline near the border was blown up before dawn, the operator said.",
])
def test_damage_to_infrastructure_is_a_concern(text) -> None:
    assert len(concerns(text)) == 1


@pytest.mark.parametrize("text", [
    "The central bank cut its main interest rate by half a point on Thursday.",
    "The damaged cable carries about a third of the island's data traffic.",
    "Exporters said the strong currency had damaged their sales in Asia this year.",
])
def test_damage_words_without_an_act_on_infrastructure_are_no_concern(text) -> None:
    assert concerns(text) == []


# --- armed groups named once ------------------------------------------------------------

def test_a_hacker_group_code_is_a_threat() -> None:
    text = "Investigators said the break-in at the ministry was the work of APT41, a group tied to foreign intelligence."
    assert len(concerns(text)) == 1


def test_an_al_group_is_a_threat_but_an_al_surname_is_not() -> None:
    assert len(concerns("The governor said al-Mourabitoun was recruiting in the border villages.")) == 1
    assert concerns("Minister Khalid bin Saad al-Harbi opened the new port terminal on Monday.") == []


# --- measures --------------------------------------------------------------------------------

def test_radars_and_early_warning_aircraft_are_measures() -> None:
    text = "The alliance will send an early-warning aircraft to help watch the country's airspace this month."
    assert len(concerns(text)) == 1
    assert len(concerns("The army moved radar units to two airports on Friday.")) == 1


# --- repeats --------------------------------------------------------------------------------

def test_the_same_measure_named_twice_is_one_item() -> None:
    text = ("Estonia will deploy more border guards to the frontier. "
            "Estonia will deploy more border guards to the frontier.")
    assert len(concerns(text)) == 1


# --- who raised it: the speaker, else the participant that is the subject ------------------

def test_without_a_speaker_the_subject_of_the_measure_raised_it() -> None:
    text = ("Interior Minister Petra Lindqvist visited the frontier on Monday. "
            "Lindqvist doubled the border patrols along the eastern frontier after the incursions.")
    found = concerns(text)
    assert [c.raised_by for c in found] == ["Petra Lindqvist"]


def test_a_name_that_only_qualifies_the_subject_did_not_raise_it() -> None:
    text = ("Foreign Minister Petra Lindqvist spoke in Oslo. "
            "Lindqvist's deputy doubled the border patrols along the eastern frontier.")
    assert [c.raised_by for c in concerns(text)] == [None]


# --- an issue keeps its qualifier ---------------------------------------------------------------

def test_at_least_before_a_count_stays_in_the_issue() -> None:
    text = ("The deal follows a year in which Bolivian customs logged at least 40 incidents of "
            "smuggled fuel crossing the frontier.")
    issues = [c.issue for c in concerns(text)]
    assert issues == ["At least 40 incidents of smuggled fuel crossing the frontier"]
