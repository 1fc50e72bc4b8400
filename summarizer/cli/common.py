"""What every command shares: library errors to one line and an exit code, logging.

Exit codes: 0 success; 1 the backend failed; 2 bad input or usage; 3 an eval fell
below its baseline; 4 the API account's quota is exhausted; 5 ``batch status --wait``
timed out with batches still running; 130 interrupted. Files named for output are
written by :mod:`summarizer.output_files`. Each error class carries its
``exit_code``; :func:`fail` returns it. Set ``SUMMARIZER_RAISE_ERRORS=1`` to see the
traceback instead of the one-line message.
"""

from __future__ import annotations

import sys
import traceback

import typer

from ..config import Backend, Settings, raise_errors
from ..errors import SummarizerError
from ..render import plain

EXIT_REGRESSION = 3
EXIT_STILL_RUNNING = 5  # 4 is taken: QuotaExhaustedError.exit_code
EXIT_INTERRUPTED = 130


def fail(exc: SummarizerError) -> typer.Exit:
    """The exit for a library error, its one-line message printed (the traceback with SUMMARIZER_RAISE_ERRORS=1)."""
    if raise_errors():
        from ..logs import redact

        # The chained client error may quote a server's echo of the key: the traceback
        # goes out through the same redaction as the logs.
        sys.stderr.write(redact("".join(traceback.format_exception(exc))))
        return typer.Exit(exc.exit_code)
    say(f"error: {exc.message}")
    return typer.Exit(exc.exit_code)


def say(message: str) -> None:
    """One line for the user on stderr, prefixed with the program's name (control characters removed)."""
    typer.echo(f"summarizer: {plain(message)}", err=True)


def check_backend(asked: Backend, settings: Settings) -> None:
    """Before any work: say so when ``--backend auto`` fell back to the offline backend for
    want of a key or server, refuse a server that needs ``--model`` and has none, and name
    the model when nobody chose one."""
    if asked is Backend.auto and settings.resolved_backend() is Backend.offline:
        say("no OPENAI_API_KEY or OPENAI_BASE_URL set: using the offline backend "
            "(pass --backend offline to silence this)")
    elif settings.resolved_backend() is Backend.openai:
        settings.chosen_model()  # raises ConfigError naming the server
        note_model(settings)


def note_model(settings: Settings) -> None:
    """One line naming the model when it is the default (OpenAI's API only: see ``Settings.chosen_model``)."""
    if settings.model_is_default:
        say(f"model {settings.model} (the default for OpenAI's API; --model or SUMMARIZER_MODEL chooses another)")


def configure_logging(verbose: int) -> None:
    """Log handlers that redact API keys (see :mod:`summarizer.logs`), at -v info and -vv debug."""
    from ..logs import configure_logging as configure

    configure(verbose)

