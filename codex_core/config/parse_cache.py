"""Parsed config files kept between processes, so that a fresh process reading unchanged config
files does not import tomllib: about 7 ms, a quarter of a fresh app-server's first thread/list
and of a `codex mcp-server` start with a config.toml.

One JSON file in CODEX_HOME, beside the config it mirrors and as private (0600: config files may
hold secrets): the text of each config file read lately and its table. A hit needs the exact same
text, so nothing can go stale. Tables with TOML dates or times (which JSON has no type for),
texts over 64 KiB, and files that may hold a credential are not kept: a key naming a token,
secret, password, bearer, authorization or API key, or an `env` / `http_headers` table (an MCP
server's environment and headers), so that no secret is copied into a second file. An unreadable, foreign or damaged cache file is a miss; one that
cannot be written is no cache. The stdlib json reads and writes every other TOML value exactly
(ints of any size, floats, inf and nan, strings, booleans, arrays, tables).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

CACHE_FILE = "pycodex-config-cache.json"
FORMAT = 1
MAX_TEXT = 64 * 1024
MAX_ENTRIES = 8  # the system, user and a few projects' files


class ParseCache:
    """One process's view of the cache file of a CODEX_HOME (read on first use, saved by `save`)."""

    def __init__(self, codex_home: Path) -> None:
        self.path = Path(codex_home) / CACHE_FILE
        self._entries: dict[str, Any] | None = None
        self._changed = False

    def _load(self) -> dict[str, Any]:
        if self._entries is None:
            self._entries = {}
            try:
                stored = json.loads(self.path.read_bytes())
            except (OSError, ValueError, RecursionError):
                return self._entries
            if isinstance(stored, dict) and stored.get("format") == FORMAT:
                entries = stored.get("entries")
                if isinstance(entries, list):
                    for entry in entries:
                        if (
                            isinstance(entry, list)
                            and len(entry) == 2
                            and isinstance(entry[0], str)
                            and isinstance(entry[1], dict)
                        ):
                            self._entries[entry[0]] = entry[1]
        return self._entries

    def get(self, text: str) -> dict[str, Any] | None:
        """The table of `text` as parsed before (a fresh copy), or None."""
        if len(text) > MAX_TEXT:
            return None
        table = self._load().get(text)
        if table is None:
            return None
        # A copy: callers may change their table, and the next get must not see that.
        copied: dict[str, Any] = json.loads(json.dumps(table))
        return copied

    def put(self, text: str, table: dict[str, Any]) -> None:
        if len(text) > MAX_TEXT or not _plain(table) or _may_hold_secrets(table):
            return
        entries = self._load()
        entries.pop(text, None)
        entries[text] = json.loads(json.dumps(table))  # the newest last
        while len(entries) > MAX_ENTRIES:
            del entries[next(iter(entries))]
        self._changed = True

    def save(self) -> None:
        """Write the file if a table was added; any failure leaves the cache as it was."""
        if not self._changed or self._entries is None:
            return
        self._changed = False
        data = json.dumps({"format": FORMAT, "entries": [[t, v] for t, v in self._entries.items()]})
        scratch = self.path.with_name(f".{CACHE_FILE}.{os.getpid()}")
        try:
            fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(scratch, self.path)  # a cache: no fsync, a lost write is only a miss
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(scratch)


def _plain(value: Any, depth: int = 0) -> bool:
    """Only what JSON gives back as it was: no dates or times (tomllib's datetime objects)."""
    if depth > 64:
        return False
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return isinstance(value, str | int | float | bool)


_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "bearer",
    "authorization",
    "api_key",
    "apikey",
    "credential",
)
_SECRET_TABLES = frozenset({"env", "http_headers", "env_http_headers", "headers"})


def _may_hold_secrets(value: Any, depth: int = 0) -> bool:
    if depth > 64:
        return True
    if isinstance(value, dict):
        for key, item in value.items():
            lowered = key.lower()
            if lowered in _SECRET_TABLES or any(word in lowered for word in _SECRET_WORDS):
                return True
            if _may_hold_secrets(item, depth + 1):
                return True
    elif isinstance(value, list):
        return any(_may_hold_secrets(item, depth + 1) for item in value)
    return False
