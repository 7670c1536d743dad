"""The environment commands run with, per `shell_environment_policy` (inherit / excludes / set / include_only)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Mapping
from typing import Any

CORE_VARS = ("HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP")
DEFAULT_EXCLUDES = ("*KEY*", "*SECRET*", "*TOKEN*")
# Keeps tools non-interactive and their output plain for the model.
EXEC_DEFAULTS = {
    "NO_COLOR": "1",
    "TERM": "dumb",
    "LANG": "C.UTF-8",
    "LC_CTYPE": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "COLORTERM": "",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
    "GH_PAGER": "cat",
    "CODEX_CI": "1",
}


def _matches(name: str, patterns: Any) -> bool:
    return any(fnmatch.fnmatchcase(name.upper(), str(p).upper()) for p in patterns or ())


def build_env(policy: Any = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`policy` is the typed ShellEnvironmentPolicyToml (or None for the defaults)."""
    source = dict(os.environ if base is None else base)
    inherit = getattr(policy, "inherit", None) or "all"
    if inherit == "none":
        env: dict[str, str] = {}
    elif inherit == "core":
        env = {k: v for k, v in source.items() if k in CORE_VARS}
    else:
        env = dict(source)
    if not getattr(policy, "ignore_default_excludes", None):
        env = {k: v for k, v in env.items() if not _matches(k, DEFAULT_EXCLUDES)}
    excludes = getattr(policy, "exclude", None)
    if excludes:
        env = {k: v for k, v in env.items() if not _matches(k, excludes)}
    env.update(getattr(policy, "set", None) or {})
    include_only = getattr(policy, "include_only", None)
    if include_only:
        env = {k: v for k, v in env.items() if _matches(k, include_only)}
    return env
