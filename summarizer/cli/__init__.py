"""The command line: arguments in, exit codes out (see :mod:`summarizer.cli.common` for the codes).

A thin boundary: every command turns its options into library calls and library errors
into one line and an exit code; none holds business logic.
"""

from .app import app, main

__all__ = ["app", "main"]
