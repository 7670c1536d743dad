"""Loaded threads of this process: create, look up, shut down."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.agent.session import Session

if TYPE_CHECKING:
    from codex_core.agent.approver import Approver
    from codex_core.agent.settings import SessionSettings
    from codex_core.events import EventSink


class ThreadManager:
    def __init__(self, codex_home: Path, env: dict[str, str] | None = None) -> None:
        self.codex_home = codex_home
        self.env = env
        self.threads: dict[str, Session] = {}

    def get(self, thread_id: str) -> Session | None:
        return self.threads.get(thread_id)

    def loaded_ids(self) -> list[str]:
        return list(self.threads)

    async def create(
        self,
        settings: SessionSettings,
        *,
        sink: EventSink,
        originator: str,
        user_agent: str,
        ephemeral: bool = False,
        source: str = "vscode",
        thread_id: str | None = None,
        approver: Approver | None = None,
    ) -> Session:
        from codex_core.git_diff import collect_git_info
        from codex_core.rollout.paths import rollout_path
        from codex_core.rollout.timefmt import format_envelope
        from codex_core.rollout.writer import RolloutWriter
        from codex_core.uuid7 import uuid7_str
        from codex_core.version import CLI_VERSION

        new_id = thread_id or uuid7_str()
        created = datetime.now(UTC)
        git = await collect_git_info(settings.cwd)
        writer = None
        path = None
        if not ephemeral:
            path = rollout_path(self.codex_home, new_id, created)
            meta: dict[str, Any] = {
                "id": new_id,
                "timestamp": format_envelope(created),
                "cwd": str(settings.cwd),
                "originator": originator,
                "cli_version": CLI_VERSION,
                "source": source,
                "model_provider": settings.provider.id,
                "base_instructions": {"text": settings.base_instructions},
            }
            if git:
                meta["git"] = {k: v for k, v in git.items() if v is not None}
            writer = RolloutWriter(path, meta)
        session = Session(
            thread_id=new_id,
            settings=settings,
            sink=sink,
            created_at=created,
            originator=originator,
            user_agent=user_agent,
            source=source,
            rollout=writer,
            rollout_path=path,
            env=self.env,
            approver=approver,
        )
        session.git = git
        self.threads[new_id] = session
        return session

    async def shutdown(self) -> None:
        await asyncio.gather(
            *(session.shutdown() for session in self.threads.values()), return_exceptions=True
        )


def find_rollout(codex_home: Path, thread_id: str, *, include_archived: bool = False) -> Path | None:
    """The rollout file of a thread (names end with `-<uuid>.jsonl`).

    Archived threads are not found by id unless asked for, as in the reference: they are out of
    the way until unarchived.
    """
    from codex_core.rollout.paths import archived_dir, sessions_dir

    suffix = f"-{thread_id}.jsonl"
    sessions = sessions_dir(codex_home)
    for match in sorted(sessions.glob(f"*/*/*/rollout-*{suffix}"), reverse=True):
        return match
    if include_archived:
        for match in archived_dir(codex_home).glob(f"rollout-*{suffix}"):
            return match
    return None


def _base_instructions_of(meta: dict[str, Any]) -> str | None:
    kept = meta.get("base_instructions")
    text = kept.get("text") if isinstance(kept, dict) else None
    return text if isinstance(text, str) and text else None


async def load_session(
    manager: ThreadManager,
    path: Path,
    settings: SessionSettings,
    *,
    sink: EventSink,
    originator: str,
    user_agent: str,
    thread_id: str | None = None,
    keep_requested_instructions: bool = False,
    approver: Approver | None = None,
) -> Session:
    """A loaded thread continuing the rollout at `path` (new turns append to the same file).

    `keep_requested_instructions`: the request named base instructions of its own, which then win
    over the ones the thread was started with.
    """
    from codex_core.rollout.history import model_history_async
    from codex_core.rollout.reader import read_head_async
    from codex_core.rollout.timefmt import parse_timestamp
    from codex_core.rollout.writer import RolloutWriter

    state = await model_history_async(path)
    head = await read_head_async(path)
    meta = state.session_meta or {}
    new_id = thread_id or str(meta.get("id"))
    created = parse_timestamp(str(meta["timestamp"])) if meta.get("timestamp") else datetime.now(UTC)
    history = state.items  # stays a History: its large items stay on disk
    kept = _base_instructions_of(meta)
    if kept is not None and not keep_requested_instructions:
        # A thread goes on with the instructions it was started with (its session_meta).
        settings = settings.with_overrides(base_instructions=kept)
    session = Session(
        thread_id=new_id,
        settings=settings,
        sink=sink,
        created_at=created,
        originator=originator,
        user_agent=user_agent,
        source=str(meta.get("source", "vscode")) if isinstance(meta.get("source"), str) else "vscode",
        rollout=RolloutWriter.append_to_existing(path),
        rollout_path=path,
        history=history,
        token_info=state.token_usage,
        # The next turn first appends the thread's context as it is now (permissions, AGENTS.md,
        # environment), to the history and the file, as the reference does on resume and fork.
        context_recorded=False,
        env=manager.env,
        approver=approver,
    )
    session.preview = head.preview if head is not None and head.preview else ""
    recorded = (state.turn_context or {}).get("model")
    session.recorded_model = recorded if isinstance(recorded, str) else None
    git = meta.get("git")
    session.git = git if isinstance(git, dict) else None
    manager.threads[new_id] = session
    return session


async def fork_rollout(codex_home: Path, source: Path, new_id: str, originator: str) -> Path:
    """A new rollout: a fresh session_meta (with forked_from_id) then the source's lines, as the reference writes forks."""
    from codex_core.rollout.paths import rollout_path
    from codex_core.rollout.reader import read_session_meta
    from codex_core.rollout.timefmt import format_envelope
    from codex_core.rollout.writer import encode_line

    def copy() -> Path:
        created = datetime.now(UTC)
        target = rollout_path(codex_home, new_id, created)
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(read_session_meta(source) or {})
        meta.update(
            {
                "id": new_id,
                "forked_from_id": meta.get("id"),
                "timestamp": format_envelope(created),
                "originator": originator,
            }
        )
        temp = target.with_suffix(".jsonl.partial")
        with open(temp, "wb") as out, open(source, "rb") as src:
            out.write(encode_line("session_meta", meta))
            while chunk := src.read(1 << 20):
                out.write(chunk)
            if chunk_ends_without_newline(src):
                out.write(b"\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)  # a fork is visible complete or not at all
        return target

    return await asyncio.to_thread(copy)


def chunk_ends_without_newline(handle: Any) -> bool:
    try:
        handle.seek(-1, os.SEEK_END)
    except OSError:
        return False
    return handle.read(1) not in (b"\n", b"")
