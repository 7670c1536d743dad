"""Runs Codex turns for the `codex` / `codex-reply` tool calls on the shared agent core.

Each core event of a turn goes to the client as a `codex/event` notification
(`{"_meta": {"requestId", "threadId"}, "id": <event id>, "msg": <EventMsg>}`) while the call is open;
the call is answered once the turn is over, with the last agent message as text and
`{"threadId", "content"}` as structured content, so `codex-reply` needs nothing scraped from events.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.user_agent import DEFAULT_ORIGINATOR
from mcp_server.tools import CodexCall, InvalidThreadId, MissingArguments, ReplyCall, ToolArgumentError

if TYPE_CHECKING:
    from codex_core.agent.manager import ThreadManager
    from codex_core.agent.session import Session, TurnState
    from codex_core.events import CoreEvent, McpStartupCompleteEvent

log = logging.getLogger("codex.mcp_server")

EVENT_METHOD = "codex/event"
TERMINAL_EVENTS = ("task_complete", "turn_aborted")

SendRequest = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
Notify = Callable[[str, dict[str, Any]], Awaitable[None]]


ARGUMENTS_ERROR_PREFIX = "Failed to parse configuration for Codex tool: "


@dataclass
class ToolOutcome:
    """What a tool call answers: text, the thread (when one exists) and whether it failed."""

    text: str
    thread_id: str | None = None
    is_error: bool = False

    def structured(self) -> dict[str, Any] | None:
        if self.thread_id is None:
            return None
        return {"threadId": self.thread_id, "content": self.text}


@dataclass
class ActiveCall:
    """The open `tools/call` a thread's events and approval questions belong to."""

    request_id: str | int
    send_request: SendRequest
    notify: Notify

    @property
    def request_key(self) -> str:
        return str(self.request_id)


@dataclass
class ThreadChannel:
    """The sink of one thread: core events queue here and are sent, in order, to the open call."""

    thread_id: str
    active: ActiveCall | None = None
    queue: asyncio.Queue[tuple[str, CoreEvent]] = field(default_factory=asyncio.Queue)

    def __call__(self, event_id: str, msg: CoreEvent) -> None:
        if self.active is None:
            log.debug("dropping %s event of thread %s: no open tool call", msg["type"], self.thread_id)
            return
        self.queue.put_nowait((event_id, msg))

    async def flushed(self) -> None:
        await self.queue.join()

    async def send(self, event_id: str, msg: Mapping[str, Any]) -> None:
        """Send one EventMsg: a core event, or the `session_configured` this server adds."""
        call = self.active
        if call is None:
            return
        params = {
            "_meta": {"requestId": call.request_id, "threadId": self.thread_id},
            "id": event_id,
            "msg": msg,
        }
        try:
            await call.notify(EVENT_METHOD, params)
        except Exception as exc:  # a gone client must not stop the turn
            log.debug("could not send %s: %s", EVENT_METHOD, exc)


@dataclass
class RunnerOptions:
    codex_home: Path
    cli_overrides: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None
    originator: str = DEFAULT_ORIGINATOR


class CodexRunner:
    def __init__(self, options: RunnerOptions) -> None:
        from codex_core.agent.manager import ThreadManager

        self.options = options
        self.threads: ThreadManager = ThreadManager(options.codex_home, options.env)
        self.channels: dict[str, ThreadChannel] = {}
        self.user_agent = self._user_agent(None, None)

    @staticmethod
    def _user_agent(name: str | None, version: str | None) -> str:
        from codex_core.user_agent import DEFAULT_ORIGINATOR, user_agent

        return user_agent(DEFAULT_ORIGINATOR, name, version)

    def record_client(self, name: str | None, version: str | None) -> str:
        self.user_agent = self._user_agent(name, version)
        return self.user_agent

    # -- tools -------------------------------------------------------------------------------
    async def run_codex(self, arguments: dict[str, Any] | None, call: ActiveCall) -> ToolOutcome:
        try:
            params = CodexCall.parse(arguments)
        except MissingArguments as exc:
            return ToolOutcome(str(exc), is_error=True)
        except ToolArgumentError as exc:
            return ToolOutcome(f"{ARGUMENTS_ERROR_PREFIX}{exc}", is_error=True)
        try:
            session = await self._create_session(params)
        except Exception as exc:
            log.debug("session start failed", exc_info=True)
            return ToolOutcome(f"Failed to start Codex session: {exc}", is_error=True)
        channel = self.channels[session.thread_id]
        return await self._run(session, channel, call, params.prompt, call.request_key, configured=True)

    async def run_reply(self, arguments: dict[str, Any] | None, call: ActiveCall) -> ToolOutcome:
        try:
            params = ReplyCall.parse(arguments)
        except MissingArguments as exc:
            return ToolOutcome(str(exc), is_error=True)
        except ToolArgumentError as exc:
            # The reference words codex-reply's argument errors as the codex tool's.
            return ToolOutcome(f"{ARGUMENTS_ERROR_PREFIX}{exc}", is_error=True)
        except InvalidThreadId as exc:
            return ToolOutcome(f"Failed to parse thread_id: {exc}", is_error=True)
        session = self.threads.get(params.thread_id)
        channel = self.channels.get(params.thread_id)
        if session is None or channel is None:
            text = f"Session not found for thread_id: {params.thread_id}"
            return ToolOutcome(text, thread_id=params.thread_id, is_error=True)
        from codex_core.uuid7 import uuid7_str

        return await self._run(session, channel, call, params.prompt, uuid7_str(), configured=False)

    # -- internals ---------------------------------------------------------------------------
    async def _create_session(self, params: CodexCall) -> Session:
        from codex_core.agent.settings import resolve_settings
        from codex_core.config.loader import load_config
        from mcp_server.approvals import ElicitationApprover

        cwd = Path(params.cwd).expanduser() if params.cwd else Path(os.getcwd())
        if not cwd.is_absolute():
            cwd = Path(os.getcwd()) / cwd
        if not cwd.is_dir():
            raise ValueError(f"cwd is not a directory: {cwd}")
        loaded = load_config(
            codex_home=self.options.codex_home,
            cwd=cwd,
            cli_overrides=self.options.cli_overrides,
            request_overrides=params.request_overrides(),
            profile=params.profile,
            env=self.options.env,
        )
        settings = resolve_settings(
            loaded,
            cwd=cwd,
            base_instructions=params.base_instructions,
            developer_instructions=params.developer_instructions,
            env=self.options.env,
        )
        from codex_core.uuid7 import uuid7_str

        thread_id = uuid7_str()
        channel = ThreadChannel(thread_id)
        session = await self.threads.create(
            settings,
            sink=channel,
            originator=self.options.originator,
            user_agent=self.user_agent,
            source="mcp",
            thread_id=thread_id,
            approver=ElicitationApprover(channel),
        )
        self.channels[thread_id] = channel
        return session

    def _session_configured(self, session: Session) -> dict[str, Any]:
        settings = session.settings
        return {
            "type": "session_configured",
            "session_id": session.thread_id,
            "model": settings.model,
            "model_provider_id": settings.provider.id,
            "approval_policy": settings.approval_policy,
            "sandbox_policy": settings.sandbox_policy,
            "cwd": str(settings.cwd),
            "reasoning_effort": settings.reasoning_effort,
            "history_log_id": 0,
            "history_entry_count": 0,
            "rollout_path": str(session.rollout_path) if session.rollout_path is not None else None,
        }

    async def _run(
        self,
        session: Session,
        channel: ThreadChannel,
        call: ActiveCall,
        prompt: str,
        turn_id: str,
        *,
        configured: bool,
    ) -> ToolOutcome:
        from codex_core.agent.session import ThreadBusy

        thread_id = session.thread_id
        if channel.active is not None or session.running:
            return ToolOutcome(
                f"Thread {thread_id} is already running a turn; wait for it to finish.",
                thread_id=thread_id,
                is_error=True,
            )
        channel.active = call
        try:
            if configured:
                await channel.send("", self._session_configured(session))
                startup: McpStartupCompleteEvent = {
                    "type": "mcp_startup_complete",
                    "ready": [],
                    "failed": [],
                    "cancelled": [],
                }
                await channel.send("", startup)
            inputs = [{"type": "text", "text": prompt, "text_elements": []}]
            try:
                turn = session.start_turn(turn_id, inputs, session.settings)
            except ThreadBusy as exc:
                return ToolOutcome(f"Failed to submit user input: {exc}", thread_id=thread_id, is_error=True)
            try:
                return await self._stream(session, channel, turn)
            except asyncio.CancelledError:
                # The client cancelled the call: stop the turn and let the abort be recorded.
                with contextlib.suppress(Exception):
                    await asyncio.shield(session.interrupt())
                raise
        finally:
            channel.active = None
            _discard(channel.queue)

    async def _stream(self, session: Session, channel: ThreadChannel, turn: TurnState) -> ToolOutcome:
        thread_id = session.thread_id
        error: str | None = None
        last_message: str | None = None
        aborted = False
        done = asyncio.ensure_future(turn.done.wait())
        try:
            while True:
                if channel.queue.empty():
                    if done.done():
                        break
                    getter = asyncio.ensure_future(channel.queue.get())
                    await asyncio.wait({getter, done}, return_when=asyncio.FIRST_COMPLETED)
                    if not getter.done():
                        getter.cancel()
                        continue
                    event_id, msg = getter.result()
                else:
                    event_id, msg = channel.queue.get_nowait()
                try:
                    await channel.send(event_id, msg)
                finally:
                    channel.queue.task_done()
                if msg["type"] == "error" and error is None:
                    error = msg["message"]
                elif msg["type"] == "task_complete" and msg["turn_id"] == turn.id:
                    last_message = msg["last_agent_message"]
                elif msg["type"] == "turn_aborted" and msg["turn_id"] == turn.id:
                    aborted = True
        finally:
            done.cancel()
        if error is not None:
            return ToolOutcome(error, thread_id=thread_id, is_error=True)
        if aborted:
            return ToolOutcome("The Codex turn was interrupted.", thread_id=thread_id, is_error=True)
        text = last_message if last_message is not None else (turn.last_agent_message or "")
        return ToolOutcome(text, thread_id=thread_id)

    async def shutdown(self) -> None:
        await self.threads.shutdown()


def _discard(queue: asyncio.Queue[Any]) -> None:
    while not queue.empty():
        queue.get_nowait()
        queue.task_done()
