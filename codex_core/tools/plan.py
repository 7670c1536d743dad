"""update_plan: the model keeps a visible checklist; clients get `plan_update` / `turn/plan/updated`.

The tool does nothing else: the plan is not stored, only announced, and the model is told
"Plan updated".
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.events import PlanItem, PlanUpdate
    from codex_core.tools.base import ToolCall, ToolContext

STATUSES = ("pending", "in_progress", "completed")

_DESCRIPTION = (
    "Record or revise your step-by-step plan for the task. Send the whole list each time; "
    "each step has a status (pending, in_progress or completed), with at most one step "
    "in_progress at a time."
)


def spec(context: ToolContext) -> dict[str, Any]:
    step = {
        "type": "object",
        "properties": {
            "step": {"type": "string"},
            "status": {"type": "string", "description": "One of: pending, in_progress, completed"},
        },
        "required": ["step", "status"],
        "additionalProperties": False,
    }
    return {
        "type": "function",
        "name": "update_plan",
        "description": _DESCRIPTION,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {
                "explanation": {"type": "string"},
                "plan": {"type": "array", "description": "The list of steps", "items": step},
            },
            "required": ["plan"],
            "additionalProperties": False,
        },
    }


def parse_plan(arguments: str) -> PlanUpdate:
    """The `plan_update` payload (explanation, plan) from the call's JSON; ValueError when malformed."""
    args = json.loads(arguments)
    if not isinstance(args, dict):
        raise ValueError("expected an object")
    explanation = args.get("explanation")
    if explanation is not None and not isinstance(explanation, str):
        raise ValueError("`explanation` must be a string")
    steps = args.get("plan")
    if not isinstance(steps, list):
        raise ValueError("missing field `plan`")
    plan: list[PlanItem] = []
    for entry in steps:
        if not isinstance(entry, dict) or not isinstance(entry.get("step"), str):
            raise ValueError("every plan item needs a `step` string")
        status = entry.get("status")
        if status not in STATUSES:
            raise ValueError(
                f"unknown variant `{status}`, expected one of `pending`, `in_progress`, `completed`"
            )
        plan.append({"step": entry["step"], "status": status})
    return {"explanation": explanation, "plan": plan}


async def handle(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    try:
        update = parse_plan(call.arguments)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError too
        return call.output(f"failed to parse function arguments: {exc}")
    context.emit({"type": "plan_update", **update})
    return call.output("Plan updated")
