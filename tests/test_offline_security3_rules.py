"""Unit tests of the third round of offline security-concern rules: threats and measures
named without the older cue words, words used in another sense, background, figures of
speech, and the speaker of a live-blog entry."""

from __future__ import annotations

import pytest

from summarizer.offline import extract


def concerns(text: str) -> list:
    return extract(text).security_concerns


def evidence(text: str) -> list[str]:
    return [c.evidence for c in concerns(text)]


# --- threats and measures written without the older cue words -------------------------------

@pytest.mark.parametrize("text", [
    "Minister Tevita Lolo said illegal, unreported and unregulated fishing cost Tonga 40 million pa'anga last year.",
    "A coast guard officer said foreign boats fishing without licences were seen off the atoll every week.",
    "The interior minister warned that drug traffickers were moving heroin through the northern ports.",
    "Airline pilots reported GPS jamming over the Gulf of Finland on six days in March.",
    "The defence minister cited repeated violations of Finnish airspace by military aircraft.",
    "Officials said Belarus was massing troops near the Lithuanian border, the ministry said.",
    "Latvia has begun building concrete bunkers along its eastern frontier, the defence minister said.",
    "Lithuania plans to buy more rocket launchers over the next three years.",
    "The minister said the threat posed by the Islamic State had grown in the north of the province.",
])
def test_threat_or_measure_without_older_cues_is_found(text) -> None:
    assert len(concerns(text)) == 1, evidence(text)


def test_coast_guards_in_the_plural_are_a_security_word() -> None:
    text = "The two ministers agreed to set up a hotline between their coast guards to handle incidents at sea."
    assert len(concerns(text)) == 1


def test_participial_description_is_an_item_of_its_own() -> None:
    text = ("The general said Uganda would keep its contingent of 2,000 soldiers in the region until local forces "
            "could take over, describing al-Shabaab as weakened but still dangerous.")
    found = evidence(text)
    assert len(found) == 2, found
    assert found[1].startswith("describing al-Shabaab")


def test_a_second_measure_joined_by_and_without_a_comma_is_an_item_of_its_own() -> None:
    text = "Norway banned all civilian drone flights near Bergen and sent army radar units to two airports on Friday."
    found = evidence(text)
    assert found == ["Norway banned all civilian drone flights near Bergen",
                     "sent army radar units to two airports on Friday."], found


def test_two_measures_joined_by_another_verb_stay_one_item() -> None:
    text = ("The border service said it had doubled patrols along the river and installed new surveillance "
            "cameras at the crossing.")
    assert len(concerns(text)) == 1


# --- words in another sense, and background ---------------------------------------------------

@pytest.mark.parametrize("text", [
    # "mines" the verb
    "Peru holds a large share of the world's copper, the minister said, but smelts little of what it mines.",
    # nuclear energy
    "The answer for the grid is more nuclear power, more wind farms and new lines to the coast.",
    # famine and displacement are humanitarian tolls, not threats by themselves
    "Aid agencies said famine was spreading and that about two million people were displaced.",
    # where someone stood, not a deployment
    "Admiral Tomasz Wrona told reporters aboard the frigate Gdansk at a ceremony in the harbour.",
])
def test_word_in_another_sense_is_not_a_concern(text) -> None:
    assert concerns(text) == [], evidence(text)


def test_a_past_time_set_off_by_when_is_background() -> None:
    text = ("Ship owners said the mood was calmer than it was six years ago, when the strait was the most "
            "dangerous waterway in the region.")
    assert concerns(text) == [], evidence(text)


def test_threat_named_again_by_there_is_not_a_new_item() -> None:
    text = ("Armed groups have attacked police posts in the Tillaberi region, the minister said. "
            "Attacks there had doubled in a year, he said.")
    found = evidence(text)
    assert len(found) == 1 and found[0].startswith("Armed groups"), found


@pytest.mark.parametrize("text", [
    "“Every krona we put into defence today is a krona we will not need for a war,” the minister said.",
    "“Each dollar the regime earns abroad ends up in a missile,” the envoy said.",
])
def test_threat_word_in_a_figure_of_speech_is_not_a_concern(text) -> None:
    assert concerns(text) == [], evidence(text)


def test_a_warning_of_war_is_still_a_concern() -> None:
    text = "“Both sides are sliding towards a war,” the envoy warned the Security Council on Monday."
    assert len(concerns(text)) == 1


# --- who raised it: a live-blog entry opens after its time stamp --------------------------------

def test_live_blog_entry_speaker_is_the_subject_after_the_time_stamp() -> None:
    text = ("Leaders meet in Apia for the regional summit.\n\n"
            "UPDATE 09:15 GMT\nSamoa's Prime Minister Tuilaepa Faleolo opened the meeting by saying illegal "
            "fishing costs the islands 90 million dollars a year.\n")
    found = concerns(text)
    assert len(found) == 1, [c.evidence for c in found]
    assert found[0].raised_by == "Tuilaepa Faleolo"
