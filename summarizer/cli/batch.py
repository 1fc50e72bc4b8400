"""The ``summarizer batch`` commands that run a job or write and read provider batch files.

``summarizer batch INPUT... -o OUT.jsonl`` is short for ``summarizer batch run ...``. The
commands that talk to a provider's Batch API are in :mod:`.batch_provider`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup

from ..config import Backend, UngroundedPolicy, resolve_settings
from ..errors import ConfigError, InputError, SummarizerError
from .common import EXIT_INTERRUPTED, configure_logging, fail, check_backend, note_model, say
from .options import (
    Stream,
    BackendOption,
    BaseUrlOption,
    CachePathOption,
    MaxArticleCharsOption,
    MaxInputTokensOption,
    ModelOption,
    ModeOption,
    ServerOption,
    StreamOption,
    TimeoutOption,
    DeadlineOption,
    VerboseOption,
    flag,
)

PROGRESS_EVERY_S = 10.0


class _RunByDefault(TyperGroup):
    """``summarizer batch a.txt -o out.jsonl`` runs a job: a first word that is no subcommand means ``run``."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


batch_app = typer.Typer(cls=_RunByDefault, no_args_is_help=True,
                        help="Summarize many articles: run a job, or use provider batch files. "
                             "'summarizer batch INPUT... -o OUT.jsonl' is short for 'summarizer batch run INPUT... -o OUT.jsonl'.")


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
            say(f"batch {done}/{self.total} done, {detail}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class Engine(str, Enum):
    local = "local"
    ray = "ray"


def _job(engine: Engine, inputs: list[str], output: Path, settings, options, address: str | None,  # type: ignore[no-untyped-def]
         actors: int | None):
    """The job of ``engine``: both have ``total``, ``on_progress``, ``run()``, ``fatal`` and ``inputs_changed``."""
    if engine is Engine.ray:
        from ..ray import RayBatchJob, RayOptions  # a ConfigError naming the extra when it is missing

        return RayBatchJob(inputs, output, settings, options, RayOptions(address=address, actors=actors))
    from ..batch.runner import BatchJob

    return BatchJob(inputs, output, settings, options)


@batch_app.command("run")
def run_command(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT", help="Files (txt, md, html), folders, JSONL with id and text, or -")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL, one line per input id: a regular file "
                                          "(a link is written through), since it is resumed; not -, a FIFO or a device")],
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    server: ServerOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    stream: StreamOption = Stream.auto,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once")] = 16,
    workers: Annotated[int, typer.Option(help="Processes that make briefs (default: all cores); on --engine ray, "
                                         "brief makers (default: one per CPU offline, two per CPU with a server)",
                                         show_default=False)] = 0,
    rpm: Annotated[Optional[float], typer.Option(help="Client-side limit, requests per minute")] = None,
    tpm: Annotated[Optional[float], typer.Option(help="Client-side limit, tokens per minute")] = None,
    resume: Annotated[bool, flag("--resume", "Continue an interrupted run into the same output")] = False,
    retry_failed: Annotated[bool, flag("--retry-failed", "Run again only the ids whose line is an error")] = False,
    force: Annotated[bool, flag("--force", "Overwrite the output, or resume despite a different configuration")] = False,
    no_cache: Annotated[bool, flag("--no-cache", "Do not read or write the local brief cache")] = False,
    cache_path: CachePathOption = None,
    max_cost: Annotated[Optional[float], typer.Option(help="Stop cleanly before the estimated cost in US$ exceeds this")] = None,
    max_tokens: Annotated[Optional[int], typer.Option(help="Stop cleanly before the tokens used exceed this")] = None,
    prices: Annotated[Optional[Path], typer.Option(
        help='JSON price table, US$ per 1M tokens: {"model": [input, cached input, output]}')] = None,
    max_input_tokens: MaxInputTokensOption = None,
    max_article_chars: MaxArticleCharsOption = None,
    engine: Annotated[Engine, typer.Option(help="local: this machine's cores; ray: a Ray cluster "
                                           "(pip install 'summarizer[ray]')")] = Engine.local,
    address: Annotated[Optional[str], typer.Option(
        help="With --engine ray: 'auto' or HOST:PORT of a running cluster (default: a Ray on this machine)")] = None,
    verbose: VerboseOption = 0,
) -> None:
    """Summarize many articles into OUT.jsonl; resumable, cached, rate-limited."""
    from ..batch import records
    from ..batch.runner import BatchOptions

    configure_logging(verbose)
    try:
        if str(output) == "-":
            raise InputError("-o -: a batch output cannot be standard output: it is resumed in place, its run "
                             "manifest beside it; give a file (follow it with tail -f)")
        settings = resolve_settings(backend=backend, model=model, base_url=base_url, mode=mode, server_kind=server,
                                    timeout=timeout, deadline=deadline, stream=stream.setting(), max_input_tokens=max_input_tokens, max_article_chars=max_article_chars)
        options = BatchOptions(concurrency=concurrency, rpm=rpm, tpm=tpm, cache=not no_cache, cache_path=cache_path,
                               resume=resume, retry_failed=retry_failed, force=force, max_cost=max_cost,
                               max_tokens=max_tokens, prices_path=prices, workers=workers or os.cpu_count() or 1)
        check_backend(backend, settings)
        if address is not None and engine is not Engine.ray:
            raise ConfigError("--address names a Ray cluster: give it with --engine ray")
        job = _job(engine, inputs, output, settings, options, address, actors=workers or None)
        progress = _Progress(job.total)
        job.on_progress = progress
        try:
            if engine is Engine.ray:
                summary = job.run()
            else:
                import asyncio  # here: the other commands never load it

                summary = asyncio.run(job.run())
        finally:
            progress.close()
    except SummarizerError as exc:
        raise fail(exc) from None
    except KeyboardInterrupt:
        say(f"interrupted; every finished article is in {output}; "
            "run again with --resume to continue")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    typer.echo(json.dumps(summary, indent=2), err=True)
    if summary.get("inputs_changed"):
        say(f"the failed articles ran again from inputs changed since the output began "
            f"({records.some_ids(summary['inputs_changed'])}); briefs written before are kept")
    if job.fatal is not None:  # a fault every article would meet, e.g. an exhausted quota
        say(f"error: the batch stopped: {job.fatal.message}; finished articles are in "
            f"{output}; --resume continues the job once that is fixed")
        raise typer.Exit(job.fatal.exit_code)
    if summary.get("stopped_by"):
        say(f"stopped by {summary['stopped_by']}; --resume continues the job")


@batch_app.command("export")
def export_command(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT", help="Files, folders, JSONL with id and text, or -")],
    prefix: Annotated[Path, typer.Option(help="Request files are PREFIX-0001.jsonl, PREFIX-0002.jsonl, ...")],
    model: ModelOption = None,
    max_requests: Annotated[int, typer.Option(help="Requests per file (the OpenAI Batch API takes 50,000)")] = 50_000,
    max_megabytes: Annotated[int, typer.Option(help="Size per file (the OpenAI Batch API takes 200 MB)")] = 200,
    max_input_tokens: MaxInputTokensOption = None,
    max_article_chars: MaxArticleCharsOption = None,
    force: Annotated[bool, flag("--force", "Replace request files left by an earlier export")] = False,
) -> None:
    """Write OpenAI Batch API request files (also read by vllm run-batch); no key needed.

    Long articles are cut as an online run cuts them: one whose request would pass
    --max-input-tokens is sent in parts, custom_id ID#part-N-of-M; one longer than
    --max-article-chars is skipped, like an empty one, with its reason on stderr. Give
    'batch import' the same two settings.
    """
    from ..batch import provider_files
    from ..batch.sources import read, scan

    try:
        settings = resolve_settings(model=model, max_input_tokens=max_input_tokens, max_article_chars=max_article_chars)
        settings.chosen_model()  # before the stale files go: refused, this export leaves them as they were
        note_model(settings)
        scan(inputs)
        stale = sorted(prefix.parent.glob(prefix.name + "-*.jsonl")) if prefix.parent.is_dir() else []
        if stale and not force:
            raise InputError(f"{stale[0]}: request files from an earlier export exist; pass --force to replace them")
        skipped: list[str] = []
        files: list[Path] = []
        try:
            files = provider_files.export_requests(
                read(inputs), prefix, settings, max_requests=max_requests, max_bytes=max_megabytes * 1024 * 1024,
                on_skip=lambda article, reason: skipped.append(f"{article.id}: {reason}"),
            )
        finally:  # after the export, so a file it rewrites (a link, a FIFO) is written through, not removed
            for path in stale:
                if path not in files and not path.is_dir():
                    path.unlink(missing_ok=True)
    except SummarizerError as exc:
        raise fail(exc) from None
    for line in skipped:
        say(f"skipped {line}")
    for path in files:
        typer.echo(str(path))


@batch_app.command("import")
def import_command(
    results: Annotated[list[Path], typer.Argument(metavar="RESULT...", help="Provider output and error files, any order")],
    inputs: Annotated[list[str], typer.Option("--inputs", help="The batch's inputs, for the article texts (repeatable)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL, one line per id (- is standard output); "
                                          "the ids to resubmit go to OUT.resubmit.txt beside a file")],
    requests: Annotated[Optional[list[Path]], typer.Option("--requests", help="The request files submitted (to find lost ids)")] = None,
    model: ModelOption = None,
    max_input_tokens: MaxInputTokensOption = None,
    max_article_chars: MaxArticleCharsOption = None,
    ungrounded: Annotated[UngroundedPolicy, typer.Option(help="flag or drop items whose evidence is not in the article")] = UngroundedPolicy.flag,
) -> None:
    """Validate and ground a provider's results into the batch output; list ids to resubmit.

    An article exported in parts gets one brief, merged from its parts' briefs, or one
    error naming the first part that failed; give the --max-input-tokens and
    --max-article-chars of the export.
    """
    from ..batch import provider_files, provider_import, records
    from ..batch.sources import read, scan
    from ..output_files import Kind, target_of, write_file

    try:
        settings = resolve_settings(model=model, max_input_tokens=max_input_tokens, max_article_chars=max_article_chars,
                                    ungrounded=ungrounded)
        # Beside a file only: standard output has no "beside", and /dev/null's folder is not the user's.
        resubmit = output.with_name(output.name + ".resubmit.txt") if target_of(output)[0] is Kind.replace else None
        scan(inputs)
        texts = {article.id: article.text for article in read(inputs)}
        expected = provider_files.read_request_ids(requests) if requests else None
        summary = provider_import.import_results(results, texts, settings, output, expected=expected)
        if resubmit is not None:
            write_file(resubmit, "".join(f"{i}\n" for i in summary.resubmit))
    except SummarizerError as exc:
        raise fail(exc) from None
    if summary.set_aside:
        say(f"set aside {len(summary.set_aside):,} result(s) whose custom_id is no article of --inputs "
            f"(not written): {records.some_ids(summary.set_aside)}; are these files of another batch?")
    report = {"ok": summary.ok, "failed": summary.failed, "by_reason": summary.by_reason,
              "resubmit": len(summary.resubmit), "resubmit_file": str(resubmit) if resubmit else None,
              "set_aside": len(summary.set_aside)}
    if resubmit is None:
        report["resubmit_ids"] = summary.resubmit
    typer.echo(json.dumps(report, indent=2), err=True)
