"""Where CODEX_HOME is."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codex_core.config.errors import CodexHomeError
from codex_core.config.locations import CONFIG_FILE_NAME, SYSTEM_CONFIG_FILE, codex_home_candidate

SYSTEM_CONFIG_PATH = Path(SYSTEM_CONFIG_FILE)


def find_codex_home(env: Mapping[str, str] | None = None) -> Path:
    """`$CODEX_HOME` when set (it must be an existing directory), else `~/.codex`.

    `~/.codex` need not exist yet: it is created on first write. An explicit
    CODEX_HOME that is missing is an error, because silently writing elsewhere
    would split a user's history in two.
    """
    candidate, explicit = codex_home_candidate(os.environ if env is None else env)
    path = Path(candidate)
    if explicit:
        if not path.exists():
            raise CodexHomeError(f"CODEX_HOME points to {str(path)!r}, but that path does not exist")
        if not path.is_dir():
            raise CodexHomeError(f"CODEX_HOME points to {str(path)!r}, but that path is not a directory")
        return path.resolve()
    return path


def user_config_path(codex_home: Path) -> Path:
    return codex_home / CONFIG_FILE_NAME
