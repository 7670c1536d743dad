"""`configWarning` notifications: problems found in the configuration when the server starts.

The reference checks once at start-up, keeps serving with defaults when config.toml is broken,
and tells every connection right after its `initialize` answer. Requests that need the
configuration still fail with the precise error until the file is fixed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from codex_core.lazy_log import get_logger

log = get_logger("codex.app_server")  # lazy: this module is on the start path

INVALID_CONFIG_SUMMARY = "Invalid configuration; using defaults."
INVALID_RULES_SUMMARY = "Error parsing rules; custom rules not applied."


def _range(line: int | None, column: int | None, end_line: int | None, end_column: int | None) -> Any:
    if line is None:
        return None
    start = {"line": line, "column": column or 1}
    end = {"line": end_line or line, "column": end_column or column or 1}
    return {"start": start, "end": end}


def _warning(summary: str, details: str | None, path: Path | None, text_range: Any) -> dict[str, Any]:
    warning: dict[str, Any] = {"summary": summary, "details": details}
    if path is not None:
        warning["path"] = str(path)
    if text_range is not None:
        warning["range"] = text_range
    return warning


def collect_startup_warnings(
    codex_home: Path, cli_overrides: Sequence[str], env: Mapping[str, str] | None
) -> list[dict[str, Any]]:
    """Every warning for the configuration as it is now (blocking: run it in a worker thread)."""
    from codex_core.config.errors import ConfigError
    from codex_core.config.loader import load_config

    warnings: list[dict[str, Any]] = []
    try:
        load_config(codex_home=codex_home, cli_overrides=cli_overrides, env=env)
    except ConfigError as exc:
        text_range = _range(exc.line, exc.column, exc.line, exc.end_column) if exc.path else None
        warnings.append(_warning(INVALID_CONFIG_SUMMARY, exc.located(), exc.path, text_range))
    rules_problem = None
    if (codex_home / "rules").is_dir():  # the approvals module only when there are rules to check
        from codex_core.approvals.rules import check_rules

        rules_problem = check_rules(codex_home)
    if rules_problem is not None:
        text_range = _range(
            rules_problem.line, rules_problem.column, rules_problem.end_line, rules_problem.end_column
        )
        warnings.append(_warning(INVALID_RULES_SUMMARY, str(rules_problem), rules_problem.path, text_range))
    for warning in warnings:
        # The reference logs these too: a headless server's stderr is often the only place anyone looks.
        log.error("%s %s", warning["summary"], warning["details"])
    return warnings
