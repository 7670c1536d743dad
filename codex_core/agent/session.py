"""A thread at runtime: settings, model-visible history, rollout, token usage, and its running turn."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from codex_core.agent.events import NULL_RATE_LIMITS
from codex_core.otel import telemetry_of
from codex_core.rollout.stored_history import History
from codex_core.tools.base import ToolRouter
from codex_core.tools.registry import default_router

if TYPE_CHECKING:
    from codex_core.agent.approver import Approver
    from codex_core.agent.settings import SessionSettings
    from codex_core.events import CoreEvent, EventSink
    from codex_core.model.client import ModelClient
    from codex_core.rollout.writer import RolloutWriter

T = TypeVar("T")

log = logging.getLogger("codex.agent")


@dataclass
class TurnState:
    id: str
    settings: SessionSettings
    inputs: list[dict[str, Any]]
    kind: str = "regular"  # "regular" or "compact"
    pending_input: list[list[dict[str, Any]]] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)
    last_agent_message: str | None = None
    review_target: dict[str, Any] | None = None
    # What tools keep for this turn only (the turn diff, images waiting to be shown), by name.
    locals: dict[str, Any] = field(default_factory=dict)


class ThreadBusy(Exception):
    pass


class Session:
    def __init__(
        self,
        *,
        thread_id: str,
        settings: SessionSettings,
        sink: EventSink,
        created_at: datetime,
        originator: str,
        user_agent: str,
        source: str = "vscode",
        rollout: RolloutWriter | None = None,
        rollout_path: Path | None = None,
        history: Iterable[dict[str, Any]] | None = None,
        token_info: dict[str, Any] | None = None,
        context_recorded: bool = False,
        tools: ToolRouter | None = None,
        env: dict[str, str] | None = None,
        approver: Approver | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.settings = settings
        # The thread's own cwd (its session_meta's): what thread/read reports, whatever later
        # turns override.
        self.cwd = settings.cwd
        self.sink = sink
        self.created_at = created_at
        self.originator = originator
        self.user_agent = user_agent
        self.source = source
        self.rollout = rollout
        self.rollout_path = rollout_path
        self._history = History.of(history)
        self.token_info = token_info
        # Size of the context at the last response (its total tokens): what auto-compaction watches.
        self.context_tokens = int(token_info["last_token_usage"]["total_tokens"]) if token_info else 0
        self.rate_limits: dict[str, Any] = dict(NULL_RATE_LIMITS)
        self.context_recorded = context_recorded
        # The settings the model was last told about (cwd, sandbox and approvals, model): a turn
        # that changes them first appends what changed, as the reference does.
        self.context_settings = settings
        self.tools = tools if tools is not None else default_router()
        self.env = env
        self.current: TurnState | None = None
        # The collaboration-mode instructions last put in the history (None: no mode chosen yet).
        self.collaboration_announced: str | None = None
        # What tools and integrations keep per thread (background processes, approvals for the
        # session, the client's tools, MCP start-up reports), by name: see `store`.
        self.stores: dict[str, Any] = {}
        self.preview = ""  # the first user message, as thread lists show it
        # The model of the rollout's last turn_context: a resume with another one is warned about.
        self.recorded_model: str | None = None
        from codex_core.agent.approver import DenyAll

        # Who answers this thread's approvals (the app-server's clients, the mcp-server's
        # elicitations); without one, nothing that needs approval runs.
        self.approver: Approver = approver if approver is not None else DenyAll()
        self.git: dict[str, Any] | None = None
        self._client: ModelClient | None = None
        self._client_key: tuple[str, str | None] | None = None

    # -- events and history ------------------------------------------------------------------
    @property
    def history(self) -> History:
        """The model-visible history. A resumed thread's items stay in its rollout and are read
        back whenever the history is (see `codex_core/rollout/stored_history.py`)."""
        return self._history

    @history.setter
    def history(self, items: Iterable[dict[str, Any]]) -> None:
        self._history = History.of(items)

    def emit(self, turn_id: str, msg: CoreEvent) -> None:
        """Send an event to listeners and persist it when the reference's policy keeps it."""
        if self.rollout is not None:
            self.rollout.record_event(msg)
        self.sink(turn_id, msg)

    def store(self, name: str, factory: Callable[[], T]) -> T:
        """The thread's store `name`, created by `factory` on first use; it lives and goes with
        the thread, so everything a thread owns is in one place."""
        value = self.stores.get(name)
        if value is None:
            value = self.stores[name] = factory()
        return cast(T, value)

    def emit_usage(self, turn_id: str) -> None:
        """`token_count`: the thread's usage so far and the provider's latest rate limits."""
        self.emit(turn_id, {"type": "token_count", "info": self.token_info, "rate_limits": self.rate_limits})

    async def emit_final(self, turn_id: str, msg: CoreEvent) -> None:
        """A turn's last event (`task_complete`, `turn_aborted`): its own rollout line reaches the
        OS before listeners hear of it, so a client that saw the turn end finds it all on disk."""
        if self.rollout is not None:
            self.rollout.record_event(msg)
            try:
                await self.rollout.flush()
            except Exception:  # a failed write is reported by the writer; the turn still ends
                log.exception("could not flush the rollout of %s", self.thread_id)
        self.sink(turn_id, msg)

    def record(self, items: list[dict[str, Any]]) -> None:
        """Add items to the model-visible history and to the rollout.

        Both keep the item without its API id: with `store: false` an id would point the
        provider at an item it never stored.
        """
        from codex_core.rollout.policy import sanitize_response_item, should_persist_response_item

        clean = [sanitize_response_item(item) for item in items]
        self.history.extend(clean)
        if self.rollout is None:
            return
        for item in clean:
            if should_persist_response_item(item):
                self.rollout.append("response_item", item)

    def start_from_history(self, items: list[dict[str, Any]]) -> None:
        """Begin a new thread with history from elsewhere (the reference's forked initial history):
        the items, then this thread's own initial context, recorded at once rather than at the
        first turn."""
        from codex_core.agent.prompt import initial_context

        self.record(items)
        self.record(initial_context(self.settings))
        self.context_recorded = True
        if not self.preview:
            self.preview = first_user_text(items)

    def take_settings(self, settings: SessionSettings, *, keep_requested_instructions: bool = False) -> None:
        """Settings for the next turns of a loaded thread that is resumed again. As `load_session`,
        the thread keeps the base instructions it runs with unless the request named its own."""
        if not keep_requested_instructions:
            settings = settings.with_overrides(base_instructions=self.settings.base_instructions)
        self.settings = settings

    def persist(self, kind: str, payload: dict[str, Any]) -> None:
        if kind == "turn_context" and isinstance(payload.get("model"), str):
            self.recorded_model = payload["model"]
        if self.rollout is not None:
            self.rollout.append(kind, payload)

    async def flush(self) -> None:
        if self.rollout is not None:
            await self.rollout.flush()

    # -- model client ------------------------------------------------------------------------
    def model_client(self, settings: SessionSettings) -> ModelClient:
        key = (settings.provider.id, settings.provider.base_url)
        if self._client is None or self._client_key != key:
            from codex_core.model.auth import auth_for_provider
            from codex_core.model.client import ModelClient

            auth = auth_for_provider(settings.provider, self.env, codex_home=settings.config.codex_home)
            self._client = ModelClient(
                settings.provider, auth, originator=self.originator, user_agent=self.user_agent
            )
            self._client_key = key
        self._client.telemetry = telemetry_of(self, settings)
        return self._client

    # -- turns -------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.current is not None and not self.current.done.is_set()

    def start_turn(
        self,
        turn_id: str,
        inputs: list[dict[str, Any]],
        settings: SessionSettings,
        kind: str = "regular",
        review_target: dict[str, Any] | None = None,
    ) -> TurnState:
        from codex_core.agent.turn import run_turn

        if self.running:
            raise ThreadBusy("a turn is already running on this thread")
        self.settings = settings
        turn = TurnState(id=turn_id, settings=settings, inputs=inputs, kind=kind, review_target=review_target)
        self.current = turn
        turn.task = asyncio.create_task(run_turn(self, turn), name=f"turn {turn_id}")
        return turn

    def steer(self, inputs: list[dict[str, Any]], expected_turn_id: str | None = None) -> str:
        """Add input to the running turn; the model sees it at its next step."""
        turn = self.current
        if turn is None or turn.done.is_set():
            raise ThreadBusy("no active turn to steer")
        if expected_turn_id is not None and expected_turn_id != turn.id:
            raise ThreadBusy(f"expected active turn id `{expected_turn_id}` but found `{turn.id}`")
        turn.pending_input.append(inputs)
        return turn.id

    async def interrupt(self) -> bool:
        """Abort the running turn; returns once its abort is recorded (False when nothing was running)."""
        turn = self.current
        if turn is None or turn.done.is_set() or turn.task is None:
            return False
        turn.task.cancel()
        await turn.done.wait()
        return True

    async def shutdown(self) -> None:
        await self.interrupt()
        if self.rollout is not None:
            await self.rollout.close()
        from codex_core.uuid7 import uuid7_str

        # Listeners learn the thread is gone (the reference sends it before answering an archive).
        self.sink(uuid7_str(), {"type": "shutdown_complete"})  # the rollout is closed: not persisted


def first_user_text(items: list[dict[str, Any]]) -> str:
    """The text of the first user message among response items ("" without one)."""
    for item in items:
        if item.get("type") == "message" and item.get("role") == "user":
            parts = item.get("content") or []
            return "".join(
                str(part.get("text", ""))
                for part in parts
                if isinstance(part, dict) and part.get("type") == "input_text"
            )
    return ""
