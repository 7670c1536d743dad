"""The help the fast path prints is the help Typer renders, for every command."""

from __future__ import annotations

from codex_cli.help_snapshot import render_all
from codex_cli.help_texts import HELP


def test_stored_help_is_what_typer_prints() -> None:
    rendered = render_all()
    # On failure: `python -m codex_cli.help_snapshot` rewrites codex_cli/help_texts.py.
    assert set(HELP) == set(rendered)
    for path, text in rendered.items():
        assert HELP[path] == text, path


def test_every_command_has_its_help() -> None:
    assert {(), ("mcp",), ("mcp", "list"), ("login", "status"), ("app-server", "generate-ts")} <= set(HELP)
