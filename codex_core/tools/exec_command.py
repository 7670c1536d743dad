"""`exec_command` / `write_stdin`: the unified-exec tools (commands that may keep running, with PTYs).

Flow of one call: assess (known-safe list, rules, policy) -> maybe `exec_approval_request` and
wait for the decision -> spawn (sandboxed per policy) -> `exec_command_begin` -> output deltas
for commands that keep running -> `exec_command_end` when the process exits. If the process is
still running when the yield time is up, the model gets a session id to poll with write_stdin.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from typing import TYPE_CHECKING, Any

from codex_core.tools.exec_runner import (
    ExecProcess,
    SpawnError,
    SpawnRequest,
    approx_tokens,
    decode,
    formatted_truncate,
    likely_sandbox_denial,
    spawn,
)

if TYPE_CHECKING:
    from codex_core.events import ExecCommandEndEvent
    from codex_core.tools.base import ToolCall, ToolContext, ToolSettings

from codex_core.tools.exec_common import (
    DEFAULT_STDIN_YIELD_MS,
    DEFAULT_YIELD_MS,
    DELTA_START_S,
    EARLY_EXIT_GRACE_S,
    ESCALATION_PROPERTIES,
    MAX_DELTAS_PER_CALL,
    MAX_YIELD_MS,
    MIN_YIELD_MS,
    SOURCE_STARTUP,
    Aborted,
    CommandRequest,
    ManagedProcess,
    SandboxDenied,
    command_env,
    create_process_error,
    duration_wire,
    exec_state,
    function_spec,
    kill_session_processes,
    output_budget,
    parse_args,
    patch_instead,
    record_abort,
    resolve_cwd,
    run_orchestrated,
    sandbox_plan,
    user_shell,
)

# Callers stop a session's background processes through this module.
__all__ = [
    "exec_command_spec",
    "exec_state",
    "handle_exec_command",
    "handle_write_stdin",
    "kill_session_processes",
    "write_stdin_spec",
]


# -- exec_command --------------------------------------------------------------------------------
def _clamp_yield(value: Any, default: int) -> float:
    ms = int(value) if isinstance(value, int | float) and value >= 0 else default
    return min(max(ms, MIN_YIELD_MS), MAX_YIELD_MS) / 1000


def format_model_output(
    *, wall: float, exit_code: int | None, session_id: int | None, output: str, budget: tuple[int, str]
) -> str:
    lines = [f"Chunk ID: {secrets.token_hex(3)}", f"Wall time: {wall:.4f} seconds"]
    if exit_code is not None:
        lines.append(f"Process exited with code {exit_code}")
    if session_id is not None:
        lines.append(f"Process running with session ID {session_id}")
    lines.append(f"Original token count: {approx_tokens(output)}")
    lines.append("Output:")
    lines.append(formatted_truncate(output, budget[0], unit=budget[1]))
    return "\n".join(lines)


def _end_event(managed: ManagedProcess, process: ExecProcess, settings: ToolSettings) -> ExecCommandEndEvent:
    aggregated = decode(process.aggregated.to_bytes())
    budget, unit = output_budget(settings, None)
    return {
        "type": "exec_command_end",
        "call_id": managed.call_id,
        "process_id": str(managed.process_id),
        "turn_id": managed.turn_id,
        "command": managed.command,
        "cwd": managed.cwd,
        "parsed_cmd": managed.parsed,
        "source": SOURCE_STARTUP,
        "stdout": aggregated,
        "stderr": "",
        "aggregated_output": aggregated,
        "exit_code": process.returncode if process.returncode is not None else -1,
        "duration": duration_wire(time.monotonic() - process.started),
        "formatted_output": formatted_truncate(aggregated, budget, unit=unit),
    }


class _DeltaStreamer:
    """Turns output chunks into exec_command_output_delta events once the command is long-running."""

    def __init__(self, context: ToolContext, call_id: str) -> None:
        self.context, self.call_id = context, call_id
        self.started = time.monotonic()
        self.pending: list[tuple[str, bytes]] = []
        self.live = False
        self.count = 0
        self.timer: asyncio.TimerHandle | None = None

    def arm(self) -> None:
        self.started = time.monotonic()
        self.timer = asyncio.get_running_loop().call_later(DELTA_START_S, self.go_live)

    def go_live(self) -> None:
        self.live = True
        pending, self.pending = self.pending, []
        for stream, data in pending:
            self._emit(stream, data)

    def stop(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.pending.clear()
        self.live = False

    def __call__(self, stream: str, data: bytes) -> None:
        if self.live:
            self._emit(stream, data)
        elif self.timer is not None:
            self.pending.append((stream, data))

    def _emit(self, stream: str, data: bytes) -> None:
        if self.count >= MAX_DELTAS_PER_CALL:
            return
        self.count += 1
        self.context.emit(
            {
                "type": "exec_command_output_delta",
                "call_id": self.call_id,
                "stream": "stderr" if stream == "stderr" else "stdout",
                "chunk": base64.b64encode(data).decode("ascii"),
            },
        )


async def _watch_background(context: ToolContext, managed: ManagedProcess, streamer: _DeltaStreamer) -> None:
    process = managed.process
    assert process is not None
    await process.wait(None)
    streamer.stop()
    # The context of the turn that started the command: its end belongs to that turn.
    context.emit(_end_event(managed, process, context.settings))


async def handle_exec_command(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    started = time.monotonic()
    args = parse_args(call)
    if isinstance(args, str):
        return call.output(args)
    cmd = args.get("cmd")
    if not isinstance(cmd, str):
        return call.output("failed to parse function arguments: missing field `cmd`")
    settings = context.settings
    cwd = resolve_cwd(settings, args.get("workdir"))
    shell = args.get("shell") if isinstance(args.get("shell"), str) and args.get("shell") else user_shell()
    login = args.get("login") is not False
    argv = [str(shell), "-lc" if login else "-c", cmd]
    if (patched := await patch_instead(call, context, argv, args)) is not None:
        return patched
    request = CommandRequest.from_args("exec_command", argv, cwd, args)
    parsed = request.parsed
    try:
        result = await run_orchestrated(
            context, call, request,
            attempt=lambda bypass: _run_unified(context, call, argv, cwd, parsed, args, started, bypass=bypass),
        )  # fmt: skip
    except Aborted:
        record_abort(context, call, started)
        raise asyncio.CancelledError from None
    except asyncio.CancelledError:
        record_abort(context, call, started)
        raise
    return call.output(result)


async def _run_unified(
    context: ToolContext,
    call: ToolCall,
    argv: list[str],
    cwd: str,
    parsed: list[dict[str, Any]],
    args: dict[str, Any],
    started: float,
    *,
    bypass: bool,
) -> str:
    settings = context.settings
    state = exec_state(context)
    env = command_env(settings)
    tty = bool(args.get("tty", False))
    managed = ManagedProcess(state.allocate_id(), call.call_id, context.turn_id, argv, cwd, parsed, tty)
    streamer = _DeltaStreamer(context, call.call_id)
    plan = sandbox_plan(settings, cwd, env, bypass)
    try:
        process = await spawn(SpawnRequest(argv, cwd, env, plan, tty=tty, on_output=streamer))
    except SpawnError as exc:
        return create_process_error("exec_command", str(exc))
    managed.process = process
    streamer.arm()
    if plan is not None and await process.wait(EARLY_EXIT_GRACE_S):
        # A sandboxed command that ends at once may have been denied by the sandbox: the caller
        # decides whether it reruns without one, and a denied attempt reports nothing.
        code = process.returncode if process.returncode is not None else -1
        aggregated = decode(process.aggregated.to_bytes())
        if likely_sandbox_denial(code, aggregated):
            streamer.stop()
            raise SandboxDenied(code, aggregated)
    context.emit(
        {
            "type": "exec_command_begin",
            "call_id": call.call_id,
            "process_id": str(managed.process_id),
            "turn_id": context.turn_id,
            "command": argv,
            "cwd": cwd,
            "parsed_cmd": parsed,
            "source": SOURCE_STARTUP,
        },
    )
    budget = output_budget(settings, args.get("max_output_tokens"))
    try:
        finished = await process.wait(_clamp_yield(args.get("yield_time_ms"), DEFAULT_YIELD_MS))
    except asyncio.CancelledError:
        # Interrupted: the command is killed and, as in the reference, never reported as ended.
        streamer.stop()
        await process.terminate()
        raise
    output = decode(process.take_unread())
    if not finished:
        state.store(managed)
        managed.watcher = asyncio.create_task(_watch_background(context, managed, streamer))
        return format_model_output(
            wall=time.monotonic() - started,
            exit_code=None,
            session_id=managed.process_id,
            output=output,
            budget=budget,
        )
    streamer.stop()
    context.emit(_end_event(managed, process, settings))
    code = process.returncode if process.returncode is not None else -1
    return format_model_output(
        wall=time.monotonic() - started, exit_code=code, session_id=None, output=output, budget=budget
    )


# -- write_stdin ---------------------------------------------------------------------------------
async def handle_write_stdin(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    started = time.monotonic()
    args = parse_args(call)
    if isinstance(args, str):
        return call.output(args)
    session_id = args.get("session_id")
    if not isinstance(session_id, int | float):
        return call.output("failed to parse function arguments: missing field `session_id`")
    state = exec_state(context)
    managed = state.processes.get(int(session_id))
    if managed is None or managed.process is None:
        return call.output(f"write_stdin failed: Unknown process id {int(session_id)}")
    process = managed.process
    managed.last_used = time.monotonic()
    chars = args.get("chars") if isinstance(args.get("chars"), str) else ""
    if chars:
        if not managed.tty or process.master_fd is None:
            return call.output(
                "write_stdin failed: stdin is closed for this session; rerun exec_command with tty=true to keep stdin open"
            )
        try:
            process.write(chars.encode("utf-8"))
        except OSError as exc:
            return call.output(f"write_stdin failed: {exc}")
        context.emit(
            {
                "type": "terminal_interaction",
                "call_id": managed.call_id,
                "process_id": str(managed.process_id),
                "stdin": chars,
            },
        )
    finished = await process.wait(_clamp_yield(args.get("yield_time_ms"), DEFAULT_STDIN_YIELD_MS))
    output = decode(process.take_unread())
    budget = output_budget(context.settings, args.get("max_output_tokens"))
    if finished:
        state.processes.pop(managed.process_id, None)
        if managed.watcher is not None:
            await asyncio.shield(managed.watcher)
    return call.output(
        format_model_output(
            wall=time.monotonic() - started,
            exit_code=(process.returncode if finished else None),
            session_id=None if finished else managed.process_id,
            output=output,
            budget=budget,
        )
    )


# -- tool specs ----------------------------------------------------------------------------------


def exec_command_spec() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "cmd": {"type": "string", "description": "The shell command to run."},
        "workdir": {
            "type": "string",
            "description": "Directory to run the command in; the turn's working directory when omitted.",
        },
        "shell": {
            "type": "string",
            "description": "Shell binary to use; the user's default shell when omitted.",
        },
        "login": {
            "type": "boolean",
            "description": "Run the shell as a login shell (-l). Defaults to true.",
        },
        "tty": {
            "type": "boolean",
            "description": (
                "Attach the command to a pseudo-terminal, keeping stdin open for write_stdin. "
                "Defaults to false (plain pipes)."
            ),
        },
        "yield_time_ms": {
            "type": "number",
            "description": "How long to wait for output before returning, in milliseconds (default 10000).",
        },
        "max_output_tokens": {
            "type": "number",
            "description": "Upper bound on the output tokens returned; longer output is cut in the middle.",
        },
        **ESCALATION_PROPERTIES,
    }
    return function_spec(
        "exec_command",
        "Runs a command in a shell session and returns its output. A command still running when "
        "the wait ends keeps going; the result then carries a session ID for write_stdin.",
        properties,
        ["cmd"],
    )


def write_stdin_spec() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "session_id": {"type": "number", "description": "Session ID of a running exec_command."},
        "chars": {"type": "string", "description": "Text to send to its stdin; empty just polls for output."},
        "yield_time_ms": {
            "type": "number",
            "description": "How long to wait for output before returning, in milliseconds (default 250).",
        },
        "max_output_tokens": {
            "type": "number",
            "description": "Upper bound on the output tokens returned; longer output is cut in the middle.",
        },
    }
    return function_spec(
        "write_stdin",
        "Sends characters to a running exec_command session and returns the output produced since the last read.",
        properties,
        ["session_id"],
    )
