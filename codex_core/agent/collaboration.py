"""Collaboration modes: Plan (explore and plan with the user, may ask questions with
request_user_input) and Default (do the work). A turn/start may pick one; it sticks for later turns.
"""

from __future__ import annotations

from typing import Any

# The collaboration modes a client can offer, in the reference's order: Plan first, then Default.
# The developer instructions are our own wording of what each mode asks of the model.
PLAN_MODE_INSTRUCTIONS = """<collaboration_mode>
You are in Plan mode. Do not change any files and do not run commands that modify the workspace.
Explore the code as needed with read-only commands, then work with the user towards a concrete plan:
- Ask clarifying questions with the `request_user_input` tool when requirements are ambiguous.
- Present the plan as short, ordered, verifiable steps, naming the files and functions involved.
- Call out risks, open questions and how each step will be tested.
Stay in Plan mode until the user switches modes; implementation happens in Default mode.
</collaboration_mode>"""

DEFAULT_MODE_INSTRUCTIONS = """<collaboration_mode>
You are in Default mode: carry out the user's request end to end, making the changes and running
the checks it needs. Known mode names are Plan and Default; the user switches between them, not you.
The `request_user_input` tool is unavailable in Default mode. If you call it while in Default mode, \
it will return an error; ask questions in your reply instead.
</collaboration_mode>"""


def collaboration_mode_presets() -> list[dict[str, Any]]:
    return [
        {
            "name": "Plan",
            "mode": "plan",
            "model": None,
            "reasoning_effort": "medium",
            "developer_instructions": PLAN_MODE_INSTRUCTIONS,
        },
        {
            "name": "Default",
            "mode": "default",
            "model": None,
            "reasoning_effort": None,
            "developer_instructions": DEFAULT_MODE_INSTRUCTIONS,
        },
    ]


def mode_instructions(mode: str) -> str:
    """The built-in developer instructions of a mode (what `developer_instructions: null` means)."""
    return PLAN_MODE_INSTRUCTIONS if mode == "plan" else DEFAULT_MODE_INSTRUCTIONS
