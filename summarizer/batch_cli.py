"""The ``summarizer batch`` commands: run a job; export, submit, follow, download and import provider batches.

``summarizer batch INPUT... -o OUT.jsonl`` is short for ``summarizer batch run ...``.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from .cli_options import BackendOption, BaseUrlOption, ModelOption, ModeOption, VerboseOption
from .config import Backend, Settings, resolve_settings
from .errors import ConfigError, InputError, SummarizerError, TransportError

if TYPE_CHECKING:
    from .batch.provider import BatchStatus

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
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    concurrency: Annotated[int, typer.Option(help="Requests in flight at once")] = 16,
    workers: Annotated[int, typer.Option(help="Processes that make briefs, this one included (default: all cores)")] = 0,
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
    verbose: VerboseOption = 0,
) -> None:
    """Summarize many articles into OUT.jsonl; resumable, cached, rate-limited."""
    from .batch.runner import BatchJob, BatchOptions
    from .cli import _configure_logging, _fail

    _configure_logging(verbose)
    try:
        settings = resolve_settings(backend=backend, model=model, base_url=base_url, mode=mode)
        options = BatchOptions(concurrency=concurrency, rpm=rpm, tpm=tpm, cache=not no_cache, cache_path=cache_path,
                               resume=resume, retry_failed=retry_failed, force=force, max_cost=max_cost,
                               max_tokens=max_tokens, prices_path=prices, workers=workers or os.cpu_count() or 1)
        if backend is Backend.auto and settings.resolved_backend() is Backend.offline:
            typer.echo("summarizer: no OPENAI_API_KEY or OPENAI_BASE_URL set: using the offline backend", err=True)
        job = BatchJob(inputs, output, settings, options)
        progress = _Progress(job.total)
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
    if job.fatal is not None:  # a fault every article would meet, e.g. an exhausted quota
        typer.echo(f"summarizer: error: the batch stopped: {job.fatal.message}; finished articles are in "
                   f"{output}; --resume continues the job once that is fixed", err=True)
        raise typer.Exit(job.fatal.exit_code)
    if summary.get("stopped_by"):
        typer.echo(f"summarizer: stopped by {summary['stopped_by']}; --resume continues the job", err=True)


@batch_app.command("export")
def export_command(
    inputs: Annotated[list[str], typer.Argument(metavar="INPUT...", help="Files, folders, JSONL with id and text, or -")],
    prefix: Annotated[Path, typer.Option(help="Request files are PREFIX-0001.jsonl, PREFIX-0002.jsonl, ...")],
    model: ModelOption = None,
    max_requests: Annotated[int, typer.Option(help="Requests per file (the OpenAI Batch API takes 50,000)")] = 50_000,
    max_megabytes: Annotated[int, typer.Option(help="Size per file (the OpenAI Batch API takes 200 MB)")] = 200,
    force: Annotated[bool, typer.Option(help="Replace request files left by an earlier export")] = False,
) -> None:
    """Write OpenAI Batch API request files (also read by vllm run-batch)."""
    from .batch import provider
    from .batch.sources import read, scan
    from .cli import _fail

    try:
        settings = resolve_settings(model=model)
        scan(inputs)
        stale = sorted(prefix.parent.glob(prefix.name + "-*.jsonl")) if prefix.parent.is_dir() else []
        if stale and not force:
            raise InputError(f"{stale[0]}: request files from an earlier export exist; pass --force to replace them")
        for path in stale:
            path.unlink()
        skipped: list[str] = []
        files = provider.export_requests(
            read(inputs), prefix, settings, max_requests=max_requests, max_bytes=max_megabytes * 1024 * 1024,
            on_skip=lambda article, reason: skipped.append(f"{article.id}: {reason}"),
        )
    except SummarizerError as exc:
        raise _fail(exc) from None
    for line in skipped:
        typer.echo(f"summarizer: skipped {line}", err=True)
    for path in files:
        typer.echo(str(path))


@batch_app.command("import")
def import_command(
    results: Annotated[list[Path], typer.Argument(metavar="RESULT...", help="Provider output and error files, any order")],
    inputs: Annotated[list[str], typer.Option("--inputs", help="The batch's inputs, for the article texts (repeatable)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output JSONL, one line per id")],
    requests: Annotated[Optional[list[Path]], typer.Option("--requests", help="The request files submitted (to find lost ids)")] = None,
    model: ModelOption = None,
) -> None:
    """Validate and ground a provider's results into the batch output; list ids to resubmit."""
    from .batch import provider
    from .batch.sources import read, scan
    from .cli import _fail

    try:
        settings = resolve_settings(model=model)
        scan(inputs)
        texts = {article.id: article.text for article in read(inputs)}
        expected = provider.read_request_ids(requests) if requests else None
        summary = provider.import_results(results, texts, settings, output, expected=expected)
    except SummarizerError as exc:
        raise _fail(exc) from None
    resubmit = output.with_name(output.name + ".resubmit.txt")
    resubmit.write_text("".join(f"{i}\n" for i in summary.resubmit), encoding="utf-8")
    typer.echo(json.dumps({"ok": summary.ok, "failed": summary.failed, "by_reason": summary.by_reason,
                           "resubmit": len(summary.resubmit), "resubmit_file": str(resubmit)}, indent=2), err=True)


# --- the OpenAI Batch API: submit, status, download ---------------------------------------
#
# Thin commands over summarizer.batch.provider. The openai client's exceptions become the
# project's errors through the online path's mapping (llm._backend_error), so a refused key
# or an unreachable server reads, and exits, the same here as in `summarizer brief`.

EXIT_STILL_RUNNING = 5  # 4 is taken: QuotaExhaustedError.exit_code
DEFAULT_POLL_INTERVAL_S = 60.0
MAX_FAILED_POLLS = 5  # transport failures in a row before --wait gives up
_METADATA_PAIRS = 15  # the API takes 16; submit adds request_file
_METADATA_KEY_CHARS, _METADATA_VALUE_CHARS = 64, 512
_ERRORS_SHOWN = 3

ReadIdsFileOption = Annotated[
    Optional[Path], typer.Option("--ids-file", help="Also read batch ids from this file, one per line (as submit writes it)")
]


def _command(name: str) -> Any:
    """Register a batch command whose docstring paragraphs are re-flowed (typer keeps single line breaks)."""

    def register(function: Any) -> Any:
        paragraphs = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        return batch_app.command(name, help="\n\n".join(" ".join(p.split()) for p in paragraphs))(function)

    return register


def _reworded(exc: SummarizerError, message: str) -> SummarizerError:
    exc.message = message
    exc.args = (message,)
    return exc


@contextmanager
def _api_errors(settings: Settings, what: str) -> Iterator[None]:
    """Turn the openai client's exceptions into the project's errors, prefixed with ``what``.

    httpx2 (openai's transport) is named too: a connection lost while a download streams
    reaches the caller as its own error, not wrapped in an openai one.
    """
    import httpx2
    import openai

    from .llm import _backend_error

    try:
        yield
    except (openai.OpenAIError, httpx2.HTTPError) as exc:
        error = _backend_error(exc, settings, attempts=1,
                               not_found="unknown batch or file id, or wrong base URL: check the id and OPENAI_BASE_URL")
        raise _reworded(error, f"{what}: {error.message}") from exc


def _connect(base_url: Optional[str]) -> tuple[Settings, Any]:
    """Settings as every command resolves them (argument, then environment), and a batch client."""
    from .batch import provider

    settings = resolve_settings(base_url=base_url)
    return settings, provider.client_for(settings)


def _read_ids(batch_ids: Optional[list[str]], ids_file: Optional[Path]) -> list[str]:
    """The batch ids given as arguments, then those in ``ids_file``; duplicates once, in order."""
    found = [i.strip() for i in batch_ids or [] if i.strip()]
    if ids_file is not None:
        try:
            text = ids_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise InputError(f"{ids_file}: cannot read batch ids ({reason})") from None
        found += [line.strip() for line in text.splitlines() if line.strip()]
    if not found:
        where = f"{ids_file} holds no batch id" if ids_file is not None else "no batch id given"
        raise InputError(f"{where}: give BATCH_ID... or --ids-file FILE")
    return list(dict.fromkeys(found))


def _parse_metadata(pairs: Optional[list[str]]) -> dict[str, str]:
    metadata: dict[str, str] = {}
    for pair in pairs or []:
        key, equals, value = pair.partition("=")
        key = key.strip()
        if not equals or not key:
            raise ConfigError(f"--metadata {pair!r}: expected KEY=VALUE")
        if key == "request_file":
            raise ConfigError("--metadata request_file is set by submit itself (the request file's name)")
        if key in metadata:
            raise ConfigError(f"--metadata {key} is given twice")
        if len(key) > _METADATA_KEY_CHARS or len(value) > _METADATA_VALUE_CHARS:
            raise ConfigError(f"--metadata {key}: keys take at most {_METADATA_KEY_CHARS} characters, "
                              f"values {_METADATA_VALUE_CHARS}")
        metadata[key] = value
    if len(metadata) > _METADATA_PAIRS:
        raise ConfigError(f"at most {_METADATA_PAIRS} --metadata pairs (the API takes 16; submit adds request_file)")
    return metadata


def _check_request_files(paths: list[Path]) -> None:
    """Refuse a missing, empty or repeated file before anything is uploaded (a repeat would be billed twice)."""
    seen: dict[Path, Path] = {}
    for path in paths:
        if not path.is_file():
            raise InputError(f"{path}: no such request file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: the request file is empty")
        same = seen.setdefault(path.resolve(), path)
        if same is not path:
            raise InputError(f"{path}: given twice; each request file would start its own (billed) batch")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _status_line(state: BatchStatus) -> str:
    """ID STATUS COMPLETED/FAILED/TOTAL output_file=ID error_file=ID [errors=...], tab-separated."""
    fields = [
        state.id,
        state.status,
        f"{state.completed}/{state.failed}/{state.total}",
        f"output_file={state.output_file_id or '-'}",
        f"error_file={state.error_file_id or '-'}",
    ]
    if state.errors:
        shown = "; ".join(_one_line(e) for e in state.errors[:_ERRORS_SHOWN])
        more = len(state.errors) - _ERRORS_SHOWN
        fields.append(f"errors={shown}" + (f" (+{more} more)" if more > 0 else ""))
    return "\t".join(fields)


def _status_record(state: BatchStatus) -> dict[str, Any]:
    return {
        "id": state.id,
        "status": state.status,
        "done": state.done,
        "total": state.total,
        "completed": state.completed,
        "failed": state.failed,
        "output_file_id": state.output_file_id,
        "error_file_id": state.error_file_id,
        "errors": list(state.errors),
    }


@_command("submit")
def submit_command(
    request_files: Annotated[list[Path], typer.Argument(metavar="REQUEST_FILE", help="Request files written by 'summarizer batch export'")],
    base_url: BaseUrlOption = None,
    metadata: Annotated[Optional[list[str]], typer.Option("--metadata", metavar="KEY=VALUE", help="Label every batch (repeatable; request_file=<file name> is added)")] = None,
    ids_file: Annotated[Optional[Path], typer.Option("--ids-file", help="Also append each batch id to this file as the batch starts")] = None,
) -> None:
    """Upload request files to the OpenAI Batch API and start one batch per file; print the batch ids.

    One batch id per line on stdout, in file order, each printed (and appended to
    --ids-file) as soon as its batch has started. A failure stops at once: the batches
    started before it are already printed, and the message names the files not submitted.
    Nothing is retried, since a call that timed out may still have started a (billed)
    batch. The key comes from OPENAI_API_KEY, the server from --base-url or OPENAI_BASE_URL.

    Exit codes: 0 every batch started; 1 the API refused or could not be reached;
    2 bad input (missing, empty or repeated file, bad --metadata, no key); 4 the
    account's quota is exhausted.
    """
    from .batch import provider
    from .cli import _fail

    started: list[str] = []
    try:
        labels = _parse_metadata(metadata)
        _check_request_files(request_files)
        settings, client = _connect(base_url)
        with client:
            for number, path in enumerate(request_files):
                try:
                    with _api_errors(settings, str(path)):
                        batch_id = provider.submit(client, [path], metadata=labels)[0]
                except SummarizerError as exc:
                    if started:
                        rest = ", ".join(str(p) for p in request_files[number:])
                        raise _reworded(exc, f"{exc.message} (started before this failure: {', '.join(started)}; "
                                             f"not submitted: {rest})") from None
                    raise
                started.append(batch_id)
                typer.echo(batch_id)
                if ids_file is not None:
                    _append_line(ids_file, batch_id)
    except SummarizerError as exc:
        raise _fail(exc) from None
    follow = f"--ids-file {ids_file}" if ids_file is not None else "BATCH_ID..."
    typer.echo(f"summarizer: started {len(started)} batch(es); follow them with "
               f"'summarizer batch status --wait {follow}'", err=True)


def _append_line(path: Path, line: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the batch id {line} there ({exc.strerror or exc}); "
                         "it is printed above") from None


def _poll(client: Any, settings: Settings, batch_ids: list[str]) -> dict[str, BatchStatus]:
    from .batch import provider

    states = {}
    for batch_id in batch_ids:
        with _api_errors(settings, f"batch {batch_id}"):
            states[batch_id] = provider.status(client, batch_id)
    return states


def _wait(client: Any, settings: Settings, states: dict[str, BatchStatus], interval: float, timeout: Optional[float]) -> bool:
    """Poll the unfinished batches every ``interval`` s until all are done (True) or ``timeout`` passes (False).

    A poll that fails to reach the API is reported and tried again at the next interval,
    up to MAX_FAILED_POLLS in a row; a refusal (bad key, unknown batch) ends the wait.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    failed_polls = 0
    last_report = ""
    while not all(state.done for state in states.values()):
        remaining = float("inf") if deadline is None else deadline - time.monotonic()
        if remaining <= 0:
            return False
        report = ", ".join(f"{s.id} {s.status} {s.completed + s.failed}/{s.total}" for s in states.values() if not s.done)
        if report != last_report:
            finished = sum(state.done for state in states.values())
            typer.echo(f"summarizer: {finished}/{len(states)} batch(es) finished; waiting for {report}", err=True)
            last_report = report
        time.sleep(min(interval, remaining))
        try:
            states.update(_poll(client, settings, [i for i, s in states.items() if not s.done]))
            failed_polls = 0
        except TransportError as exc:
            failed_polls += 1
            if failed_polls >= MAX_FAILED_POLLS:
                raise _reworded(exc, f"{exc.message} ({failed_polls} polls in a row failed)") from None
            typer.echo(f"summarizer: poll failed, trying again in {interval:g} s: {exc.message}", err=True)
    return True


@_command("status")
def status_command(
    batch_ids: Annotated[Optional[list[str]], typer.Argument(metavar="BATCH_ID", help="Batch ids, as submit printed them")] = None,
    ids_file: ReadIdsFileOption = None,
    base_url: BaseUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array of objects instead of lines")] = False,
    wait: Annotated[bool, typer.Option("--wait", help="Poll until every batch is completed, failed, expired or cancelled")] = False,
    interval: Annotated[Optional[float], typer.Option(help=f"Seconds between polls with --wait (default {DEFAULT_POLL_INTERVAL_S:g})")] = None,
    timeout: Annotated[Optional[float], typer.Option(help="Stop waiting after this many seconds, exit 5 (default: no limit)")] = None,
) -> None:
    """Show where provider batches stand, one line per batch; --wait polls until all are finished.

    Each line is tab-separated: ID STATUS COMPLETED/FAILED/TOTAL output_file=FILE_ID
    error_file=FILE_ID, then errors=... when the provider reports batch-level errors
    (the first three). --json prints one object per batch with the same fields, every
    error included, and done (true once the batch will change no more).

    With --wait, progress goes to stderr and the lines are printed once, at the end. After
    the first query, a poll that cannot reach the API is tried again at the next interval
    (five failures in a row end the wait); a refused key or an unknown batch ends it at once.

    Exit codes: 0 the query succeeded, whatever the batches' states (with --wait: every
    batch reached a terminal state, whichever); 1 the API refused or could not be
    reached; 2 bad input (no batch id, unreadable --ids-file, no key); 5 --timeout passed
    with batches still running (their current state is printed).
    """
    from .cli import _fail

    try:
        if not wait and (interval is not None or timeout is not None):
            raise ConfigError("--interval and --timeout only apply with --wait")
        interval = DEFAULT_POLL_INTERVAL_S if interval is None else interval
        if interval <= 0 or (timeout is not None and timeout < 0):
            raise ConfigError("--interval must be positive and --timeout not negative")
        ids = _read_ids(batch_ids, ids_file)
        settings, client = _connect(base_url)
        with client:
            states = _poll(client, settings, ids)
            finished = _wait(client, settings, states, interval, timeout) if wait else True
    except SummarizerError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([_status_record(state) for state in states.values()], indent=2))
    else:
        for state in states.values():
            typer.echo(_status_line(state))
    if not finished:
        running = ", ".join(f"{s.id} ({s.status})" for s in states.values() if not s.done)
        typer.echo(f"summarizer: still running after {timeout:g} s: {running}; "
                   "run status --wait again to keep waiting", err=True)
        raise typer.Exit(EXIT_STILL_RUNNING)


@_command("download")
def download_command(
    directory: Annotated[Path, typer.Option("--dir", "-d", help="Folder for <id>-output.jsonl and <id>-errors.jsonl")],
    batch_ids: Annotated[Optional[list[str]], typer.Argument(metavar="BATCH_ID", help="Batch ids, as submit printed them")] = None,
    ids_file: ReadIdsFileOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Download finished batches' output and error files into DIR; print their paths.

    Writes <batch id>-output.jsonl and <batch id>-errors.jsonl (each only when the batch
    has one; an existing file is replaced) and prints each path, one per line, as it is
    written: give them all to 'summarizer batch import'. A batch not finished yet is
    skipped; the others are still downloaded.

    Exit codes: 0 every batch downloaded; 1 the API refused or could not be reached (the
    files printed before the failure are complete); 2 a batch is not finished yet (one
    line naming every such batch, once the finished ones are downloaded), or bad input.
    """
    from .batch import provider
    from .cli import _fail

    try:
        ids = _read_ids(batch_ids, ids_file)
        settings, client = _connect(base_url)
        unfinished: list[str] = []
        with client:
            for batch_id in ids:
                with _api_errors(settings, f"batch {batch_id}"):
                    try:
                        paths = provider.download(client, batch_id, directory)
                    except InputError as exc:  # not finished yet: the only InputError download raises
                        unfinished.append(exc.message)
                        continue
                    except OSError as exc:
                        raise InputError(f"{directory}: cannot write batch {batch_id}'s files there "
                                         f"({exc.strerror or exc})") from None
                    if not paths:
                        state = provider.status(client, batch_id)
                        problems = f": {_one_line('; '.join(state.errors[:_ERRORS_SHOWN]))}" if state.errors else ""
                        typer.echo(f"summarizer: batch {batch_id} is {state.status} and has no result file{problems}",
                                   err=True)
                for path in paths:
                    typer.echo(str(path))
        if unfinished:
            raise InputError("; ".join(unfinished))
    except SummarizerError as exc:
        raise _fail(exc) from None
