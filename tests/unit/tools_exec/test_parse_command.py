from __future__ import annotations

import pytest

from codex_core.tools.command_words import command_words
from codex_core.tools.parse_command import parse_command


def bash(script: str) -> list[str]:
    return ["/bin/bash", "-lc", script]


def test_golden_command_splits_into_two_unknowns() -> None:
    assert parse_command(bash("touch shell-marker.txt && echo shell-ok")) == [
        {"type": "unknown", "cmd": "touch shell-marker.txt"},
        {"type": "unknown", "cmd": "echo shell-ok"},
    ]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("cat README.md", {"type": "read", "cmd": "cat README.md", "name": "README.md", "path": "README.md"}),
        (
            "sed -n '1,20p' src/a.py",
            {"type": "read", "cmd": "sed -n '1,20p' src/a.py", "name": "a.py", "path": "src/a.py"},
        ),
        ("ls -la src", {"type": "list_files", "cmd": "ls -la src", "path": "src"}),
        ("rg --files", {"type": "list_files", "cmd": "rg --files", "path": None}),
        ("rg -n needle lib", {"type": "search", "cmd": "rg -n needle lib", "query": "needle", "path": "lib"}),
        ("grep foo", {"type": "search", "cmd": "grep foo", "query": "foo", "path": None}),
        ("make build", {"type": "unknown", "cmd": "make build"}),
    ],
)
def test_classification(script: str, expected: dict[str, object]) -> None:
    assert parse_command(bash(script)) == [expected]


def test_cd_and_pipe_helpers_are_dropped() -> None:
    assert parse_command(bash("cd src && rg -n foo lib | head -n 5")) == [
        {"type": "search", "cmd": "rg -n foo lib", "query": "foo", "path": "lib"}
    ]


@pytest.mark.parametrize(
    "script", ["echo hi > out.txt", "echo $(whoami)", "(cd x; ls)", "cat <<EOF\nx\nEOF", "sleep 1 &"]
)
def test_complex_scripts_are_one_unknown(script: str) -> None:
    assert parse_command(bash(script)) == [{"type": "unknown", "cmd": script}]
    assert command_words(bash(script)) is None


def test_direct_argv() -> None:
    assert parse_command(["cat", "a b.txt"]) == [
        {"type": "read", "cmd": "cat 'a b.txt'", "name": "a b.txt", "path": "a b.txt"}
    ]
