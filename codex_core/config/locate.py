"""Find the line of a dotted key in TOML text, so errors can point at it.

A line-oriented scan is enough here: it only runs after validation already failed, and a
best-effort line number (the key's line, or its table's header) beats none.
"""

from __future__ import annotations

import re

from codex_core.config.keypath import split_key_path

_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""^\s*(?P<key>(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)


def _segments(raw: str) -> list[str] | None:
    try:
        return [s.strip() for s in split_key_path(re.sub(r"\s*\.\s*", ".", raw.strip()))]
    except ValueError:
        return None


def locate_key(text: str, path: list[str]) -> int | None:
    """1-based line of the deepest definition on `path` (a key line or a table header)."""
    best_line: int | None = None
    best_depth = 0
    table: list[str] = []
    multiline_delim: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if multiline_delim is not None:
            if multiline_delim in line:
                multiline_delim = None
            continue
        header = _HEADER.match(line)
        if header:
            segments = _segments(header.group("name"))
            if segments is None:
                continue
            table = segments
            depth = _common_prefix(table, path)
            if depth == len(table) and depth > best_depth:
                best_line, best_depth = number, depth
            continue
        key = _KEY.match(line)
        if not key:
            continue
        segments = _segments(key.group("key"))
        if segments is None:
            continue
        full = table + segments
        depth = _common_prefix(full, path)
        if depth == len(full) and depth >= best_depth and depth > 0:
            best_line, best_depth = number, depth
        rest = line[key.end() :]
        for delim in ('"""', "'''"):
            if rest.count(delim) == 1:
                multiline_delim = delim
    return best_line


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
