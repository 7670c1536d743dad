"""v2 notifications for MCP tool calls: mcp_tool_call_* core events -> mcpToolCall items."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents


def _duration_ms(duration: Any) -> int | None:
    if isinstance(duration, dict):
        return int(duration.get("secs", 0)) * 1000 + int(duration.get("nanos", 0)) // 1_000_000
    return None


def _item(msg: dict[str, Any], **fields: Any) -> dict[str, Any]:
    invocation = msg.get("invocation") or {}
    return {
        "type": "mcpToolCall",
        "id": msg["call_id"],
        "server": invocation.get("server", ""),
        "tool": invocation.get("tool", ""),
        "status": "inProgress",
        "arguments": invocation.get("arguments"),
        "result": None,
        "error": None,
        "durationMs": None,
        **fields,
    }


def begin(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    events.send_item("item/started", _item(msg), event_id, msg)


def end(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    outcome = msg.get("result") or {}
    ok = outcome.get("Ok") if isinstance(outcome, dict) else None
    if isinstance(ok, dict):
        failed = ok.get("isError") is True
        item = _item(
            msg,
            status="failed" if failed else "completed",
            result={
                "content": list(ok.get("content") or []),
                "structuredContent": ok.get("structuredContent"),
            },
            durationMs=_duration_ms(msg.get("duration")),
        )
    else:
        message = outcome.get("Err") if isinstance(outcome, dict) else None
        item = _item(
            msg,
            status="failed",
            error={"message": str(message if message is not None else "tool call failed")},
            durationMs=_duration_ms(msg.get("duration")),
        )
    events.send_item("item/completed", item, event_id, msg)


def progress(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    params = {
        "threadId": events.thread_id,
        "turnId": str(msg.get("turn_id") or event_id),
        "itemId": msg["call_id"],
        "message": str(msg.get("message", "")),
    }
    events.state.notify_thread(events.thread_id, "item/mcpToolCall/progress", params)


V2_HANDLERS: dict[str, Callable[[ThreadEvents, str, dict[str, Any]], None]] = {
    "mcp_tool_call_begin": begin,
    "mcp_tool_call_end": end,
    "mcp_tool_call_progress": progress,
}
