"""Experimental methods (need `capabilities.experimentalApi`): background terminals clean,
collaborationMode/list and the capability-gate probe mock/experimentalMethod."""

from __future__ import annotations

from typing import Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

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


@handler("collaborationMode/list")
async def collaboration_mode_list(ctx: RequestContext, params: Any) -> dict[str, Any]:
    return {"data": collaboration_mode_presets()}


@handler("mock/experimentalMethod")
async def mock_experimental_method(ctx: RequestContext, params: Any) -> dict[str, Any]:
    return {"echoed": params.value}


@handler("thread/backgroundTerminals/clean")
async def background_terminals_clean(ctx: RequestContext, params: Any) -> dict[str, Any]:
    kill_session_processes = _session_killer()
    thread_id = str(params.thread_id)
    session = ctx.state.threads.get(thread_id)
    if session is None:
        raise JsonRpcError.invalid_request(f"thread not found: {thread_id}")
    kill_session_processes(session)
    return {}


def _session_killer() -> Any:
    """`kill_session_processes` from wherever the exec tools keep it (exec_common, formerly exec_command)."""
    import importlib

    for module in ("codex_core.tools.exec_common", "codex_core.tools.exec_command"):
        try:
            found = getattr(importlib.import_module(module), "kill_session_processes", None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise JsonRpcError.internal("background terminals are not available")
