"""Long articles: the hard cap, splitting in parts, and merging the parts' briefs into one.

The LLM path runs for real (openai client + instructor over HTTP to the loopback
server). The server answers each part from the part itself: the reply function reads the
article text of the request and returns a brief built from the facts of the paragraphs
it holds, so concurrent parts can arrive in any order.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field

import pytest
from typer.testing import CliRunner

import loopback as lb
from summarizer import Summarizer
from summarizer.batch.runner import BatchJob, BatchOptions
from summarizer.cli import app
from summarizer.config import resolve_settings
from summarizer.errors import ConfigError, InputError
from summarizer.grounding import normalize
from summarizer.backends.openai.tokens import estimate_tokens
from summarizer.merge import merge_briefs
from summarizer.models import AlignmentStatus, Brief
from summarizer.split import split_article

runner = CliRunner()

# --- a 20,000-word fictional article, written for this test ------------------------------

# (first name, surname, title, country, demonym, city): fictional officials of real countries
OFFICIALS = [
    ("Tomas", "Aveiro", "Foreign Minister", "Brazil", "Brazilian", "Brasilia"),
    ("Ines", "Carvalho", "Foreign Minister", "Portugal", "Portuguese", "Lisbon"),
    ("Lars", "Henriksen", "Defence Minister", "Norway", "Norwegian", "Oslo"),
    ("Aiko", "Tanabe", "Trade Minister", "Japan", "Japanese", "Osaka"),
    ("Rustam", "Nazarov", "Energy Minister", "Tajikistan", "Tajik", "Dushanbe"),
    ("Amara", "Okafor", "Foreign Minister", "Nigeria", "Nigerian", "Abuja"),
    ("Pilar", "Echeverria", "Interior Minister", "Chile", "Chilean", "Valparaiso"),
    ("Dariusz", "Kowalczyk", "Deputy Foreign Minister", "Poland", "Polish", "Gdansk"),
    ("Leila", "Haddad", "Foreign Minister", "Jordan", "Jordanian", "Aqaba"),
    ("Viktor", "Sandu", "Defence Minister", "Moldova", "Moldovan", "Chisinau"),
    ("Meera", "Raghavan", "Commerce Minister", "India", "Indian", "Chennai"),
    ("Emil", "Lindqvist", "State Secretary", "Sweden", "Swedish", "Gothenburg"),
]
# Named in full only at the start (Umarova) or only at the end (Morimoto); by surname elsewhere.
OPENER = ("Farida", "Umarova", "Labour Minister", "Uzbekistan", "Uzbek", "Tashkent")
ENVOY = ("Kenji", "Morimoto", "Ambassador", "Japan", "Japanese", "Kobe")
COMMODITIES = ["wheat", "cotton", "copper", "fertiliser", "timber", "rice", "aluminium"]
THREATS = ["drone incursions", "sabotage of undersea cables", "arms smuggling", "cyber attacks on ports",
           "militia raids", "GPS jamming"]
REGIONS = ["the Baltic coast", "the Gulf of Guinea", "the Fergana Valley", "the Red Sea", "the Andes border",
           "the Black Sea", "the Bay of Bengal"]


@dataclass
class Fact:
    """Something a reply reports about one paragraph."""

    kind: str  # figure | concern | topic
    evidence: str
    fields: dict = field(default_factory=dict)


@dataclass
class Paragraph:
    text: str
    facts: list[Fact]


def full(o): return f"{o[0]} {o[1]}"


def _paragraph(i: int) -> Paragraph:
    o, other = OFFICIALS[i % len(OFFICIALS)], OFFICIALS[(i * 5 + 3) % len(OFFICIALS)]
    if other is o:
        other = OFFICIALS[(i + 1) % len(OFFICIALS)]
    kind = i % 4
    if kind == 0:
        tonnes = 12_000 + 137 * i
        commodity = COMMODITIES[i % len(COMMODITIES)]
        figure = f"Exports of {commodity} from {o[3]} rose to {tonnes:,} tonnes in the period under review, {o[1]} said."
        text = (f"{o[4]} {o[2]} {full(o)} told delegates in session {i} that the regional {commodity} market "
                f"remained under strain. {figure} {o[1]} added that customs officers from {other[3]} would join a "
                "working group on paperwork at border crossings, which several delegations described as the "
                "slowest part of the supply chain.")
        facts = [Fact("figure", figure, {"text": f"{tonnes:,} tonnes", "value": tonnes, "unit": "tonne",
                                         "measure": f"{commodity} exports from {o[3]}", "speaker": o[1]}),
                 Fact("topic", figure, {"category": "economy_trade", "label": "commodity exports"})]
    elif kind == 1:
        hours = 6 + i // 4
        threat, region = THREATS[i % len(THREATS)], REGIONS[i % len(REGIONS)]
        warning = (f"{full(o)}, the {o[2]} of {o[3]}, warned in session {i} that {threat} near {region} "
                   "posed a growing risk to shipping.")
        figure = f"{o[1]} asked partners to share radar data within {hours} hours of any incident."
        text = (f"{warning} {figure} Delegates from {other[3]} said they would study the proposal "
                "before the next round, and two observers asked for the request to be put in writing.")
        facts = [Fact("concern", warning, {"issue": f"{threat} near {region} (session {i})", "region": region,
                                           "raised_by": o[1]}),
                 Fact("figure", figure, {"text": f"{hours} hours", "value": hours, "unit": "hour",
                                         "measure": "deadline for sharing radar data", "speaker": o[1]}),
                 Fact("topic", warning, {"category": "security_defense", "label": "maritime security"})]
    elif kind == 2:
        visas = 1_500 + 41 * i
        meeting = (f"{full(o)} met {full(other)} on the sidelines of session {i}, and the two sides agreed to "
                   f"reopen consular offices in {o[5]} and {other[5]}.")
        figure = f"A joint statement said {visas:,} student visas had been issued under the agreement so far."
        text = f"{meeting} {figure} {other[1]} called the meeting useful and said officials would meet again within weeks."
        facts = [Fact("figure", figure, {"text": f"{visas:,} student visas", "value": visas, "unit": "visa",
                                         "measure": "student visas issued", "speaker": None}),
                 Fact("topic", meeting, {"category": "diplomacy", "label": "consular relations"})]
    else:
        megawatts = 300 + 11 * i
        figure = (f"{o[4]} {o[2]} {full(o)} said in session {i} that the grid link between {o[3]} and "
                  f"{other[3]} would carry {megawatts:,} megawatts once its second line is finished.")
        text = (f"{figure} Engineers expect the line to reduce outages during winter, and {o[1]} said financing "
                "for the project had been secured from regional lenders after a long negotiation.")
        facts = [Fact("figure", figure, {"text": f"{megawatts:,} megawatts", "value": megawatts, "unit": "megawatt",
                                         "measure": "capacity of the grid link", "speaker": o[1]}),
                 Fact("topic", figure, {"category": "energy", "label": "electricity grid links"})]
    return Paragraph(text, facts)


def _opening() -> list[Paragraph]:
    first = (f"{OPENER[4]} {OPENER[2]} {full(OPENER)} opened the regional cooperation conference in Geneva on "
             "Monday, telling ministers from more than a dozen countries that trade, energy and security could "
             "no longer be negotiated apart.")
    envoy = f"Ambassador {ENVOY[1]} said {250:,} observers had asked to follow the talks."
    second = f"{envoy} The conference secretariat said the sessions would run for three days."
    return [
        Paragraph(first, [Fact("topic", first, {"category": "diplomacy", "label": "regional cooperation conference"})]),
        Paragraph(second, [Fact("figure", envoy, {"text": "250 observers", "value": 250, "unit": "observer",
                                                  "measure": "observers asking to follow the talks",
                                                  "speaker": ENVOY[1]})]),
    ]


def _closing() -> list[Paragraph]:
    closing = f"{OPENER[1]} said 1,940 delegates had registered, the largest attendance since the forum began."
    envoy = (f"{ENVOY[4]} {ENVOY[2]} {full(ENVOY)} said his government would host the next round in "
             f"{ENVOY[5]} and would pay for the interpreters.")
    return [
        Paragraph(f"Closing the conference, {closing} Ministers left without a final communique.",
                  [Fact("figure", closing, {"text": "1,940 delegates", "value": 1940, "unit": "delegate",
                                            "measure": "delegates registered", "speaker": OPENER[1]})]),
        Paragraph(envoy, [Fact("topic", envoy, {"category": "diplomacy", "label": "next round of talks"})]),
    ]


def build_article(words: int = 20_000) -> tuple[str, list[Paragraph]]:
    paragraphs = _opening()
    i = 2
    while sum(len(p.text.split()) for p in paragraphs) < words:
        paragraphs.append(_paragraph(i))
        i += 1
    paragraphs += _closing()
    return "\n\n".join(p.text for p in paragraphs), paragraphs


ARTICLE, PARAGRAPHS = build_article()
ALL_FIGURES = [f for p in PARAGRAPHS for f in p.facts if f.kind == "figure"]
ALL_CONCERNS = [f for p in PARAGRAPHS for f in p.facts if f.kind == "concern"]


# --- the scripted model: a brief of whatever part it is sent --------------------------------


def article_of(body) -> str:
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    return re.search(r"<article>\n(.*)\n</article>", user, re.S).group(1)


def person(o, text):
    if full(o) in text:
        return {"name": full(o), "aliases": [o[1]], "role": f"{o[2]} of {o[3]}", "affiliation": o[3], "kind": "person"}
    if re.search(rf"\b{o[1]}\b", text):
        return {"name": o[1], "aliases": [], "role": None, "affiliation": None, "kind": "person"}
    return None


def part_reply(part: str) -> dict:
    held = [p for p in PARAGRAPHS if p.text in part]
    facts = [f for p in held for f in p.facts]
    topics: dict[str, dict] = {}
    for fact in (f for f in facts if f.kind == "topic"):
        category = fact.fields["category"]
        topic = topics.setdefault(category, {"label": fact.fields["label"], "category": category, "evidence": []})
        if len(topic["evidence"]) < 3:
            topic["evidence"].append(fact.evidence)
    first = held[0].text.split(". ")[0].rstrip(".") + "."
    return {
        "headline": f"Part opening with: {' '.join(first.split()[:8])}",
        "summary": f"{first} This part holds {len(held)} paragraphs.",
        "participants": [p for o in [OPENER, ENVOY, *OFFICIALS] if (p := person(o, part))],
        "topics": list(topics.values()),
        "figures": [{"qualifier": "exact", "value_max": None, "period": None, "evidence": f.evidence, **f.fields}
                    for f in facts if f.kind == "figure"],
        "security_concerns": [{"evidence": f.evidence, **f.fields} for f in facts if f.kind == "concern"],
    }


def completion_tokens(part: str) -> int:
    return 100 + len(part) % 97  # differs per part, so the sum is a real check


def answer(body):
    part = article_of(body)
    return lb.brief(part_reply(part), usage=(len(part) // 4, completion_tokens(part)))


def make(server, **options) -> Summarizer:
    options.setdefault("max_retry_wait", 0.05)
    return Summarizer(backend="openai", base_url=server.url, api_key="sk-test", model="loopback-model", **options)


def summarize_async(server, text: str | None = None, **options) -> Brief:
    """The brief of ``text`` (the long article by default) through ``asummarize``, connections closed after."""

    async def run() -> Brief:
        async with make(server, **options) as summarizer:
            return await summarizer.asummarize(ARTICLE if text is None else text)

    return asyncio.run(run())


def request_tokens(body) -> float:
    """A request's input tokens by the rule of summarizer.backends.openai.tokens.estimate_tokens (characters / 4), output budget left out."""
    return estimate_tokens(body) - min(body.get("max_tokens") or 1000, 1000)


def paragraphs_in(text: str) -> list[Paragraph]:
    return [p for p in PARAGRAPHS if p.text in text]


# --- splitting --------------------------------------------------------------------------


def test_an_article_that_fits_is_one_part():
    parts = split_article("One paragraph.\n\nAnother one.", 100, 20)
    assert [(p.start, p.end) for p in parts] == [(0, 28)]


def test_parts_cut_on_paragraphs_fit_cover_the_article_and_repeat_one_short_paragraph():
    parts = split_article(ARTICLE, 18_000, 1_800)
    starts = {0} | {m.end() for m in re.finditer(r"\n\n", ARTICLE)}
    ends = {len(ARTICLE)} | {m.start() for m in re.finditer(r"\n\n", ARTICLE)}
    assert len(parts) == 8 and all(len(p.text) > 17_000 for p in parts[:-1])
    for part in parts:
        assert len(part.text) <= 18_000 and ARTICLE[part.start : part.end] == part.text
        assert part.start in starts and part.end in ends  # never inside a paragraph
    for before, after in zip(parts, parts[1:]):
        shared = ARTICLE[after.start : before.end]
        assert before.start < after.start < before.end  # they overlap ...
        assert shared in {p.text for p in PARAGRAPHS}  # ... by exactly one whole paragraph
    covered = set()
    for part in parts:
        covered.update(range(part.start, part.end))
    assert all(i in covered or ARTICLE[i].isspace() for i in range(len(ARTICLE)))


def test_no_overlap_when_the_last_paragraph_is_longer_than_the_bound():
    parts = split_article(ARTICLE, 18_000, 100)  # every paragraph is longer than 100 characters
    assert all(a.end < b.start for a, b in zip(parts, parts[1:]))


def test_a_huge_paragraph_is_cut_at_sentences_then_at_whitespace_then_anywhere():
    sentence = "The delegation from Chile asked for more time to study the text. "
    parts = split_article(sentence * 40, 500, 0)
    assert len(parts) > 1 and all(p.text.endswith("text.") and len(p.text) <= 500 for p in parts)
    words = " ".join(f"word{i}" for i in range(300))  # no sentence ends at all
    parts = split_article(words, 200, 0)
    assert " ".join(p.text for p in parts) == words and all(len(p.text) <= 200 for p in parts)
    blob = "x" * 1_050
    parts = split_article(blob, 200, 0)
    assert [len(p.text) for p in parts] == [200] * 5 + [50] and "".join(p.text for p in parts) == blob


# --- merging, on briefs made by hand -------------------------------------------------------


def _part_brief(part_text: str, data: dict, dropped: int = 0) -> Brief:
    from summarizer.grounding import ground
    from summarizer.models import BriefMeta, Usage

    brief, report = ground(Brief.model_validate(data), part_text)
    report.dropped_items = dropped
    brief._meta = BriefMeta(backend="openai", prompt_version="p", usage=Usage(prompt_tokens=10, total_tokens=10),
                            attempts=1, grounding=report, warnings=["w"])
    return brief


def test_merge_rules():
    first = "Chilean Interior Minister Pilar Echeverria said 40 boats patrol the coast.\n\nThe fleet costs US$5 million."
    second = "The fleet costs US$5 million.\n\nEcheverria warned that smuggling is rising. Another 40 boats were sold."
    article = first + "\n\nEcheverria warned that smuggling is rising. Another 40 boats were sold."
    parts = split_article(article, 110, 40)
    assert [p.text for p in parts] == [first, second]
    one = _part_brief(first, {
        "headline": "Chile patrols its coast", "summary": "Chile patrols its coast with boats. The fleet is costly.",
        "participants": [{"name": "Pilar Echeverria", "aliases": ["Echeverria"], "role": "Interior Minister", "kind": "person"}],
        "topics": [{"label": "coastal patrols", "category": "security_defense", "evidence": ["40 boats patrol the coast"]}],
        "figures": [{"text": "40 boats", "value": 40, "unit": "boat", "qualifier": "exact", "measure": "patrol boats",
                     "speaker": "Echeverria", "evidence": "Pilar Echeverria said 40 boats patrol the coast"},
                    {"text": "US$5 million", "value": 5e6, "unit": "USD", "qualifier": "exact", "measure": "fleet cost",
                     "evidence": "The fleet costs US$5 million."}],
        "security_concerns": [],
    })
    two = _part_brief(second, {
        "headline": "Smuggling rises", "summary": "Smuggling is rising, a minister said.",
        "participants": [{"name": "Echeverria", "aliases": ["the minister"], "affiliation": "Chile", "kind": "person"}],
        "topics": [{"label": "smuggling", "category": "security_defense",
                    "evidence": ["smuggling is rising", "40 boats patrol the coast"]}],  # the second is not in this part
        "figures": [{"text": "US$5 million", "value": 5_000_000, "unit": "USD", "qualifier": "exact",
                     "measure": "cost of the fleet", "period": "this year", "evidence": "costs US$5 million"},
                    {"text": "40 boats", "value": 40, "unit": "boat", "qualifier": "exact", "measure": "boats sold",
                     "evidence": "Another 40 boats were sold."}],
        "security_concerns": [{"issue": "smuggling", "raised_by": "Echeverria", "evidence": "smuggling is rising"}],
    }, dropped=1)
    merged, report = merge_briefs(article, parts, [one, two])

    assert [(p.name, p.aliases, p.role, p.affiliation) for p in merged.participants] == [
        ("Pilar Echeverria", ["Echeverria", "the minister"], "Interior Minister", "Chile")]
    # the US$5 million of the overlap is one figure (its period filled from the duplicate);
    # the two "40 boats" are two figures, at two places
    assert [(f.text, f.measure, f.period) for f in merged.figures] == [
        ("40 boats", "patrol boats", None), ("US$5 million", "fleet cost", "this year"), ("40 boats", "boats sold", None)]
    assert merged.figures[0].speaker == "Pilar Echeverria"
    assert merged.security_concerns[0].raised_by == "Pilar Echeverria"
    [topic] = merged.topics
    assert (topic.label, topic.evidence) == ("coastal patrols", ["40 boats patrol the coast", "smuggling is rising"])
    for figure in merged.figures:
        span = figure.evidence_span
        assert article[span.start : span.end] == figure.evidence
    span = merged.security_concerns[0].evidence_span
    assert article[span.start : span.end] == "smuggling is rising" and span.start > len(first)
    assert merged.headline == "Chile patrols its coast"
    assert merged.summary == "Chile patrols its coast with boats. Smuggling is rising, a minister said."
    # the excerpt part two could not find in itself is found in the whole article: exact, counted once
    assert (report.excerpts, report.exact, report.not_found, report.dropped_items) == (6, 6, 0, 1)
    assert merge_briefs(article, parts, [one, two])[0].model_dump() == merged.model_dump()  # deterministic


# --- the LLM path over HTTP ----------------------------------------------------------------


def check_long_brief(brief: Brief, server) -> None:
    """What every route to the 20,000-word article's brief must give."""
    requests = server.requests
    parts = split_article(ARTICLE, *_split_args())
    assert len(requests) == len(parts) == brief.meta.parts == 8
    assert sorted(article_of(r.body) for r in requests) == sorted(p.text for p in parts)
    assert all(request_tokens(r.body) <= 6_000 for r in requests)
    assert max(request_tokens(r.body) for r in requests) > 5_500  # the budget is used, not wasted

    again = Brief.model_validate_json(brief.model_dump_json())
    assert again.model_dump() == brief.model_dump()
    spans = [(t.evidence[i], s) for t in brief.topics for i, s in enumerate(t.evidence_spans)]
    spans += [(f.evidence, f.evidence_span) for f in brief.figures]
    spans += [(c.evidence, c.evidence_span) for c in brief.security_concerns]
    assert spans and all(s.status is AlignmentStatus.exact and ARTICLE[s.start : s.end] == e for e, s in spans)

    # every figure and concern once, though the overlaps sent seven paragraphs twice
    assert sorted(f.evidence for f in brief.figures) == sorted(f.evidence for f in ALL_FIGURES)
    assert sorted(c.evidence for c in brief.security_concerns) == sorted(c.evidence for c in ALL_CONCERNS)
    assert sum(len(paragraphs_in(p.text)) for p in parts) == len(PARAGRAPHS) + 7
    assert sorted(t.category.value for t in brief.topics) == ["diplomacy", "economy_trade", "energy", "security_defense"]
    diplomacy = next(t for t in brief.topics if t.category.value == "diplomacy")
    assert diplomacy.label == "regional cooperation conference" and len(diplomacy.evidence) == len(set(diplomacy.evidence)) > 3

    names = {p.name: p for p in brief.participants}
    assert set(names) == {full(o) for o in [OPENER, ENVOY, *OFFICIALS]}
    # named in full only in the first part, by surname in the last: one participant
    assert names["Farida Umarova"].aliases == ["Umarova"] and names["Farida Umarova"].role == "Labour Minister of Uzbekistan"
    # by surname first, in full only at the end: the fuller name wins
    assert names["Kenji Morimoto"].aliases == ["Morimoto"] and names["Kenji Morimoto"].role == "Ambassador of Japan"
    by_text = {f.text: f for f in brief.figures}
    assert by_text["1,940 delegates"].speaker == "Farida Umarova" and by_text["250 observers"].speaker == "Kenji Morimoto"

    first_part, last_part = part_reply(parts[0].text), part_reply(parts[-1].text)
    assert brief.headline == first_part["headline"]
    # the first sentences of four parts spread from the first to the last: round(i * 7 / 3)
    summaries = [part_reply(parts[n].text)["summary"].split(". ")[0] + "." for n in (0, 2, 5, 7)]
    assert brief.summary == " ".join(summaries) and brief.summary.endswith(last_part["summary"].split(". ")[0] + ".")

    meta = brief.meta
    prompt = sum(len(article_of(r.body)) // 4 for r in requests)
    completion = sum(completion_tokens(article_of(r.body)) for r in requests)
    assert (meta.usage.prompt_tokens, meta.usage.completion_tokens, meta.usage.total_tokens) == (
        prompt, completion, prompt + completion)
    assert (meta.attempts, meta.transport_retries, meta.backend, meta.model) == (8, 0, "openai", "loopback-model")
    grounding = meta.grounding
    assert grounding.excerpts == len(spans) == grounding.exact and grounding.issues == []


def _split_args() -> tuple[int, int]:
    from summarizer.backends import make_backend

    part_chars = make_backend(resolve_settings(backend="openai", base_url="http://127.0.0.1:9/v1", model="m")).part_chars
    return part_chars, min(int(part_chars * 0.1), 2_000)


def test_a_20000_word_article_gives_one_brief_from_concurrent_parts(loopback):
    loopback.default = lb.respond(answer)
    brief = summarize_async(loopback)
    check_long_brief(brief, loopback)
    assert loopback.errors == []
    # parts ran concurrently: the fifth request started before the first parts were all answered


@pytest.mark.wallclock
def test_parts_run_concurrently_at_most_four_at_a_time(loopback):
    loopback.default = lb.respond(lambda body: lb.delay(0.5, answer(body)))
    started = time.monotonic()
    brief = summarize_async(loopback)
    elapsed = time.monotonic() - started
    times = sorted(r.time - started for r in loopback.requests)
    assert brief.meta.parts == len(times) == 8
    assert times[3] < 0.45  # four sent at once, without waiting for an answer ...
    assert times[4] >= 0.45  # ... and the fifth only when one of them was answered
    assert 1.0 <= elapsed < 3.0  # two rounds of half a second, not eight


def test_the_sync_path_gives_the_same_brief(loopback):
    loopback.default = lb.respond(answer)
    with make(loopback) as summarizer:
        brief = summarizer.summarize(ARTICLE)
    check_long_brief(brief, loopback)
    with lb.LoopbackServer() as other:
        other.default = lb.respond(answer)
        concurrent = summarize_async(other)
    assert concurrent.model_dump_json() == brief.model_dump_json()


@pytest.mark.parametrize("mode", ["json_schema", "md_json"])
def test_every_mode_keeps_its_requests_within_the_budget(loopback, mode):
    # the schema travels as a response format, or as text in the messages: either way it counts
    loopback.default = lb.respond(answer)
    brief = summarize_async(loopback, mode=mode)
    tokens = [request_tokens(r.body) for r in loopback.requests]
    assert brief.meta.parts == len(tokens) >= 8 and max(tokens) <= 6_000
    assert sorted(f.evidence for f in brief.figures) == sorted(f.evidence for f in ALL_FIGURES)


def test_a_short_article_is_one_request_as_before(loopback):
    loopback.default = lb.respond(answer)
    text = "\n\n".join(p.text for p in PARAGRAPHS[:20])
    brief = make(loopback).summarize(text)
    assert len(loopback.requests) == 1 and brief.meta.parts == 1
    assert article_of(loopback.requests[0].body) == text


def test_a_failed_part_fails_the_article_naming_the_part(loopback):
    poisoned = PARAGRAPHS[150].text

    def reply(body):
        part = article_of(body)
        return lb.error(400, message="context too long") if poisoned in part else answer(body)

    loopback.default = lb.respond(reply)
    with pytest.raises(Exception) as caught:
        summarize_async(loopback)
    error = caught.value
    assert type(error).__name__ == "APIRequestError" and error.exit_code == 1 and error.status_code == 400
    assert re.match(r"part 4 of 8 \(characters \d+-\d+\): API refused the request \(HTTP 400", error.message)
    assert len(loopback.requests) <= 8
    with lb.LoopbackServer() as other:  # one part after another: nothing is sent after the failed part
        other.default = lb.respond(reply)
        with pytest.raises(type(error), match=r"^part 4 of 8 "):
            make(other).summarize(ARTICLE)
        assert len(other.requests) == 4


def test_the_batch_runner_splits_long_articles_too(loopback, tmp_path):
    loopback.default = lb.respond(answer)
    short = "\n\n".join(p.text for p in PARAGRAPHS[2:6])
    inputs = tmp_path / "in.jsonl"
    inputs.write_text(json.dumps({"id": "long", "text": ARTICLE}) + "\n" + json.dumps({"id": "short", "text": short}) + "\n")
    settings = resolve_settings(backend="openai", base_url=loopback.url, model="loopback-model", max_retry_wait=0.05)
    out = tmp_path / "out.jsonl"
    job = BatchJob([str(inputs)], out, settings, BatchOptions(concurrency=2, cache=False, rpm=6_000))
    assert job.backend.inner.limiter is job.limiter  # every part of every article under the job's limiter
    # a budget's guess for the long article counts every part's request
    assert job.backend.estimate_usage(ARTICLE).prompt_tokens == sum(
        job.backend.inner.estimate_usage(p.text).prompt_tokens for p in job.backend.split(ARTICLE))
    summary = asyncio.run(job.run())
    records = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert summary["ok"] == 2 and summary["api_calls"] == 9 and len(loopback.requests) == 9
    assert (records["long"]["meta"]["parts"], records["short"]["meta"]["parts"]) == (8, 1)
    long_brief = Brief.model_validate(records["long"]["brief"])
    assert sorted(f.evidence for f in long_brief.figures) == sorted(f.evidence for f in ALL_FIGURES)
    assert summary["usage"]["prompt_tokens"] == sum(len(article_of(r.body)) // 4 for r in loopback.requests)


def test_the_cli_budget_option_sets_the_parts(loopback, tmp_path):
    loopback.default = lb.respond(answer)
    path = tmp_path / "long.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["brief", str(path), "--backend", "openai", "--base-url", loopback.url,
                                 "--model", "loopback-model", "--with-meta", "--max-input-tokens", "12000"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["meta"]["parts"] == len(loopback.requests) == 4
    assert all(request_tokens(r.body) <= 12_000 for r in loopback.requests)
    assert max(request_tokens(r.body) for r in loopback.requests) > 11_000


# --- the hard cap ----------------------------------------------------------------------------


def test_an_article_beyond_the_cap_is_refused_before_any_request(loopback):
    loopback.default = lb.respond(answer)
    summarizer = make(loopback, max_article_chars=100_000)
    for call in (lambda: summarizer.summarize(ARTICLE), lambda: summarize_async(loopback, max_article_chars=100_000)):
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.exit_code == 2
        assert caught.value.message == (
            f"the article is {len(ARTICLE):,} characters, beyond the cap of 100,000; "
            "split it or raise --max-article-chars")
    assert loopback.requests == []


def test_the_cli_refuses_an_article_beyond_the_cap_with_exit_2(loopback, tmp_path, monkeypatch):
    loopback.default = lb.respond(answer)
    path = tmp_path / "long.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    common = ["brief", str(path), "--backend", "openai", "--base-url", loopback.url, "--model", "m"]
    result = runner.invoke(app, [*common, "--max-article-chars", "50000"])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"summarizer: error: the article is {len(ARTICLE):,} characters, beyond the cap of "
                             "50,000; split it or raise --max-article-chars\n")
    monkeypatch.setenv("SUMMARIZER_MAX_ARTICLE_CHARS", "60_000")
    result = runner.invoke(app, common)
    assert result.exit_code == 2 and "beyond the cap of 60,000" in result.stderr
    assert loopback.requests == []
    result = runner.invoke(app, ["brief", str(path), "--backend", "offline", "--max-article-chars", "50000"])
    assert result.exit_code == 2 and "beyond the cap of 50,000" in result.stderr


def test_budget_settings_from_the_environment_and_their_errors(monkeypatch):
    monkeypatch.setenv("SUMMARIZER_MAX_INPUT_TOKENS", "3500")
    assert resolve_settings().max_input_tokens == 3_500
    assert resolve_settings(max_input_tokens=9000).max_input_tokens == 9_000
    monkeypatch.setenv("SUMMARIZER_MAX_INPUT_TOKENS", "lots")
    with pytest.raises(ConfigError, match="max_input_tokens must be a whole number, got 'lots'"):
        resolve_settings()
    monkeypatch.delenv("SUMMARIZER_MAX_INPUT_TOKENS")
    with pytest.raises(ConfigError, match="must be positive"):
        resolve_settings(max_article_chars=0)
    with pytest.raises(ConfigError, match=r"max_input_tokens 1000 leaves no room for the article: the prompt alone "
                                          r"is about \d+ tokens; set at least \d+"):
        Summarizer(backend="openai", base_url="http://127.0.0.1:9/v1", model="m", max_input_tokens=1000)


# --- the offline backend reads a long article whole ------------------------------------------


def test_the_offline_backend_says_it_has_no_limiter_and_costs_nothing():
    from summarizer.backends import make_backend

    backend = make_backend(resolve_settings(backend="offline"))
    assert backend.name == "offline" and backend.part_chars is None
    caps = backend.capabilities
    assert (caps.rate_limited, caps.costs_tokens, caps.splits_long_articles) == (False, False, False)
    assert backend.limiter is None and backend.estimate_usage("any text " * 5000).total_tokens == 0
    assert len(backend.split(ARTICLE)) == 1



@pytest.mark.wallclock
def test_the_offline_backend_reads_20000_words_whole_and_fast():
    summarizer = Summarizer(backend="offline")
    summarizer.summarize(PARAGRAPHS[2].text)  # tables and regexes built
    started = time.perf_counter()
    brief = summarizer.summarize(ARTICLE)
    elapsed = time.perf_counter() - started
    assert brief.meta.parts == 1 and elapsed < 5.0, elapsed
    assert Brief.model_validate_json(brief.model_dump_json()).model_dump() == brief.model_dump()
    spans = [(f.evidence, f.evidence_span) for f in brief.figures]
    spans += [(c.evidence, c.evidence_span) for c in brief.security_concerns]
    assert spans and all(
        s.status is AlignmentStatus.exact and normalize(ARTICLE[s.start : s.end]) == normalize(e) for e, s in spans)
    found = {(f.value, f.unit) for f in brief.figures}
    counted = [f for f in ALL_FIGURES if f.fields["unit"] in {"tonne", "megawatt", "visa"}]
    assert sum((f.fields["value"], f.fields["unit"]) in found for f in counted) >= 0.95 * len(counted)
