"""Command-line options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..config import Backend, Mode

BackendOption = Annotated[Backend, typer.Option(help="auto: openai when a key or base URL is set, else offline")]
ModelOption = Annotated[Optional[str], typer.Option(help="Model name (env SUMMARIZER_MODEL)")]
BaseUrlOption = Annotated[Optional[str], typer.Option(help="OpenAI-compatible server (env OPENAI_BASE_URL)")]
ModeOption = Annotated[Optional[Mode], typer.Option(help="Structured-output mode (env SUMMARIZER_MODE)")]
VerboseOption = Annotated[int, typer.Option("--verbose", "-v", count=True, help="-v info, -vv debug logs on stderr")]
CachePathOption = Annotated[
    Optional[Path],
    typer.Option(help="SQLite brief cache file (default $XDG_CACHE_HOME/summarizer/briefs.sqlite, ~/.cache when unset)"),
]
MaxInputTokensOption = Annotated[
    Optional[int],
    typer.Option(min=1, help="Input tokens per request; a longer article is summarized in parts "
                 "(env SUMMARIZER_MAX_INPUT_TOKENS, default 6000)"),
]
MaxArticleCharsOption = Annotated[
    Optional[int],
    typer.Option(min=1, help="Refuse a longer article before any request "
                 "(env SUMMARIZER_MAX_ARTICLE_CHARS, default 500000)"),
]


def flag(name: str, help: str) -> Any:  # noqa: A002 - typer's own keyword
    """A switch that is off unless given: ``--name`` alone, no ``--no-name`` twin, no
    ``<bool>`` placeholder in the help (an empty metavar hides the type column)."""
    return typer.Option(name, help=help, metavar="")
