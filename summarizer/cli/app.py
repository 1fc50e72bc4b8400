"""The ``summarizer`` command: its commands registered on one Typer app, and the entry point.

Each command lives in its own module (:mod:`.brief`, :mod:`.eval`, :mod:`.batch`,
:mod:`.batch_provider`); exit codes are listed in :mod:`.common`. Commands import the
library inside their bodies, so ``summarizer --help`` loads no backend.
"""

from __future__ import annotations

import sys

import typer

from . import batch, batch_provider, brief, eval as eval_module
from .common import EXIT_INTERRUPTED, say

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Structured, grounded briefs of news articles.",
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},  # every command inherits both
)


def _version(shown: bool) -> None:
    if shown:
        from .. import __version__

        typer.echo(f"summarizer {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit"),
) -> None:
    """Structured, grounded briefs of news articles."""
app.command("brief")(brief.brief)
app.command("schema")(brief.schema)
app.command("validate")(brief.validate)
app.command("eval")(eval_module.eval_command)
batch_provider.register(batch.batch_app)
app.add_typer(batch.batch_app, name="batch")


def main() -> None:
    """Entry point of the ``summarizer`` command."""
    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # click's usage errors, as typer exposes them
        code = _usage_error(exc)
    except typer.Abort:
        code = EXIT_INTERRUPTED
    _exit_now(code or 0)


def _exit_now(code: int) -> None:
    """Exit with ``code`` once the exit handlers have run and every output is flushed.

    The command has closed its files and joined its helper processes; what the
    interpreter's own tear-down adds is the garbage collection of a large module graph
    (openai, pydantic): a few hundred milliseconds at the end of every command for
    nothing. The exit handlers (logging's flush, multiprocessing's clean-up) still run.
    """
    import atexit
    import os

    atexit._run_exitfuncs()  # noqa: SLF001 - CPython's own exit path, minus the tear-down
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can reach it
            pass
    os._exit(code)


def _usage_error(exc: typer.TyperException) -> int:
    """One line naming the problem (exit 2); nothing more for a group given no arguments.

    typer prints a group's help itself when it is given no command (its message is then
    empty); asking the context for its help would print it a second time.
    """
    context = getattr(exc, "ctx", None)
    if not exc.format_message().strip():
        return 2
    command = context.command_path if context is not None else "summarizer"
    say(f"error: {' '.join(exc.format_message().split())} (see '{command} --help')")
    return getattr(exc, "exit_code", 2)
