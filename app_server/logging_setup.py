"""Logs go to stderr (stdout is the protocol); the level comes from CODEX_LOG or RUST_LOG, default warn."""

from __future__ import annotations

import logging
import os
import sys

_LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "off": logging.CRITICAL + 10,
}


def level_from_env(value: str | None) -> int:
    """RUST_LOG-style: `info`, or `codex_app_server=debug,warn`; the most verbose directive wins."""
    if not value:
        return logging.WARNING
    levels = []
    for directive in value.split(","):
        name = directive.rpartition("=")[2].strip().lower()
        if name in _LEVELS:
            levels.append(_LEVELS[name])
    return min(levels) if levels else logging.WARNING


def configure_logging() -> None:
    level = level_from_env(os.environ.get("CODEX_LOG") or os.environ.get("RUST_LOG"))
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("codex")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
