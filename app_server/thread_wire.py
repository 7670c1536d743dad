"""Loaded threads as the v2 `Thread` object, and the overrides thread/start-like requests carry."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
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


def v2_source(source: Any) -> Any:
    """session_meta.source -> the v2 `SessionSource` (core `mcp` is `appServer` on the wire)."""
    if source is None:
        return "vscode"
    if source == "mcp":
        return "appServer"
    if isinstance(source, dict) and "subagent" in source:
        return {"subAgent": source["subagent"]}
    return source


def thread_object(
    *,
    thread_id: str,
    preview: str,
    model_provider: str,
    created_at: int,
    updated_at: int,
    path: str | None,
    cwd: str,
    cli_version: str,
    source: Any,
    git_info: dict[str, Any] | None,
    turns: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The v2 `Thread`, whatever we know the thread from (loaded, a rollout head, the listing index)."""
    return {
        "id": thread_id,
        "preview": preview,
        "modelProvider": model_provider,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "path": path,
        "cwd": cwd,
        "cliVersion": cli_version,
        "source": v2_source(source),
        "gitInfo": git_info,
        "turns": turns or [],
    }


def thread_wire(session: Session, turns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    created = int(session.created_at.timestamp())
    updated = created
    if session.rollout_path is not None:
        with contextlib.suppress(OSError):
            updated = int(os.stat(session.rollout_path).st_mtime)
    return thread_object(
        thread_id=session.thread_id,
        preview=session.preview,
        model_provider=session.settings.provider.id,
        created_at=created,
        updated_at=updated,
        path=str(session.rollout_path) if session.rollout_path is not None else None,
        cwd=str(session.cwd),
        cli_version=CLI_VERSION,
        source=session.source,
        git_info=git_info_wire(session.git),
        turns=turns,
    )


def config_overrides(
    config: Mapping[str, Any] | None,
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
    git = head.git
    return thread_object(
        thread_id=head.id or "",
        preview=head.preview or "",
        model_provider=head.model_provider or "",
        created_at=created,
        updated_at=updated,
        path=str(path),
        cwd=head.cwd or "",
        cli_version=head.cli_version or "",
        source=head.source,
        git_info=git_info_wire(git if isinstance(git, dict) else None),
        turns=turns,
    )
