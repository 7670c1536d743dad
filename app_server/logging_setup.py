"""Logs go to stderr (stdout is the protocol), filtered by `RUST_LOG` as users of the reference
know it, or by `CODEX_LOG` (same syntax; it wins when both are set). Default: warn.

The syntax is tracing's EnvFilter, for our loggers: a comma-separated list of directives, each
`LEVEL` (the default for everything of ours), `TARGET=LEVEL`, or a bare `TARGET` (= trace).
A target is matched as a prefix, the longest matching directive wins, and it may name

- the reference's crates and modules: `codex_app_server`, `codex_core`, `codex_core::rollout`,
  `codex_login`, `codex_mcp_server`, `codex_otel`, `codex_rmcp_client`, or a prefix such as
  `codex` (all of them);
- or our own logger names: `codex.app_server`, `codex.rollout`, `codex_core.otel`, ...

Levels: `off`, `error`, `warn`, `info`, `debug`, `trace`. Span filters (`target[span]=level`)
and `/regex` suffixes are accepted and ignored. Other libraries (httpx, websockets, ...) stay at
warn unless a directive names them (`httpx=debug`): a bare `debug` must not print their frame
and header dumps, which carry what clients send (API keys included).

At debug the app-server logs each request (method, id, how long, outcome) and each notification
it sends (method only); at trace also the streaming deltas. Never params or results.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import NamedTuple

TRACE = 5  # below DEBUG, as tracing's trace
logging.addLevelName(TRACE, "TRACE")

_LEVELS = {
    "trace": TRACE,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "off": logging.CRITICAL + 10,
}
DEFAULT_LEVEL = logging.WARNING

# Our logger trees, and how each logger's name reads as a target of the reference (the crate and
# module that logs the same things there). Longest prefix first.
OUR_ROOTS = ("codex", "codex_core")
_RUST_NAMES = (
    ("codex.app_server", "codex_app_server"),
    ("codex.mcp_server", "codex_mcp_server"),
    ("codex.login", "codex_login"),
    ("codex.mcp", "codex_core::mcp"),
    ("codex_core.otel", "codex_otel"),
    ("codex_core.", "codex_core::"),
    ("codex.", "codex_core::"),
)


def rust_target(logger_name: str) -> str:
    """`codex.rollout.index` -> `codex_core::rollout::index` (what a RUST_LOG directive matches)."""
    for prefix, target in _RUST_NAMES:
        if logger_name == prefix.rstrip("."):
            return target.rstrip(":")
        if logger_name.startswith(prefix if prefix.endswith(".") else prefix + "."):
            rest = logger_name[len(prefix) :].lstrip(".")
            joined = target if target.endswith("::") else target + "::"
            return (joined + rest.replace(".", "::")) if rest else target.rstrip(":")
    return logger_name.replace(".", "::")


class LogFilter(NamedTuple):
    default: int
    directives: tuple[tuple[str, int], ...]  # (target, level), longest target first

    def level_for(self, logger_name: str) -> int:
        candidates = (rust_target(logger_name), logger_name)
        for target, level in self.directives:
            if any(name.startswith(target) for name in candidates):
                return level
        return self.default if _is_ours(logger_name) else DEFAULT_LEVEL

    def most_verbose(self) -> int:
        return min([self.default, *(level for _, level in self.directives)])

    def foreign_targets(self) -> list[tuple[str, int]]:
        """Directives naming other libraries' loggers (`httpx=debug`): those get a handler too."""
        return [(t, lvl) for t, lvl in self.directives if not _targets_ours(t)]


def _is_ours(logger_name: str) -> bool:
    return any(logger_name == root or logger_name.startswith(root + ".") for root in OUR_ROOTS)


def _targets_ours(target: str) -> bool:
    return target.startswith("codex")


def parse_filter(value: str | None) -> LogFilter:
    default = DEFAULT_LEVEL
    directives: list[tuple[str, int]] = []
    for raw in (value or "").split(","):
        directive = raw.strip()
        if not directive:
            continue
        target, sep, level_text = directive.rpartition("=")
        if not sep:  # `debug`, or a bare target meaning everything from it
            level = _LEVELS.get(directive.lower())
            if level is not None:
                default = level
            else:
                directives.append((_clean_target(directive), TRACE))
            continue
        level = _LEVELS.get(level_text.strip().lower())
        if level is None:
            continue  # an unknown level: ignored, as EnvFilter skips a bad directive
        cleaned = _clean_target(target)
        if cleaned:
            directives.append((cleaned, level))
        else:
            default = level
    directives.sort(key=lambda item: len(item[0]), reverse=True)
    return LogFilter(default, tuple(directives))


def _clean_target(target: str) -> str:
    target = target.split("[", 1)[0].split("/", 1)[0].strip()  # span filters, regexes
    return target


def level_from_env(value: str | None) -> int:
    """The most verbose level the value asks for (what our loggers must let through)."""
    return parse_filter(value).most_verbose()


class _DirectiveFilter(logging.Filter):
    def __init__(self, rules: LogFilter) -> None:
        super().__init__()
        self.rules = rules
        self._cache: dict[str, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        level = self._cache.get(record.name)
        if level is None:
            level = self._cache[record.name] = self.rules.level_for(record.name)
        return record.levelno >= level


def env_value(environ: dict[str, str] | None = None) -> str | None:
    env = os.environ if environ is None else environ
    return env.get("CODEX_LOG") or env.get("RUST_LOG")


def configure_logging(value: str | None = None) -> LogFilter:
    """Route our loggers (and any library a directive names) to stderr, filtered by the directives."""
    rules = parse_filter(value if value is not None else env_value())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_DirectiveFilter(rules))
    for name in OUR_ROOTS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [h for h in logger.handlers if not isinstance(h, logging.StreamHandler)] + [
            handler
        ]
        logger.setLevel(rules.most_verbose())
        logger.propagate = False
    for target, level in rules.foreign_targets():
        logger = logging.getLogger(target.replace("::", "."))
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    return rules
