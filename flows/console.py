"""What every command prints through: the consoles, one-line errors, the settings."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from flows.settings import Settings, SettingsError

# Piped output (files, CI logs) gets a wide console instead of rich's 80 columns.
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


def fail(command: str, message: object, code: int = 2) -> NoReturn:
    """One line on stderr naming the command and the reason; exit `code`."""
    err.print(f"[red]minutes {command}:[/red] {message}", soft_wrap=True)
    raise typer.Exit(code)


def settings_for(
    command: str, warehouse: Path | None = None, raw_dir: Path | None = None
) -> Settings:
    """The settings for these flags, or exit 2 with the reason."""
    try:
        return Settings.resolve(warehouse=warehouse, raw_dir=raw_dir)
    except SettingsError as error:
        fail(command, error)
