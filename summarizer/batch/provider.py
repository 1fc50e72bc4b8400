"""Provider batch files: the OpenAI Batch API and ``vllm run-batch`` (same request format).

Two halves, both streamed so a job of any size runs in bounded memory:

* :func:`export_requests` writes request files, one line per article::

      {"custom_id": "<article id>", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

  The body (:func:`request_body`) asks for the same prompt as the online path (the static
  system prompt first, the article last) and for strict structured outputs
  (``response_format`` json_schema, ``strict: true``), since there is no re-ask in a batch.
  Files are split before ``max_requests`` lines or ``max_bytes`` bytes (the OpenAI limits
  by default: 50,000 requests, 200 MB).

* :func:`import_results` reads the provider's output and error files, in any order, and
  writes the project's batch output JSONL, one line per id::

      {"id": ..., "brief": {...}, "meta": {...}}
      {"id": ..., "error": {"type": ..., "reason": ..., "message": ..., "attempts": 1}}

  Each reply is validated as a :class:`BriefDraft` and grounded against the article
  exactly as the online path does; an unparseable, invalid, cut-off or refused reply is an
  error record. A success in one file wins over an error for the same id in another (a
  resubmitted request); two successes for one id are refused. Ids whose request never ran
  (expired, cancelled, 429, 5xx, timeout) and ids with no line in any file are listed in
  :attr:`ImportSummary.resubmit`; replies that failed validation are not, since the same
  request would likely fail again.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any, Protocol

from pydantic import ValidationError

from ..config import Settings
from ..errors import ConfigError, InputError
from ..backends.openai.structured import strict_response_format
from ..backends.openai.transport import RETRIED_STATUSES
from ..finish import Production, finish
from ..models import Brief, BriefDraft, Usage
from ..prompts import messages, prompt_version

__all__ = [
    "BACKEND_NAME",
    "CHAT_URL",
    "BatchStatus",
    "ImportSummary",
    "client_for",
    "download",
    "export_requests",
    "import_results",
    "read_request_ids",
    "request_body",
    "status",
    "submit",
]

BACKEND_NAME = "openai-batch"
CHAT_URL = "/v1/chat/completions"
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024

_MAX_MESSAGE_CHARS = 300
_MAX_VALIDATION_ERRORS = 3


class ArticleLike(Protocol):
    id: str
    text: str


# --- export ------------------------------------------------------------------------------


@cache
def _response_format() -> dict[str, Any]:
    return strict_response_format()


def request_body(text: str, settings: Settings) -> dict[str, Any]:
    """The ``/v1/chat/completions`` body for one article: the online prompt, strict json_schema output."""
    body: dict[str, Any] = {
        "model": settings.model,
        "messages": messages(text),
        "temperature": settings.temperature,
    }
    if settings.max_output_tokens:
        body["max_tokens"] = settings.max_output_tokens
    # A fresh copy per body: callers may mutate what they get back.
    body["response_format"] = json.loads(json.dumps(_response_format()))
    return body


def _request_line(custom_id: str, text: str, settings: Settings) -> bytes:
    line = {"custom_id": custom_id, "method": "POST", "url": CHAT_URL, "body": request_body(text, settings)}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _part_path(out_prefix: Path, number: int) -> Path:
    return out_prefix.parent / f"{out_prefix.name}-{number:04d}.jsonl"


def export_requests(
    articles: Iterable[ArticleLike],
    out_prefix: Path,
    settings: Settings,
    *,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
    on_skip: Callable[[Any, str], None] | None = None,
) -> list[Path]:
    """Write request files ``<out_prefix>-0001.jsonl``, ``-0002`` ...; return their paths.

    A new file is started when the next line would pass ``max_requests`` lines or
    ``max_bytes`` bytes (UTF-8, newline included). Articles are read one at a time and
    written at once. A repeated or empty id, or a single request larger than ``max_bytes``,
    is an :class:`InputError`; the files written so far are then removed, so a half-written
    set is never submitted.

    An article that cannot be sent (its ``error`` attribute is set, as
    :class:`summarizer.batch.sources.Article` does for an empty or binary file, or its text
    is empty) is passed to ``on_skip(article, reason)`` and left out; without ``on_skip``
    it is an :class:`InputError`. Its id still counts for uniqueness.
    """
    if max_requests < 1 or max_bytes < 1:
        raise ConfigError("max_requests and max_bytes must be positive")
    out_prefix = Path(out_prefix)
    out_prefix.parent.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    seen: set[str] = set()
    handle: IO[bytes] | None = None
    lines = size = 0
    try:
        for position, article in enumerate(articles, start=1):
            custom_id, text = getattr(article, "id", None), getattr(article, "text", None)
            if not isinstance(custom_id, str) or not custom_id:
                raise InputError(f"article {position}: needs a non-empty string id to use as custom_id")
            if custom_id in seen:
                raise InputError(f"duplicate id {custom_id!r}: every custom_id in a batch must be unique")
            seen.add(custom_id)
            problem = getattr(article, "error", None)
            if problem is None and (not isinstance(text, str) or not text.strip()):
                problem = "the text is empty"
            if problem is not None:
                if on_skip is None:
                    raise InputError(f"article {custom_id!r} cannot be sent: {problem}")
                on_skip(article, str(problem))
                continue
            line = _request_line(custom_id, text, settings)
            if len(line) > max_bytes:
                raise InputError(
                    f"article {custom_id!r}: its request is {len(line):,} bytes, more than max_bytes={max_bytes:,}"
                )
            if handle is None or lines + 1 > max_requests or size + len(line) > max_bytes:
                if handle is not None:
                    handle.close()
                paths.append(_part_path(out_prefix, len(paths) + 1))
                handle = paths[-1].open("wb")
                lines = size = 0
            handle.write(line)
            lines += 1
            size += len(line)
    except BaseException:
        if handle is not None:
            handle.close()
            handle = None
        for path in paths:
            path.unlink(missing_ok=True)
        raise
    finally:
        if handle is not None:
            handle.close()
    return paths


def read_request_ids(files: Iterable[Path]) -> list[str]:
    """The custom_ids of request files written by :func:`export_requests`, in file order.

    What an import expects back: pass them as ``expected`` to find the lost ones.
    """
    ids: list[str] = []
    for path, number, record in _records(files):
        custom_id = record.get("custom_id")
        if not isinstance(custom_id, str):
            raise InputError(f"{path}:{number}: no custom_id; is this a batch request file?")
        ids.append(custom_id)
    return ids


# --- import ------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    """What an import found.

    ``ok``/``failed`` count the lines written; ``resubmit`` lists the ids worth sending
    again (the request did not run, or no file had a line for it); ``by_reason`` counts
    failures by reason (``expired``, ``lost``, ``invalid_json``, ``validation``, ...);
    ``usage`` sums the tokens of every completion read, failed ones included.
    """

    ok: int = 0
    failed: int = 0
    resubmit: list[str] = field(default_factory=list)
    by_reason: dict[str, int] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)

    @property
    def total(self) -> int:
        return self.ok + self.failed


@dataclass(frozen=True)
class _Failure:
    reason: str
    type: str
    message: str
    retryable: bool = False

    def record(self, custom_id: str) -> dict[str, Any]:
        return {
            "id": custom_id,
            "error": {"type": self.type, "reason": self.reason, "message": self.message, "attempts": 1},
        }


def _validation_failure(reason: str, message: str) -> _Failure:
    return _Failure(reason, "ValidationFailedError", message)


def _records(files: Iterable[Path]) -> Iterator[tuple[Path, int, dict[str, Any]]]:
    """Every JSON line of ``files`` with its place; a broken file is an :class:`InputError`."""
    for path in files:
        path = Path(path)
        try:
            handle = path.open("r", encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
        with handle:
            try:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                    if not isinstance(record, dict):
                        raise InputError(f"{path}:{number}: each line must be a JSON object")
                    yield path, number, record
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: not valid UTF-8 ({exc.reason})") from None


def _clip(text: Any) -> str:
    return str(text)[:_MAX_MESSAGE_CHARS]


def _error_message(error: Any) -> tuple[str | None, str]:
    """(code, message) of an error as a provider writes it: a dict, a nested dict or a string."""
    if isinstance(error, dict):
        inner = error.get("error")
        if isinstance(inner, dict):
            error = inner
        code = error.get("code") or error.get("type")
        message = error.get("message") or json.dumps(error, ensure_ascii=False)
        return (str(code) if code is not None else None), _clip(message)
    if error is None:
        return None, "no detail given"
    return None, _clip(error)


def _line_error(error: Any) -> _Failure:
    """A line with ``error`` set and no usable response."""
    code, message = _error_message(error)
    lowered = (code or "").lower()
    if lowered == "batch_expired":
        return _Failure("expired", "TransportError", f"batch_expired: {message}", retryable=True)
    if lowered == "batch_cancelled":
        return _Failure("cancelled", "TransportError", f"batch_cancelled: {message}", retryable=True)
    if "timeout" in lowered or "timed_out" in lowered:
        return _Failure("timeout", "TransportError", f"{code}: {message}", retryable=True)
    if "rate_limit" in lowered:
        return _Failure("rate_limited", "TransportError", f"{code}: {message}", retryable=True)
    if "server_error" in lowered:
        return _Failure("server_error", "TransportError", f"{code}: {message}", retryable=True)
    prefix = f"{code}: " if code else ""
    return _Failure("provider_error", "APIRequestError", f"the provider refused the request: {prefix}{message}")


def _status_error(status: int, body: Any, line_error: Any) -> _Failure:
    """A response whose status is not 200."""
    code, message = _error_message(body if body is not None else line_error)
    detail = f"HTTP {status}" + (f" ({code})" if code else "") + f": {message}"
    if status == 408:
        return _Failure("timeout", "TransportError", detail, retryable=True)
    if status == 429:
        return _Failure("rate_limited", "TransportError", detail, retryable=True)
    if status >= 500:
        return _Failure("server_error", "TransportError", detail, retryable=True)
    if status in RETRIED_STATUSES:
        return _Failure("conflict", "TransportError", detail, retryable=True)
    return _Failure(f"http_{status}", "APIRequestError", detail)


def _usage(body: Mapping[str, Any]) -> Usage:
    usage = body.get("usage")
    return Usage.of(usage if isinstance(usage, dict) else None)


def _describe_validation(exc: ValidationError) -> str:
    errors = exc.errors()
    shown = [
        f"{'.'.join(str(part) for part in error['loc']) or '(root)'}: {error['msg']}"
        for error in errors[:_MAX_VALIDATION_ERRORS]
    ]
    more = len(errors) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _parse_draft(content: str) -> BriefDraft | _Failure:
    try:
        payload = json.loads(content)
    except json.JSONDecodeError as exc:
        return _validation_failure("invalid_json", f"the reply is not valid JSON ({exc.msg}); batch replies are not re-asked")
    try:
        return BriefDraft.model_validate(payload)
    except ValidationError as exc:
        return _validation_failure(
            "validation", f"the reply breaks the brief schema: {_clip(_describe_validation(exc))}; batch replies are not re-asked"
        )


def _brief(body: Mapping[str, Any], text: str, settings: Settings) -> Brief | _Failure:
    """The grounded brief in one chat completion, or why there is none."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        return _validation_failure("empty_reply", "the completion has no choices")
    choice = choices[0]
    message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
    if message.get("refusal"):
        return _validation_failure("refusal", f"the model refused: {_clip(message['refusal'])}")
    if choice.get("finish_reason") == "length":
        tokens = _usage(body).completion_tokens
        return _validation_failure(
            "length",
            f"the reply was cut off after {tokens} output tokens (finish_reason 'length'); "
            "raise the output budget (max_output_tokens) and resubmit",
        )
    if choice.get("finish_reason") == "content_filter":
        return _validation_failure("refusal", "the reply was withheld by the provider's content filter")
    content = message.get("content")
    if not isinstance(content, str) or not content.strip():
        return _validation_failure("empty_reply", "the reply has no content")
    draft = _parse_draft(content)
    if isinstance(draft, _Failure):
        return draft
    made = Production(
        backend=BACKEND_NAME,
        version=prompt_version(),
        model=body.get("model") or settings.model,
        mode="json_schema",
        usage=_usage(body),
        attempts=1,
        ungrounded_note="ungrounded (a batch reply is not re-asked)",
    )
    return finish(Brief.from_draft(draft), text, settings.ungrounded, made)


class _Output:
    """The batch output JSONL: a path written atomically, or a text writer given by the caller."""

    def __init__(self, out: Path | str | IO[str]) -> None:
        self._final: Path | None = None
        if hasattr(out, "write"):
            self.handle: IO[str] = out  # type: ignore[assignment]
            return
        self._final = Path(out)
        self._final.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{self._final.name}.", dir=self._final.parent)
        self._temporary = Path(temporary)
        self.handle = os.fdopen(descriptor, "w", encoding="utf-8")

    def write(self, record: Mapping[str, Any]) -> None:
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def finish(self, ok: bool) -> None:
        if self._final is None:
            return
        self.handle.close()
        if ok:
            os.replace(self._temporary, self._final)
        else:
            self._temporary.unlink(missing_ok=True)


def _lookup(texts: Mapping[str, str] | Callable[[str], str | None]) -> Callable[[str], str | None]:
    if isinstance(texts, Mapping):
        return texts.get
    if callable(texts):

        def call(custom_id: str) -> str | None:
            try:
                return texts(custom_id)
            except KeyError:
                return None

        return call
    raise TypeError("texts must be a mapping of id to article text, or a function of the id")


def import_results(
    files: Sequence[Path],
    texts: Mapping[str, str] | Callable[[str], str | None],
    settings: Settings,
    out: Path | str | IO[str],
    *,
    expected: Iterable[str] | None = None,
) -> ImportSummary:
    """Turn provider output and error files into the project's batch output; return the summary.

    ``texts`` gives each article's text by id (a mapping, or a function returning ``None``
    for an unknown id). ``expected`` are the ids that were exported (by default the keys of
    a ``texts`` mapping; :func:`read_request_ids` reads them back from request files); each
    one with no line in any file is written as a ``lost`` error and listed for resubmission.
    An id not in ``texts`` is an ``unknown_id`` error. Successes are written as they are
    read, failures at the end, so memory holds ids and error messages, never briefs. When
    ``out`` is a path it is replaced only when the import succeeds.
    """
    text_of = _lookup(texts)
    if expected is None and isinstance(texts, Mapping):
        expected = texts.keys()
    summary = ImportSummary()
    reasons: Counter[str] = Counter()
    succeeded: dict[str, str] = {}  # id -> where its success was read
    failures: dict[str, _Failure] = {}
    output = _Output(out)
    finished = False
    try:
        for path, number, record in _records(files):
            where = f"{path}:{number}"
            custom_id = record.get("custom_id")
            if not isinstance(custom_id, str) or not custom_id:
                raise InputError(f"{where}: no custom_id; is this a provider batch output or error file?")
            outcome = _outcome(record, custom_id, text_of, settings, summary)
            if isinstance(outcome, Brief):
                if custom_id in succeeded:
                    raise InputError(
                        f"{where}: custom_id {custom_id!r} has a second successful result (the first is at "
                        f"{succeeded[custom_id]}); give each provider file once"
                    )
                succeeded[custom_id] = where
                failures.pop(custom_id, None)
                assert outcome.meta is not None
                output.write(
                    {"id": custom_id, "brief": outcome.model_dump(mode="json"), "meta": outcome.meta.model_dump(mode="json")}
                )
                summary.ok += 1
            elif custom_id not in succeeded:
                known = failures.get(custom_id)
                # A request that ran and failed says more than one that never ran.
                if known is None or (known.retryable and not outcome.retryable):
                    failures[custom_id] = outcome
        if expected is not None:
            for custom_id in expected:
                if custom_id not in succeeded and custom_id not in failures:
                    failures[custom_id] = _Failure(
                        "lost", "TransportError", "no result for this id in any provider output or error file", retryable=True
                    )
        for custom_id, failure in failures.items():
            output.write(failure.record(custom_id))
            summary.failed += 1
            reasons[failure.reason] += 1
            if failure.retryable:
                summary.resubmit.append(custom_id)
        finished = True
    finally:
        output.finish(finished)
    summary.by_reason = dict(reasons)
    return summary


def _outcome(
    record: Mapping[str, Any],
    custom_id: str,
    text_of: Callable[[str], str | None],
    settings: Settings,
    summary: ImportSummary,
) -> Brief | _Failure:
    """What one provider line says about its id."""
    text = text_of(custom_id)
    if text is None:
        return _Failure("unknown_id", "InputError", f"unknown id {custom_id!r}: not among the batch's articles")
    response = record.get("response")
    line_error = record.get("error")
    if not isinstance(response, dict):
        return _line_error(line_error)
    status = response.get("status_code")
    body = response.get("body")
    if isinstance(body, dict) and "usage" in body:
        summary.usage = summary.usage + _usage(body)
    if status != 200:
        if not isinstance(status, int):
            return _line_error(line_error) if line_error else _Failure(
                "provider_error", "APIRequestError", "the response has no status_code"
            )
        return _status_error(status, body, line_error)
    if not isinstance(body, dict) or "choices" not in body:
        if line_error or (isinstance(body, dict) and "error" in body):
            return _line_error(line_error or body)
        return _validation_failure("empty_reply", "the response has no chat completion body")
    return _brief(body, text, settings)



# --- the OpenAI Batch API: upload, start, follow, download ---------------------------------
#
# Thin helpers over the openai client for the management calls (vllm run-batch needs none
# of them: it reads and writes the same files locally). Nothing here retries a call that
# creates something: a timed-out upload or batch creation may still have happened on the
# server, and a blind retry could start (and bill) the same batch twice.

TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})


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
    """An openai client for the batch management calls, from the usual settings."""
    import openai

    return openai.OpenAI(
        api_key=settings.key_for_client(), base_url=settings.base_url, timeout=settings.timeout, max_retries=0
    )


def submit(
    client: Any, request_files: Sequence[Path], *, metadata: Mapping[str, str] | None = None
) -> list[str]:
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


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")


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
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for file_id, suffix in ((state.output_file_id, "output"), (state.error_file_id, "errors")):
        if not file_id:
            continue
        path = out_dir / f"{batch_id}-{suffix}.jsonl"
        # Streamed to a temporary name and renamed when whole: a dropped connection never
        # leaves a truncated file that a later `batch import out/*.jsonl` would read.
        partial = path.with_name(path.name + ".part")
        try:
            with client.files.with_streaming_response.content(file_id) as response:
                response.stream_to_file(partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        written.append(path)
    return written
