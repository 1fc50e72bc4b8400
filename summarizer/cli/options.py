"""Command-line options shared by several commands, declared once."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..config import Backend, Mode, ServerKind

BackendOption = Annotated[Backend, typer.Option(help="auto: openai when a key or base URL is set, else offline")]
ModelOption = Annotated[Optional[str], typer.Option(help="Model name (env SUMMARIZER_MODEL)")]
BaseUrlOption = Annotated[Optional[str], typer.Option(help="OpenAI-compatible server (env OPENAI_BASE_URL)")]
ModeOption = Annotated[Optional[Mode], typer.Option(
    help="Structured-output mode; auto (default) is the strongest the server takes, tools on OpenAI (env SUMMARIZER_MODE)")]
ServerOption = Annotated[Optional[ServerKind], typer.Option(
    "--server", help="The kind of server, for what it accepts; auto asks its /v1/models (env SUMMARIZER_SERVER)")]
TimeoutOption = Annotated[Optional[float], typer.Option(
    help="Seconds a request may wait for its reply, or, streamed, between two pieces of it (default 60)")]
DeadlineOption = Annotated[Optional[float], typer.Option(
    help="Seconds one request may take in all, with its retries and a streamed reply (default 300)")]
class Stream(str, Enum):
    auto = "auto"
    on = "on"
    off = "off"

    def setting(self) -> bool | None:
        """The ``stream`` setting: None lets the server's kind decide."""
        return {"auto": None, "on": True, "off": False}[self.value]


StreamOption = Annotated[Stream, typer.Option(
    help="Stream replies; auto streams from local servers (vLLM, llama.cpp, Ollama, LM Studio)")]
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
