"""The public surface: what `from summarizer import ...` offers is deliberate and tested."""

from __future__ import annotations

import asyncio

import summarizer
import loopback as lb
from test_llm_backend import ARTICLE, REPLY


def test_exported_members():
    assert sorted(summarizer.__all__) == sorted(
        [
            "APIRequestError", "AccessError", "AlignmentStatus", "BackendError", "Brief", "BriefMeta", "Category",
            "ConfigError", "Figure", "GroundingReport", "InputError", "Participant", "Qualifier", "QuotaExhaustedError",
            "SecurityConcern", "Settings", "Span", "Summarizer", "SummarizerError", "Topic",
            "TransportError", "UngroundedPolicy", "ValidationFailedError", "__version__", "summarize",
        ]
    )
    for name in summarizer.__all__:
        assert hasattr(summarizer, name), name


def test_error_hierarchy_and_exit_codes():
    assert issubclass(summarizer.TransportError, summarizer.BackendError)
    assert issubclass(summarizer.QuotaExhaustedError, summarizer.APIRequestError)
    assert (summarizer.QuotaExhaustedError.exit_code, summarizer.AccessError.exit_code) == (4, 1)
    assert issubclass(summarizer.BackendError, summarizer.SummarizerError)
    assert (summarizer.InputError.exit_code, summarizer.ConfigError.exit_code, summarizer.BackendError.exit_code) == (2, 2, 1)


def test_summarize_shortcut_and_metadata_without_logs(loopback):
    loopback.enqueue(lb.brief(REPLY, usage=(50, 25)), lb.brief(REPLY, usage=(50, 25)))
    brief = summarizer.summarize(ARTICLE, backend="openai", base_url=loopback.url, model="m")
    assert isinstance(brief, summarizer.Brief)
    meta = brief.meta
    assert (meta.backend, meta.model, meta.usage.total_tokens, meta.attempts) == ("openai", "m", 75, 1)
    from summarizer.prompts import prompt_version

    assert meta.prompt_version == prompt_version()
    assert meta.latency_s > 0 and meta.grounding.grounding_rate == 1.0

    async def run():
        async with summarizer.Summarizer(backend="openai", base_url=loopback.url) as s:
            return await s.asummarize(ARTICLE)

    assert asyncio.run(run()).participants[0].name == "Tomas Aveiro"


def test_empty_text_is_refused_before_any_call(loopback):
    import pytest

    with pytest.raises(summarizer.InputError, match="empty"):
        summarizer.Summarizer(backend="openai", base_url=loopback.url).summarize("   ")
    assert loopback.requests == []


def test_openai_backend_without_key_fails_at_construction():
    import pytest

    with pytest.raises(summarizer.ConfigError, match="set OPENAI_API_KEY"):
        summarizer.Summarizer(backend="openai")
