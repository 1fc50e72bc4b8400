"""The ``summarizer batch`` commands: run a job, export provider request files, import results.

``summarizer batch INPUT... -o OUT.jsonl`` is short for ``summarizer batch run ...``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from .config import Backend, Mode, resolve_settings
from .errors import SummarizerError

PROGRESS_EVERY_S = 10.0


class _RunByDefault(TyperGroup):
    """``summarizer batch a.txt -o out.jsonl`` runs a job: a first word that is no subcommand means ``run``."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


batch_app = typer.Typer(cls=_RunByDefault, help="Summarize many articles: run a job, or use provider batch files.",
                        no_args_is_help=True)


class _Progress:
    """A rich progress bar on a terminal; plain periodic lines otherwise."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.last = 0.0
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[detail]}"), TimeRemainingColumn(), transient=False)
            self.task = self.bar.add_task("briefs", total=total, detail="")
            self.bar.start()

    def __call__(self, accounts) -> None:  # type: ignore[no-untyped-def]
        done = accounts.done + accounts.skipped
        detail = (f"failed {sum(accounts.failed.values())}  cached {accounts.cached}  "
                  f"tokens {accounts.usage.total_tokens:,}")
        if self.bar is not None:
            self.bar.update(self.task, completed=done, detail=detail)
            return
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_S or done == self.total:
            self.last = now
            typer.echo(f"summarizer: batch {done}/{self.total} done, {detail}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@batch_app.command("run")
def run_command(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="Files (txt, md, html), folders, JSONL with id and text, or -")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL, one line per input id")],
    backend: Annotated[Backend, typer.Option(help="auto: openai when a key or base URL is set, else offline")] = Backend.auto,
    model: Annotated[Optional[str], typer.Option(help="Model name [env SUMMARIZER_MODEL]")] = None,
    base_url: Annotated[Optional[str], typer.Option(help="OpenAI-compatible server [env OPENAI_BASE_URL]")] = None,
    mode: Annotated[Optional[Mode], typer.Option(help="Structured-output mode [env SUMMARIZER_MODE]")] = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once")] = 16,
    rpm: Annotated[Optional[float], typer.Option(help="Client-side limit, requests per minute")] = None,
    tpm: Annotated[Optional[float], typer.Option(help="Client-side limit, tokens per minute")] = None,
    resume: Annotated[bool, typer.Option(help="Continue an interrupted run into the same output")] = False,
    retry_failed: Annotated[bool, typer.Option(help="Run again only the ids whose line is an error")] = False,
    force: Annotated[bool, typer.Option(help="Overwrite the output, or resume despite a different configuration")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not read or write the local brief cache")] = False,
    cache_path: Annotated[Optional[Path], typer.Option(help="SQLite cache file (default ~/.cache/summarizer/briefs.sqlite)")] = None,
    max_cost: Annotated[Optional[float], typer.Option(help="Stop cleanly before the estimated cost in US$ exceeds this")] = None,
    max_tokens: Annotated[Optional[int], typer.Option(help="Stop cleanly before the tokens used exceed this")] = None,
    prices: Annotated[Optional[Path], typer.Option(help='JSON price table {"model": [input, cached, output]} per 1M tokens')] = None,
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="-v info, -vv debug logs")] = 0,
) -> None:
    """Summarize many articles into OUT.jsonl; resumable, cached, rate-limited."""
    from .batch.runner import BatchJob, BatchOptions
    from .cli import _configure_logging, _fail

    _configure_logging(verbose)
    try:
        settings = resolve_settings(backend=backend, model=model, base_url=base_url, mode=mode)
        options = BatchOptions(concurrency=concurrency, rpm=rpm, tpm=tpm, cache=not no_cache, cache_path=cache_path,
                               resume=resume, retry_failed=retry_failed, force=force, max_cost=max_cost,
                               max_tokens=max_tokens, prices_path=prices)
        if backend is Backend.auto and settings.resolved_backend() is Backend.offline:
            typer.echo("summarizer: no OPENAI_API_KEY or OPENAI_BASE_URL set: using the offline backend", err=True)
        job = BatchJob(inputs, output, settings, options)
        progress = _Progress(len(job.ids))
        job.on_progress = progress
        try:
            summary = asyncio.run(job.run())
        finally:
            progress.close()
    except SummarizerError as exc:
        raise _fail(exc) from None
    except KeyboardInterrupt:
        typer.echo(f"summarizer: interrupted; every finished article is in {output}; "
                   "run again with --resume to continue", err=True)
        raise typer.Exit(130) from None
    typer.echo(json.dumps(summary, indent=2), err=True)
    if summary.get("stopped_by"):
        typer.echo(f"summarizer: stopped by {summary['stopped_by']}; --resume continues the job", err=True)
