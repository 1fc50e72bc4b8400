"""The command line: arguments in, a brief out, library errors turned into exit codes.

Exit codes: 0 success; 1 the backend failed; 2 bad input or usage; 3 an eval fell
below its baseline; 4 the API account's quota is exhausted; 5 ``batch status --wait``
timed out with batches still running (each error class carries its ``exit_code``;
``_fail`` returns it). Set
``SUMMARIZER_RAISE_ERRORS=1`` to see the traceback instead of the one-line message.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

# typer carries its own copy of click; its usage errors are caught to print one line.
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from .cli_options import (
    BackendOption,
    BaseUrlOption,
    MaxArticleCharsOption,
    MaxInputTokensOption,
    ModelOption,
    ModeOption,
    VerboseOption,
)
from .config import Backend, raise_errors
from .errors import ConfigError, InputError, SummarizerError
from .grounding import UngroundedPolicy
from .logs import redact
from .render import RENDERERS, OutputFormat, brief_payload

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Structured, grounded briefs of news articles.",
    pretty_exceptions_enable=False,
)


def _fail(exc: SummarizerError) -> typer.Exit:
    if raise_errors():
        # The chained client error may quote a server's echo of the key: the traceback
        # goes out through the same redaction as the logs.
        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
        return typer.Exit(exc.exit_code)
    typer.echo(f"summarizer: error: {exc.message}", err=True)
    return typer.Exit(exc.exit_code)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a failure never leaves half a brief behind.
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=output.parent, delete=False) as tmp:
        tmp.write(text)
    os.replace(tmp.name, output)


def _configure_logging(verbose: int) -> None:
    from .logs import configure_logging  # handlers that redact API keys; see summarizer/logs.py

    configure_logging(verbose)


def _render_brief(result, output_format: OutputFormat, with_meta: bool, metadata: dict) -> str:  # type: ignore[no-untyped-def]
    """The brief as printed; from a web page, ``--with-meta`` JSON adds ``metadata`` with the extracted text."""
    if not metadata or output_format is not OutputFormat.json:
        return RENDERERS[output_format](result, with_meta)
    if not with_meta:
        # The spans index the extracted text, not the page: say where to get it.
        typer.echo(
            "summarizer: the brief's spans index the text extracted from the page; "
            "add --with-meta to get that text with the brief",
            err=True,
        )
        return RENDERERS[output_format](result, with_meta)
    payload = {**brief_payload(result, True), "metadata": metadata}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


@app.command()
def brief(
    source: Annotated[str, typer.Argument(metavar="FILE|-", help="Article file, or - for standard input")],
    output_format: Annotated[OutputFormat, typer.Option("--format", "-f", help="json or md")] = OutputFormat.json,
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    temperature: Annotated[Optional[float], typer.Option(help="Sampling temperature (default 0)")] = None,
    timeout: Annotated[Optional[float], typer.Option(help="Seconds per HTTP request (default 60)")] = None,
    ungrounded: Annotated[UngroundedPolicy, typer.Option(help="flag or drop items whose evidence is not in the article")] = UngroundedPolicy.flag,
    with_meta: Annotated[bool, typer.Option("--with-meta", help='Print {"brief", "meta"} with usage and grounding')] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here instead of standard output")] = None,
    max_input_tokens: MaxInputTokensOption = None,
    max_article_chars: MaxArticleCharsOption = None,
    verbose: VerboseOption = 0,
) -> None:
    """Print the brief of one article (a text file, a saved web page, or - for standard input)."""
    from .api import Summarizer
    from .inputs import article_text

    _configure_logging(verbose)
    try:
        article = article_text(source)
        summarizer = Summarizer(
            backend=backend,
            model=model,
            base_url=base_url,
            mode=mode,
            temperature=temperature,
            timeout=timeout,
            ungrounded=ungrounded,
            max_input_tokens=max_input_tokens,
            max_article_chars=max_article_chars,
        )
        if backend is Backend.auto and summarizer.backend == Backend.offline.value:
            typer.echo(
                "summarizer: no OPENAI_API_KEY or OPENAI_BASE_URL set: using the offline backend "
                "(pass --backend offline to silence this)",
                err=True,
            )
        result = summarizer.summarize(article.text)
        _write(_render_brief(result, output_format, with_meta, article.output_metadata()), output)
    except SummarizerError as exc:
        raise _fail(exc) from None


@app.command()
def schema(
    request: Annotated[bool, typer.Option("--request", help="The schema the LLM fills, not the brief's")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write here (regenerates schemas/)")] = None,
) -> None:
    """Print the JSON Schema of the brief."""
    from .schema import brief_json_schema, render_schema, request_json_schema

    _write(render_schema(request_json_schema() if request else brief_json_schema()), output)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Brief JSON files to check")],
) -> None:
    """Check brief files against the JSON Schema and the contract's rules."""
    from .schema import validate_brief_data

    try:
        for path in files:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise InputError(f"{path}: not a readable JSON file ({exc})") from None
            if isinstance(data, dict) and {"brief", "meta"} <= set(data) <= {"brief", "meta", "metadata"}:
                data = data["brief"]
            validate_brief_data(data, str(path))
            typer.echo(f"{path}: valid brief (schema brief-v1)", err=True)
    except SummarizerError as exc:
        raise _fail(exc) from None


EXIT_REGRESSION = 3


class EvalFormat(str, Enum):
    md = "md"
    json = "json"
    none = "none"


@app.command("eval")
def eval_command(
    dataset: Annotated[list[Path], typer.Option("--dataset", "-d", help="Folder of <id>.txt + <id>.gold.json (repeatable)")],
    predictions: Annotated[Optional[Path], typer.Option(help="Score these JSONL briefs instead of running a backend")] = None,
    save_predictions: Annotated[Optional[Path], typer.Option(help="Keep the briefs produced, as JSONL")] = None,
    backend: BackendOption = Backend.auto,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    repeat: Annotated[int, typer.Option(help="Run a nondeterministic backend N times; report mean and spread")] = 1,
    value_tolerance: Annotated[float, typer.Option(help="Relative tolerance for figure values")] = 0.005,
    baseline: Annotated[Optional[Path], typer.Option(help="Fail (exit 3) when a gated metric falls below this baseline")] = None,
    bless_baseline: Annotated[bool, typer.Option("--bless", help="Rewrite --baseline with this run's scores")] = False,
    report_dir: Annotated[Path, typer.Option(help="Where report.json, report.md and report.html go")] = Path("out/eval"),
    output_format: Annotated[EvalFormat, typer.Option("--format", "-f", help="What to print on stdout")] = EvalFormat.md,
    verbose: VerboseOption = 0,
) -> None:
    """Score briefs against hand-labeled fixtures, write reports, and gate on a baseline."""
    from . import evaluate as ev
    from .api import Summarizer

    _configure_logging(verbose)
    try:
        if bless_baseline and baseline is None:
            raise ConfigError("--bless needs --baseline FILE to write")
        fixtures = ev.load_dataset(*dataset)
        options: dict = {"repeat": repeat, "tolerance": value_tolerance, "datasets": [str(d) for d in dataset]}
        if predictions is not None:
            report, produced = ev.evaluate(fixtures, predictions=ev.read_predictions(predictions), **options)
        else:
            with Summarizer(backend=backend, model=model, base_url=base_url, mode=mode) as summarizer:
                report, produced = ev.evaluate(fixtures, summarizer=summarizer, **options)
        if save_predictions is not None:
            ev.write_predictions(save_predictions, produced)
        fallen = []
        if baseline is not None and not bless_baseline:
            fallen = ev.check_baseline(report, baseline)
        paths = ev.write_reports(report, fixtures, report_dir)
        if bless_baseline:
            ev.bless(report, baseline)
            typer.echo(f"summarizer: blessed {baseline}", err=True)
    except SummarizerError as exc:
        raise _fail(exc) from None
    if output_format is EvalFormat.json:
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif output_format is EvalFormat.md:
        sys.stdout.write(ev.render_markdown(report))
    typer.echo(f"summarizer: reports in {', '.join(str(p) for p in paths)}", err=True)
    for regression in fallen:
        typer.echo(f"summarizer: regression: {regression}", err=True)
    if fallen:
        raise typer.Exit(EXIT_REGRESSION)


def _register_batch() -> None:
    # imported here: batch_cli reuses this module's error handling
    from .batch_cli import batch_app

    app.add_typer(batch_app, name="batch")


_register_batch()


def main() -> None:
    """Entry point of the ``summarizer`` command."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        code = 2
    except UsageError as exc:
        command = exc.ctx.command_path if exc.ctx else "summarizer"
        message = " ".join(exc.format_message().split())
        typer.echo(f"summarizer: error: {message} (see '{command} --help')", err=True)
        code = exc.exit_code
    except typer.Abort:
        code = 130
    sys.exit(code or 0)
