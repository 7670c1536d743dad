"""Registers the editing and planning tools, and the hook the turn loop calls after each step.

Tool order in requests follows registration: update_plan, request_user_input, apply_patch,
view_image (after whatever was registered before, e.g. exec_command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState
    from codex_core.agent.tools import ToolRouter


def register_patch_tools(router: ToolRouter) -> None:
    from codex_core.agent.tools import Tool
    from codex_core.tools import dynamic, plan, view_image
    from codex_core.tools.apply_patch import tool as apply_patch

    router.register(Tool("update_plan", plan.spec, plan.handle))
    router.register(
        Tool("request_user_input", dynamic.request_user_input_spec, dynamic.handle_request_user_input)
    )
    router.register(Tool("apply_patch", apply_patch.spec_for, apply_patch.handle_apply_patch))
    router.register(Tool("view_image", view_image.spec, view_image.handle))
    _intercept_patches_in_shell_tools(router)


def _intercept_patches_in_shell_tools(router: ToolRouter) -> None:
    """Make the shell tools registered so far apply `apply_patch` commands as patches.

    Stop-gap until the shell handlers call `intercept_shell_patch` themselves: each one is
    wrapped so an apply_patch invocation never reaches a real shell (the reference never runs
    one). Harmless once they do, since an intercepted call never gets to them.
    """
    import json

    from codex_core.agent.tools import ToolCall, ToolContext, ToolHandler
    from codex_core.tools.apply_patch.tool import intercept_shell_patch

    def command_of(name: str, args: dict[str, Any]) -> list[str] | str | None:
        if name == "exec_command" and isinstance(args.get("cmd"), str):
            shell = args.get("shell") or "bash"
            return [str(shell), "-lc" if args.get("login", True) else "-c", args["cmd"]]
        if name == "shell_command" and isinstance(args.get("command"), str):
            return [
                str(args.get("shell") or "bash"),
                "-lc" if args.get("login", True) else "-c",
                args["command"],
            ]
        if name == "shell" and isinstance(args.get("command"), list):
            return [str(part) for part in args["command"]]
        return None

    def wrap(name: str, inner: ToolHandler) -> ToolHandler:
        async def handler(call: ToolCall, context: ToolContext) -> dict[str, Any]:
            try:
                args = json.loads(call.arguments)
            except ValueError:
                args = None
            command = command_of(name, args) if isinstance(args, dict) else None
            if command is not None:
                workdir = args.get("workdir") if isinstance(args, dict) else None
                output = await intercept_shell_patch(
                    call, context, command, workdir if isinstance(workdir, str) else None
                )
                if output is not None:
                    return output
            return await inner(call, context)

        return handler

    for name in ("exec_command", "shell_command", "shell"):
        tool = router.tools.get(name)
        if tool is not None:
            tool.handler = wrap(name, tool.handler)


def after_tool_calls(session: Session, turn: TurnState) -> None:
    """Once a model response's tool calls have all run (or it made none).

    Images the model viewed join the history after the tool outputs, and the turn's diff is
    re-sent if patches changed files this turn, as the reference does at each response end.
    """
    from codex_core.tools.apply_patch.tool import emit_turn_diff
    from codex_core.tools.view_image import flush_images

    flush_images(session, turn)
    emit_turn_diff(session, turn)
