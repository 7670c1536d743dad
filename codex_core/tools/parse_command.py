"""`parsed_cmd`: a best-effort summary of what a shell command does, for UIs.

Each simple command of a `bash -lc` script becomes `read` / `list_files` / `search` / `unknown`.
Scripts with anything beyond plain words joined by `&&`, `||`, `;` and `|` (redirections,
subshells, substitutions) are summarised as a single `unknown` entry.
"""

from __future__ import annotations

import os
import shlex
from typing import Any

CONNECTORS = frozenset({"&&", "||", ";", "|"})
# Formatting helpers at the end of a pipeline do not change what the command is about.
_PIPE_HELPERS = frozenset(
    {"head", "tail", "wc", "sort", "uniq", "cut", "tr", "less", "more", "column", "nl", "cat"}
)
_READERS = frozenset({"cat", "bat", "batcat", "head", "tail", "nl", "less", "more"})
_LISTERS = frozenset({"ls", "tree", "fd", "fdfind", "eza", "exa"})
_SEARCHERS = frozenset({"rg", "grep", "egrep", "fgrep", "ag", "ack", "git-grep"})


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


def _operands(words: list[str]) -> list[str]:
    return [w for w in words[1:] if not w.startswith("-")]


def _classify(words: list[str]) -> dict[str, Any]:
    cmd = shlex.join(words)
    name = os.path.basename(words[0])
    args = _operands(words)
    if name in _READERS and len(args) == 1:
        return {"type": "read", "cmd": cmd, "name": os.path.basename(args[0]), "path": args[0]}
    if name == "sed" and "-n" in words and len(args) == 2:
        return {"type": "read", "cmd": cmd, "name": os.path.basename(args[1]), "path": args[1]}
    if name in _LISTERS or (name == "rg" and "--files" in words) or name == "find":
        return {"type": "list_files", "cmd": cmd, "path": args[0] if args else None}
    if name == "git" and len(words) > 1 and words[1] == "grep":
        rest = _operands(words[1:])
        return {"type": "search", "cmd": cmd, "query": rest[0] if rest else None, "path": None}
    if name in _SEARCHERS:
        return {
            "type": "search",
            "cmd": cmd,
            "query": args[0] if args else None,
            "path": args[1] if len(args) > 1 else None,
        }
    return {"type": "unknown", "cmd": cmd}


def parse_command(argv: list[str]) -> list[dict[str, Any]]:
    script = shell_script(argv)
    if script is None:
        return [_classify(argv)] if argv else []
    parts = split_script(script)
    if parts is None:
        return [{"type": "unknown", "cmd": script}]
    kept: list[list[str]] = []
    for words, connector in parts:
        name = os.path.basename(words[0])
        if name == "cd" and len(parts) > 1:
            continue  # changing directory is context, not an action
        if connector == "|" and name in _PIPE_HELPERS and (name in ("head", "tail") or not _operands(words)):
            continue
        kept.append(words)
    if not kept:
        kept = [parts[0][0]]
    return [_classify(words) for words in kept]
