"""Where rollout files live under CODEX_HOME and how they are named.

`sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<uuid>.jsonl` (UTC date and time of thread
creation); archived files sit flat in `archived_sessions/` under the same name.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .timefmt import format_file_stamp, parse_file_stamp

if TYPE_CHECKING:
    import uuid

SESSIONS_SUBDIR = "sessions"
ARCHIVED_SESSIONS_SUBDIR = "archived_sessions"
FILE_PREFIX = "rollout-"
FILE_SUFFIX = ".jsonl"
_STAMP_LEN = len("2026-11-23T00-02-13")
_UUID_LEN = 36


class RolloutPathError(ValueError):
    """A client-supplied rollout path that is not inside the sessions folders."""


class RolloutName(NamedTuple):
    created: datetime  # UTC, whole seconds
    thread_id: uuid.UUID


def sessions_dir(codex_home: Path) -> Path:
    return Path(codex_home) / SESSIONS_SUBDIR


def archived_dir(codex_home: Path) -> Path:
    return Path(codex_home) / ARCHIVED_SESSIONS_SUBDIR


def rollout_file_name(thread_id: str | uuid.UUID, created: datetime) -> str:
    return f"{FILE_PREFIX}{format_file_stamp(created)}-{thread_id}{FILE_SUFFIX}"


def day_dir(codex_home: Path, created: datetime) -> Path:
    stamp = format_file_stamp(created)  # normalises to UTC first
    return sessions_dir(codex_home) / stamp[0:4] / stamp[5:7] / stamp[8:10]


def rollout_path(codex_home: Path, thread_id: str | uuid.UUID, created: datetime) -> Path:
    return day_dir(codex_home, created) / rollout_file_name(thread_id, created)


def parse_rollout_file_name(name: str) -> RolloutName | None:
    """(creation time, thread uuid) from `rollout-<stamp>-<uuid>.jsonl`, or None for other names."""
    if not (name.startswith(FILE_PREFIX) and name.endswith(FILE_SUFFIX)):
        return None
    core = name[len(FILE_PREFIX) : -len(FILE_SUFFIX)]
    if len(core) != _STAMP_LEN + 1 + _UUID_LEN or core[_STAMP_LEN] != "-":
        return None
    created = parse_file_stamp(core[:_STAMP_LEN])
    if created is None:
        return None
    import uuid  # here: the listing index uses this module's folder names on its start path

    try:
        thread_id = uuid.UUID(core[_STAMP_LEN + 1 :])
    except ValueError:
        return None
    return RolloutName(created, thread_id)


def unarchived_path(codex_home: Path, file_name: str) -> Path:
    """Where an archived file goes back to: the day folder of the stamp in its name."""
    parsed = parse_rollout_file_name(file_name)
    if parsed is None:
        raise RolloutPathError(f"not a rollout file name: {file_name}")
    return day_dir(codex_home, parsed.created) / file_name


def archived_path(codex_home: Path, rollout: Path) -> Path:
    return archived_dir(codex_home) / Path(rollout).name


def resolve_inside(codex_home: Path, path: str | os.PathLike[str]) -> Path:
    """Canonicalise a client-supplied rollout path and insist it lies inside CODEX_HOME's
    `sessions/` or `archived_sessions/` folder.

    Relative paths are taken relative to CODEX_HOME. `..` components are refused outright
    (even when they would land back inside), and symlinks are resolved before the check, so a
    link pointing out of the sessions folders is refused too. Returns the resolved path.
    """
    raw = os.fspath(path)
    if not raw or "\x00" in raw:
        raise RolloutPathError(f"invalid rollout path: {raw!r}")
    candidate = Path(raw).expanduser()
    if ".." in candidate.parts:
        raise RolloutPathError(f"rollout path must not contain '..': {raw}")
    home = Path(os.path.realpath(Path(codex_home).expanduser()))
    if not candidate.is_absolute():
        candidate = home / candidate
    resolved = Path(os.path.realpath(candidate))
    roots = (
        Path(os.path.realpath(home / SESSIONS_SUBDIR)),
        Path(os.path.realpath(home / ARCHIVED_SESSIONS_SUBDIR)),
    )
    for root in roots:
        if resolved != root and resolved.is_relative_to(root):
            return resolved
    raise RolloutPathError(
        f"rollout path {raw} is outside {roots[0]} and {roots[1]}; refusing to read or write it"
    )


def unreadable_reason(path: str | os.PathLike[str]) -> str | None:
    """Why a rollout file cannot be opened for reading, worded as the reference's messages embed
    it (`No such file or directory (os error 2)`); None when it can."""
    from codex_core.serde_text import io_error_text

    try:
        with open(path, "rb"):
            return None
    except OSError as exc:
        return io_error_text(exc)
