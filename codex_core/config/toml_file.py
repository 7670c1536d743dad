"""Reading one TOML config file, with errors that name file, line and column.

Kept free of heavier imports: `codex app-server` checks config syntax on its start-up path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.config.errors import ConfigError, ConfigSyntaxError

if TYPE_CHECKING:
    from codex_core.config.parse_cache import ParseCache

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml_text(text: str, path: Path | None, cache: ParseCache | None = None) -> dict[str, Any]:
    """The table of a config file's text; `cache` keeps it for the next process (parse_cache)."""
    if cache is not None:
        cached = cache.get(text)
        if cached is not None:
            return cached
    import tomllib  # here: a cached text needs no parser (see parse_cache)

    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_POSITION.search(message)
        line = int(match.group(1)) if match else None
        column = int(match.group(2)) if match else None
        if match is None and message.endswith("(at end of document)"):
            lines = text.rstrip("\n").split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        detail = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        raise ConfigSyntaxError(f"invalid TOML: {detail}", path=path, line=line, column=column) from None
    if cache is not None:
        cache.put(text, table)
    return table


def read_toml_file(path: Path, cache: ParseCache | None = None) -> tuple[dict[str, Any], str | None]:
    """The file's table and text; an absent file is an empty table (the reference reports it anyway)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except IsADirectoryError:
        raise ConfigError("expected a file, found a directory", path=path) from None
    except PermissionError:
        raise ConfigError("permission denied reading config", path=path) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigSyntaxError(f"config is not valid UTF-8 (byte {exc.start})", path=path) from None
    return parse_toml_text(text, path, cache), text
