"""The approval code's view of a command: the simple commands an argv runs, when that can be
known without running it (see codex_core/approvals/policy.py). Independent of the `parsed_cmd`
summariser (parse_command.py), which follows the reference's display rules instead."""

from __future__ import annotations

import os
import shlex

CONNECTORS = frozenset({"&&", "||", ";", "|"})


def shell_script(argv: list[str]) -> str | None:
    """The script of `<shell> -c|-lc <script>`, else None."""
    if len(argv) == 3 and os.path.basename(argv[0]) in ("bash", "sh", "zsh") and argv[1] in ("-c", "-lc"):
        return argv[2]
    return None


def split_script(script: str) -> list[tuple[list[str], str]] | None:
    """[(words, connector_before)] for a plain script, None when it uses other shell syntax."""
    if any(mark in script for mark in ("$(", "`", "<<", "\n")):
        return None
    lexer = shlex.shlex(script, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return None
    commands: list[tuple[list[str], str]] = []
    words: list[str] = []
    connector = ""
    for token in tokens:
        if token in CONNECTORS:
            if not words:
                return None
            commands.append((words, connector))
            words, connector = [], token
        elif token and all(ch in "();<>|&" for ch in token):
            return None  # redirection, subshell, background
        else:
            words.append(token)
    if not words:
        return None if commands or connector else []
    commands.append((words, connector))
    return commands


def command_words(argv: list[str]) -> list[list[str]] | None:
    """The simple commands an argv runs (one for a direct exec), None if not statically known."""
    script = shell_script(argv)
    if script is None:
        return [list(argv)]
    parts = split_script(script)
    if parts is None:
        return None
    return [words for words, _ in parts]
