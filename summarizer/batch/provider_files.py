"""Provider batch files: the OpenAI Batch API and ``vllm run-batch`` (same request format).

Two halves, both streamed so a job of any size runs in bounded memory, and neither
needs a key or a network (that is :mod:`.provider_api`). The export and the files both
halves read and write are here; the import is :mod:`.provider_import`.

* :func:`export_requests` writes request files, one line per request::

      {"custom_id": "<article id>", "method": "POST", "url": "/v1/chat/completions", "body": {...}}

  The body (:func:`request_body`) asks for the same prompt as the online path (the static
  system prompt first, the article last) and for strict structured outputs
  (``response_format`` json_schema, ``strict: true``), since there is no re-ask in a batch.
  An article gets the same length rules as online: one longer than
  ``max_article_chars`` is skipped with its reason, and one whose request would exceed
  ``max_input_tokens`` (counted on the request written here) is sent in parts, cut as
  :mod:`summarizer.backends.long_articles` cuts them, whose custom_ids are
  ``<article id>#part-<n>-of-<count>`` (:func:`part_id`). An article id that itself ends
  that way is refused, so a part's custom_id can never be another article's. Files are
  split before ``max_requests`` lines or ``max_bytes`` bytes (the OpenAI limits by
  default: 50,000 requests, 200 MB).

* :func:`summarizer.batch.provider_import.import_results` reads the provider's output and error files, in any order, and
  writes the project's batch output (:mod:`summarizer.batch.records`), one line per
  article. Each reply is validated and grounded by :mod:`.provider_replies`; the parts of
  an article are merged into one brief (:func:`summarizer.merge.merge_briefs`), or the
  article fails naming its first failed part. A success in one file wins over an error
  for the same request in another (a resubmitted request); two successes for one request
  are refused. Articles whose requests never ran (expired, cancelled, 429, 5xx, timeout,
  or no line in any file) are listed in :attr:`ImportSummary.resubmit`; replies that
  failed validation are not, since the same request would likely fail again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import IO, Any, Protocol

from ..backends.long_articles import check_length, part_chars, split_text
from ..backends.openai.structured import strict_response_format
from ..backends.openai.tokens import counted_output, estimate_tokens, fitted_output_budget
from ..config import Settings
from ..errors import ConfigError, InputError
from ..output_files import Kind, OutputFile
from ..prompts import messages
from ..split import Part
from . import records

__all__ = [
    "CHAT_URL",
    "MAX_BYTES",
    "MAX_REQUESTS",
    "PART_ID",
    "Planner",
    "Output",
    "export_requests",
    "part_id",
    "provider_lines",
    "read_request_ids",
    "request_body",
    "request_tokens",
]

CHAT_URL = "/v1/chat/completions"
MAX_REQUESTS = 50_000
MAX_BYTES = 200 * 1024 * 1024
# The end of a part's custom_id; no article id may end this way.
PART_ID = re.compile(r"#part-([1-9][0-9]*)-of-([1-9][0-9]*)\Z")


class ArticleLike(Protocol):
    id: str
    text: str


# --- requests ----------------------------------------------------------------------------


@cache
def _response_format() -> dict[str, Any]:
    return strict_response_format()


def request_body(text: str, settings: Settings) -> dict[str, Any]:
    """The ``/v1/chat/completions`` body for one article: the online prompt, strict json_schema output."""
    body: dict[str, Any] = {
        "model": settings.chosen_model(),
        "messages": messages(text),
        "temperature": settings.temperature,
    }
    if (budget := fitted_output_budget(settings.max_output_tokens, len(text))) is not None:
        body["max_tokens"] = budget  # the same budget an online request of this article gets
    # A fresh copy per body: callers may mutate what they get back.
    body["response_format"] = json.loads(json.dumps(_response_format()))
    return body


def request_tokens(text: str, settings: Settings) -> float:
    """The input tokens of the request :func:`request_body` writes for ``text`` (its output budget left out)."""
    body = request_body(text, settings)
    return estimate_tokens(body) - counted_output(body.get("max_tokens"))


def part_id(article_id: str, number: int, count: int) -> str:
    """The custom_id of part ``number`` (from 1) of ``count``; the article's own id when it is sent whole."""
    return article_id if count == 1 else f"{article_id}#part-{number}-of-{count}"


class Planner:
    """Which requests an article is sent in, under the online path's rules (see the module docstring)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.part_chars = part_chars(settings, lambda text: request_tokens(text, settings))

    def parts(self, text: str) -> list[Part]:
        """The parts of ``text``, one when it fits; an :class:`InputError` past ``max_article_chars``."""
        check_length(text, self.settings.max_article_chars)
        return split_text(text, self.part_chars)

    def unsendable(self, text: Any, error: str | None = None) -> str | None:
        """Why an article cannot be sent (its read ``error``, an empty or over-long ``text``), or None."""
        if error is not None:
            return str(error)
        if not isinstance(text, str) or not text.strip():
            return "the text is empty"
        try:
            check_length(text, self.settings.max_article_chars)
        except InputError as exc:
            return exc.message
        return None


def _request_line(custom_id: str, text: str, settings: Settings) -> bytes:
    line = {"custom_id": custom_id, "method": "POST", "url": CHAT_URL, "body": request_body(text, settings)}
    return (json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def _file_path(out_prefix: Path, number: int) -> Path:
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
    written at once, a long one as its parts. A repeated or empty id, an id ending like a
    part's custom_id, or a single request larger than ``max_bytes`` is an
    :class:`InputError`; the files written so far are then removed, so a half-written set
    is never submitted.

    An article that cannot be sent (its ``error`` attribute is set, as
    :class:`summarizer.batch.sources.Article` does for an empty or binary file, its text
    is empty, or it is longer than ``max_article_chars``) is passed to
    ``on_skip(article, reason)`` and left out; without ``on_skip`` it is an
    :class:`InputError`. Its id still counts for uniqueness.
    """
    if max_requests < 1 or max_bytes < 1:
        raise ConfigError("max_requests and max_bytes must be positive")
    settings.chosen_model()  # a server's own models have no default: refused before any file is written
    planner = Planner(settings)
    out_prefix = Path(out_prefix)
    paths: list[Path] = []
    written: list[OutputFile] = []
    seen: set[str] = set()
    current: OutputFile | None = None
    lines = size = 0
    try:
        for position, article in enumerate(articles, start=1):
            article_id = getattr(article, "id", None)
            if not isinstance(article_id, str) or not article_id:
                raise InputError(f"article {position}: needs a non-empty string id to use as custom_id")
            if article_id in seen:
                raise InputError(f"duplicate id {article_id!r}: every custom_id in a batch must be unique")
            if PART_ID.search(article_id):
                raise InputError(f"id {article_id!r} ends like the custom_id of an article's part "
                                 "('#part-N-of-M'); rename the article")
            seen.add(article_id)
            problem = planner.unsendable(getattr(article, "text", None), getattr(article, "error", None))
            if problem is not None:
                if on_skip is None:
                    raise InputError(f"article {article_id!r} cannot be sent: {problem}")
                on_skip(article, problem)
                continue
            parts = planner.parts(article.text)
            for part in parts:
                line = _request_line(part_id(article_id, part.index + 1, len(parts)), part.text, settings)
                if len(line) > max_bytes:
                    raise InputError(
                        f"article {article_id!r}: its request is {len(line):,} bytes, more than max_bytes={max_bytes:,}"
                    )
                if current is None or lines + 1 > max_requests or size + len(line) > max_bytes:
                    if current is not None:
                        current.commit()  # each file is whole on disk as soon as it is full
                    paths.append(_file_path(out_prefix, len(paths) + 1))
                    current = OutputFile(paths[-1])
                    written.append(current)
                    lines = size = 0
                current.write(line)
                lines += 1
                size += len(line)
        if current is not None:
            current.commit()
    except BaseException:
        for path, output in zip(paths, written):
            output.discard()
            if output.kind is Kind.replace:  # a FIFO or device is not ours to remove
                path.unlink(missing_ok=True)
        raise
    return paths


def provider_lines(files: Iterable[Path]) -> Iterator[tuple[Path, int, dict[str, Any]]]:
    """Every JSON line of provider request, output or error ``files`` with its place; a broken file is an :class:`InputError`."""
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
                    except (json.JSONDecodeError, RecursionError) as exc:
                        raise InputError(f"{path}:{number}: not valid JSON ({getattr(exc, 'msg', 'nested too deeply')})") from None
                    if not isinstance(record, dict):
                        raise InputError(f"{path}:{number}: each line must be a JSON object")
                    yield path, number, record
            except UnicodeDecodeError as exc:
                raise InputError(f"{path}: not valid UTF-8 ({exc.reason})") from None


def read_request_ids(files: Iterable[Path]) -> list[str]:
    """The custom_ids of request files written by :func:`export_requests`, in file order.

    What an import expects back: pass them as ``expected`` to find the lost ones.
    """
    ids: list[str] = []
    for path, number, record in provider_lines(files):
        custom_id = record.get("custom_id")
        if not isinstance(custom_id, str):
            raise InputError(f"{path}:{number}: no custom_id; is this a batch request file?")
        ids.append(custom_id)
    return ids


class Output:
    """A batch output JSONL: a path written whole (:class:`summarizer.output_files.OutputFile`), or a text writer given by the caller."""

    def __init__(self, out: Path | str | IO[str]) -> None:
        self._file: OutputFile | None = None
        if hasattr(out, "write"):
            self.handle: IO[str] = out  # type: ignore[assignment]
            return
        self._file = OutputFile(out)  # type: ignore[arg-type]

    def write(self, record: Mapping[str, Any]) -> None:
        data = records.encode(record)
        if self._file is not None:
            self._file.write(data)
        else:
            self.handle.write(data.decode("utf-8"))

    def finish(self, ok: bool) -> None:
        """Finish the file: put it in place when ``ok``, else drop it (a caller's writer is left open)."""
        if self._file is None:
            return
        if ok:
            self._file.commit()
        else:
            self._file.discard()
