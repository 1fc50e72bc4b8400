"""Unit tests of the offline extractor's parts: numbers, text structure, attribution, people, places."""

from __future__ import annotations

import pytest

from summarizer.offline import extract
from summarizer.offline.attribution import Attribution
from summarizer.offline.countries import COUNTRIES
from summarizer.offline.numbers import find_figures, parse_words, singular
from summarizer.offline.people import find_organizations, find_people
from summarizer.offline.text import Document, clause_around


def one(sentence: str):
    """The single figure found in ``sentence`` as (text, value, value_max, unit, qualifier)."""
    found = find_figures(sentence)
    assert len(found) == 1, [(sentence[f.start:f.end], f.value) for f in found]
    f = found[0]
    return sentence[f.start:f.end], f.value, f.value_max, f.unit, f.qualifier


# --- numbers -----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, expected", [
    ("The plant employs 1,200 workers.", ("1,200", 1200, None, "worker", "exact")),
    ("Growth slowed to 1.5 percent.", ("1.5 percent", 1.5, None, "percent", "exact")),
    ("about a million people live there", ("about a million", 1_000_000, None, "person", "approximately")),
    ("The convoy had two trucks.", ("two", 2, None, "truck", "exact")),
    ("twenty-five soldiers were injured", ("twenty-five", 25, None, "soldier", "exact")),
    ("a dozen drones were shot down", ("a dozen", 12, None, "drone", "exact")),
    ("nearly half a million refugees", ("nearly half a million", 500_000, None, "refugee", "approximately")),
    ("they sent US$1.8 billion home", ("US$1.8 billion", 1_800_000_000, None, "USD", "exact")),
    ("a $500 million loan", ("$500 million", 500_000_000, None, "USD", "exact")),
    ("a €2.4bn project", ("€2.4bn", 2_400_000_000, None, "EUR", "exact")),
    ("a £300m contract", ("£300m", 300_000_000, None, "GBP", "exact")),
    ("it shipped 1.2 mln tonnes of grain", ("1.2 mln", 1_200_000, None, "tonne", "exact")),
    ("exports rose 12.4% in May", ("12.4%", 12.4, None, "percent", "exact")),
    ("a 45-percent growth", ("45-percent", 45, None, "percent", "exact")),
    ("up 45 per cent on the year", ("45 per cent", 45, None, "percent", "exact")),
    ("rates rose 0.5 percentage points", ("0.5 percentage points", 0.5, None, "percentage_points", "exact")),
    ("growth of between 3 and 5 percent", ("between 3 and 5 percent", 3, 5, "percent", "exact")),
    ("growth of 3-5% is expected", ("3-5%", 3, 5, "percent", "exact")),
    ("a rise of 3 to 5 percent", ("3 to 5 percent", 3, 5, "percent", "exact")),
    ("from 10 to 12 million tonnes a year", ("from 10 to 12 million", 10_000_000, 12_000_000, "tonne", "exact")),
    ("between $3 billion and $5 billion", ("between $3 billion and $5 billion", 3e9, 5e9, "USD", "exact")),
    ("a two-fold increase", ("two-fold", 2, None, "times", "exact")),
    ("a twofold increase", ("twofold", 2, None, "times", "exact")),
    ("exports doubled last year", ("doubled", 2, None, "times", "exact")),
    ("output more than doubled", ("more than doubled", 2, None, "times", "more_than")),
    ("exports tripled", ("tripled", 3, None, "times", "exact")),
    ("the deficit halved", ("halved", 0.5, None, "times", "exact")),
    ("three times higher than before", ("three times", 3, None, "times", "exact")),
    ("revenues of 500 million rubles", ("500 million rubles", 500_000_000, None, "RUB", "exact")),
    ("a 2 billion yuan fund", ("2 billion yuan", 2_000_000_000, None, "CNY", "exact")),
    ("USD 40 million in aid", ("USD 40 million", 40_000_000, None, "USD", "exact")),
    ("10 bcm of gas", ("10 bcm", 10_000_000_000, None, "cubic metre", "exact")),
    ("a 250-kilometre railway", ("250-kilometre", 250, None, "kilometre", "exact")),
    ("2,000 Russian troops", ("2,000", 2000, None, "troop", "exact")),
    ("up to 40,000 barrels a day", ("up to 40,000", 40_000, None, "barrel per day", "up_to")),  # as "bpd" reads
])
def test_number_forms(sentence, expected) -> None:
    text, value, value_max, unit, qualifier = one(sentence)
    assert (text, value, unit, qualifier) == (expected[0], expected[1], expected[3], expected[4])
    assert value_max == expected[2]


@pytest.mark.parametrize("phrase, qualifier", [
    ("about 50 tanks", "approximately"), ("around 50 tanks", "approximately"), ("roughly 50 tanks", "approximately"),
    ("some 50 tanks", "approximately"), ("an estimated 50 tanks", "approximately"),
    ("approximately 50 tanks", "approximately"), ("nearly 50 tanks", "approximately"),
    ("almost 50 tanks", "approximately"), ("more than 50 tanks", "more_than"), ("over 50 tanks", "more_than"),
    ("trade topped $5 billion", "more_than"), ("trade exceeded $5 billion", "more_than"),
    ("less than 50 tanks", "less_than"), ("fewer than 50 tanks", "less_than"), ("under 50 tanks", "less_than"),
    ("at least 50 tanks", "at_least"), ("50 tanks or more", "at_least"), ("up to 50 tanks", "up_to"),
    ("as many as 50 tanks", "up_to"), ("exactly the 50 tanks", "exact"),
])
def test_qualifiers(phrase, qualifier) -> None:
    assert one(phrase)[4] == qualifier


def test_text_keeps_qualifier_except_estimated() -> None:
    assert one("fell by more than 15 percent")[0] == "more than 15 percent"
    assert one("volumes topped US$1 billion")[0] == "topped US$1 billion"
    assert one("they sent an estimated US$1.8 billion")[0] == "US$1.8 billion"


@pytest.mark.parametrize("sentence", [
    "In 2019, the talks failed.",                      # a year
    "The summit opened on May 5.",                     # a date
    "The meeting began at 10:30 local time.",          # a time
    "It was the 3rd round of talks.",                  # an ordinal
    "Under Article 5 of the treaty, allies respond.",  # a clause number
    "The S-400 systems were delivered.",               # a model
    "The Nord Stream 2 pipeline was closed.",          # a name
    "He arrived for a three-day visit.",               # a duration
    "The 30-year-old treaty expired.",                 # an age
    "The talks lasted four hours.",                    # a duration
    "It is one of our closest allies.",                # "one of"
    "The two leaders shook hands.",                    # a reference, not a count
    "The G20 and COVID-19 were discussed.",            # names
    "Dozens of people and hundreds of cars.",          # vague
])
def test_not_figures(sentence) -> None:
    assert find_figures(sentence) == []


@pytest.mark.parametrize("words, value", [
    ("twenty-five", 25), ("a million", 1_000_000), ("half a million", 500_000), ("a dozen", 12),
    ("two hundred thousand", 200_000), ("one hundred and twenty", 120), ("three", 3),
])
def test_parse_words(words, value) -> None:
    assert parse_words(words) == value


@pytest.mark.parametrize("plural, single", [
    ("people", "person"), ("troops", "troop"), ("tonnes", "tonne"), ("barrels", "barrel"),
    ("casualties", "casualty"), ("soldiers", "soldier"), ("taxes", "tax"), ("children", "child"),
])
def test_singular(plural, single) -> None:
    assert singular(plural) == single


# --- text structure ----------------------------------------------------------------------

def test_sentences_respect_abbreviations_and_quotes() -> None:
    doc = Document("He visited St. Petersburg and met Gen. Ivanov. “We agree.” Then he left.")
    assert [doc.text[s.start:s.end] for s in doc.sentences] == [
        "He visited St. Petersburg and met Gen. Ivanov.", "“We agree.”", "Then he left."]


def test_dateline_is_not_part_of_the_lead() -> None:
    doc = Document("MOSCOW, June 5 (Wire) - Talks opened on Monday. More followed.")
    assert doc.text[doc.sentences[0].start:].startswith("Talks opened")


def test_quotes_curly_straight_and_multi_paragraph() -> None:
    text = ('He said: "One thing." Then “two things,” she said.\n\n'
            '“First paragraph of a long quote.\n\n“Second paragraph of it.”')
    doc = Document(text)
    quoted = [text[q.start:q.end] for q in doc.quotes]
    assert quoted[:2] == ['"One thing."', "“two things,”"]
    assert len({q.group for q in doc.quotes[2:]}) == 1  # one quote over two paragraphs


def test_clause_around_stays_inside_quote_and_clause() -> None:
    text = "Putin noted that “we had a decline: trade volumes fell by more than 15 percent.”"
    doc = Document(text)
    pos = text.index("more than")
    s, e = clause_around(doc, pos, pos + len("more than 15 percent"))
    assert text[s:e] == "trade volumes fell by more than 15 percent."


# --- attribution ---------------------------------------------------------------------------

def speakers(text: str) -> dict[str, str | None]:
    brief = extract(text)
    return {f.text: f.speaker for f in brief.figures}


def test_speaker_after_quote() -> None:
    text = "Foreign Minister Ana Souza met reporters.\n\n“Exports grew 12 percent,” Souza said."
    assert speakers(text) == {"12 percent": "Ana Souza"}


def test_speaker_before_quote() -> None:
    text = "Foreign Minister Ana Souza said: “Exports grew 12 percent this year.”"
    assert speakers(text) == {"12 percent": "Ana Souza"}


def test_person_outranks_organization() -> None:
    text = ("President Emil Radu met officials.\n\n"
            "“Trade grew 12 percent,” Radu said, according to the Kremlin.")
    assert speakers(text) == {"12 percent": "Emil Radu"}


def test_pronoun_continuation_and_reported_speech() -> None:
    text = ("Defence Minister Jonas Berg visited the base on Monday. "
            "He said that 300 soldiers would be deployed. The ministry has 40 staff members.")
    got = speakers(text)
    assert got["300"] == "Jonas Berg" and got["40"] is None


def test_multi_paragraph_quote_keeps_its_speaker() -> None:
    text = ("Prime Minister Lea Novak spoke first. “Our ports are growing,” she said. “Traffic rose 20 percent.\n\n"
            "“We expect 5 million containers next year.”\n\nOthers were less sure.")
    got = speakers(text)
    assert got == {"20 percent": "Lea Novak", "5 million": "Lea Novak"}


def test_article_states_figure_itself() -> None:
    text = "Foreign Minister Ana Souza arrived in Lisbon. Bilateral trade reached $4 billion last year."
    assert speakers(text) == {"$4 billion": None}


def test_quote_speaker_via_national_alias() -> None:
    text = ("Chinese Foreign Minister Wei Lan met his French counterpart Paul Marchand.\n\n"
            "“Trade rose 8 percent,” the Chinese foreign minister said.")
    brief = extract(text)
    assert {f.text: f.speaker for f in brief.figures} == {"8 percent": "Wei Lan"}
    marchand = brief.participant("Paul Marchand")
    assert (marchand.role, marchand.affiliation) == ("Foreign Minister of France", "France")


# --- people, organizations and places ----------------------------------------------------

@pytest.mark.parametrize("surface, country", [
    ("Russian", "Russia"), ("Tajik", "Tajikistan"), ("Chinese", "China"), ("French", "France"),
    ("Afghan", "Afghanistan"), ("Emirati", "United Arab Emirates"), ("American", "United States"),
    ("British", "United Kingdom"), ("Dutch", "Netherlands"), ("Kazakhstani", "Kazakhstan"),
    ("Russians", "Russia"), ("Russian Federation", "Russia"), ("Türkiye", "Turkey"), ("Viet Nam", "Vietnam"),
    ("U.S.", "United States"), ("South Korean", "South Korea"), ("Ivorian", "Ivory Coast"),
])
def test_demonyms_and_names(surface, country) -> None:
    assert COUNTRIES.resolve(surface) == country


def test_un_members_have_demonyms() -> None:
    assert len(set(COUNTRIES.by_demonym.values())) >= 185


@pytest.mark.parametrize("text, name, role, affiliation", [
    ("Russian President Vladimir Putin spoke.", "Vladimir Putin", "President of Russia", "Russia"),
    ("President of Kazakhstan Aidar Seitov spoke.", "Aidar Seitov", "President of Kazakhstan", "Kazakhstan"),
    ("Brazil's Foreign Minister Ana Souza spoke.", "Ana Souza", "Foreign Minister of Brazil", "Brazil"),
    ("Ana Souza, the Brazilian foreign minister, spoke.", "Ana Souza", "Foreign Minister of Brazil", "Brazil"),
    ("NATO Secretary-General Lars Holm spoke.", "Lars Holm", "Secretary-General of NATO", "NATO"),
    ("Kremlin spokesman Ivan Petrov said it was over.", "Ivan Petrov", "spokesperson of the Kremlin", "Russia"),
    ("Indian External Affairs Minister Ravi Menon said so.", "Ravi Menon", "External Affairs Minister of India", "India"),
    ("Japanese Prime Minister Kenji Sato said so.", "Kenji Sato", "Prime Minister of Japan", "Japan"),
])
def test_titles_roles_affiliations(text, name, role, affiliation) -> None:
    people = {p.name: p for p in find_people(text)}
    assert name in people, list(people)
    assert (people[name].role, people[name].affiliation) == (role, affiliation)


def test_no_false_people() -> None:
    text = ("The delegation arrived in St. Petersburg on Monday. Tajikistan and Russia signed deals. "
            "The European Union said in March that Central Asia mattered.")
    assert find_people(text) == []


def test_organization_kept_only_when_it_speaks() -> None:
    brief = extract("Leaders met at the CIS summit. The Kremlin said the talks went well.")
    assert [p.name for p in brief.participants] == ["the Kremlin"]
    assert brief.participants[0].affiliation == "Russia"


def test_attribution_events_of_seed_style_text() -> None:
    text = ("The Kremlin says that in the talks, Putin noted that last year, “we had a decline.” "
            "President Vladimir Putin met guests.")
    doc = Document(text)
    participants = find_people(text) + find_organizations(text)
    attribution = Attribution(doc, participants)
    quote = doc.quotes[0]
    assert participants[attribution.quote_speakers[quote.group]].name == "Vladimir Putin"
