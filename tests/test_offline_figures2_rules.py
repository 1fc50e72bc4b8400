"""Unit tests of the second round of offline figure rules: periods as written (adverbs of
time, spans "in five years", "two years ago", "of the year"), which figure a time belongs to
in a change or a comparison, periods of table cells, and currencies named after a country.

Every sentence here is written for the test (fictional events of real countries).
"""

from __future__ import annotations

import pytest

from summarizer.offline import extract
from test_offline_figures_rules import figures, one


# --- periods as written ---------------------------------------------------------------------

@pytest.mark.parametrize("text, wanted, period", [
    ("Ghana's cocoa exports have risen by about 30 percent in five years, the board said.",
     "about 30 percent", "in five years"),
    ("Ferry traffic across the lake has roughly doubled in a decade, the port authority said.",
     "roughly doubled", "in a decade"),
    ("More than 40 clinics had opened in the past three years, the health ministry in Accra said.",
     "More than 40", "in the past three years"),
    ("Floods two years ago destroyed at least 300 homes in the Sylhet region.", "at least 300", "two years ago"),
    ("About 2,500 students have enrolled in the programme so far, the ministry in Tashkent said.",
     "About 2,500", "so far"),
    ("Today about 60 percent of the country's power comes from hydro dams.", "about 60 percent", "today"),
    ("Passenger numbers at the airport in Tromsø rose by 15 percent this season.", "15 percent", "this season"),
    ("The province spends 3 billion pesos each year on irrigation, its governor said.", "3 billion pesos",
     "each year"),
    ("Rice exports from Thailand rose 8 percent in the first half of the year, traders said.", "8 percent",
     "in the first half of the year"),
    ("Coffee exports fell 5 percent before the war, the Ethiopian trade ministry said.", "5 percent",
     "before the war"),
])
def test_period_as_written(text, wanted, period) -> None:
    assert one(text, wanted).period == period


def test_year_on_year_is_the_base_of_a_change_not_its_period() -> None:
    text = "Mongolia's coal exports rose 9% year on year to $4.1bn in the first half, customs data showed."
    found = figures(text)
    assert found["9%"].period == "in the first half"
    assert found["$4.1bn"].period == "in the first half"


def test_over_the_previous_year_is_a_comparison_base() -> None:
    text = "Tourist arrivals in Fiji reached 930,000, an increase of 12 percent over the previous year."
    assert one(text, "12 percent").period is None


def test_adverb_of_time_dates_only_its_own_clause() -> None:
    text = ("The ministry in Hanoi has trained 4,000 nurses, and about 1,200 nurses have found work abroad so far, "
            "officials said.")
    found = figures(text)
    assert found["about 1,200"].period == "so far"
    assert found["4,000"].period is None


# --- which figure a time belongs to ---------------------------------------------------------

def test_before_and_after_values_each_keep_their_own_time() -> None:
    text = "The plan would lift the share of solar power from 3 percent today to 20 percent in 2035."
    found = figures(text)
    assert found["3 percent"].period == "today"
    assert found["20 percent"].period == "2035"  # a bare year, as periods.py gives years


def test_the_time_after_a_base_of_comparison_is_the_base_s() -> None:
    text = "Cotton now makes up less than 15 percent of exports, down from 40 percent before the war."
    found = figures(text)
    assert found["40 percent"].period == "before the war"
    assert found["less than 15 percent"].period is None


def test_the_time_after_up_from_is_not_the_new_value_s() -> None:
    text = "Seoul will fund 300 research grants a year for Kenyan students, up from 120 at present."
    assert one(text, "300").period is None


def test_a_change_and_its_level_share_their_period() -> None:
    text = "Trade between the two neighbours rose 14 percent last year to $2.3 billion, officials in Baku said."
    found = figures(text)
    assert found["14 percent"].period == "last year"
    assert found["$2.3 billion"].period == "last year"


# --- tables ---------------------------------------------------------------------------------

def test_a_table_cell_takes_the_period_at_the_head_of_its_column() -> None:
    text = ("Share of farmland under irrigation, by province\n\n"
            "Province     2021     2024\n"
            "Punjab       18.2%    19.6%\n"
            "Sindh        4.1%     4.7%\n\n"
            "The ministry in Islamabad said the share would grow again next year.")
    found = {(f.value, f.period) for f in extract(text).figures}
    assert (18.2, "2021") in found and (19.6, "2024") in found
    assert (4.1, "2021") in found and (4.7, "2024") in found


# --- currencies -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, wanted, unit", [
    ("Fiji will put 8 million Fiji dollars into the new coastguard station at Lautoka.",
     "8 million Fiji dollars", "FJD"),
    ("Each week of closure costs the port of Cotonou about 2 billion CFA francs, Benin's minister said.",
     "about 2 billion CFA francs", "XOF"),
    ("Ethiopia's central bank said remittances reached 90 billion birr.", "90 billion birr", "ETB"),
    ("Peru will spend 400 million soles on the new port at Chancay, its transport minister said.",
     "400 million soles", "PEN"),
])
def test_currency_named_after_its_country(text, wanted, unit) -> None:
    assert one(text, wanted).unit == unit


def test_shared_currency_name_takes_the_country_that_is_the_subject_of_its_sentence() -> None:
    text = ("Sweden's defence budget will rise again next year, and Sweden will buy new air defence systems. "
            "Sweden's army will also grow. Denmark has set up a fund of 20 billion crowns for drones.")
    assert one(text, "20 billion crowns").unit == "DKK"


# --- before and after values, and bare numbers whose noun the sentence names -----------------

def test_a_change_from_one_value_to_another_gives_two_figures() -> None:
    text = "Average bus speeds in central Nairobi should rise from 12 to 20 kilometres an hour, the city said."
    found = {(f.value, f.value_max, f.unit) for f in extract(text).figures}
    assert (12, None, "kilometre per hour") in found
    assert (20, None, "kilometre per hour") in found


def test_a_change_takes_the_scale_of_its_second_value() -> None:
    text = "The refinery's capacity is being raised from 8 to 12 million tonnes a year, the operator said."
    found = {(f.value, f.unit) for f in extract(text).figures}
    assert (8_000_000, "tonne") in found and (12_000_000, "tonne") in found


def test_a_price_from_one_value_to_another_without_a_change_stays_a_range() -> None:
    f = one("A bag of fertiliser in Lilongwe now costs from 30 to 35 dollars.", "from 30 to 35 dollars")
    assert (f.value, f.value_max, f.unit) == (30, 35, "USD")


def test_the_base_of_a_comparison_counts_what_the_figure_before_it_counts() -> None:
    text = "The coast guard in Manila recorded 48 such intrusions last year, up from 30 the year before."
    found = {(f.value, f.unit, f.period) for f in extract(text).figures}
    assert (48, "intrusion", "last year") in found
    assert (30, "intrusion", "the year before") in found


def test_the_number_of_a_noun_goes_to_a_bare_number() -> None:
    text = "The Kenyan bank said it would open six offices next year, bringing the number of its branches in Uganda to 22."
    assert {(f.value, f.unit) for f in extract(text).figures} >= {(22, "branch")}


def test_the_time_of_a_base_against_the_whole_of_a_year() -> None:
    text = "Police in Oslo logged 35 drone sightings this spring, against fewer than 12 in the whole of the previous year."
    found = {(f.value, f.period) for f in extract(text).figures}
    assert (12, "in the whole of the previous year") in found


def test_the_same_period_is_a_period_and_the_same_period_last_year_a_base() -> None:
    text = ("Exports to Japan rose 6% in the first quarter. Imports from Korea fell 2.4% to $3.1bn over the same "
            "period. Trade with Laos in the first five months rose by a fifth over the same period last year, "
            "reaching 95 million USD.")
    found = {f.text: f.period for f in extract(text).figures}
    assert found["2.4%"] == "over the same period"
    assert found["95 million USD"] == "in the first five months"


def test_to_exceed_is_more_than_and_for_the_full_year_a_period() -> None:
    f = one("The ministry in Astana expects trade with Turkey to exceed $9bn for the full year.", "exceed $9bn")
    assert (f.qualifier.value, f.period) == ("more_than", "for the full year")
