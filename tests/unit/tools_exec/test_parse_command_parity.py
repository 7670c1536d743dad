"""`parse_command()` against `parsed_cmd` values recorded from the reference CLI (codex 0.100.0).

Every row of `RECORDED` (tests/fixtures/parse_command/recorded.jsonl) is a script the reference ran as `/bin/bash -lc <script>` through
`exec_command`, with the `parsed_cmd` its `exec_command_begin` event carried. Rows are written as
tuples: ("read", cmd, name, path), ("list_files", cmd, path), ("search", cmd, query, path) or
("unknown", cmd).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codex_core.tools.command_words import command_words
from codex_core.tools.parse_command import parse_command, short_display_path
from codex_core.tools.plain_script import plain_commands
from codex_core.tools.shell_words import join_words, quote_word

Row = tuple[Any, ...]

RECORDED_FILE = Path(__file__).resolve().parents[2] / "fixtures/parse_command/recorded.jsonl"

_FIELDS = {
    "read": ("cmd", "name", "path"),
    "list_files": ("cmd", "path"),
    "search": ("cmd", "query", "path"),
    "unknown": ("cmd",),
}


def expand(rows: list[Row]) -> list[dict[str, Any]]:
    return [{"type": kind, **dict(zip(_FIELDS[kind], values, strict=True))} for kind, *values in rows]


# Facts given with the task (also recorded from the reference).
FACTS: list[tuple[str, list[Row]]] = [
    ("echo started && sleep 30", [("unknown", "sleep 30")]),
    ("cat <<'EOF' > sub/heredoc.txt\nhello\nEOF", [("unknown", "cat <<'EOF' > sub/heredoc.txt\nhello\nEOF")]),
]

# Recorded from the reference, one `[script, rows]` per line.
RECORDED: list[tuple[str, list[Row]]] = [
    (script, [tuple(row) for row in rows])
    for script, rows in map(json.loads, RECORDED_FILE.read_text(encoding="utf-8").splitlines())
]


@pytest.mark.parametrize(("script", "rows"), FACTS + RECORDED)
def test_matches_reference(script: str, rows: list[Row]) -> None:
    assert parse_command(["/bin/bash", "-lc", script]) == expand(rows)


def test_other_shell_wrappers_parse_the_same() -> None:
    # Recorded: `login: false` gives `bash -c`; `shell: "sh"` resolves to /usr/bin/sh or /bin/sh.
    expected = [{"type": "read", "cmd": "cat notes.txt", "name": "notes.txt", "path": "notes.txt"}]
    for argv0 in (["/bin/bash", "-c"], ["/usr/bin/sh", "-lc"], ["/bin/sh", "-lc"], ["zsh", "-lc"]):
        assert parse_command([*argv0, "cat notes.txt | wc -l"]) == expected
    assert parse_command(["/usr/bin/bash", "-c", "cat notes.txt && ls"]) == [
        expected[0],
        {"type": "list_files", "cmd": "ls", "path": None},
    ]


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("", "''"),
        ("plain-word_1.2/x:y@z+", "plain-word_1.2/x:y@z+"),
        ("1,2p", "'1,2p'"),
        ("a b", "'a b'"),
        ("it's", '"it\'s"'),
        ("a\\b", '"a\\\\b"'),
        ("a^b", "a'^b'"),
        ("^^", "'^''^'"),
        ("a\\$b", "\"a\\\\\"'$b'"),
        ("héllo", "'héllo'"),
        ("--x=y", "'--x=y'"),
    ],
)
def test_quote_word_follows_rust_shlex(word: str, quoted: str) -> None:
    assert quote_word(word) == quoted


def test_join_words_with_nul_byte() -> None:
    assert join_words(["echo", "a\0b"]) == "<command included NUL byte>"


@pytest.mark.parametrize(
    ("script", "commands"),
    [
        ('ls -la && echo "a b" | wc -l', [["ls", "-la"], ["echo", "a b"], ["wc", "-l"]]),
        ("echo foo\\ bar", [["echo", "foo\\ bar"]]),
        ('rg "a\\"b" x', [["rg", 'a\\"b', "x"]]),
        ("ls\npwd;", [["ls"], ["pwd"]]),
        ("ls &&\npwd", [["ls"], ["pwd"]]),
        ("ls \\\n  -la", [["ls", "-la"]]),
        ("echo a{b,c} [x] ~ '*'", [["echo", "a{b,c}", "[x]", "~", "*"]]),
        ("] x", [["]", "x"]]),
        ('echo "$HOME"', None),
        ("echo $(pwd)", None),
        ("ls > out", None),
        ("ls # note", None),
        ("FOO=1 ls", None),
        ("export A=1", None),
        ("[ -f x ]", None),
        ("if true; then ls; fi", None),
        ("ls &", None),
        ("ls &&", None),
        ("; ls", None),
        ("ls ;; pwd", None),
        ("ls |& wc", None),
        ('"ls" -la', None),
        ("a@ x", None),
        ("echo \"\"''", None),
    ],
)
def test_plain_commands(script: str, commands: list[list[str]] | None) -> None:
    assert plain_commands(script) == commands


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("webview/src", "webview"),
        ("a/b.txt", "b.txt"),
        ("./dist", "."),
        ("src/", "src"),
        ("pkg\\main.rs", "main.rs"),
    ],
)
def test_short_display_path(path: str, shown: str) -> None:
    assert short_display_path(path) == shown


def test_direct_argv_is_summarised_without_a_shell() -> None:
    # Not reachable through exec_command (the reference always wraps in a shell); follows the source.
    assert parse_command(["git", "status"]) == [{"type": "unknown", "cmd": "git status"}]
    assert parse_command(["grep", "-R", "X", "-n", "core/src/spawn.rs"]) == [
        {"type": "search", "cmd": "grep -R X -n core/src/spawn.rs", "query": "X", "path": "spawn.rs"}
    ]
    assert parse_command(["rg", "--files", "|", "nl", "-ba"]) == [
        {"type": "list_files", "cmd": "rg --files", "path": None}
    ]
    assert parse_command(["cd", "foo", "&&", "cat", "foo.txt"]) == [
        {"type": "read", "cmd": "cat foo.txt", "name": "foo.txt", "path": "foo/foo.txt"}
    ]


def test_approval_view_is_unchanged() -> None:
    # `command_words` keeps its own simpler splitter for the approval code.
    assert command_words(["/bin/bash", "-lc", "cd sub && ls -la | wc -l"]) == [
        ["cd", "sub"],
        ["ls", "-la"],
        ["wc", "-l"],
    ]
    assert command_words(["/bin/bash", "-lc", "echo hi > out.txt"]) is None
    assert command_words(["ls", "-la"]) == [["ls", "-la"]]
