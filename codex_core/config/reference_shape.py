"""A config file's table as the reference holds it after reading: a few values in typed form.

The reference (codex 0.100.0) reads each config file, runs its table through its typed config
once (to resolve paths against the file's folder) and keeps, for every key the file has, the
value as the typed config writes it back. Most values come back as written; these do not:

* paths the reference keeps absolute (instruction files, `log_dir`, `writable_roots`, skill
  paths, ...): resolved against the folder of the file and cleaned (`/a/./b/../c/` -> `/a/c`);
* MCP server timeouts (`startup_timeout_sec`, `tool_timeout_sec`): durations, so seconds as
  a float (`20` -> `20.0`), to the nanosecond.

A file whose table the typed config refuses is kept as written. What is shown by config/read,
hashed into a layer's version and written back by an edit of that table is this form.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

# Keys holding a path the reference keeps absolute, at the top level and in a profile.
_PATH_KEYS = (
    "model_instructions_file",
    "experimental_instructions_file",
    "experimental_compact_prompt_file",
    "js_repl_node_path",
)
_TOP_LEVEL_PATH_KEYS = (*_PATH_KEYS, "log_dir")
_MCP_DURATIONS = ("startup_timeout_sec", "tool_timeout_sec")


def reference_shape(config: dict[str, Any], base_dir: Path | None) -> dict[str, Any]:
    """`config` (one file's table) as the reference holds it; `base_dir`: the file's folder."""
    if base_dir is None or not _typed_config_accepts(config):
        return config
    shaped = copy.deepcopy(config)
    for key in _TOP_LEVEL_PATH_KEYS:
        _resolve_key(shaped, key, base_dir)
    profiles = shaped.get("profiles")
    if isinstance(profiles, dict):
        for profile in profiles.values():
            if isinstance(profile, dict):
                for key in _PATH_KEYS:
                    _resolve_key(profile, key, base_dir)
    sandbox = shaped.get("sandbox_workspace_write")
    if isinstance(sandbox, dict) and isinstance(sandbox.get("writable_roots"), list):
        sandbox["writable_roots"] = [
            absolute_path(root, base_dir) if isinstance(root, str) else root
            for root in sandbox["writable_roots"]
        ]
    skills = shaped.get("skills")
    if isinstance(skills, dict) and isinstance(skills.get("config"), list):
        for entry in skills["config"]:
            if isinstance(entry, dict):
                _resolve_key(entry, "path", base_dir)
    servers = shaped.get("mcp_servers")
    if isinstance(servers, dict):
        for server in servers.values():
            if not isinstance(server, dict):
                continue
            for key in _MCP_DURATIONS:
                value = server.get(key)
                if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 2**63:
                    server[key] = duration_secs(float(value))
    return shaped


def absolute_path(path: str, base_dir: Path) -> str:
    """Rust's `AbsolutePathBuf` of `path` against `base_dir`: joined, `.`/`..` and trailing `/` gone."""
    joined = os.path.normpath(os.path.join(str(base_dir), path))
    return "/" + joined.lstrip("/") if joined.startswith("//") else joined


def duration_secs(seconds: float) -> float:
    """Seconds through Rust's `Duration` (whole nanoseconds) and back to f64."""
    nanos = round(seconds * 1_000_000_000)
    whole, rest = divmod(nanos, 1_000_000_000)
    return float(whole) + float(rest) / 1e9


def _resolve_key(table: dict[str, Any], key: str, base_dir: Path) -> None:
    value = table.get(key)
    if isinstance(value, str):
        table[key] = absolute_path(value, base_dir)


def _typed_config_accepts(config: dict[str, Any]) -> bool:
    from codex_core.config.quick_check import surely_valid

    if surely_valid(config):
        return True
    from pydantic import ValidationError

    from codex_core.config.typed import ConfigToml

    try:
        ConfigToml.model_validate(config)
    except (ValidationError, ValueError, TypeError):
        return False
    return True
