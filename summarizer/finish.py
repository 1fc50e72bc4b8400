"""The one place a brief gets its spans, its checks and its metadata.

Every producer hands its brief over here unfinished: the offline extractor, the LLM
backend, the provider batch import and the merge of a long article's parts. Here it is
grounded in the article (a span beside every evidence, ungrounded items flagged or
dropped), checked for text addressed to a model (``possible_injection``), and given
its :class:`BriefMeta`, so every brief carries the same checks whatever made it. This
module is the only one that builds a ``BriefMeta``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from .grounding import ArticleIndex, UngroundedPolicy, ground, reference_warnings
from .injection import flag_injection
from .models import Brief, BriefMeta, GroundingReport, Usage

__all__ = ["Production", "cached", "finish", "merged", "served"]


@dataclass(frozen=True)
class Production:
    """How a brief was made, as its producer knows it.

    ``version`` is the version of what made the brief (the prompt's for an LLM, the
    extractor's for the offline backend); it lands in ``meta.prompt_version``.
    ``warnings`` are the producer's own; ``ungrounded_note``, when set, adds one warning
    ``"<note>: <path>"`` per item whose evidence was not found. With ``started`` (a
    ``time.perf_counter()`` reading) the latency runs until the brief is finished.
    ``read`` is the article as the producer read it when it blanked parts out as not
    content (:func:`summarizer.not_content.blank`: same length, same offsets): evidence
    is looked for there, so no span points into a part left out.
    """

    backend: str
    version: str
    model: str | None = None
    mode: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency_s: float = 0.0
    attempts: int = 0
    transport_retries: int = 0
    reasoning_chars: int = 0
    warnings: Sequence[str] = ()
    ungrounded_note: str | None = None
    started: float | None = None
    read: str | None = None


def finish(brief: Brief, article: str | ArticleIndex, policy: UngroundedPolicy, made: Production) -> Brief:
    """``brief`` grounded in ``article``, checked, and carrying its metadata (a new object)."""
    index = article if isinstance(article, ArticleIndex) else ArticleIndex(article)
    grounded, report = ground(brief, index if made.read is None else ArticleIndex(made.read), policy)
    warnings = list(made.warnings)
    if made.ungrounded_note:
        warnings += [f"{made.ungrounded_note}: {issue.path}" for issue in report.issues]
    grounded._meta = BriefMeta(
        backend=made.backend,
        model=made.model,
        mode=made.mode,
        prompt_version=made.version,
        usage=made.usage,
        latency_s=round(made.latency_s if made.started is None else time.perf_counter() - made.started, 4),
        attempts=made.attempts,
        transport_retries=made.transport_retries,
        reasoning_chars=made.reasoning_chars,
        grounding=report,
        warnings=warnings + reference_warnings(report),
        possible_injection=flag_injection(index.text),
    )
    return grounded


def merged(brief: Brief, metas: Sequence[BriefMeta], grounding: GroundingReport, latency_s: float) -> Brief:
    """``brief``, merged from parts, with metadata summed over its parts' ``metas``.

    Counts (attempts, retries, reasoning), usage and latency add up; a flag such as ``possible_injection`` is raised
    when any part raised it; each part's warnings are kept, prefixed with its number.
    """
    if not metas:
        return brief
    first, count = metas[0], len(metas)
    flags = {
        name: any(getattr(m, name) for m in metas)
        for name, info in BriefMeta.model_fields.items()
        if info.annotation is bool and name != "cached"
    }
    brief._meta = first.model_copy(
        update={
            **flags,
            "usage": sum((m.usage for m in metas), Usage()),
            "latency_s": round(latency_s, 4),
            "attempts": sum(m.attempts for m in metas),
            "transport_retries": sum(m.transport_retries for m in metas),
            "reasoning_chars": sum(m.reasoning_chars for m in metas),
            "grounding": grounding,
            "warnings": [f"part {n + 1} of {count}: {w}" for n, m in enumerate(metas) for w in m.warnings],
            "cached": False,
            "parts": count,
        }
    )
    return brief


def cached(meta: BriefMeta) -> BriefMeta:
    """``meta`` as served from the local cache: no API call was made for it."""
    return meta.model_copy(update={"cached": True})


def served(brief: Brief, meta: BriefMeta) -> Brief:
    """``brief`` carrying ``meta``: a brief read back from the cache or a file, with its metadata."""
    brief._meta = meta
    return brief
