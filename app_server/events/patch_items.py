"""v2 notifications for the patch, plan and image tools' core events.

    patch_apply_begin          -> item/started fileChange (status inProgress)
    exec_command_output_delta  -> item/fileChange/outputDelta, for a patch's call id
    patch_apply_end            -> item/completed fileChange (completed | failed)
    turn_diff                  -> turn/diff/updated
    plan_update                -> turn/plan/updated
    view_image_tool_call       -> item/started + item/completed imageView

The approval request itself is sent by `app_server.approvals` (after item/started, as the
reference orders them). Output deltas of other calls are left to the exec translation.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents, V2Handler
    from codex_core.events import (
        ExecCommandOutputDeltaEvent,
        PatchApplyBeginEvent,
        PatchApplyEndEvent,
        PlanUpdateEvent,
        TurnDiffEvent,
        ViewImageToolCallEvent,
    )


def file_changes(changes: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Core `changes` (path -> FileChange) as the v2 list, sorted by path like the reference."""
    out = []
    for path in sorted(changes):
        change = changes[path]
        kind = change.get("type")
        if kind == "update":
            out.append(
                {
                    "path": path,
                    "kind": {"type": "update", "move_path": change.get("move_path")},
                    "diff": change.get("unified_diff", ""),
                }
            )
        else:
            out.append({"path": path, "kind": {"type": kind}, "diff": change.get("content", "")})
    return out


def _item(events: ThreadEvents, method: str, turn_id: str, item: dict[str, Any]) -> None:
    events.state.notify_thread(
        events.thread_id, method, {"item": item, "threadId": events.thread_id, "turnId": turn_id}
    )


def patch_apply_begin(events: ThreadEvents, event_id: str, msg: PatchApplyBeginEvent) -> None:
    events.open_patches.add(msg["call_id"])
    item = {
        "type": "fileChange",
        "id": msg["call_id"],
        "changes": file_changes(msg["changes"]),
        "status": "inProgress",
    }
    _item(events, "item/started", msg["turn_id"] or event_id, item)


def patch_apply_end(events: ThreadEvents, event_id: str, msg: PatchApplyEndEvent) -> None:
    events.open_patches.discard(msg["call_id"])
    # A declined patch ends as failed here: the v2 approver already showed it declined.
    status = "completed" if msg["success"] else "failed"
    item = {
        "type": "fileChange",
        "id": msg["call_id"],
        "changes": file_changes(msg["changes"]),
        "status": status,
    }
    _item(events, "item/completed", msg["turn_id"] or event_id, item)


def output_delta(events: ThreadEvents, event_id: str, msg: ExecCommandOutputDeltaEvent) -> None:
    if msg["call_id"] not in events.open_patches:
        other = _exec_delta_handler()
        if other is not None:
            other(events, event_id, msg)
        return
    delta = base64.b64decode(msg["chunk"]).decode("utf-8", errors="replace")
    events.state.notify_thread(
        events.thread_id,
        "item/fileChange/outputDelta",
        {"threadId": events.thread_id, "turnId": event_id, "itemId": msg["call_id"], "delta": delta},
    )


def _exec_delta_handler() -> V2Handler | None:
    # The exec module owns command output deltas; both register for the same event type.
    import importlib

    try:
        module = importlib.import_module("app_server.events.exec_items")
    except ImportError:
        return None
    handler: V2Handler | None = getattr(module, "V2_HANDLERS", {}).get("exec_command_output_delta")
    return handler


def turn_diff(events: ThreadEvents, event_id: str, msg: TurnDiffEvent) -> None:
    if events.api_version == "v1":
        return
    events.state.notify_thread(
        events.thread_id,
        "turn/diff/updated",
        {"threadId": events.thread_id, "turnId": event_id, "diff": msg["unified_diff"]},
    )


_STEP_STATUS = {"pending": "pending", "in_progress": "inProgress", "completed": "completed"}


def plan_update(events: ThreadEvents, event_id: str, msg: PlanUpdateEvent) -> None:
    plan = [{"step": s["step"], "status": _STEP_STATUS.get(s["status"], s["status"])} for s in msg["plan"]]
    events.state.notify_thread(
        events.thread_id,
        "turn/plan/updated",
        {
            "threadId": events.thread_id,
            "turnId": event_id,
            "explanation": msg["explanation"],
            "plan": plan,
        },
    )


def view_image(events: ThreadEvents, event_id: str, msg: ViewImageToolCallEvent) -> None:
    item = {"type": "imageView", "id": msg["call_id"], "path": msg["path"]}
    _item(events, "item/started", event_id, item)
    _item(events, "item/completed", event_id, item)


V2_HANDLERS: dict[str, V2Handler] = {
    "patch_apply_begin": patch_apply_begin,
    "patch_apply_end": patch_apply_end,
    "exec_command_output_delta": output_delta,
    "turn_diff": turn_diff,
    "plan_update": plan_update,
    "view_image_tool_call": view_image,
}
