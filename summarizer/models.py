"""The brief (contract ``brief-v1``) and its parts.

Two layers share the contract's field names:

* ``*Draft`` models are what the LLM is asked to fill: only the contract's fields, every
  field required (nullable where the contract allows null), short descriptions. Their
  JSON Schema is what a request carries, so it stays small and stable.
* The public models (:class:`Brief`, :class:`Figure`, ...) add what the summarizer
  computes: the schema version and, beside each ``evidence``, where it sits in the
  article (:class:`Span`). A brief without spans, such as a gold file, is still valid.

Cross-field rules (a figure's ``speaker`` and a concern's ``raised_by`` name a listed
participant) live here, so every producer of a brief obeys them.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, field_validator, model_validator

from .names import fold

SCHEMA_VERSION = "1.0"
MAX_HEADLINE_WORDS = 25


class Category(str, Enum):
    """Topic categories of the contract."""

    diplomacy = "diplomacy"
    economy_trade = "economy_trade"
    security_defense = "security_defense"
    energy = "energy"
    migration_labor = "migration_labor"
    culture_education = "culture_education"
    health = "health"
    infrastructure_transport = "infrastructure_transport"
    environment_climate = "environment_climate"
    humanitarian = "humanitarian"
    law_governance = "law_governance"
    technology = "technology"
    other = "other"


class Qualifier(str, Enum):
    """How a figure's value relates to the true quantity."""

    exact = "exact"
    approximately = "approximately"
    more_than = "more_than"
    less_than = "less_than"
    at_least = "at_least"
    up_to = "up_to"


class Kind(str, Enum):
    person = "person"
    organization = "organization"


class AlignmentStatus(str, Enum):
    """How an evidence excerpt was found in the article.

    ``exact``: the same characters, allowing only typographic differences (runs of
    whitespace, non-breaking spaces, curly or straight quotes, dash variants, case).
    ``fuzzy``: a close approximate match with the same numbers. ``not_found``: ungrounded.
    """

    exact = "exact"
    fuzzy = "fuzzy"
    not_found = "not_found"


Number = StrictInt | Annotated[float, Field(strict=True, allow_inf_nan=False)]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class Span(_Model):
    """Where an excerpt sits in the article: ``[start, end)`` in characters of the original text."""

    start: int | None = Field(default=None, ge=0)
    end: int | None = Field(default=None, ge=0)
    status: AlignmentStatus
    score: float = Field(default=0.0, ge=0.0, le=100.0, description="similarity, 0-100")

    @property
    def grounded(self) -> bool:
        return self.status is not AlignmentStatus.not_found

    @model_validator(mode="after")
    def _consistent(self) -> Span:
        located = self.start is not None and self.end is not None
        if self.status is AlignmentStatus.not_found and (self.start is not None or self.end is not None):
            raise ValueError("an excerpt that was not found has no start or end")
        if self.status is not AlignmentStatus.not_found and not located:
            raise ValueError("a found excerpt needs both start and end")
        if located and self.end < self.start:  # type: ignore[operator]
            raise ValueError("span end lies before its start")
        return self


class GroundingIssue(_Model):
    """One item whose evidence is not in the article, whose figure text is not in its evidence,
    or a participant the article does not name."""

    path: str = Field(description="e.g. figures[2].evidence")
    excerpt: str
    problem: str


class GroundingReport(_Model):
    """How the evidence of one brief was located in its article."""

    excerpts: int = 0
    exact: int = 0
    fuzzy: int = 0
    not_found: int = 0
    dropped_items: int = 0
    participants_not_found: int = Field(default=0, description="participants the article does not name")
    issues: list[GroundingIssue] = Field(default_factory=list)
    cleared_references: list[GroundingIssue] = Field(
        default_factory=list, description="speakers and raised_by set to null: their participant was dropped"
    )

    @property
    def grounding_rate(self) -> float:
        """Share of excerpts found in the article (1.0 for a brief with none)."""
        return 1.0 if self.excerpts == 0 else (self.exact + self.fuzzy) / self.excerpts



# --- what the LLM fills -------------------------------------------------------------


class ParticipantDraft(_Model):
    name: NonEmpty = Field(description="Fullest form in the article")
    aliases: list[str] = Field(description="Other mentions: surname, title, 'the Russian leader'")
    role: str | None = Field(description="e.g. 'President of Russia'")
    affiliation: str | None = Field(description="Country or organization")
    kind: Kind


class TopicDraft(_Model):
    label: NonEmpty = Field(description="A few words")
    category: Category
    evidence: list[NonEmpty] = Field(min_length=1, description="Verbatim excerpts")


class FigureDraft(_Model):
    text: NonEmpty = Field(description="Verbatim words of the number")
    value: Number = Field(description="Scaled: 'US$1.8 billion' is 1800000000")
    value_max: Number | None = Field(description="Upper bound of a range, else null")
    unit: NonEmpty = Field(description="percent, percentage_points, ISO 4217 code, or singular noun")
    qualifier: Qualifier
    measure: NonEmpty = Field(description="What it counts")
    period: str | None = Field(description="Time it refers to, as written")
    speaker: str | None = Field(description="Participant name who stated it; null if the article does")
    evidence: NonEmpty = Field(description="Verbatim excerpt containing it")

    @model_validator(mode="after")
    def _range_ordered(self) -> FigureDraft:
        if self.value_max is not None and self.value_max < self.value:
            raise ValueError(f"value_max {self.value_max} is below value {self.value}")
        return self


class SecurityConcernDraft(_Model):
    issue: NonEmpty = Field(description="Short description")
    region: str | None
    raised_by: str | None = Field(description="Participant name who raised it, or null")
    evidence: NonEmpty = Field(description="Verbatim excerpt")


class _BriefRules(_Model):
    """Rules shared by the draft and the public brief."""

    @field_validator("headline", check_fields=False)
    @classmethod
    def _short_headline(cls, value: str | None) -> str | None:
        if value is not None and len(value.split()) > MAX_HEADLINE_WORDS:
            raise ValueError(f"headline has {len(value.split())} words; at most {MAX_HEADLINE_WORDS}")
        return value

    @model_validator(mode="after")
    def _references_name_participants(self) -> Any:
        """Resolve speaker and raised_by to a participant's name, or refuse them."""
        lookup: dict[str, str] = {}
        for participant in self.participants:  # type: ignore[attr-defined]
            for mention in [participant.name, *participant.aliases]:
                lookup.setdefault(fold(mention), participant.name)
        problems = []
        for index, figure in enumerate(self.figures):  # type: ignore[attr-defined]
            if figure.speaker is not None:
                resolved = lookup.get(fold(figure.speaker))
                if resolved is None:
                    problems.append(f"figures[{index}].speaker {figure.speaker!r}")
                else:
                    figure.speaker = resolved
        for index, concern in enumerate(self.security_concerns):  # type: ignore[attr-defined]
            if concern.raised_by is not None:
                resolved = lookup.get(fold(concern.raised_by))
                if resolved is None:
                    problems.append(f"security_concerns[{index}].raised_by {concern.raised_by!r}")
                else:
                    concern.raised_by = resolved
        if problems:
            raise ValueError(
                "must name a listed participant (or be null): " + "; ".join(problems)
            )
        return self


class BriefDraft(_BriefRules):
    """A brief of one news article. Evidence strings are verbatim excerpts of the article."""

    headline: NonEmpty = Field(description=f"One line, at most {MAX_HEADLINE_WORDS} words")
    summary: NonEmpty = Field(description="2-4 neutral sentences, only facts in the article")
    participants: list[ParticipantDraft]
    topics: list[TopicDraft]
    figures: list[FigureDraft] = Field(description="Every quantity; not dates, ages or ordinals")
    security_concerns: list[SecurityConcernDraft]


# --- the public brief: the draft plus what the summarizer computes --------------------


class Participant(ParticipantDraft):
    """A person or organization taking part in the events or quoted."""

    aliases: list[str] = Field(default_factory=list)
    role: str | None = None
    affiliation: str | None = None


class Topic(TopicDraft):
    """One distinct subject of the article, with the excerpts that show it."""

    evidence_spans: list[Span] | None = Field(
        default=None, description="Where each evidence excerpt sits, in the same order"
    )

    @model_validator(mode="after")
    def _one_span_per_excerpt(self) -> Topic:
        if self.evidence_spans is not None and len(self.evidence_spans) != len(self.evidence):
            raise ValueError("evidence_spans must have one span per evidence excerpt")
        return self


class Figure(FigureDraft):
    """A quantity the article cites, who stated it, and where."""

    value_max: Number | None = None
    period: str | None = None
    speaker: str | None = None
    evidence_span: Span | None = None


class SecurityConcern(SecurityConcernDraft):
    """A threat, risk or instability, or a measure taken against one."""

    region: str | None = None
    raised_by: str | None = None
    evidence_span: Span | None = None


class Brief(_BriefRules):
    """The structured brief of one article (contract brief-v1)."""

    schema_version: Literal["1.0"] = SCHEMA_VERSION
    headline: str | None = None
    summary: str | None = None
    participants: list[Participant] = Field(default_factory=list)
    topics: list[Topic] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    security_concerns: list[SecurityConcern] = Field(default_factory=list)

    _meta: BriefMeta | None = PrivateAttr(default=None)

    @property
    def meta(self) -> BriefMeta | None:
        """How this brief was made (backend, model, prompt version, usage, grounding), if known."""
        return self._meta

    def participant(self, name: str) -> Participant | None:
        """The participant whose name or alias is ``name`` (case and accents ignored)."""
        wanted = fold(name)
        for participant in self.participants:
            if wanted in {fold(m) for m in [participant.name, *participant.aliases]}:
                return participant
        return None

    @classmethod
    def from_draft(cls, draft: BriefDraft) -> Brief:
        """The public brief holding a draft's fields, with no spans computed yet."""
        return cls.model_validate(draft.model_dump(mode="python"))


class Usage(_Model):
    """Tokens billed for one brief, summed over every call that returned a completion.

    The one sum of usage: ``a + b``, ``sum(usages, Usage())``; :meth:`of` reads a server's
    usage block (the openai client's object or its JSON).
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cached_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            total_tokens=self.total_tokens + other.total_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
        )

    @classmethod
    def of(cls, block: Any) -> Usage:
        """The usage a reply reports (an object with attributes or a dict; None or junk is zero)."""
        if block is None:
            return cls()

        def get(source: Any, name: str) -> Any:
            return source.get(name) if isinstance(source, dict) else getattr(source, name, None)

        def count(value: Any) -> int:
            return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0

        details = get(block, "prompt_tokens_details")
        return cls(
            prompt_tokens=count(get(block, "prompt_tokens")),
            completion_tokens=count(get(block, "completion_tokens")),
            total_tokens=count(get(block, "total_tokens")),
            cached_tokens=count(get(details, "cached_tokens")) if details is not None else 0,
        )


class BriefMeta(_Model):
    """How a brief was made; travels with every result."""

    backend: str
    model: str | None = None
    mode: str | None = None
    prompt_version: str
    schema_version: str = SCHEMA_VERSION
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = 0.0
    attempts: int = Field(default=0, description="completions received (1 + validation re-asks)")
    transport_retries: int = 0
    grounding: GroundingReport = Field(default_factory=GroundingReport)
    warnings: list[str] = Field(default_factory=list)
    cached: bool = Field(default=False, description="served from the local cache: no API call")
    parts: int = Field(default=1, ge=1, description="parts a long article was split into, one request each")
    possible_injection: bool = Field(
        default=False, description="the article holds text addressed to an AI model (see summarizer.injection)"
    )
    # Only the size of a reasoning model's thinking is kept, not its text: briefs are
    # written to JSONL by the million and thinking often runs to several times the brief
    # (10-50 KB), and it may quote the article, which logs and records never hold beyond
    # the brief's own excerpts. A count is bounded and still tells a reasoning model's
    # cost and whether the reply carried any (the tokens it cost are in ``usage``).
    reasoning_chars: int = Field(
        default=0,
        ge=0,
        description="characters of reasoning (a <think> block or a reasoning field) set aside, not part of "
        "the brief; summed over every completion",
    )
