"""v2 notifications for command executions: exec_command_* core events -> commandExecution items."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from app_server.approvals import command_display, parsed_to_actions
from app_server.events.shapes import duration_ms

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents, V2Handler
    from codex_core.events import (
        ExecCommandBeginEvent,
        ExecCommandEndEvent,
        ExecCommandOutputDeltaEvent,
        TerminalInteractionEvent,
    )


def _item(msg: ExecCommandBeginEvent | ExecCommandEndEvent, **fields: Any) -> dict[str, Any]:
    return {
        "type": "commandExecution",
        "id": msg["call_id"],
        "command": command_display(msg["command"]),
        "cwd": msg["cwd"],
        "processId": msg.get("process_id"),
        "status": "inProgress",
        "commandActions": parsed_to_actions(msg["parsed_cmd"]),
        "aggregatedOutput": None,
        "exitCode": None,
        "durationMs": None,
        **fields,
    }


def begin(events: ThreadEvents, event_id: str, msg: ExecCommandBeginEvent) -> None:
    events.send_item("item/started", _item(msg), event_id, msg["turn_id"])


def end(events: ThreadEvents, event_id: str, msg: ExecCommandEndEvent) -> None:
    code = msg["exit_code"]
    item = _item(
        msg,
        status="completed" if code == 0 else "failed",
        # No output reads as null in the v2 item, as the reference sends it.
        aggregatedOutput=msg["aggregated_output"] or None,
        exitCode=code,
        durationMs=duration_ms(msg["duration"]),
    )
    events.send_item("item/completed", item, event_id, msg["turn_id"])


def output_delta(events: ThreadEvents, event_id: str, msg: ExecCommandOutputDeltaEvent) -> None:
    try:
        text = base64.b64decode(msg["chunk"]).decode("utf-8", errors="replace")
    except ValueError:
        text = msg["chunk"]
    params = {"threadId": events.thread_id, "turnId": event_id, "itemId": msg["call_id"], "delta": text}
    events.state.notify_thread(events.thread_id, "item/commandExecution/outputDelta", params)


def terminal_interaction(events: ThreadEvents, event_id: str, msg: TerminalInteractionEvent) -> None:
    params = {
        "threadId": events.thread_id,
        "turnId": event_id,
        "itemId": msg["call_id"],
        "processId": msg["process_id"],
        "stdin": msg["stdin"],
    }
    events.state.notify_thread(events.thread_id, "item/commandExecution/terminalInteraction", params)


V2_HANDLERS: dict[str, V2Handler] = {
    "exec_command_begin": begin,
    "exec_command_end": end,
    "exec_command_output_delta": output_delta,
    "terminal_interaction": terminal_interaction,
}
