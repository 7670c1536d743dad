"""Find where a dotted key is defined in TOML text, so errors can point at it.

A line-oriented scan is enough here: it only runs after validation already failed, and a
best-effort position (the key's value, or its table's header) beats none.
"""

from __future__ import annotations

import re

from codex_core.config.keypath import split_key_path

_HEADER = re.compile(r"^\s*\[\[?\s*(?P<name>[^\]]+?)\s*\]\]?\s*(#.*)?$")
_BARE_VALUE = re.compile(r"[^\s,#\]}]+")
_KEY = re.compile(
    r"""^\s*(?P<key>(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)(?:\s*\.\s*(?:"(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+))*)\s*="""
)


def _segments(raw: str) -> list[str] | None:
    try:
        return [s.strip() for s in split_key_path(re.sub(r"\s*\.\s*", ".", raw.strip()))]
    except ValueError:
        return None


class Span:
    """Where a key's definition sits: 1-based line and inclusive value columns (as serde reports them)."""

    __slots__ = ("end_column", "line", "start_column")

    def __init__(self, line: int, start_column: int, end_column: int) -> None:
        self.line = line
        self.start_column = start_column
        self.end_column = end_column


def locate_value(text: str, path: list[str]) -> Span | None:
    """The deepest definition on `path`: the value's columns on a key line, column 1 on a header."""
    best: Span | None = None
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
                best, best_depth = Span(number, 1, 1), depth
            continue
        key = _KEY.match(line)
        if not key:
            continue
        segments = _segments(key.group("key"))
        if segments is None:
            continue
        full = table + segments
        depth = _common_prefix(full, path)
        rest = line[key.end() :]
        if depth == len(full) and depth >= best_depth and depth > 0:
            start = key.end() + len(rest) - len(rest.lstrip())
            best, best_depth = Span(number, start + 1, start + _token_length(line[start:])), depth
        for delim in ('"""', "'''"):
            if rest.count(delim) == 1:
                multiline_delim = delim
    return best


def _token_length(value: str) -> int:
    """Length of the TOML value at the start of `value` on its line (at least 1)."""
    if not value:
        return 1
    first = value[0]
    if first in "\"'" and not value.startswith(first * 3):
        index = 1
        while index < len(value):
            if first == '"' and value[index] == "\\":
                index += 2
                continue
            if value[index] == first:
                return index + 1
            index += 1
        return len(value)
    if first in "[{":
        closing = "]" if first == "[" else "}"
        depth = 0
        for index, char in enumerate(value):
            if char == first:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    return index + 1
        return 1
    match = _BARE_VALUE.match(value)
    return max(1, match.end()) if match else 1


def _common_prefix(a: list[str], b: list[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
