"""Reading the inputs of a batch run, one article at a time.

Two passes over the same sources:

* :func:`scan` lists every article id in input order (no texts kept) and refuses, up
  front, whatever would make the run ambiguous: duplicate ids (every place of each one is
  named), JSONL lines without a usable ``id`` or ``text``, invalid JSON, missing paths,
  unreadable folders or JSONL files, an empty input set. Given a ``digest``, the same
  pass hashes every article's content for a run's fingerprint (a file's bytes: a web
  page is extracted once, when it is run).
* :func:`read` yields the :class:`Article` objects lazily, in the same order; memory stays
  flat whatever the input size.

A source is

* a file: ``.txt``, ``.md``, ``.html``/``.htm`` (one article; its id is the file name
  without extension; a web page's article is extracted from its markup) or ``.jsonl``
  (one article per line: ``{"id": ..., "text": ..., other keys -> metadata}``, blank
  lines skipped);
* a folder: its ``.txt``/``.md``/``.html``/``.htm``/``.jsonl`` files, recursively, sorted
  by relative path; the id of a text file is its path relative to the folder without
  extension (``world/a-123``); other files and hidden entries (names starting with
  ``.``) are skipped;
* ``-``: standard input, JSONL when its first non-blank character is ``{``, else one
  article whose id is ``stdin`` (a web page when it starts with ``<!doctype html`` or
  ``<html``).

Standard input can be read only once, so the first pass copies it to a temporary file
(:func:`stdin_buffer`, removed at exit or by :func:`discard_stdin_buffer`) and every later
pass in the same process reads that copy.

A text file is read by :func:`summarizer.inputs.parse_article`, the code path of
``summarizer brief``, so the same bytes give the same text (and the same refusals). One
that is unreadable, empty, binary, not UTF-8, not a regular file, or a web page without
an article is not a scan error: :func:`read` yields it with ``text=""`` and
:attr:`Article.error` set, so the runner records one per-article error and the job goes
on. A web page's article carries ``metadata`` ``{"source_format": "html", "extractor",
"text"}``: the text its brief's spans index travels to the output line.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import InputError
from . import records
from ..html_text import HTML_SUFFIXES
from ..inputs import MAX_INPUT_BYTES, parse_article

TEXT_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES
STDIN = "-"
STDIN_ID = "stdin"
STDIN_LABEL = "stdin"
MAX_PROBLEMS_SHOWN = 20
MAX_PLACES_SHOWN = 10


@dataclass(frozen=True)
class Article:
    """One article of a batch input."""

    id: str
    text: str
    metadata: dict[str, Any]  # other keys of a JSONL record; for a web page, its extracted text; else {}
    source: str  # where it came from, for messages: "in.jsonl:12" or "docs/a.txt"
    error: str | None = field(default=None, compare=False)
    """Why this article cannot be summarized (unreadable, empty, binary, not UTF-8, too large), or None.

    Set only for text files; the runner should record it as this id's error without
    calling the backend. ``text`` is then ``""``.
    """


@dataclass(frozen=True)
class _Input:
    """One file to read: a text article or a JSONL file."""

    kind: Literal["text", "jsonl"]
    path: Path  # what to open (for stdin: the temporary copy)
    label: str  # what to call it in messages
    article_id: str | None  # for kind == "text"
    html: bool | None = False  # for kind == "text": a web page? None: decide by its content


class _Problems:
    """Scan problems, collected so one run names many of them at once."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.count = 0

    def __call__(self, message: str) -> None:
        self.count += 1
        if len(self.messages) < MAX_PROBLEMS_SHOWN:
            self.messages.append(message)

    def raise_if_any(self) -> None:
        if not self.count:
            return
        more = self.count - len(self.messages)
        lines = self.messages + ([f"... and {more:,} more"] if more else [])
        head = "the batch input has a problem" if self.count == 1 else f"the batch input has {self.count:,} problems"
        raise InputError(f"{head}:\n  " + "\n  ".join(lines), problems=self.count)


def _raise(message: str) -> None:
    """The problem handler of :func:`read`: the input changed since the scan."""
    raise InputError(message)


# ---------------------------------------------------------------------------------------
# standard input


_stdin_path: Path | None = None


def stdin_buffer() -> Path:
    """The temporary copy of standard input, made on first use (stdin is read only once)."""
    global _stdin_path
    if _stdin_path is None:
        handle, name = tempfile.mkstemp(prefix="summarizer-batch-stdin-", suffix=".buf")
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        _stdin_path = path
        atexit.register(discard_stdin_buffer)
    return _stdin_path


def discard_stdin_buffer() -> None:
    """Remove the temporary copy of standard input (the next pass would read stdin again)."""
    global _stdin_path
    if _stdin_path is not None:
        _stdin_path.unlink(missing_ok=True)
        _stdin_path = None


def _looks_like_jsonl(path: Path) -> bool:
    """Whether the first non-blank character of the file is ``{`` (a byte-order mark skipped)."""
    with path.open("rb") as handle:
        while chunk := handle.read(4096):
            stripped = chunk.lstrip(b" \t\r\n\x0b\x0c\xef\xbb\xbf")
            if stripped:
                return stripped[:1] == b"{"
    return False


# ---------------------------------------------------------------------------------------
# expanding sources into files


def _strip_suffix(relative: str) -> str:
    stem, _dot, _suffix = relative.rpartition(".")
    return stem


def _folder_files(folder: Path) -> list[str]:
    """Relative POSIX paths of the supported files under ``folder``, sorted; hidden entries skipped."""
    found: list[str] = []
    for root, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        base = Path(root).relative_to(folder)
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            found.append((base / name).as_posix())
    found.sort()
    return found


def _inputs(sources: Sequence[str], problem: Callable[[str], None]) -> Iterator[_Input]:
    """The files named by ``sources``, in order; a bad source is reported to ``problem``."""
    for source in sources:
        source = str(source)
        if source == STDIN:
            path = stdin_buffer()
            if _looks_like_jsonl(path):
                yield _Input("jsonl", path, STDIN_LABEL, None)
            else:
                yield _Input("text", path, STDIN_LABEL, STDIN_ID, html=None)
            continue
        path = Path(source)
        if path.is_dir():
            try:
                relatives = _folder_files(path)
            except OSError as exc:
                problem(f"{source}: cannot be read ({exc.strerror or exc})")
                continue
            for relative in relatives:
                suffix = Path(relative).suffix.lower()
                label = str(path / relative)
                if suffix in JSONL_SUFFIXES:
                    yield _Input("jsonl", path / relative, label, None)
                else:
                    yield _Input("text", path / relative, label, _strip_suffix(relative), html=suffix in HTML_SUFFIXES)
            continue
        if not path.exists() and not path.is_symlink():
            problem(f"{source}: no such file or folder")
            continue
        suffix = path.suffix.lower()
        if suffix in JSONL_SUFFIXES:
            yield _Input("jsonl", path, source, None)
        elif suffix in TEXT_SUFFIXES:
            yield _Input("text", path, source, path.stem, html=suffix in HTML_SUFFIXES)
        else:
            problem(
                f"{source}: unsupported file type {suffix or '(no extension)'!r}; "
                f"give .txt, .md, .html, .htm or .jsonl files, a folder, or '-'"
            )


# ---------------------------------------------------------------------------------------
# records


def _jsonl_id(record: dict[str, Any]) -> str | None:
    value = record.get("id")
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value
    return None


def _jsonl_records(
    item: _Input, problem: Callable[[str], None], *, want_text: bool
) -> Iterator[tuple[str, str, dict[str, Any], str]]:
    """``(id, text, metadata, place)`` of each valid line of a JSONL file, lazily.

    With ``want_text=False`` (the scan) the metadata is not kept (``{}``) and the text is
    the record's, its newlines as they are.
    """
    try:
        handle = item.path.open("rb")
    except OSError as exc:
        problem(f"{item.label}: cannot be read ({exc.strerror or exc})")
        return
    with handle:
        lineno = 0
        while True:
            try:
                raw = handle.readline()
            except OSError as exc:
                problem(f"{item.label}:{lineno + 1}: cannot be read ({exc.strerror or exc})")
                return
            if not raw:
                return
            lineno += 1
            place = f"{item.label}:{lineno}"
            if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problem(f"{place}: not valid UTF-8 (byte {exc.start})")
                continue
            try:
                record = json.loads(line, parse_constant=records.reject_constant)
            except json.JSONDecodeError as exc:
                problem(f"{place}: invalid JSON ({exc.msg}, column {exc.colno})")
                continue
            except (ValueError, RecursionError) as exc:  # NaN or Infinity (not JSON), or nesting too deep
                problem(f"{place}: its JSON is nested too deeply to read" if isinstance(exc, RecursionError)
                        else f"{place}: invalid JSON ({exc}): write null or a string instead")
                continue
            if not isinstance(record, dict):
                problem(f"{place}: expected a JSON object, got {type(record).__name__}")
                continue
            article_id = _jsonl_id(record)
            if article_id is None:
                got = "no \"id\"" if "id" not in record else f"\"id\" is {record['id']!r}"
                problem(f"{place}: needs an \"id\" (a non-empty string or an integer); {got}")
                continue
            text = record.get("text")
            # a blank text is that article's error line (as an empty file is); a missing one is not
            if not isinstance(text, str):
                got = "no \"text\"" if "text" not in record else f"\"text\" is {_short(text)}"
                problem(f"{place}: needs a string \"text\" (id {article_id!r}); {got}")
                continue
            if want_text:  # the newline rule of decode_article: offsets count LF-only text
                metadata = {key: value for key, value in record.items() if key not in ("id", "text")}
                yield article_id, _lf_only(text), metadata, place
            else:
                yield article_id, text, {}, place


def _lf_only(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _unreadable(path: Path) -> str | None:
    """Why ``path`` cannot be read as one article file, or None (opening a FIFO would block)."""
    if path.is_symlink() and not path.exists():
        return "is a symbolic link to a missing file"
    if path.exists() and not path.is_file():
        return "is not a regular file"
    return None


def _text_article(item: _Input) -> Article:
    """The article of a text or HTML file; one that is not usable gets ``error`` set."""
    assert item.article_id is not None

    def failed(message: str) -> Article:
        return Article(item.article_id, "", {}, item.label, error=message)

    if reason := _unreadable(item.path):
        return failed(f"{item.label}: {reason}")
    try:
        with item.path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        return failed(f"{item.label}: cannot be read ({exc.strerror or exc}); check its permissions")
    try:
        article = parse_article(data, item.label, html=item.html)
    except InputError as exc:
        return failed(exc.message)
    return Article(item.article_id, article.text, article.output_metadata(), item.label)


def _places(
    sources: Sequence[str], problem: Callable[[str], None], digest: Any = None
) -> Iterator[tuple[str, str]]:
    """``(id, place)`` of every article, in input order, without parsing text files.

    With ``digest`` (a :class:`~.input_digest.InputDigest`), each article's file, id and
    what it is read from go into it: a JSONL record's text, a file's bytes (a web page is not
    extracted here, only when it is run).
    """
    for item in _inputs(sources, problem):
        if item.kind == "jsonl":
            for article_id, text, _metadata, place in _jsonl_records(item, problem, want_text=False):
                if digest is not None:
                    digest.add(item.label, article_id, _lf_only(text).encode("utf-8", "surrogatepass"))
                yield article_id, place
        else:
            # An unreadable file is not refused here: read() yields it as one article's error.
            assert item.article_id is not None
            if digest is not None:
                digest.add(item.label, item.article_id, _raw_bytes(item.path))
            yield item.article_id, item.label


def _raw_bytes(path: Path) -> bytes:
    """What :func:`_text_article` reads of a file (b"" when it cannot be read: its error is read's)."""
    if _unreadable(path):
        return b""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_INPUT_BYTES + 1)
    except OSError:
        return b""


# ---------------------------------------------------------------------------------------
# the two passes


def scan(sources: Sequence[str], digest: Any = None) -> list[str]:
    """First pass: every article id in input order, without keeping texts.

    With ``digest`` (an :class:`~.input_digest.InputDigest`), the same pass feeds it
    every article's file, id and content (see :func:`_places`): a run's fingerprint of
    its inputs, taken without reading them twice or extracting a web page.

    Raises :class:`InputError` naming the offending places (up to 20, then a count):
    duplicate ids (every line or file of each), a JSONL line without a string/int ``id``
    or without a non-empty string ``text``, invalid JSON (``file:line``), a missing path, an
    unreadable folder or JSONL file, an empty input set (an unreadable article file is
    :func:`read`'s per-article error instead). Reading ``-`` copies standard input to a
    temporary file that :func:`read` then uses.
    """
    if isinstance(sources, str):
        sources = [sources]
    problems = _Problems()
    ids: list[str] = []
    seen: set[str] = set()
    duplicated: set[str] = set()
    for article_id, _place in _places(sources, problems, digest):
        if article_id in seen:
            duplicated.add(article_id)
        else:
            seen.add(article_id)
            ids.append(article_id)
    if duplicated:
        # Rare path: a second pass collects every place of each duplicate, so the first
        # pass never keeps a place per id.
        places: dict[str, list[str]] = {}  # in order of first appearance
        for article_id, place in _places(sources, lambda message: None):
            if article_id in duplicated:
                places.setdefault(article_id, []).append(place)
        for article_id, where in places.items():
            shown = where[:MAX_PLACES_SHOWN]
            more = f" and {len(where) - len(shown):,} more places" if len(where) > len(shown) else ""
            if more:
                listed = ", ".join(shown) + more
            else:
                listed = f"{', '.join(shown[:-1])} and {shown[-1]}"
            problems(f"duplicate id {article_id!r} at {listed}")
    problems.raise_if_any()
    if not ids:
        names = ", ".join(str(source) for source in sources) or "(none)"
        raise InputError(f"no articles to summarize in {names}; give .txt, .md, .html, .htm or .jsonl files")
    return ids


def read(sources: Sequence[str]) -> Iterator[Article]:
    """Second pass: the articles, one at a time, in the order of :func:`scan`.

    Never holds more than one article (one JSONL line) in memory. Raises
    :class:`InputError` if the input turned bad since the scan.
    """
    if isinstance(sources, str):
        sources = [sources]
    for item in _inputs(sources, _raise):
        if item.kind == "jsonl":
            for article_id, text, metadata, place in _jsonl_records(item, _raise, want_text=True):
                yield Article(article_id, text, metadata, place)
        else:
            yield _text_article(item)
