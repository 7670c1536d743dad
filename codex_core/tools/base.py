"""The tool interface: a call from the model, the context a tool runs in, a tool, and the router the
turn loop calls. The concrete tools are named in `codex_core.tools.registry`.

A tool sees its thread and turn only through `ToolContext`: the turn's settings, events for the
turn, the approver, the thread's and the turn's stores, the history to answer into. The agent builds
the context (`Session.tool_context`); the small protocols below say what it must provide, so this
module imports nothing from `codex_core.agent`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.events import ApplyPatchApprovalRequestEvent, CoreEvent, ExecApprovalRequestEvent
    from codex_core.model.families import ModelFamily
    from codex_core.otel.telemetry import Telemetry

T = TypeVar("T")

ToolHandler = Callable[["ToolCall", "ToolContext"], Awaitable[dict[str, Any]]]


@dataclass
class ToolCall:
    kind: str  # "function_call", "custom_tool_call", "local_shell_call"
    name: str
    call_id: str
    arguments: str  # JSON text for functions; raw input for custom tools
    item: dict[str, Any]

    @classmethod
    def from_item(cls, item: dict[str, Any]) -> ToolCall | None:
        kind = item.get("type")
        if kind == "function_call":
            return cls(
                kind,
                str(item.get("name", "")),
                str(item.get("call_id", "")),
                str(item.get("arguments", "")),
                item,
            )
        if kind == "custom_tool_call":
            return cls(
                kind,
                str(item.get("name", "")),
                str(item.get("call_id", "")),
                str(item.get("input", "")),
                item,
            )
        if kind == "local_shell_call":
            return cls(kind, "local_shell", str(item.get("call_id") or item.get("id", "")), "", item)
        return None

    def output(self, text: str) -> dict[str, Any]:
        """The history item answering this call."""
        if self.kind == "custom_tool_call":
            return {"type": "custom_tool_call_output", "call_id": self.call_id, "output": text}
        return {"type": "function_call_output", "call_id": self.call_id, "output": text}


class ToolSettings(Protocol):
    """The settings tools read (a turn's, or a thread's own)."""

    @property
    def model(self) -> str: ...
    @property
    def cwd(self) -> Path: ...
    @property
    def approval_policy(self) -> str: ...
    @property
    def sandbox_policy(self) -> dict[str, Any]: ...
    @property
    def config(self) -> LoadedConfig: ...
    @property
    def family(self) -> ModelFamily: ...
    @property
    def collaboration_mode(self) -> str: ...


class ToolApprover(Protocol):
    """Who decides on an approval request the tool has just emitted (see codex_core.agent.approver)."""

    async def command(self, turn_id: str, request: ExecApprovalRequestEvent) -> Any: ...
    async def patch(self, turn_id: str, request: ApplyPatchApprovalRequestEvent) -> Any: ...


class ToolThread(Protocol):
    """What tools may use of the thread they run in; the agent's Session provides it."""

    @property
    def thread_id(self) -> str: ...
    @property
    def settings(self) -> ToolSettings:
        """The thread's own settings (what per-thread services such as MCP servers start from)."""
        ...

    @property
    def env(self) -> dict[str, str] | None: ...
    @property
    def approver(self) -> ToolApprover: ...
    def emit(self, turn_id: str, msg: CoreEvent) -> None: ...
    def record(self, items: list[dict[str, Any]]) -> None: ...
    def store(self, name: str, factory: Callable[[], T]) -> T: ...


class ToolContext:
    """One turn's view for its tools. `thread` is there for per-thread helpers (MCP servers,
    background processes); tools use the methods below."""

    __slots__ = ("_telemetry", "settings", "thread", "turn_id", "turn_store")

    def __init__(
        self,
        thread: ToolThread,
        turn_id: str,
        settings: ToolSettings,
        turn_store: dict[str, Any],
        telemetry: Callable[[], Telemetry],
    ) -> None:
        self.thread = thread
        self.turn_id = turn_id
        self.settings = settings  # the turn's
        self.turn_store = turn_store  # goes with the turn
        self._telemetry = telemetry

    @property
    def thread_id(self) -> str:
        return self.thread.thread_id

    @property
    def cwd(self) -> Path:
        return self.settings.cwd

    @property
    def env(self) -> dict[str, str] | None:
        return self.thread.env

    @property
    def approver(self) -> ToolApprover:
        return self.thread.approver

    def emit(self, msg: CoreEvent) -> None:
        """Send (and persist, per the rollout policy) an event of this turn."""
        self.thread.emit(self.turn_id, msg)

    def record(self, items: list[dict[str, Any]]) -> None:
        """Add items to the model-visible history (and the rollout) now."""
        self.thread.record(items)

    def thread_store(self, name: str, factory: Callable[[], T]) -> T:
        """The thread's store `name`, created by `factory` on first use."""
        return self.thread.store(name, factory)

    def turn_local(self, key: str, factory: Callable[[], T] | None = None) -> T | None:
        """This turn's value under `key`, created by `factory` on first use (None if absent and
        no factory)."""
        if key in self.turn_store:
            return cast(T, self.turn_store[key])
        if factory is None:
            return None
        created = self.turn_store[key] = factory()
        return created

    def telemetry(self) -> Telemetry:
        return self._telemetry()


@dataclass
class Tool:
    name: str
    spec: Callable[[ToolContext], dict[str, Any] | None]  # None: not offered in this context
    handler: ToolHandler
    # May run beside other calls of the same response (the reference's parallel-capable tools).
    parallel: bool = False


@dataclass
class ToolRouter:
    tools: dict[str, Tool] = field(default_factory=dict)

    def register(self, tool: Tool) -> None:
        self.tools[tool.name] = tool

    def specs(self, context: ToolContext) -> list[dict[str, Any]]:
        offered = []
        for tool in self.tools.values():
            spec = tool.spec(context)
            if spec is not None:
                offered.append(spec)
        return offered

    def runs_in_parallel(self, name: str, context: ToolContext) -> bool:
        """Whether a call to `name` may overlap others: only a tool offered as parallel-capable
        (an alias the model was not offered, or an unknown name, runs alone)."""
        tool = self.tools.get(name)
        return tool is not None and tool.parallel and tool.spec(context) is not None

    async def handle(self, call: ToolCall, context: ToolContext) -> dict[str, Any]:
        tool = self.tools.get(call.name)
        if tool is None:
            return call.output(f"unsupported call: {call.name}")
        started = time.perf_counter()
        output = await tool.handler(call, context)
        context.telemetry().tool_output(call.name, call.call_id, call.arguments, started, output)
        return output
