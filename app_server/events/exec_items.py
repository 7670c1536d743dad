"""v2 notifications for command executions: exec_command_* core events -> commandExecution items."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from app_server.approvals import command_display, parsed_to_actions

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents


def _duration_ms(duration: Any) -> int | None:
    if isinstance(duration, dict):
        return int(duration.get("secs", 0)) * 1000 + int(duration.get("nanos", 0)) // 1_000_000
    return None


def _item(msg: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "type": "commandExecution",
        "id": msg["call_id"],
        "command": command_display(list(msg.get("command") or [])),
        "cwd": msg.get("cwd"),
        "processId": msg.get("process_id"),
        "status": "inProgress",
        "commandActions": parsed_to_actions(list(msg.get("parsed_cmd") or [])),
        "aggregatedOutput": None,
        "exitCode": None,
        "durationMs": None,
        **fields,
    }


def begin(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    events.send_item("item/started", _item(msg), event_id, msg)


def end(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    if msg.get("status") == "declined":
        item = _item(msg, status="declined", processId=None)
    else:
        code = msg.get("exit_code")
        item = _item(
            msg,
            status="completed" if code == 0 else "failed",
            # No output reads as null in the v2 item, as the reference sends it.
            aggregatedOutput=msg.get("aggregated_output") or None,
            exitCode=code,
            durationMs=_duration_ms(msg.get("duration")),
        )
    events.send_item("item/completed", item, event_id, msg)


def output_delta(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    try:
        text = base64.b64decode(msg.get("chunk", "")).decode("utf-8", errors="replace")
    except ValueError:
        text = str(msg.get("chunk", ""))
    params = {"threadId": events.thread_id, "turnId": event_id, "itemId": msg["call_id"], "delta": text}
    events.state.notify_thread(events.thread_id, "item/commandExecution/outputDelta", params)


def terminal_interaction(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    params = {
        "threadId": events.thread_id,
        "turnId": event_id,
        "itemId": msg["call_id"],
        "processId": msg.get("process_id"),
        "stdin": msg.get("stdin", ""),
    }
    events.state.notify_thread(events.thread_id, "item/commandExecution/terminalInteraction", params)


V2_HANDLERS: dict[str, Callable[[ThreadEvents, str, dict[str, Any]], None]] = {
    "exec_command_begin": begin,
    "exec_command_end": end,
    "exec_command_output_delta": output_delta,
    "terminal_interaction": terminal_interaction,
}
