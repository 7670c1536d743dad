"""Dotted key paths (`a.b.c`, `projects."/x/y".trust_level`) split into segments."""

from __future__ import annotations

import re

_BARE_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")


def split_key_path(path: str) -> list[str]:
    """Split on dots outside quotes; quoted segments may contain dots.

    Raises ValueError for an empty path, an empty segment or an unclosed quote.
    """
    segments: list[str] = []
    current: list[str] = []
    quote: str | None = None
    was_quoted = False
    i = 0
    while i < len(path):
        ch = path[i]
        if quote is not None:
            if ch == "\\" and quote == '"' and i + 1 < len(path):
                current.append(path[i + 1])
                i += 2
                continue
            if ch == quote:
                quote = None
            else:
                current.append(ch)
        elif ch in ("'", '"') and not current:
            quote = ch
            was_quoted = True
        elif ch == ".":
            _push(segments, current, was_quoted, path)
            current = []
            was_quoted = False
        else:
            current.append(ch)
        i += 1
    if quote is not None:
        raise ValueError(f"unclosed quote in key path {path!r}")
    _push(segments, current, was_quoted, path)
    return segments


def _push(segments: list[str], current: list[str], was_quoted: bool, path: str) -> None:
    segment = "".join(current)
    if not segment and not was_quoted:
        raise ValueError(f"empty segment in key path {path!r}")
    segments.append(segment if was_quoted else segment.strip())


def join_key_path(segments: list[str]) -> str:
    """The dotted form the reference uses in `origins`: segments joined by dots, unquoted."""
    return ".".join(segments)


def format_toml_key(segment: str) -> str:
    """A segment as it would be written in TOML (quoted when not bare)."""
    if _BARE_SEGMENT.match(segment):
        return segment
    escaped = segment.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
