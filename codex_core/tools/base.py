"""The tool interface: a call from the model, the context a tool runs in, a tool, and the router the
turn loop calls. The concrete tools are named in `codex_core.tools.registry`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from codex_core.otel import telemetry_of

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState

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


@dataclass
class ToolContext:
    session: Session
    turn: TurnState


@dataclass
class Tool:
    name: str
    spec: Callable[[ToolContext], dict[str, Any] | None]  # None: not offered in this context
    handler: ToolHandler


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

    async def handle(self, call: ToolCall, context: ToolContext) -> dict[str, Any]:
        tool = self.tools.get(call.name)
        if tool is None:
            return call.output(f"unsupported call: {call.name}")
        started = time.perf_counter()
        output = await tool.handler(call, context)
        telemetry_of(context.session).tool_output(call.name, call.call_id, call.arguments, started, output)
        return output
