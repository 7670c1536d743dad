"""Loaded threads as the v2 `Thread` object, and the overrides thread/start-like requests carry."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.version import CLI_VERSION

if TYPE_CHECKING:
    from codex_core.agent.session import Session
    from codex_core.rollout.reader import RolloutHead


def git_info_wire(git: dict[str, Any] | None) -> dict[str, Any] | None:
    if not git:
        return None
    return {
        "sha": git.get("commit_hash"),
        "branch": git.get("branch"),
        "originUrl": git.get("repository_url"),
    }


def thread_wire(session: Session, turns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    created = int(session.created_at.timestamp())
    updated = created
    if session.rollout_path is not None:
        with contextlib.suppress(OSError):
            updated = int(os.stat(session.rollout_path).st_mtime)
    return {
        "id": session.thread_id,
        "preview": session.preview,
        "modelProvider": session.settings.provider.id,
        "createdAt": created,
        "updatedAt": updated,
        "path": str(session.rollout_path) if session.rollout_path is not None else None,
        "cwd": str(session.settings.cwd),
        "cliVersion": CLI_VERSION,
        "source": session.source,
        "gitInfo": git_info_wire(session.git),
        "turns": turns or [],
    }


def config_overrides(
    config: dict[str, Any] | None,
    *,
    model: str | None = None,
    model_provider: str | None = None,
    approval_policy: str | None = None,
    sandbox_mode: str | None = None,
    personality: str | None = None,
    profile: str | None = None,
) -> dict[str, Any]:
    """A request's `config` map plus its typed fields, as dotted config keys (typed fields win)."""
    overrides: dict[str, Any] = dict(config or {})
    for key, value in (
        ("model", model),
        ("model_provider", model_provider),
        ("approval_policy", approval_policy),
        ("sandbox_mode", sandbox_mode),
        ("personality", personality),
        ("profile", profile),
    ):
        if value is not None:
            overrides[key] = value
    return overrides


def resolve_cwd(cwd: str | None) -> Path:
    if not cwd:
        return Path(os.getcwd())
    path = Path(cwd).expanduser()
    return path if path.is_absolute() else Path(os.getcwd()) / path


def thread_wire_from_head(
    head: RolloutHead, path: Path, turns: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The v2 Thread of a thread known only from its rollout file (not loaded in this process)."""
    from codex_core.rollout.timefmt import parse_timestamp

    created = 0
    if head.created:
        try:
            created = int(parse_timestamp(head.created).timestamp())
        except ValueError:
            created = 0
    try:
        updated = int(os.stat(path).st_mtime)
    except OSError:
        updated = created
    source = head.source if isinstance(head.source, str) else "vscode"
    git = head.git
    return {
        "id": head.id,
        "preview": head.preview or "",
        "modelProvider": head.model_provider or "",
        "createdAt": created,
        "updatedAt": updated,
        "path": str(path),
        "cwd": head.cwd or "",
        "cliVersion": head.cli_version or "",
        "source": source,
        "gitInfo": git_info_wire(git if isinstance(git, dict) else None),
        "turns": turns or [],
    }
