"""Which lines reach a rollout file, and the exact shape response items are stored in.

Mirrors the reference's default ("limited") persistence policy of 0.100.0: model-visible
response items are all kept (except unknown kinds); of the UI events only those needed to
rebuild turns, token totals and rollbacks are kept. Deltas, item lifecycle, exec/patch/MCP
begin/end, approvals, plan updates, web_search_end and thread name updates are not written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# How much of a file's head is read to list it: the reference reads a few head records and then
# keeps scanning a bounded number of lines for the first user message (list.rs HEAD_RECORD_LIMIT
# / USER_EVENT_SCAN_LIMIT). Here, not in reader.py, so the listing index can use them without it.
HEAD_RECORD_LIMIT = 10
USER_EVENT_SCAN_LIMIT = 200

# ResponseItem variants the reference writes; anything else (its `Other`) is dropped.
PERSISTED_RESPONSE_ITEM_TYPES: frozenset[str] = frozenset(
    {
        "message",
        "reasoning",
        "local_shell_call",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "web_search_call",
        "ghost_snapshot",
        "compaction",
    }
)

# EventMsg types written in the default mode (`type` tag as it appears on disk).
PERSISTED_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "user_message",
        "agent_message",
        "agent_reasoning",
        "agent_reasoning_raw_content",  # only emitted when raw reasoning is enabled
        "token_count",
        "context_compacted",
        "entered_review_mode",
        "exited_review_mode",
        "thread_rolled_back",
        "undo_completed",
        "turn_aborted",
        "task_started",
        "task_complete",
        # Listed as persisted by the 0.100.0 reference notes; it is what lets a rebuilt turn
        # show `failed` with its error. (Some upstream revisions keep it for "extended" only.)
        "error",
    }
)

# Extra events written only in the reference's opt-in "extended" mode; kept for completeness.
EXTENDED_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "web_search_end",
        "exec_command_end",
        "patch_apply_end",
        "mcp_tool_call_end",
        "view_image_tool_call",
        "collab_agent_spawn_end",
        "collab_agent_interaction_end",
        "collab_waiting_end",
        "collab_close_end",
        "collab_resume_end",
    }
)

ROLLOUT_KINDS: frozenset[str] = frozenset(
    {"session_meta", "response_item", "event_msg", "turn_context", "compacted"}
)


def should_persist_response_item(item: dict[str, Any]) -> bool:
    return item.get("type") in PERSISTED_RESPONSE_ITEM_TYPES


def should_persist_event(msg: Mapping[str, Any], *, extended: bool = False) -> bool:
    kind = msg.get("type")
    if kind in PERSISTED_EVENT_TYPES:
        return True
    if kind == "item_completed":
        # Plan items come from streamed tags, not from response items, so their completion
        # is the only record of them.
        item = msg.get("item")
        return isinstance(item, dict) and item.get("type") == "Plan"
    return extended and kind in EXTENDED_EVENT_TYPES


def _content_item(part: Any) -> Any:
    """A message content part as stored: API-only fields (annotations, logprobs, ids) dropped."""
    if not isinstance(part, dict):
        return part
    kind = part.get("type")
    if kind in ("input_text", "output_text"):
        return {"type": kind, "text": part.get("text", "")}
    if kind == "input_image":
        out: dict[str, Any] = {"type": kind, "image_url": part.get("image_url", "")}
        if part.get("detail") is not None:
            out["detail"] = part["detail"]
        return out
    return {k: v for k, v in part.items() if k not in ("id", "annotations", "logprobs")}


def _pick(
    item: dict[str, Any], kind: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind}
    for key in required:
        out[key] = item.get(key)
    for key in optional:
        if item.get(key) is not None:
            out[key] = item[key]
    return out


def sanitize_response_item(item: dict[str, Any]) -> dict[str, Any]:
    """The item as the reference serialises it into a rollout: no API `id`, no message
    `status`, no `annotations`; `function_call` has no `status` while `custom_tool_call`,
    `web_search_call` and `local_shell_call` keep theirs. Field order follows the reference.
    Unknown item kinds are returned unchanged minus `id`.
    """
    kind = item.get("type")
    if kind == "message":
        out = {
            "type": "message",
            "role": item.get("role"),
            "content": [_content_item(p) for p in item.get("content") or []],
        }
        for key in ("end_turn", "phase"):
            if item.get(key) is not None:
                out[key] = item[key]
        return out
    if kind == "reasoning":
        out = {
            "type": "reasoning",
            "summary": [_content_item(p) for p in item.get("summary") or []],
            "content": item.get("content"),
            # Always written, null when the model sent none, as the reference writes it.
            "encrypted_content": item.get("encrypted_content"),
        }
        return out
    if kind == "function_call":
        return _pick(item, kind, ("name", "arguments", "call_id"), ())
    if kind in ("function_call_output", "custom_tool_call_output"):
        return _pick(item, kind, ("call_id", "output"), ())
    if kind == "custom_tool_call":
        out = _pick(item, kind, (), ("status",))
        out.update(call_id=item.get("call_id"), name=item.get("name"), input=item.get("input"))
        return out
    if kind == "local_shell_call":
        return _pick(item, kind, ("call_id", "status", "action"), ())
    if kind == "web_search_call":
        return _pick(item, kind, (), ("status", "action"))
    if kind == "ghost_snapshot":
        return _pick(item, kind, ("ghost_commit",), ())
    if kind == "compaction":
        return _pick(item, kind, ("encrypted_content",), ())
    return {k: v for k, v in item.items() if k != "id"}
