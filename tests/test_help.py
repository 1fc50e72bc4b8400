"""Every command's help reads cleanly: no type placeholder on switches, no ``--no-`` twins, no markup."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from summarizer.cli import app

runner = CliRunner()


def every_command(command, path: tuple[str, ...] = ()) -> list:
    """(path, command) of the app and every subcommand (typer's own click, so duck-typed)."""
    found = [(path, command)]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            found += every_command(sub, (*path, name))
    return found


COMMANDS = every_command(typer.main.get_command(app))


def test_the_walk_finds_every_command():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"brief", "schema", "validate", "eval", "batch run", "batch export", "batch import", "batch submit",
            "batch status", "batch download"} <= names


def test_every_help_is_plain_text_without_placeholders_on_switches():
    for path, command in COMMANDS:
        for spelling in ("--help", "-h"):
            result = runner.invoke(app, [*path, spelling], terminal_width=100)
            assert result.exit_code == 0, (path, result.output)
            text = result.output
            assert "<bool>" not in text and "\\[" not in text and "[default: no-" not in text, (path, text)
            assert not any(ord(c) in range(0x2500, 0x2580) for c in text), (path, "box drawing in help")
        for param in command.params:
            if getattr(param, "is_flag", False):
                assert param.secondary_opts == [], (path, param.opts)  # a switch is one spelling


def test_batch_help_says_that_the_short_form_means_batch_run():
    result = runner.invoke(app, ["batch", "--help"], terminal_width=100)
    assert "'summarizer batch INPUT... -o OUT.jsonl' is short for 'summarizer batch run" in " ".join(result.output.split())
