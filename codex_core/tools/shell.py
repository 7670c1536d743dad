"""The classic one-shot tools, offered instead of exec_command when unified exec is off:
`shell` (argv array) and `shell_command` (a script string run by the user's shell)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, Final

from codex_core.tools.exec_common import (
    ESCALATION_PROPERTIES,
    Aborted,
    CommandRequest,
    SandboxDenied,
    command_env,
    create_process_error,
    duration_wire,
    freeform_output,
    function_spec,
    output_budget,
    parse_args,
    patch_instead,
    record_abort,
    resolve_cwd,
    run_orchestrated,
    sandbox_plan,
    user_shell,
)
from codex_core.tools.exec_runner import (
    RunResult,
    SpawnError,
    SpawnRequest,
    formatted_truncate,
    likely_sandbox_denial,
    run_to_completion,
)

if TYPE_CHECKING:
    from codex_core.events import ExecCommandFields
    from codex_core.tools.base import ToolCall, ToolContext

SOURCE_AGENT: Final = "agent"
DEFAULT_TIMEOUT_MS = 10_000


def format_freeform(result: RunResult, budget: tuple[int, str]) -> str:
    output = result.aggregated
    if result.timed_out:
        output = f"command timed out after {int(result.duration * 1000)} milliseconds\n{output}"
    return freeform_output(
        result.exit_code, result.duration, formatted_truncate(output, budget[0], unit=budget[1])
    )


async def _run_classic(
    context: ToolContext,
    call: ToolCall,
    tool: str,
    argv: list[str],
    args: dict[str, Any],
) -> str:
    started = time.monotonic()
    settings = context.settings
    cwd = resolve_cwd(settings, args.get("workdir"))
    request = CommandRequest.from_args(tool, argv, cwd, args)
    parsed = request.parsed
    raw_timeout = args.get("timeout_ms")
    timeout_ms = (
        int(raw_timeout) if isinstance(raw_timeout, int | float) and raw_timeout > 0 else DEFAULT_TIMEOUT_MS
    )
    began = False
    # What the begin and end events say about the command.
    described: ExecCommandFields = {
        "call_id": call.call_id,
        "turn_id": context.turn_id,
        "command": argv,
        "cwd": cwd,
        "parsed_cmd": parsed,
        "source": SOURCE_AGENT,
    }

    async def attempt(bypass: bool) -> str:
        nonlocal began
        env = command_env(settings)
        plan = sandbox_plan(settings, cwd, env, bypass)
        if not began:  # one begin per call: a denied first attempt and its rerun are one command
            began = True
            context.emit({"type": "exec_command_begin", **described})
        try:
            result = await run_to_completion(
                SpawnRequest(argv, cwd, env, plan, merge_stderr=False), timeout_ms / 1000
            )
        except SpawnError as exc:
            return create_process_error(tool, str(exc))
        if plan is not None and likely_sandbox_denial(result.exit_code, result.aggregated):
            raise SandboxDenied(result.exit_code, result.aggregated)
        budget = output_budget(settings, None)
        context.emit(
            {
                "type": "exec_command_end",
                **described,
                "stdout": result.stdout,
                "stderr": result.stderr,
                "aggregated_output": result.aggregated,
                "exit_code": result.exit_code,
                "duration": duration_wire(result.duration),
                "formatted_output": formatted_truncate(result.aggregated, budget[0], unit=budget[1]),
            },
        )
        return format_freeform(result, budget)

    try:
        return await run_orchestrated(context, call, request, attempt)
    except Aborted:
        record_abort(context, call, started)
        raise asyncio.CancelledError from None
    except asyncio.CancelledError:
        record_abort(context, call, started)
        raise


async def handle_shell(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    args = parse_args(call)
    if isinstance(args, str):
        return call.output(args)
    command = args.get("command")
    if not isinstance(command, list) or not command or not all(isinstance(p, str) for p in command):
        return call.output(
            "failed to parse function arguments: `command` must be a non-empty array of strings"
        )
    if (patched := await patch_instead(call, context, list(command), args)) is not None:
        return patched
    return call.output(await _run_classic(context, call, "shell", list(command), args))


async def handle_shell_command(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    args = parse_args(call)
    if isinstance(args, str):
        return call.output(args)
    command = args.get("command")
    if not isinstance(command, str):
        return call.output("failed to parse function arguments: missing field `command`")
    login = args.get("login") is not False
    argv = [user_shell(), "-lc" if login else "-c", command]
    if (patched := await patch_instead(call, context, argv, args)) is not None:
        return patched
    return call.output(await _run_classic(context, call, "shell_command", argv, args))


_TIMEOUT = {"type": "number", "description": "Kill the command after this many milliseconds (default 10000)."}
_WORKDIR = {
    "type": "string",
    "description": "Directory to run the command in; the turn's working directory when omitted.",
}


def shell_spec() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "command": {
            "type": "array",
            "items": {"type": "string"},
            "description": "The program and its arguments.",
        },
        "workdir": _WORKDIR,
        "timeout_ms": _TIMEOUT,
        **ESCALATION_PROPERTIES,
    }
    return function_spec(
        "shell", "Runs a program (given as an argv array) and returns its output.", properties, ["command"]
    )


def shell_command_spec() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "command": {"type": "string", "description": "The shell script to run."},
        "workdir": _WORKDIR,
        "login": {"type": "boolean", "description": "Run the shell as a login shell (-l). Defaults to true."},
        "timeout_ms": _TIMEOUT,
        **ESCALATION_PROPERTIES,
    }
    return function_spec(
        "shell_command",
        "Runs a shell script with the user's shell and returns its output.",
        properties,
        ["command"],
    )
