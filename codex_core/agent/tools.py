"""The tool router the turn loop calls. Tools register here (one module each, see the Tools issue)."""

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


def default_router() -> ToolRouter:
    """The tools every thread gets. Each tool module registers itself here."""
    router = ToolRouter()
    from codex_core.tools import register_exec_tools

    register_exec_tools(router)
    from codex_core.tools.patch_tools import register_patch_tools

    register_patch_tools(router)
    from codex_core.mcp.tools import register_mcp_tools

    register_mcp_tools(router)
    from codex_core.tools import web_search

    router.register(Tool("web_search", web_search.spec, web_search.handle))
    # Requests list the tools in the reference's order (models see them as its models do).
    rank = {name: n for n, name in enumerate(TOOL_ORDER)}
    router.tools = dict(sorted(router.tools.items(), key=lambda entry: rank.get(entry[0], len(rank))))
    return router


TOOL_ORDER = (
    "exec_command",
    "write_stdin",
    "shell",
    "shell_command",
    "list_mcp_resources",
    "list_mcp_resource_templates",
    "read_mcp_resource",
    "update_plan",
    "request_user_input",
    "apply_patch",
    "web_search",
    "view_image",
)
