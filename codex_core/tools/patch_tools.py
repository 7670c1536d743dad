"""Registers the editing and planning tools, and the hook the turn loop calls after each step.

The order tools are offered in is set in one place (`TOOL_ORDER`, codex_core/tools/registry.py).
Patches sent through a shell tool are applied by the shell handlers themselves
(`exec_common.patch_instead`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex_core.tools.base import ToolContext, ToolRouter


def register_patch_tools(router: ToolRouter) -> None:
    from codex_core.tools import dynamic, plan, view_image
    from codex_core.tools.apply_patch import tool as apply_patch
    from codex_core.tools.base import Tool

    router.register(Tool("update_plan", plan.spec, plan.handle))
    router.register(
        Tool("request_user_input", dynamic.request_user_input_spec, dynamic.handle_request_user_input)
    )
    router.register(Tool("apply_patch", apply_patch.spec_for, apply_patch.handle_apply_patch))
    router.register(Tool("view_image", view_image.spec, view_image.handle, parallel=True))


def after_tool_calls(context: ToolContext) -> None:
    """Once a model response's tool calls have all run (or it made none).

    Images the model viewed join the history after the tool outputs, and the turn's diff is
    re-sent if patches changed files this turn, as the reference does at each response end.
    """
    from codex_core.tools.apply_patch.tool import emit_turn_diff
    from codex_core.tools.view_image import flush_images

    flush_images(context)
    emit_turn_diff(context)
