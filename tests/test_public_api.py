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
            "ConfigError", "Figure", "GroundingReport", "InputError", "OutputError", "Participant", "Qualifier", "QuotaExhaustedError",
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
        async with summarizer.Summarizer(backend="openai", base_url=loopback.url, model="m") as s:
            return await s.asummarize(ARTICLE)

    assert asyncio.run(run()).participants[0].name == "Tomas Aveiro"


def test_empty_text_is_refused_before_any_call(loopback):
    import pytest

    with pytest.raises(summarizer.InputError, match="empty"):
        summarizer.Summarizer(backend="openai", base_url=loopback.url, model="m").summarize("   ")
    assert loopback.requests == []


def test_openai_backend_without_key_fails_at_construction():
    import pytest

    with pytest.raises(summarizer.ConfigError, match="set OPENAI_API_KEY"):
        summarizer.Summarizer(backend="openai")


# The command line as it was before the package was reshaped (issue 9): every command and
# every option a user may have scripted still exists. Options may be added, never removed.
CLI_SURFACE = {
    "batch download": ["--base-url", "--dir", "--ids-file", "-d"],
    "batch export": ["--force", "--max-megabytes", "--max-requests", "--model", "--prefix"],
    "batch import": ["--inputs", "--model", "--output", "--requests", "-o"],
    "batch run": ["--backend", "--base-url", "--cache-path", "--concurrency", "--force", "--max-cost", "--max-tokens",
                  "--mode", "--model", "--no-cache", "--output", "--prices", "--resume", "--retry-failed", "--rpm",
                  "--tpm", "--verbose", "--workers", "-o", "-v"],
    "batch status": ["--base-url", "--ids-file", "--interval", "--json", "--timeout", "--wait"],
    "batch submit": ["--base-url", "--ids-file", "--metadata"],
    "brief": ["--backend", "--base-url", "--format", "--max-article-chars", "--max-input-tokens", "--mode", "--model",
              "--output", "--temperature", "--timeout", "--ungrounded", "--verbose", "--with-meta", "-f", "-o", "-v"],
    "eval": ["--backend", "--base-url", "--baseline", "--bless", "--dataset", "--format", "--mode", "--model",
             "--predictions", "--repeat", "--report-dir", "--save-predictions", "--value-tolerance", "--verbose",
             "-d", "-f", "-v"],
    "schema": ["--output", "--request", "-o"],
    "validate": [],
}


def cli_surface():
    import typer

    from summarizer.cli import app

    def walk(command, path):
        if getattr(command, "commands", None):
            for name, child in command.commands.items():
                yield from walk(child, [*path, name])
        else:
            yield " ".join(path), {o for p in command.params for o in p.opts if o.startswith("-")}

    return dict(walk(typer.main.get_command(app), []))


def test_every_command_and_option_of_the_cli_is_still_there():
    surface = cli_surface()
    assert set(surface) == set(CLI_SURFACE)
    for command, options in CLI_SURFACE.items():
        assert set(options) <= surface[command], command


def test_the_documented_exit_codes_hold():
    from summarizer.cli import common

    assert (common.EXIT_REGRESSION, common.EXIT_STILL_RUNNING, common.EXIT_INTERRUPTED) == (3, 5, 130)
    assert (summarizer.QuotaExhaustedError.exit_code, summarizer.InputError.exit_code,
            summarizer.ConfigError.exit_code, summarizer.BackendError.exit_code) == (4, 2, 2, 1)


def test_the_readme_s_whole_brief_is_a_valid_brief_grounded_in_its_article():
    import re
    from pathlib import Path

    from summarizer.models import Brief

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### A whole brief"):]
    article = re.search(r"```text\n(.*?)\n```", section, re.S).group(1) + "\n"
    brief = Brief.model_validate_json(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))
    excerpts = [e for t in brief.topics for e in t.evidence] + [f.evidence for f in brief.figures] + \
               [c.evidence for c in brief.security_concerns]
    assert excerpts and all(e in article for e in excerpts)
    for figure in brief.figures:
        assert article[figure.evidence_span.start:figure.evidence_span.end] == figure.evidence
