"""The offline backend: a deterministic, rule-based extractor of briefs (no network, no model).

``extract(text)`` reads one news article and returns a :class:`summarizer.models.Brief`
with every field filled from the article itself; every evidence string is an exact
excerpt of ``text``, so grounding finds it as ``exact``. Spans are left to the caller.

Modules, one job each:

    scanner      one hyperscan scan per article: every stage's cues, and exact patterns at their spots
    scan         case-insensitive keyword patterns run over the lower-cased article
    patterns     regex alternations of long word lists, as a character trie
    keyword_cues keyword regexes as the literal words a scanner cue looks for
    text         paragraphs, sentences, quotations and clauses as character offsets
    language     whether a text is English, which the rules read (the backend refuses the rest)
    countries    country names, aliases and demonyms (with pycountry's official names)
    lexicon      word lists of news style: kinds of titles, verbs of saying, units, keywords
                 (the titles themselves and name folding: summarizer.names)
    numbers      numbers cited as quantities: value, unit, qualifier
    multipliers  multipliers in words ("doubled", "twofold")
    rawfigure    a number found, before measure, period and speaker
    lookback     what stands right before a number (currency, qualifier, label, date)
    currencies   currencies named in words, as ISO 4217 codes by the article's countries
    shares       fractions used as shares ("a third of"), as percents
    context_units  what a bare number counts when its sentence names it elsewhere; "from X to Y"
    table_cells  a table cell's period: the heading of its column
    figures      figures of the brief: evidence clause, measure, period, speaker
    periods      a figure's period: time expressions near it
    mentions     name, country and organization patterns shared by the finders below
    namecues     the scanner cues of the people and organization finders
    backwards    where a name can start, read backwards from the cue after it
    honorifics   forms of address before a name ("Comrade", "His Excellency"): aliases
    offices      offices stated in a clause of their own ("X has been ... Minister")
    participant  a participant being built, and the role it reads as
    people       people, by titles, appositions, verbs of saying and counterparts
    roles        roles written out around a name ("Ana Souza, a senior analyst at ...")
    owners       whose office "its spokesperson" is
    datelines    the country of a wire story's dateline
    aliases      mentions of one person merged under one participant
    organizations  organizations named; keeping decides which speak or act
    keeping      which organizations a brief keeps
    attribution  who said what: speech events and quotation speakers
    name_spans   where each form of a participant's name occurs, as whole words
    statements   clues of who states what beyond "X said" (a pronoun, "put ... at", a description)
    turns        speech laid out by the page: interview turns, live-blog entries, readout bullets
    topics       topics by weighted keyword tables
    security     security concerns: threats and the measures against them
    concern_issue   a concern's issue: a whole phrase around its cue
    concern_region  a concern's region: the place of its clause
    headline     extractive headline and summary
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..models import Brief, Participant
from .attribution import Attribution
from .figures import build_figures
from .headline import headline, summary
from .people import Participant as _Draft
from .people import find_organizations, find_people
from .security import build_concerns
from .text import Document
from .topics import build_topics

__all__ = ["Run", "extract", "stages"]


def extract(text: str) -> Brief:
    """The brief of one article, built by rules only; deterministic for a given text."""
    return stages(text).brief


@dataclass
class Run:
    """What :func:`stages` made: the brief, and with a clock the seconds each stage took."""

    brief: Brief
    times: dict[str, float] = field(default_factory=dict)


def stages(text: str, clock: Callable[[], float] | None = None) -> Run:
    """The stages of :func:`extract`, one after another; with ``clock`` each one is timed."""
    times: dict[str, float] = {}
    mark = clock() if clock else 0.0

    def done(stage: str) -> None:
        nonlocal mark
        if clock:
            now = clock()
            times[stage] = times.get(stage, 0.0) + now - mark
            mark = now

    doc = Document(text)
    done("document (paragraphs, sentences, quotes)")
    people = find_people(text)
    done("people")
    organizations = find_organizations(text)
    done("organizations")
    attribution = Attribution(doc, people + organizations)
    # organizations are kept only when they speak or act ("the Kremlin said")
    acting = attribution.actors()
    kept = people + [o for i, o in enumerate(organizations, start=len(people)) if i in acting]
    if len(kept) != len(people) + len(organizations):
        attribution = Attribution(doc, kept)
    done("attribution")
    figures = build_figures(doc, attribution)
    done("figures")
    concerns = build_concerns(doc, attribution)
    done("security concerns")
    topics = build_topics(doc)
    done("topics")
    mentions = [(m.start, m.end, m.who) for m in attribution.mentions]
    figure_starts = [text.find(f.evidence) for f in figures]
    brief = Brief(
        headline=headline(doc) or None,
        summary=summary(doc, mentions, figure_starts) or None,
        participants=[_public(p) for p in kept],
        topics=topics,
        figures=figures,
        security_concerns=concerns,
    )
    done("headline, summary, brief")
    return Run(brief, times)


def _public(p: _Draft) -> Participant:
    return Participant(
        name=p.name,
        aliases=list(p.aliases),
        role=p.role,
        affiliation=p.affiliation,
        kind=p.kind,
    )
