"""Loaded threads of this process: create, look up, shut down."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.agent.events import EventSink
from codex_core.agent.session import Session

if TYPE_CHECKING:
    from codex_core.agent.settings import SessionSettings


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
        )
        session.git = git
        self.threads[new_id] = session
        return session

    async def shutdown(self) -> None:
        await asyncio.gather(
            *(session.shutdown() for session in self.threads.values()), return_exceptions=True
        )
