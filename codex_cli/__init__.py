"""The `codex` command line: Typer wiring only."""

from codex_cli.main import main

__all__ = ["main"]
