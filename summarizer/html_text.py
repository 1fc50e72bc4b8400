"""The article inside a saved web page: main text kept, boilerplate dropped (trafilatura).

The options are fixed so the same page always gives the same text (the text the brief's
spans index): ``fast`` (no fallback extractors, which sometimes pull navigation back in),
``favor_precision`` (a menu or footer line is dropped rather than kept when in doubt: a
page with only navigation gives no text instead of "Home / World"), no comments, no
tables, no deduplication (trafilatura's duplicate cache is shared across calls, which
would make a batch depend on its order), no metadata, no URL. Nothing is fetched.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any

HTML_SUFFIXES = frozenset({".html", ".htm"})

# How a page announces itself, after optional whitespace (a byte-order mark is already gone).
_HTML_START = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE)

_HTML_TAG = re.compile(r"<html[\s>]", re.IGNORECASE)

_OPTIONS: dict[str, Any] = {
    "fast": True,
    "favor_precision": True,
    "include_comments": False,
    "include_tables": False,
    "include_images": False,
    "include_links": False,
    "include_formatting": False,
    "deduplicate": False,
    "with_metadata": False,
    "output_format": "txt",
}


def looks_like_html(text: str) -> bool:
    """Whether ``text`` starts like a web page (``<!doctype html`` or ``<html``)."""
    return _HTML_START.match(text[:1024]) is not None


@lru_cache(maxsize=1)
def _config() -> Any:
    # A private copy of the default settings: nothing else in the process can change them.
    from trafilatura.settings import use_config

    return use_config()


def extract_article(page: str) -> str:
    """The article text of ``page``, paragraphs separated by a blank line; ``""`` if none.

    Lines are stripped and paragraphs joined by ``"\\n\\n"``, the layout of a plain-text
    article, so the offline backend reads both alike.
    """
    import trafilatura  # imported here: only HTML input pays for lxml and trafilatura

    # It logs a page without an article at ERROR; parse_article reports that in one line.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

    if not _HTML_TAG.search(page):
        # A fragment ("<p>...</p>") parses to an empty tree unless it has a root element.
        page = f"<html>{page}</html>"
    extracted = trafilatura.extract(page, config=_config(), **_OPTIONS) or ""
    lines = (line.strip() for line in extracted.splitlines())
    return "\n\n".join(line for line in lines if line)


@lru_cache(maxsize=1)
def trafilatura_version() -> str:
    """The installed trafilatura version (it decides the extracted text, so reports name it)."""
    from importlib.metadata import version

    return version("trafilatura")
