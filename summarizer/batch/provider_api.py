"""The OpenAI Batch API: upload, start, follow, download (``vllm run-batch`` needs none of it).

Thin helpers over the openai client's management calls, on the plain client of
:func:`summarizer.backends.openai.transport.management_client`. Nothing here retries a
call that creates something: a timed-out upload or batch creation may still have
happened on the server, and a blind retry could start (and bill) the same batch twice.
Only :func:`wait` polls again after a failed poll, since a status query changes nothing.
The client's exceptions become library errors through the online path's mapping
(:func:`api_errors`), so a refused key or an unreachable server reads, and exits, the
same as in ``summarizer brief``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import InputError, SummarizerError, TransportError
from ..output_files import OutputFile, output_folder
from .provider_files import CHAT_URL

__all__ = [
    "MAX_FAILED_POLLS",
    "TERMINAL_STATUSES",
    "BatchStatus",
    "api_errors",
    "client_for",
    "download",
    "poll",
    "reworded",
    "status",
    "submit",
    "wait",
]

TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})
MAX_FAILED_POLLS = 5  # transport failures in a row before wait() gives up
_NOT_FOUND = "unknown batch or file id, or wrong base URL: check the id and OPENAI_BASE_URL"
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


@dataclass(frozen=True)
class BatchStatus:
    """Where one provider batch stands."""

    id: str
    status: str
    total: int = 0
    completed: int = 0
    failed: int = 0
    output_file_id: str | None = None
    error_file_id: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        """Whether the batch will change no more (its files, if any, can be downloaded)."""
        return self.status in TERMINAL_STATUSES


def client_for(settings: Settings) -> Any:
    """An openai client for the batch management calls, from the usual settings (no retries of its own)."""
    from ..backends.openai.transport import management_client

    return management_client(settings)


def reworded(exc: SummarizerError, message: str) -> SummarizerError:
    """``exc`` with ``message`` instead of its own (same class and context)."""
    exc.message = message
    exc.args = (message,)
    return exc


@contextmanager
def api_errors(settings: Settings, what: str) -> Iterator[None]:
    """Turn the openai client's exceptions into the project's errors, prefixed with ``what``.

    httpx2 (openai's transport) is named too: a connection lost while a download streams
    reaches the caller as its own error, not wrapped in an openai one.
    """
    import httpx2
    import openai

    from ..backends.openai.failures import library_error

    try:
        yield
    except (openai.OpenAIError, httpx2.HTTPError) as exc:
        error = library_error(exc, settings, attempts=1, not_found=_NOT_FOUND)
        raise reworded(error, f"{what}: {error.message}") from exc


def submit(client: Any, request_files: Sequence[Path], *, metadata: Mapping[str, str] | None = None) -> list[str]:
    """Upload each request file (purpose ``batch``) and start one batch per file; return the batch ids."""
    batch_ids: list[str] = []
    for path in request_files:
        path = Path(path)
        with path.open("rb") as handle:
            uploaded = client.files.create(file=(path.name, handle), purpose="batch")
        batch = client.batches.create(
            input_file_id=uploaded.id,
            endpoint=CHAT_URL,
            completion_window="24h",
            metadata={**(metadata or {}), "request_file": path.name},
        )
        batch_ids.append(batch.id)
    return batch_ids


def status(client: Any, batch_id: str) -> BatchStatus:
    """The current state of one batch."""
    batch = client.batches.retrieve(batch_id)
    if not isinstance(getattr(batch, "id", None), str) or not isinstance(getattr(batch, "status", None), str):
        raise TransportError(f"the server's reply for batch {batch_id} is not a batch (it has no id or status); "
                             "check OPENAI_BASE_URL points at a server with the Batch API")
    counts = getattr(batch, "request_counts", None)
    problems = getattr(getattr(batch, "errors", None), "data", None) or []
    return BatchStatus(
        id=batch.id,
        status=str(batch.status),
        total=getattr(counts, "total", 0) or 0,
        completed=getattr(counts, "completed", 0) or 0,
        failed=getattr(counts, "failed", 0) or 0,
        output_file_id=batch.output_file_id,
        error_file_id=batch.error_file_id,
        errors=tuple(f"{getattr(p, 'code', None) or 'error'}: {getattr(p, 'message', '')}" for p in problems),
    )


def poll(client: Any, settings: Settings, batch_ids: Sequence[str]) -> dict[str, BatchStatus]:
    """The state of each batch, by id, in order; a failed query is a library error naming its batch."""
    states = {}
    for batch_id in batch_ids:
        with api_errors(settings, f"batch {batch_id}"):
            states[batch_id] = status(client, batch_id)
    return states


def wait(
    client: Any,
    settings: Settings,
    states: dict[str, BatchStatus],
    interval: float,
    timeout: float | None,
    on_progress: Callable[[str], None] = lambda message: None,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Poll the unfinished batches every ``interval`` s until all are done (True) or ``timeout`` passes (False).

    ``states`` (from :func:`poll`) is updated in place. ``on_progress`` gets one line
    whenever what is still running changes, and one for each failed poll. A poll that
    fails to reach the API is tried again at the next interval, up to
    :data:`MAX_FAILED_POLLS` in a row; a refusal (bad key, unknown batch) ends the wait.
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
            on_progress(f"{finished}/{len(states)} batch(es) finished; waiting for {report}")
            last_report = report
        sleep(min(interval, remaining))
        try:
            states.update(poll(client, settings, [i for i, s in states.items() if not s.done]))
            failed_polls = 0
        except TransportError as exc:
            failed_polls += 1
            if failed_polls >= MAX_FAILED_POLLS:
                raise reworded(exc, f"{exc.message} ({failed_polls} polls in a row failed)") from None
            on_progress(f"poll failed, trying again in {interval:g} s: {exc.message}")
    return True


def download(client: Any, batch_id: str, out_dir: Path) -> list[Path]:
    """Stream a batch's output and error files into ``out_dir``; return the paths written.

    ``<batch id>-output.jsonl`` and ``<batch id>-errors.jsonl``, each only when the batch
    has one; a batch that is not finished yet is an :class:`InputError`.
    """
    if not _SAFE_ID.fullmatch(batch_id):
        raise InputError(f"batch id {batch_id[:80]!r} is not a plain name (letters, digits, '-', '_'); "
                         "it cannot name a file")
    state = status(client, batch_id)
    if not state.done:
        raise InputError(f"batch {batch_id} is {state.status}; download it once it is completed")
    out_dir = output_folder(out_dir)
    written: list[Path] = []
    for file_id, suffix in ((state.output_file_id, "output"), (state.error_file_id, "errors")):
        if not file_id:
            continue
        path = out_dir / f"{batch_id}-{suffix}.jsonl"
        # Written whole (output_files): a dropped connection never leaves a truncated file
        # that a later `batch import out/*.jsonl` would read.
        with OutputFile(path, doing=f"downloading batch {batch_id}") as out, \
                client.files.with_streaming_response.content(file_id) as response:
            for chunk in response.iter_bytes():
                out.write(chunk)
        written.append(path)
    return written
