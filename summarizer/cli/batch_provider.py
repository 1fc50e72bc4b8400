"""The ``summarizer batch`` commands over a provider's Batch API: submit, status, download.

Thin commands over :mod:`summarizer.batch.provider_api`, which also turns the openai
client's exceptions into the project's errors through the online path's mapping, so a
refused key or an unreachable server reads, and exits, the same here as in
``summarizer brief``. ``status --wait`` hands its polling to
:func:`summarizer.batch.provider_api.wait` and only prints its progress.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from ..config import Settings, resolve_settings
from ..errors import ConfigError, InputError, OutputError, SummarizerError
from ..render import plain
from .common import EXIT_STILL_RUNNING, fail, say
from .options import BaseUrlOption, flag

if TYPE_CHECKING:
    from ..batch.provider_api import BatchStatus

_COMMANDS: list[tuple[str, Any]] = []


def register(group: typer.Typer) -> None:
    """Add submit, status and download to the ``batch`` group, their docstrings re-flowed."""
    for name, function in _COMMANDS:
        paragraphs = inspect.cleandoc(function.__doc__ or "").split("\n\n")
        group.command(name, help="\n\n".join(" ".join(p.split()) for p in paragraphs))(function)


DEFAULT_POLL_INTERVAL_S = 60.0
_METADATA_PAIRS = 15  # the API takes 16; submit adds request_file
_METADATA_KEY_CHARS, _METADATA_VALUE_CHARS = 64, 512
_ERRORS_SHOWN = 3

ReadIdsFileOption = Annotated[
    Optional[Path], typer.Option("--ids-file", help="Also read batch ids from this file, one per line (as submit writes it)")
]


def _command(name: str) -> Any:
    """Mark a function as the batch command ``name`` (see :func:`register`)."""

    def mark(function: Any) -> Any:
        _COMMANDS.append((name, function))
        return function

    return mark


def _connect(base_url: Optional[str]) -> tuple[Settings, Any]:
    """Settings as every command resolves them (argument, then environment), and a batch client."""
    from ..batch import provider_api

    settings = resolve_settings(base_url=base_url)
    return settings, provider_api.client_for(settings)


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
    return plain("\t".join(fields))  # the provider's error texts reach a terminal


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
    from ..batch import provider_api as api
    from ..output_files import Kind, target_of

    started: list[str] = []
    try:
        labels = _parse_metadata(metadata)
        _check_request_files(request_files)
        # Refused before any (billed) batch starts: a directory, say, or "-".
        if ids_file is not None and target_of(ids_file)[0] is Kind.stdout:
            raise ConfigError("--ids-file -: the batch ids already go to standard output; give a file")
        settings, client = _connect(base_url)
        with client:
            for number, path in enumerate(request_files):
                try:
                    with api.api_errors(settings, str(path)):
                        batch_id = api.submit(client, [path], metadata=labels)[0]
                except SummarizerError as exc:
                    if started:
                        rest = ", ".join(str(p) for p in request_files[number:])
                        raise api.reworded(exc, f"{exc.message} (started before this failure: {', '.join(started)}; "
                                             f"not submitted: {rest})") from None
                    raise
                started.append(batch_id)
                typer.echo(batch_id)
                if ids_file is not None:
                    _append_line(ids_file, batch_id)
    except SummarizerError as exc:
        raise fail(exc) from None
    follow = f"--ids-file {ids_file}" if ids_file is not None else "BATCH_ID..."
    say(f"started {len(started)} batch(es); follow them with "
        f"'summarizer batch status --wait {follow}'")


def _append_line(path: Path, line: str) -> None:
    from ..output_files import append_file

    try:
        with append_file(path) as handle:
            handle.write(f"{line}\n".encode("utf-8"))
    except OutputError as exc:
        raise OutputError(f"{exc.message} (the batch id {line} is printed above)") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the batch id {line} there ({exc.strerror or exc}); "
                          "it is printed above") from None


@_command("status")
def status_command(
    batch_ids: Annotated[Optional[list[str]], typer.Argument(metavar="BATCH_ID", help="Batch ids, as submit printed them")] = None,
    ids_file: ReadIdsFileOption = None,
    base_url: BaseUrlOption = None,
    as_json: Annotated[bool, flag("--json", "Print a JSON array of objects instead of lines")] = False,
    wait: Annotated[bool, flag("--wait", "Poll until every batch is completed, failed, expired or cancelled")] = False,
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
    from ..batch import provider_api as api

    try:
        if not wait and (interval is not None or timeout is not None):
            raise ConfigError("--interval and --timeout only apply with --wait")
        interval = DEFAULT_POLL_INTERVAL_S if interval is None else interval
        if interval <= 0 or (timeout is not None and timeout < 0):
            raise ConfigError("--interval must be positive and --timeout not negative")
        ids = _read_ids(batch_ids, ids_file)
        settings, client = _connect(base_url)
        with client:
            states = api.poll(client, settings, ids)
            finished = api.wait(client, settings, states, interval, timeout, on_progress=say) if wait else True
    except SummarizerError as exc:
        raise fail(exc) from None
    if as_json:
        typer.echo(json.dumps([_status_record(state) for state in states.values()], indent=2))
    else:
        for state in states.values():
            typer.echo(_status_line(state))
    if not finished:
        running = ", ".join(f"{s.id} ({s.status})" for s in states.values() if not s.done)
        say(f"still running after {timeout:g} s: {running}; "
            "run status --wait again to keep waiting")
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
    from ..batch import provider_api as api

    try:
        ids = _read_ids(batch_ids, ids_file)
        settings, client = _connect(base_url)
        unfinished: list[str] = []
        with client:
            for batch_id in ids:
                with api.api_errors(settings, f"batch {batch_id}"):
                    try:
                        paths = api.download(client, batch_id, directory)
                    except InputError as exc:  # not finished yet: the only InputError download raises
                        unfinished.append(exc.message)
                        continue
                    if not paths:
                        state = api.status(client, batch_id)
                        problems = f": {_one_line('; '.join(state.errors[:_ERRORS_SHOWN]))}" if state.errors else ""
                        say(f"batch {batch_id} is {state.status} and has no result file{problems}")
                for path in paths:
                    typer.echo(str(path))
        if unfinished:
            raise InputError("; ".join(unfinished))
    except SummarizerError as exc:
        raise fail(exc) from None
