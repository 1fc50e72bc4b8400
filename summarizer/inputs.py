"""Reading an article from a file or standard input, refusing what is not usable text.

The rules, the same for ``summarizer brief``, batch files and the Python API:

* UTF-8; a byte-order mark is dropped; newlines are normalised to LF (CRLF and lone CR),
  so spans count characters of LF-only text.
* A few stray bytes in otherwise good text (at most one per 1,000 bytes, and at least one
  is allowed) are each replaced by U+FFFD, with a warning naming their byte offsets:
  invalid UTF-8 sequences, NUL and other control characters (tab, LF, CR and form feed
  are text). The replacement keeps one character per bad sequence, so nothing shifts.
* More than that is refused: mostly control bytes or NULs as binary data, otherwise as
  not UTF-8 (with how to convert it); UTF-16 and UTF-32 are named as such.
* Empty text, or text with no letter or digit (only spaces or invisible characters), is
  refused; so is more than 5 MB of text (20 MB for a web page).
* HTML (a ``.html``/``.htm`` file, or standard input starting with ``<!doctype html`` or
  ``<html``) goes through :func:`summarizer.html_text.extract_article`; the extracted text
  is the article, and a page with none is refused. A page is decoded as a browser would
  (:mod:`summarizer.page_charset`): its byte-order mark (UTF-8, UTF-16), else the
  charset its ``<meta>`` declares in the first 1024 bytes, else UTF-8 as above; a
  declared encoding is decoded strictly, and an unknown label is refused, named.

Refusals are :class:`InputError` (exit code 2) naming the source and what to do.
"""

from __future__ import annotations

import codecs
import itertools
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import InputError

MAX_ARTICLE_BYTES = 5_000_000
MAX_PAGE_BYTES = 20_000_000  # a saved web page is mostly markup (and sometimes inline images)
MAX_INPUT_BYTES = max(MAX_ARTICLE_BYTES, MAX_PAGE_BYTES)  # what a reader reads before parse_article decides
STRAY_BYTES_PER = 1_000  # one replaced byte allowed per this many bytes of input
MAX_OFFSETS_SHOWN = 5

SourceFormat = Literal["text", "html"]

logger = logging.getLogger(__name__)

# C0 controls and DEL that are not text; in UTF-8 each is one byte and one character.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_CONTROL_RE = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
_CONTROL_CHARS = {byte: "\ufffd" for byte in _CONTROL_BYTES}


@dataclass(frozen=True)
class ArticleText:
    """An article as the brief sees it: ``text`` is what the brief's spans index.

    ``source_format`` is ``"html"`` when ``text`` was extracted from a web page (keep
    ``text`` with the brief then: the page's markup is not what the spans count), else
    ``"text"``. ``warnings`` lists what was repaired (stray bytes replaced).
    """

    text: str
    source_format: SourceFormat = "text"
    warnings: tuple[str, ...] = ()

    def output_metadata(self) -> dict[str, str]:
        """What travels with the brief in JSON output: ``{}`` for text, the extracted text for HTML.

        ``{"source_format": "html", "extractor": "trafilatura X.Y", "text": ...}``: the
        ``metadata`` of ``summarizer brief --with-meta`` and of a batch output line.
        """
        if self.source_format == "text":
            return {}
        from .html_text import trafilatura_version

        return {"source_format": self.source_format, "extractor": f"trafilatura {trafilatura_version()}", "text": self.text}


def _invalid(data: bytes, limit: int, codec: str = "utf-8") -> list[tuple[int, int]]:
    """``(start, end)`` of the first ``limit`` byte sequences of ``data`` that ``codec`` cannot decode."""
    found: list[tuple[int, int]] = []
    view = memoryview(data)
    decode = codecs.getdecoder(codec)
    position = 0
    while len(found) < limit:
        try:
            # Each attempt stops at the next error, so the whole scan reads ``data`` once.
            decode(view[position:], "strict")
            break
        except UnicodeDecodeError as exc:
            found.append((position + exc.start, position + exc.end))
            position += exc.end
    return found


def _offsets(offsets: list[int]) -> str:
    shown = ", ".join(str(offset) for offset in offsets[:MAX_OFFSETS_SHOWN])
    return shown + (", ..." if len(offsets) > MAX_OFFSETS_SHOWN else "")


def _decode(data: bytes, source: str) -> tuple[str, list[str]]:
    """``(text, warnings)`` under the module's rules, or an :class:`InputError`."""
    # UTF-32's little-endian mark begins with UTF-16's: the longer one is looked for first
    for marks, name in (((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE), "utf-32"),
                        ((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE), "utf-16")):
        if data.startswith(marks):
            raise InputError(f"{source}: {name.upper()} text; convert it to UTF-8, e.g. iconv -f {name} -t utf-8")
    bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
    body = data[bom:]
    allowed = max(1, len(body) // STRAY_BYTES_PER)
    # Offsets of the first few only: a binary file may have millions.
    controls = [match.start() + bom for match in itertools.islice(_CONTROL_RE.finditer(body), allowed + 1)]
    if len(controls) > allowed:
        count = len(body) - len(body.translate(None, _CONTROL_BYTES))
        raise InputError(
            f"{source}: looks like binary data ({count:,} NUL or control bytes, first at byte "
            f"{controls[0]}); give a UTF-8 text file"
        )
    invalid = _invalid(body, allowed + 1 - len(controls))
    if len(controls) + len(invalid) > allowed:
        raise _not_valid(source, "UTF-8", [start + bom for start, _end in invalid], "latin1")
    # 'replace' puts one U+FFFD per invalid sequence, the sequences found above.
    text = body.decode("utf-8", "replace") if invalid else body.decode("utf-8")
    warnings = []
    if invalid:
        offsets = [start + bom for start, _end in invalid]
        warnings.append(f"{source}: {len(offsets)} invalid UTF-8 byte sequence(s) at byte {_offsets(offsets)} replaced by U+FFFD")
    if controls:
        text = text.translate(_CONTROL_CHARS)
        warnings.append(f"{source}: {len(controls)} NUL or control byte(s) at byte {_offsets(controls)} replaced by U+FFFD")
    return text.replace("\r\n", "\n").replace("\r", "\n"), warnings


def _not_valid(source: str, name: str, offsets: list[int], convert_from: str) -> InputError:
    return InputError(f"{source}: not valid {name} (invalid bytes at byte {_offsets(offsets)}); "
                      f"convert it, e.g. iconv -f {convert_from} -t utf-8")


def _decode_page(data: bytes, source: str) -> tuple[str, list[str]]:
    """A web page's text, in the encoding its byte-order mark or ``<meta>`` gives (:mod:`.page_charset`).

    UTF-8 (declared or not) follows the rules of :func:`_decode`; another encoding is
    decoded strictly, a byte it does not define being refused, then NUL and control
    characters are treated as in UTF-8 text.
    """
    from .page_charset import page_encoding

    encoding = page_encoding(data, source)
    if encoding is None or encoding.codec == "utf-8":
        return _decode(data, source)
    body = data[encoding.bom:]
    invalid = _invalid(body, MAX_OFFSETS_SHOWN + 1, encoding.codec)
    if invalid:
        name = encoding.name if encoding.bom else f"{encoding.name}, the page's declared charset"
        raise _not_valid(source, name, [start + encoding.bom for start, _end in invalid], encoding.name)
    # re-encoded as UTF-8, the page's text meets the same checks as any other (controls,
    # binary); the byte offsets of such a warning then count the page as UTF-8
    text, warnings = _decode(body.decode(encoding.codec).encode("utf-8"), source)
    return text, warnings


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        logger.warning(warning)


def decode_article(data: bytes, source: str) -> str:
    """Text of an article given as bytes, under the module's rules (warnings are logged).

    Binary data, text that is not UTF-8, and empty text are refused with an
    :class:`InputError` naming ``source``.
    """
    text, warnings = _decode(data, source)
    _warn(warnings)
    return check_article(text, source)


def check_article(text: str, source: str = "article") -> str:
    """``text`` itself, or an :class:`InputError` when it is empty, wordless or not a string."""
    if not isinstance(text, str):
        raise InputError(f"{source}: expected the article as str, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{source}: the article is empty; give a file with the article's text")
    if not any(char.isalnum() for char in text):
        raise InputError(
            f"{source}: the article has no letters or digits (only spaces, punctuation or invisible "
            "characters); give a file with the article's text"
        )
    return text


def parse_article(data: bytes, source: str, *, html: bool | None = None) -> ArticleText:
    """The article in ``data``: decoded, and extracted from its page when it is HTML.

    ``html`` says whether ``data`` is a web page; ``None`` decides by its first characters
    (``<!doctype html`` or ``<html``). Warnings are logged and returned. The one path of
    ``summarizer brief``, :func:`article_text` and batch files.
    """
    if html is None:
        from .html_text import looks_like_html

        html = looks_like_html(data[:1024].decode("utf-8", "ignore").lstrip("\ufeff"))
    limit = MAX_PAGE_BYTES if html else MAX_ARTICLE_BYTES
    if len(data) > limit:
        kind = "web page" if html else "article"
        raise InputError(f"{source}: larger than {limit:,} bytes; this is not one {kind}")
    text, warnings = _decode_page(data, source) if html else _decode(data, source)
    _warn(warnings)
    if not html:
        return ArticleText(check_article(text, source), "text", tuple(warnings))
    from .html_text import extract_article

    check_article(text, source)
    extracted = extract_article(text)
    if not any(char.isalnum() for char in extracted):
        raise InputError(
            f"{source}: no article text found in this web page (only navigation or boilerplate); "
            "save the article's page, or give its text as a .txt file"
        )
    return ArticleText(extracted, "html", tuple(warnings))


def _read(source: str | Path) -> tuple[bytes, str, bool | None]:
    """``(bytes, name, html)`` of file ``source`` or of standard input (``-``)."""
    if str(source) == "-":
        return sys.stdin.buffer.read(MAX_INPUT_BYTES + 1), "standard input", None
    from .html_text import HTML_SUFFIXES

    path = Path(source)
    name = str(path)
    if path.is_dir():
        raise InputError(f"{name}: is a directory; give an article file (or use 'summarizer batch')")
    if path.is_symlink() and not path.exists():
        raise InputError(f"{name}: is a symbolic link to a missing file; give the article file itself")
    try:
        if path.is_fifo():
            data = _read_fifo(path, name)
        else:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc}); check its permissions") from None
    return data, name, path.suffix.lower() in HTML_SUFFIXES


# How long a named pipe may stay without a writer, or silent, before it is given up on.
FIFO_WAIT_S = 10.0


def _read_fifo(path: Path, name: str) -> bytes:
    """What is written to the named pipe ``path`` up to its end, without blocking forever.

    Opening a FIFO for reading blocks until a writer opens it; opened without blocking,
    its end reads as empty while there is no writer. So a writer (``<(cat a.txt)``, or
    ``cat a.txt > fifo`` started before or after) has :data:`FIFO_WAIT_S` seconds to
    connect and send its first bytes, and the pipe is then read to its end.
    """
    import os
    import select
    import time

    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + FIFO_WAIT_S
    try:
        while size <= MAX_INPUT_BYTES:
            try:
                chunk = os.read(descriptor, 1 << 16)
            except BlockingIOError:  # a writer is there, and has not written yet
                left = deadline - time.monotonic()
                if not chunks and left <= 0:
                    break
                select.select([descriptor], [], [], max(left, 0.05) if not chunks else None)
                continue
            if chunk:
                chunks.append(chunk)
                size += len(chunk)
                continue
            if chunks:
                break  # the writer closed its end: the whole article is here
            if time.monotonic() >= deadline:
                break
            time.sleep(0.05)  # no writer yet: it may still come
    finally:
        os.close(descriptor)
    if not chunks:
        raise InputError(f"{name}: is a named pipe and nothing was written to it within {FIFO_WAIT_S:g} s; "
                         "write the article to it, or give the article's file")
    return b"".join(chunks)


def article_text(source: str | Path) -> ArticleText:
    """The article in file ``source`` (or standard input for ``-``), with its format.

    A ``.html``/``.htm`` file is a web page; standard input is one when it starts like
    one. Use ``.text`` with the brief: its spans index it.
    """
    data, name, html = _read(source)
    return parse_article(data, name, html=html)


def read_article(source: str | Path) -> str:
    """The text of the article in file ``source``, or on standard input when ``source`` is ``-``."""
    return article_text(source).text
