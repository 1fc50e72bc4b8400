"""Unit tests of the offline rules for figures: shares as fractions, numbers, units, periods, currencies.

Every sentence here is written for the test (fictional events of real countries).
"""

from __future__ import annotations

import pytest

from summarizer.offline import extract


def figures(text: str) -> dict:
    return {f.text: f for f in extract(text).figures}


def one(text: str, wanted: str):
    found = figures(text)
    assert wanted in found, list(found)
    return found[wanted]


# --- shares written as fractions are percents -----------------------------------------------

@pytest.mark.parametrize("text, wanted, value, qualifier", [
    ("Almost a quarter of the harbour budget went to dredging, the port authority said.",
     "Almost a quarter", 25, "approximately"),
    ("About a fifth of the wheat crop was lost to the floods in Punjab.", "About a fifth", 20, "approximately"),
    ("Ferry traffic between Tallinn and Helsinki rose by a third after the new terminal opened.",
     "a third", 33.33, "exact"),
    ("Half of the reservoir's capacity is still unused, engineers in Lusaka said.", "Half", 50, "exact"),
    ("Two-thirds of the delegates backed the draft resolution on fisheries.", "Two-thirds", 66.67, "exact"),
    ("Grain exports could grow by roughly a half within two years, the ministry in Kyiv said.",
     "roughly a half", 50, "approximately"),
    ("The plant is still running at less than half its capacity.", "less than half", 50, "less_than"),
    ("Officials want at least a fifth of new buses to run on hydrogen.", "at least a fifth", 20, "at_least"),
    ("Three quarters of the fleet were built before 1990.", "Three quarters", 75, "exact"),
])
def test_fraction_as_share_is_a_percent_figure(text, wanted, value, qualifier) -> None:
    f = one(text, wanted)
    assert (f.value, f.unit, f.qualifier.value) == (value, "percent", qualifier)


@pytest.mark.parametrize("text", [
    "Trade between Chile and Peru rose in the first half of the year.",
    "The talks in Oslo lasted half an hour.",
    "A third country could join the pipeline project later.",
    "The bridge took a quarter century to build.",
    "Inflation eased in the second half.",
])
def test_fraction_that_is_no_share_is_no_figure(text) -> None:
    assert not [f for f in extract(text).figures if f.unit == "percent"], figures(text)


# --- numbers --------------------------------------------------------------------------------

def test_thousands_grouped_by_no_break_spaces_are_one_number() -> None:
    f = one("About 14\u00a0500 troops from nine countries took part in the drill in Latvia.", "About 14\u00a0500")
    assert (f.value, f.unit, f.qualifier.value) == (14_500, "troop", "approximately")


def test_currency_sign_may_be_followed_by_a_no_break_space() -> None:
    f = one("Canberra pledged a further US$\u00a0300 million to the Pacific fund.", "US$\u00a0300 million")
    assert (f.value, f.unit) == (300_000_000, "USD")


def test_crore_and_lakh_scale_a_number() -> None:
    assert one("The new port in Kerala will cost INR 2,500 crore.", "INR 2,500 crore").value == 25_000_000_000
    assert one("Some 3 lakh pilgrims visited the shrine in Odisha.", "Some 3 lakh").value == 300_000


def test_a_scaled_one_looks_for_a_plural_noun() -> None:
    # "1 billion" is not one of something: the word after it is not its noun
    f = one("Tokyo offered loans of up to $1 billion through its aid agency.", "up to $1 billion")
    assert f.unit == "USD"
    assert one("Kazakhstan holds more than 1 trillion cubic metres of gas.", "more than 1 trillion").unit \
        == "cubic metre"


# --- units of counted nouns ----------------------------------------------------------------

@pytest.mark.parametrize("text, wanted", [
    ("About 42,000 Filipino citizens work in Kuwait, officials in Manila said.", "About 42,000"),
    ("Some 7,000 Kenyan nationals are registered in Qatar.", "Some 7,000"),
    ("Roughly 260,000 Nepalis live in the Gulf states.", "Roughly 260,000"),
    ("Nearly 15,000 Koreans study in Almaty.", "Nearly 15,000"),
    ("About 900 fishermen from Sabah lost their licences.", "About 900"),
])
def test_people_counted_in_general_are_persons(text, wanted) -> None:
    assert one(text, wanted).unit == "person"


@pytest.mark.parametrize("text, wanted, unit", [
    ("Police reported at least 11 hijacking attempts in the strait.", "at least 11", "hijacking attempt"),
    ("Egypt opened four crossing points for aid lorries.", "four", "crossing point"),
    ("The charity said 19 aid workers had been injured.", "19", "aid worker"),
    ("Oman will charter six medium-sized gas carriers for the route.", "six", "gas carrier"),
    ("The navy sent 12 Turkish frigates to the exercise.", "12", "frigate"),
])
def test_a_vague_head_noun_keeps_its_noun_modifier(text, wanted, unit) -> None:
    assert one(text, wanted).unit == unit


# --- periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, wanted, period", [
    ("Seoul will invest $3 billion in Mongolian mining over the next four years.", "$3 billion",
     "over the next four years"),
    ("The fund will disburse €400 million over six years.", "€400 million", "over six years"),
    ("Officials said rice exports could double within three years.", "double", "within three years"),
    ("Solar capacity in Morocco has tripled over the past decade.", "tripled", "over the past decade"),
    ("Cod stocks in the Baltic have fallen by 60 percent since the early 1990s.", "60 percent",
     "since the early 1990s"),
    ("More than 80,000 people have fled to Chad since the fighting began.", "More than 80,000",
     "since the fighting began"),
    ("Nearly 12,000 refugees have crossed since the 2022 coup.", "Nearly 12,000", "since the 2022 coup"),
    ("Remittances reached 31 percent of output last fiscal year.", "31 percent", "last fiscal year"),
    ("Output should reach 60 bcm by the end of the decade.", "60 bcm", "by the end of the decade"),
    ("Freight rates have risen two-fold since the autumn.", "two-fold", "since the autumn"),
])
def test_period_of_a_figure(text, wanted, period) -> None:
    assert one(text, wanted).period == period


def test_a_year_after_over_is_a_comparison_base_but_a_span_after_over_is_a_period() -> None:
    assert one("Exports rose 7 percent over 2022.", "7 percent").period is None
    assert one("Exports rose 7 percent over the past year.", "7 percent").period == "over the past year"


# --- currencies named in words: ISO 4217 by the countries of the article ---------------------

@pytest.mark.parametrize("text, wanted, unit", [
    ("Norway's fund will put 90 billion crowns into offshore wind, officials in Oslo said.", "90 billion crowns",
     "NOK"),
    ("Sweden will spend 35 billion crowns on air defence, the Swedish government said.", "35 billion crowns",
     "SEK"),
    ("Denmark set aside 12 billion crowns for flood defences along the Danish coast.", "12 billion crowns",
     "DKK"),
    ("The Czech cabinet approved 8 billion crowns for rail lines in the Czech Republic.", "8 billion crowns",
     "CZK"),
    ("Migrants sent 200 billion rupees home to Nepal last year, Nepal's central bank said.",
     "200 billion rupees", "NPR"),
    ("Pakistan will raise 90 billion rupees from bonds, Pakistani officials said.", "90 billion rupees", "PKR"),
    ("Subsidies cost India 2 trillion rupees.", "2 trillion rupees", "INR"),
    ("Manila will borrow 50 billion pesos, the Philippines finance department said.", "50 billion pesos", "PHP"),
    ("Ottawa pledged 3 billion Canadian dollars to the Arctic programme.", "3 billion Canadian dollars", "CAD"),
    ("Australia will spend 4 billion dollars on northern bases, Australian ministers said in Canberra.",
     "4 billion dollars", "AUD"),
    ("The canal earned Egypt 9 billion pounds, Egyptian officials said in Egypt.", "9 billion pounds", "EGP"),
])
def test_shared_currency_name_takes_the_articles_country(text, wanted, unit) -> None:
    assert one(text, wanted).unit == unit


def test_dollars_stay_us_dollars_without_a_dollar_country() -> None:
    assert one("Freight from Mumbai to Rotterdam now costs 60 dollars a tonne, Indian traders said.",
               "60 dollars").unit == "USD"


# --- a title line's figure stated again in the body ------------------------------------------

def test_a_title_figure_repeated_in_the_body_is_one_figure() -> None:
    text = ("Chile and Peru agree to build 400 km of new power lines\n\n"
            "LIMA, May 3 - Chile and Peru agreed on Tuesday to build 400 km of new power lines "
            "across the Atacama desert, the Peruvian energy ministry said.")
    found = [f for f in extract(text).figures if f.value == 400]
    assert len(found) == 1 and found[0].evidence.startswith("Chile and Peru agreed")


# --- multipliers ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, wanted, value, qualifier", [
    ("Hanoi aims to more than double its rice exports to Africa.", "more than double", 2, "more_than"),
    ("The terminal would need nearly double its present capacity.", "nearly double", 2, "approximately"),
    ("The port plan foresees doubling its berth space.", "doubling", 2, "exact"),
    ("The goal is more than tripling the cargo crossing the Caspian.", "more than tripling", 3, "more_than"),
    ("For the second phase we need at least four times that.", "at least four times", 4, "at_least"),
    ("Turkey's trade reached $40 billion, roughly six times Greece's.", "roughly six times", 6, "approximately"),
])
def test_multiplier_in_words(text, wanted, value, qualifier) -> None:
    f = one(text, wanted)
    assert (f.value, f.unit, f.qualifier.value) == (value, "times", qualifier)


def test_a_range_of_number_words() -> None:
    f = one("Desalinated water costs two to three times as much as river water.", "two to three times")
    assert (f.value, f.value_max, f.unit) == (2, 3, "times")


def test_times_of_a_frequency_is_no_multiplier() -> None:
    assert not figures("The ferry sails three times a week between Aktau and Baku.")


# --- counts ------------------------------------------------------------------------------------

def test_such_before_the_counted_noun() -> None:
    f = one("The coast guard logged at least 40 such incidents in the Sulu Sea.", "at least 40")
    assert (f.value, f.unit, f.qualifier.value) == (40, "incident", "at_least")


def test_more_than_a_number_of_companies() -> None:
    f = one("More than 1,500 companies from Vietnam exhibited in Osaka.", "More than 1,500")
    assert (f.value, f.unit, f.qualifier.value) == (1500, "company", "more_than")


def test_a_demonym_without_plural_ending_counts_people() -> None:
    f = one("Nearly 2 million Sudanese have fled to Chad.", "Nearly 2 million")
    assert (f.value, f.unit) == (2_000_000, "person")


def test_a_number_word_starting_a_sentence_after_a_place_name() -> None:
    f = one("The bus was attacked near Srinagar. Seven pilgrims were wounded.", "Seven")
    assert (f.value, f.unit) == (7, "pilgrim")


def test_two_dozen_is_twenty_four() -> None:
    f = one("Two dozen ships waited outside the port of Aden.", "Two dozen")
    assert (f.value, f.unit) == (24, "ship")


@pytest.mark.parametrize("text", [
    "The road runs within a few dozen kilometres of the border.",
    "It is a modest sum for two economies of our size.",
    "Trade is the best investment two nations can make.",
])
def test_vague_or_referring_number_words_are_no_figures(text) -> None:
    assert not figures(text)


@pytest.mark.parametrize("text, wanted, value, unit", [
    ("Kuala Lumpur said trade reached RM85 billion last year.", "RM85 billion", 85_000_000_000, "MYR"),
    ("Jakarta set aside Rp12 trillion for ports.", "Rp12 trillion", 12_000_000_000_000, "IDR"),
])
def test_a_currency_of_letters_glued_to_the_number(text, wanted, value, unit) -> None:
    f = one(text, wanted)
    assert (f.value, f.unit) == (value, unit)


# --- measures -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, wanted, measure_", [
    ("The port plan foresees doubling its berth capacity by 2030.", "doubling", "increase in berth capacity"),
    ("Seoul will double the number of nursing scholarships.", "double",
     "increase in number of nursing scholarships"),
    ("The agency shipped 21,000 tonnes of rice to Port Sudan.", "21,000", "rice"),
    ("Turkmenistan exported about 40 billion cubic metres of natural gas.", "about 40 billion", "natural gas"),
    ("Officials said volumes rose to 2 million tonnes of that trade.", "2 million", "trade"),
    ("Remittances stood at $6 billion.", "$6 billion", "remittances"),
])
def test_measure_names_what_is_counted(text, wanted, measure_) -> None:
    assert one(text, wanted).measure == measure_
