"""v2 notifications for MCP tool calls: mcp_tool_call_* core events -> mcpToolCall items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app_server.events.shapes import duration_ms

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents, V2Handler
    from codex_core.events import McpToolCallBeginEvent, McpToolCallEndEvent, McpToolCallProgressEvent


def _item(msg: McpToolCallBeginEvent | McpToolCallEndEvent, **fields: Any) -> dict[str, Any]:
    invocation = msg["invocation"]
    return {
        "type": "mcpToolCall",
        "id": msg["call_id"],
        "server": invocation["server"],
        "tool": invocation["tool"],
        "status": "inProgress",
        "arguments": invocation["arguments"],
        "result": None,
        "error": None,
        "durationMs": None,
        **fields,
    }


def begin(events: ThreadEvents, event_id: str, msg: McpToolCallBeginEvent) -> None:
    events.send_item("item/started", _item(msg), event_id)


def end(events: ThreadEvents, event_id: str, msg: McpToolCallEndEvent) -> None:
    outcome = msg["result"]
    ok = outcome.get("Ok")
    if isinstance(ok, dict):
        failed = ok.get("isError") is True
        item = _item(
            msg,
            status="failed" if failed else "completed",
            result={
                "content": list(ok.get("content") or []),
                "structuredContent": ok.get("structuredContent"),
            },
            durationMs=duration_ms(msg["duration"]),
        )
    else:
        message = outcome.get("Err")
        item = _item(
            msg,
            status="failed",
            error={"message": str(message if message is not None else "tool call failed")},
            durationMs=duration_ms(msg["duration"]),
        )
    events.send_item("item/completed", item, event_id)


def progress(events: ThreadEvents, event_id: str, msg: McpToolCallProgressEvent) -> None:
    params = {
        "threadId": events.thread_id,
        "turnId": event_id,
        "itemId": msg["call_id"],
        "message": msg["message"],
    }
    events.state.notify_thread(events.thread_id, "item/mcpToolCall/progress", params)


V2_HANDLERS: dict[str, V2Handler] = {
    "mcp_tool_call_begin": begin,
    "mcp_tool_call_end": end,
    "mcp_tool_call_progress": progress,
}
