"""Reading an article from a file or standard input, refusing what is not usable text."""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError

MAX_ARTICLE_BYTES = 5_000_000


def decode_article(data: bytes, source: str) -> str:
    """Text of an article given as bytes: UTF-8 (a byte-order mark is dropped), newlines as LF.

    Binary data and invalid UTF-8 are refused with an :class:`InputError` naming ``source``.
    """
    if b"\x00" in data:
        raise InputError(f"{source}: looks like binary data (contains NUL bytes); give a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{source}: not valid UTF-8 (byte {exc.start}); convert it, e.g. iconv -f latin1 -t utf-8"
        ) from None
    return check_article(text.replace("\r\n", "\n").replace("\r", "\n"), source)


def check_article(text: str, source: str = "article") -> str:
    """``text`` itself, or an :class:`InputError` when it is empty or not a string."""
    if not isinstance(text, str):
        raise InputError(f"{source}: expected the article as str, got {type(text).__name__}")
    if not text.strip():
        raise InputError(f"{source}: the article is empty; give a file with the article's text")
    return text


def read_article(source: str | Path) -> str:
    """The article in file ``source``, or on standard input when ``source`` is ``-``."""
    if str(source) == "-":
        data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
        name = "standard input"
    else:
        path = Path(source)
        name = str(path)
        if path.is_dir():
            raise InputError(f"{name}: is a directory; give an article file (or use 'summarizer batch')")
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_ARTICLE_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{name}: no such file") from None
        except OSError as exc:
            raise InputError(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(f"{name}: larger than {MAX_ARTICLE_BYTES:,} bytes; this is not one article")
    return decode_article(data, name)
