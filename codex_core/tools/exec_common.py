"""What the exec tools share (exec_command, write_stdin, shell, command/exec): limits, per-session
process state, env and cwd, approvals, output shapes and the function-spec helper."""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TypedDict, TypeVar

from codex_core.approvals.policy import ApprovalStore, assess_command, proposed_amendment
from codex_core.approvals.rules import ExecRules, append_allow_rule
from codex_core.sandbox.env import EXEC_DEFAULTS, build_env
from codex_core.sandbox.policy import SandboxPlan, plan_for_policy
from codex_core.tools.exec_runner import (
    ExecProcess,
)

if TYPE_CHECKING:
    from codex_core.events import Duration, ExecApprovalRequestEvent
    from codex_core.tools.base import ToolCall, ToolContext, ToolSettings


T = TypeVar("T")

SOURCE_STARTUP: Final = "unified_exec_startup"
DEFAULT_YIELD_MS = 10_000
DEFAULT_STDIN_YIELD_MS = 250
MIN_YIELD_MS = 250
MAX_YIELD_MS = 30_000
DEFAULT_MAX_OUTPUT_TOKENS = 10_000
MAX_PROCESSES = 64
MAX_DELTAS_PER_CALL = 10_000
# Quick commands report their output only in exec_command_end (the reference's streaming starts
# late enough that short commands never produce deltas); longer ones stream from this point.
DELTA_START_S = 0.25
# A sandboxed command that exits within this long is checked for a sandbox denial before it is
# reported; one still running by then is reported and kept, whatever happens later.
EARLY_EXIT_GRACE_S = 0.15
REJECTED_BY_USER = "rejected by user"


# -- per-session state ---------------------------------------------------------------------------
@dataclass
class ManagedProcess:
    process_id: int
    call_id: str
    turn_id: str
    command: list[str]
    cwd: str
    parsed: list[dict[str, Any]]
    tty: bool
    process: ExecProcess | None = None
    watcher: asyncio.Task[None] | None = None
    last_used: float = field(default_factory=time.monotonic)


@dataclass
class ExecState:
    approvals: ApprovalStore = field(default_factory=ApprovalStore)
    processes: dict[int, ManagedProcess] = field(default_factory=dict)

    def allocate_id(self) -> int:
        while True:
            candidate = 1000 + secrets.randbelow(99_000)
            if candidate not in self.processes:
                return candidate

    def store(self, managed: ManagedProcess) -> None:
        if len(self.processes) >= MAX_PROCESSES:
            oldest = min(self.processes.values(), key=lambda m: m.last_used)
            self.processes.pop(oldest.process_id, None)
            if oldest.process is not None:
                oldest.process.kill()
        self.processes[managed.process_id] = managed


def exec_state(context: ToolContext) -> ExecState:
    """The thread's background processes and session-wide approvals."""
    return context.thread_store("exec", ExecState)


class _HasStores(Protocol):
    @property
    def stores(self) -> dict[str, Any]: ...


def kill_session_processes(session: _HasStores) -> None:
    """Kill every background command of a thread (background terminals clean, shutdown)."""
    state: ExecState | None = session.stores.get("exec")
    if state is None:
        return
    for managed in list(state.processes.values()):
        if managed.process is not None:
            managed.process.kill()
    state.processes.clear()


# -- helpers shared with the classic shell tools and command/exec --------------------------------
def user_shell() -> str:
    try:
        shell = pwd.getpwuid(os.getuid()).pw_shell
    except KeyError:
        shell = ""
    if os.path.basename(shell) in ("bash", "zsh") and os.path.exists(shell):
        return shell
    return "/bin/bash" if os.path.exists("/bin/bash") else "/bin/sh"


def command_env(settings: ToolSettings) -> dict[str, str]:
    policy = getattr(settings.config.typed, "shell_environment_policy", None)
    env = build_env(policy)
    env.update(EXEC_DEFAULTS)
    return env


def resolve_cwd(settings: ToolSettings, workdir: Any) -> str:
    base = Path(settings.cwd)
    if isinstance(workdir, str) and workdir:
        return str((base / workdir).resolve()) if not os.path.isabs(workdir) else workdir
    return str(base)


def debug_str(text: str) -> str:
    """A Rust `{:?}` rendering of a string (what the reference's error texts embed)."""
    return json.dumps(text, ensure_ascii=False)


def create_process_error(tool: str, message: str) -> str:
    return f"{tool} failed: CreateProcess {{ message: {debug_str(message)} }}"


def rejected_text(tool: str, reason: str = REJECTED_BY_USER) -> str:
    return create_process_error(tool, f"Rejected({debug_str(reason)})")


def wall_time_text(seconds: float) -> str:
    """Seconds to a tenth, written as Rust prints an f32: `0`, `0.1`, `12`."""
    text = f"{round(max(seconds, 0.0) * 10) / 10:.1f}"
    return text[:-2] if text.endswith(".0") else text


def freeform_output(exit_code: int, seconds: float, output: str) -> str:
    """The plain-text result freeform tools (custom apply_patch, shell_command) give the model."""
    return f"Exit code: {exit_code}\nWall time: {wall_time_text(seconds)} seconds\nOutput:\n{output}"


def duration_wire(seconds: float) -> Duration:
    seconds = max(seconds, 0.0)
    secs = int(seconds)
    return {"secs": secs, "nanos": round((seconds - secs) * 1e9) % 1_000_000_000}


def output_budget(settings: ToolSettings, max_output_tokens: Any) -> tuple[int, str]:
    """(bytes budget, unit) for what the model sees: the smaller of the call's and the family's."""
    mode, limit = settings.family.truncation_policy
    family_bytes = int(limit) * 4 if mode == "tokens" else int(limit)
    tokens = DEFAULT_MAX_OUTPUT_TOKENS
    if isinstance(max_output_tokens, int | float) and max_output_tokens > 0:
        tokens = int(max_output_tokens)
    return min(tokens * 4, family_bytes), ("tokens" if mode == "tokens" else "chars")


class Aborted(Exception):
    """The user chose `abort` (cancel): the turn must end as interrupted."""


@dataclass
class Approval:
    allowed: bool
    bypass_sandbox: bool = False
    message: str | None = None  # for the model when not allowed
    # The command needed the user's yes and has it (asked now, or approved for the session):
    # a sandbox denial then reruns it without the sandbox and without asking again.
    user_approved: bool = False


class SandboxDenied(Exception):
    """A sandboxed attempt that failed the way the sandbox makes commands fail."""

    def __init__(self, exit_code: int, output: str) -> None:
        super().__init__(f"sandbox denied (exit {exit_code})")
        self.exit_code = exit_code
        self.output = output

    def model_text(self, tool: str) -> str:
        """What the model reads when nobody may lift the sandbox (the reference's debug rendering)."""
        out = debug_str(self.output)
        detail = (
            f"Codex(Sandbox(Denied {{ output: ExecToolCallOutput {{ exit_code: {self.exit_code}, "
            'stdout: StreamOutput { text: "", truncated_after_lines: None }, '
            f"stderr: StreamOutput {{ text: {out}, truncated_after_lines: None }}, "
            f"aggregated_output: StreamOutput {{ text: {out}, truncated_after_lines: None }}, "
            "duration: 0ns, timed_out: false } }))"
        )
        return create_process_error(tool, detail)


@dataclass(frozen=True)
class CommandRequest:
    """One command a tool was asked to run, as the orchestration needs it."""

    tool: str  # exec_command, shell, shell_command (named in the texts the model reads)
    argv: list[str]
    cwd: str
    parsed: list[dict[str, Any]]
    escalated: bool  # `sandbox_permissions: "require_escalated"`
    justification: str | None
    prefix_rule: list[str] | None

    @classmethod
    def from_args(cls, tool: str, argv: list[str], cwd: str, args: dict[str, Any]) -> CommandRequest:
        from codex_core.tools.parse_command import parse_command

        prefix_rule = args.get("prefix_rule")
        justification = args.get("justification")
        return cls(
            tool=tool,
            argv=argv,
            cwd=cwd,
            parsed=parse_command(argv),
            escalated=args.get("sandbox_permissions") == "require_escalated",
            justification=justification if isinstance(justification, str) else None,
            prefix_rule=[str(p) for p in prefix_rule] if isinstance(prefix_rule, list) else None,
        )


RETRY_REASON = "command failed; retry without sandbox?"
# How the reference names approval policies in the messages the model reads.
_POLICY_NAMES = {
    "untrusted": "UnlessTrusted",
    "on-failure": "OnFailure",
    "on-request": "OnRequest",
    "never": "Never",
}


def escalation_refused(approval_policy: str) -> str | None:
    """Escalation can only be asked for under on-request; other policies refuse it before anything runs."""
    if approval_policy == "on-request":
        return None
    name = _POLICY_NAMES.get(approval_policy, approval_policy)
    return (
        f"approval policy is {name}; reject command — you cannot ask for escalated permissions "
        f"if the approval policy is {name}"
    )


def _record_decision(context: ToolContext, call: ToolCall, decision: Any, source: str) -> None:
    """The `codex.tool_decision` telemetry event (a no-op unless [otel] exports)."""
    if isinstance(decision, dict):
        name = "approved"  # approved together with an execpolicy amendment
    elif decision in ("approved", "approved_for_session", "denied", "abort"):
        name = str(decision)
    else:
        name = "denied"
    context.telemetry().tool_decision(call.name, call.call_id, name, source)


class _ApprovalExtras(TypedDict, total=False):
    """The optional fields of an `exec_approval_request`."""

    reason: str
    proposed_execpolicy_amendment: list[str]


async def ask_approval(
    context: ToolContext,
    call: ToolCall,
    argv: list[str],
    cwd: str,
    parsed: list[dict[str, Any]],
    *,
    reason: str | None,
    amendment: list[str] | None,
    cache_key_escalated: bool,
) -> str:
    """Emit the request, wait for the decision; returns "run", "denied" or raises Aborted."""
    extras: _ApprovalExtras = {}
    if reason is not None:
        extras["reason"] = reason
    if amendment is not None:
        extras["proposed_execpolicy_amendment"] = amendment
    payload: ExecApprovalRequestEvent = {
        "type": "exec_approval_request",
        "call_id": call.call_id,
        "turn_id": context.turn_id,
        "command": argv,
        "cwd": cwd,
        **extras,  # before parsed_cmd, in the reference's field order
        "parsed_cmd": parsed,
    }
    context.emit(payload)
    decision = await context.approver.command(context.turn_id, payload)
    _record_decision(context, call, decision, "user")
    if decision == "approved":
        return "run"
    if decision == "approved_for_session":
        exec_state(context).approvals.remember(argv, cwd, cache_key_escalated)
        return "run"
    if isinstance(decision, dict) and "approved_execpolicy_amendment" in decision:
        inner = decision["approved_execpolicy_amendment"] or {}
        prefix = inner.get("proposed_execpolicy_amendment") if isinstance(inner, dict) else None
        if prefix:
            await asyncio.to_thread(append_allow_rule, context.settings.config.codex_home, list(prefix))
        return "run"
    if decision == "abort":
        raise Aborted
    return "denied"


async def decide(context: ToolContext, call: ToolCall, request: CommandRequest) -> Approval:
    settings = context.settings
    argv, cwd, escalated = request.argv, request.cwd, request.escalated
    if escalated and (refusal := escalation_refused(settings.approval_policy)) is not None:
        return Approval(False, message=refusal)
    rules = await asyncio.to_thread(ExecRules.load, Path(settings.config.codex_home))
    assessment = assess_command(
        argv,
        approval_policy=settings.approval_policy,
        sandbox_policy=settings.sandbox_policy,
        escalated=escalated,
        rules=rules,
    )
    if assessment.action == "forbid":
        _record_decision(context, call, "denied", "config")
        return Approval(False, message=rejected_text(request.tool, assessment.reason or "forbidden"))
    if assessment.action == "run":
        _record_decision(context, call, "approved", "config")
        return Approval(True, bypass_sandbox=assessment.bypass_sandbox)
    if exec_state(context).approvals.is_approved(argv, cwd, escalated):
        # An earlier "for this session" answer stands in for the question.
        _record_decision(context, call, "approved_for_session", "user")
        return Approval(True, bypass_sandbox=assessment.bypass_sandbox, user_approved=True)
    answer = await ask_approval(
        context,
        call,
        argv,
        cwd,
        request.parsed,
        reason=request.justification,
        amendment=proposed_amendment(argv, request.prefix_rule),
        cache_key_escalated=escalated,
    )
    if answer == "run":
        return Approval(True, bypass_sandbox=assessment.bypass_sandbox, user_approved=True)
    return Approval(False, message=rejected_text(request.tool))


async def run_orchestrated(
    context: ToolContext,
    call: ToolCall,
    request: CommandRequest,
    attempt: Callable[[bool], Awaitable[T]],
) -> T | str:
    """Approve, run a first attempt (sandboxed unless escalation was granted), escalate on denial.

    ``attempt(bypass_sandbox)`` runs the command and raises SandboxDenied when a sandboxed run was
    denied; it reports no events for a denied attempt, so only the attempt that stands is seen.
    Returns the attempt's result, or the text the model gets when the command does not run. A
    cancel (Aborted) propagates to the caller.
    """
    settings = context.settings
    approval = await decide(context, call, request)
    if not approval.allowed:
        return approval.message or rejected_text(request.tool)
    try:
        return await attempt(approval.bypass_sandbox)
    except SandboxDenied as denied:
        # never / on-request: nobody may lift the sandbox, so the model reads the denial.
        if not approval.user_approved and settings.approval_policy not in ("untrusted", "on-failure"):
            return denied.model_text(request.tool)
        state = exec_state(context)
        argv, cwd = request.argv, request.cwd
        if not approval.user_approved and not state.approvals.is_approved(argv, cwd, request.escalated):
            answer = await ask_approval(
                context, call, argv, cwd, request.parsed, reason=RETRY_REASON,
                amendment=proposed_amendment(argv), cache_key_escalated=request.escalated,
            )  # fmt: skip
            if answer != "run":
                return rejected_text(request.tool)
    return await attempt(True)


async def patch_instead(
    call: ToolCall, context: ToolContext, argv: list[str], args: dict[str, Any]
) -> dict[str, Any] | None:
    """An `apply_patch` invocation sent through a shell tool is applied as a patch (with the patch
    events and approvals), never run in a shell; None when the command is something else."""
    from codex_core.tools.apply_patch.tool import intercept_shell_patch

    workdir = args.get("workdir")
    return await intercept_shell_patch(call, context, argv, workdir if isinstance(workdir, str) else None)


def record_abort(context: ToolContext, call: ToolCall, started: float) -> None:
    """Answer the call in history before the turn aborts (every call needs an output)."""
    context.record([call.output(f"aborted by user after {time.monotonic() - started:.1f}s")])


def sandbox_plan(settings: ToolSettings, cwd: str, env: dict[str, str], bypass: bool) -> SandboxPlan | None:
    if bypass:
        return None
    return plan_for_policy(settings.sandbox_policy, cwd, env)


def parse_args(call: ToolCall) -> dict[str, Any] | str:
    try:
        args = json.loads(call.arguments or "{}")
    except json.JSONDecodeError as exc:
        return f"failed to parse function arguments: {exc}"
    if not isinstance(args, dict):
        return "failed to parse function arguments: expected an object"
    return args


def function_spec(
    name: str, description: str, properties: dict[str, Any], required: list[str]
) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": description,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
    }


ESCALATION_PROPERTIES: dict[str, Any] = {
    "sandbox_permissions": {
        "type": "string",
        "description": (
            'Sandbox permissions for this command. Use "use_default" (or omit it) to run inside the '
            'sandbox; use "require_escalated" to ask the user to run it without the sandbox.'
        ),
    },
    "justification": {
        "type": "string",
        "description": (
            'Only with sandbox_permissions "require_escalated": one short question for the user '
            "explaining why the command needs to run outside the sandbox."
        ),
    },
    "prefix_rule": {
        "type": "array",
        "items": {"type": "string"},
        "description": (
            'Only with sandbox_permissions "require_escalated": a short command prefix (for example '
            '["npm", "test"]) the user may allow for similar commands later.'
        ),
    },
}
