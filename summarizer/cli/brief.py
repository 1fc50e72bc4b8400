"""The ``brief``, ``schema`` and ``validate`` commands: one article in, one brief out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..config import Backend, UngroundedPolicy
from ..errors import InputError, SummarizerError
from ..render import RENDERERS, OutputFormat, brief_payload
from .common import configure_logging, fail, check_backend, say
from .options import (
    Stream,
    BackendOption,
    BaseUrlOption,
    DeadlineOption,
    MaxArticleCharsOption,
    MaxInputTokensOption,
    ModelOption,
    ModeOption,
    ServerOption,
    StreamOption,
    TimeoutOption,
    VerboseOption,
    flag,
)

OUTPUT_HELP = ("Write here instead of standard output (- is standard output); a link is written through, "
               "a FIFO or device in place")


def _render_brief(result, output_format: OutputFormat, with_meta: bool, metadata: dict) -> str:  # type: ignore[no-untyped-def]
    """The brief as printed; from a web page, ``--with-meta`` JSON adds ``metadata`` with the extracted text."""
    if not metadata or output_format is not OutputFormat.json:
        return RENDERERS[output_format](result, with_meta)
    if not with_meta:
        # The spans index the extracted text, not the page: say where to get it.
        say("the brief's spans index the text extracted from the page; add --with-meta to get that text with the brief")
        return RENDERERS[output_format](result, with_meta)
    payload = {**brief_payload(result, True), "metadata": metadata}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def brief(
    source: Annotated[str, typer.Argument(metavar="FILE|-", help="Article file, or - for standard input")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json or md")] = OutputFormat.json,
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    temperature: Annotated[Optional[float], typer.Option(help="Sampling temperature (default 0)")] = None,
    server: ServerOption = None,
    timeout: TimeoutOption = None,
    deadline: DeadlineOption = None,
    stream: StreamOption = Stream.auto,
    ungrounded: Annotated[UngroundedPolicy, typer.Option(help="flag or drop items whose evidence is not in the article")] = UngroundedPolicy.flag,
    with_meta: Annotated[bool, flag("--with-meta", 'Print {"brief", "meta"} with usage and grounding')] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=OUTPUT_HELP)] = None,
    max_input_tokens: MaxInputTokensOption = None,
    max_article_chars: MaxArticleCharsOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Print the brief of one article (a text file, a saved web page, or - for standard input)."""
    from ..api import Summarizer
    from ..inputs import article_text
    from ..output_files import OutputFile

    configure_logging(verbose)
    try:
        article = article_text(source)
        summarizer = Summarizer(
            backend=backend,
            model=model,
            base_url=base_url,
            mode=mode,
            temperature=temperature,
            timeout=timeout,
            server_kind=server,
            deadline=deadline,
            stream=stream.setting(),
            ungrounded=ungrounded,
            max_input_tokens=max_input_tokens,
            max_article_chars=max_article_chars,
        )
        check_backend(backend, summarizer.settings)
        with OutputFile(output) as out:  # opened first: an -o that cannot be written costs no call
            result = summarizer.summarize(article.text)
            out.write(_render_brief(result, output_format, with_meta, article.output_metadata()).encode("utf-8"))
    except SummarizerError as exc:
        raise fail(exc) from None


def schema(
    request: Annotated[bool, flag("--request", "The schema the LLM fills, not the brief's")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help=OUTPUT_HELP + " (regenerates schemas/)")] = None,
) -> None:
    """Print the JSON Schema of the brief."""
    from ..output_files import write_file
    from ..schema import brief_json_schema, render_schema, request_json_schema

    try:
        write_file(output, render_schema(request_json_schema() if request else brief_json_schema()))
    except SummarizerError as exc:
        raise fail(exc) from None


def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Brief JSON files to check")],
) -> None:
    """Check brief files against the JSON Schema and the contract's rules.

    A file named <id>.gold.json is a gold fixture: its items may also be marked "optional".
    """
    from ..schema import validate_brief_data

    try:
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
                raise InputError(f"{path}: not a readable JSON file ({exc})") from None
            if isinstance(data, dict) and {"brief", "meta"} <= set(data) <= {"brief", "meta", "metadata"}:
                data = data["brief"]
            gold = path.name.endswith(".gold.json")
            validate_brief_data(data, str(path), gold=gold)
            typer.echo(f"{path}: valid {'gold ' if gold else ''}brief (schema brief-v1)", err=True)
    except SummarizerError as exc:
        raise fail(exc) from None
