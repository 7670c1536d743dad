"""The apply_patch tool as the model sees it, and the patch flow shared by every way it arrives.

A patch can come as the freeform custom tool (GPT-5 family), as a JSON function
`apply_patch {input}` (models without freeform tools), or smuggled through the shell tool
(`apply_patch <<'EOF' ... EOF`), which the reference intercepts so it is still applied as a
patch. All three end in `run_patch`:

    verify -> safety check -> patch_apply_begin -> [approval] -> apply -> patch_apply_end -> turn_diff

The model gets the reference's exec-style JSON (`{"output": ..., "metadata": {...}}`) on
success or failure, and a plain message when the patch is refused or declined.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.tools.apply_patch.apply import ApplyResult, PatchAction, PatchError, apply_patch_text, verify
from codex_core.tools.apply_patch.diff import TurnDiffTracker
from codex_core.tools.apply_patch.parser import ParseError, parse_patch
from codex_core.tools.exec_common import RETRY_REASON, freeform_output
from codex_core.tools.exec_runner import likely_sandbox_denial

if TYPE_CHECKING:
    from codex_core.events import ApplyPatchApprovalRequestEvent, ExecOutputStream, PatchCallFields
    from codex_core.tools.base import ToolCall, ToolContext

APPLY_PATCH_COMMANDS = ("apply_patch", "applypatch")
REJECTED_BY_USER = "patch rejected by user"
IMPLICIT_INVOCATION = (
    'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]'
)

# Accepts exactly the language `parser.parse_patch` reads (its strict form).
LARK_GRAMMAR = """start: begin_patch hunk+ end_patch
begin_patch: "*** Begin Patch" LF
end_patch: "*** End Patch" LF?

hunk: add_hunk | delete_hunk | update_hunk
add_hunk: "*** Add File: " filename LF add_line+
delete_hunk: "*** Delete File: " filename LF
update_hunk: "*** Update File: " filename LF change_move? change?

filename: /(.+)/
add_line: "+" /(.*)/ LF -> line

change_move: "*** Move to: " filename LF
change: (change_context | change_line)+ eof_line?
change_context: ("@@" | "@@ " /(.+)/) LF
change_line: ("+" | "-" | " ") /(.*)/ LF
eof_line: "*** End of File" LF

%import common.LF
"""

_FREEFORM_DESCRIPTION = (
    "Edit files with a patch. This tool takes raw patch text (not JSON): "
    "*** Begin Patch, then Add File / Delete File / Update File sections, then *** End Patch."
)

_FUNCTION_DESCRIPTION = """Edit files by sending a patch in the `input` argument.

The patch is wrapped in `*** Begin Patch` and `*** End Patch` lines. Between them, each file
operation starts with a header:

*** Add File: <path>      every following line starts with `+` and is a line of the new file
*** Delete File: <path>   removes the file; nothing follows
*** Update File: <path>   edits the file in place; may be followed by `*** Move to: <new path>`

An update is made of chunks. Each chunk starts with `@@`, optionally followed by a line that
locates it (such as a class or function header), then lines prefixed with ` ` (unchanged
context), `-` (removed) or `+` (added). Give about three lines of context around each change
and more context lines when that is not enough to find the spot. `*** End of File`
pins the last chunk to the end of the file.

Example:

*** Begin Patch
*** Add File: notes.txt
+first line
*** Update File: src/app.py
@@ def greet():
-    print("Hi")
+    print("Hello")
*** Delete File: old.txt
*** End Patch

Paths must be relative to the working directory, never absolute.
"""


def freeform_spec() -> dict[str, Any]:
    return {
        "type": "custom",
        "name": "apply_patch",
        "description": _FREEFORM_DESCRIPTION,
        "format": {"type": "grammar", "syntax": "lark", "definition": LARK_GRAMMAR},
    }


def function_spec() -> dict[str, Any]:
    return {
        "type": "function",
        "name": "apply_patch",
        "description": _FUNCTION_DESCRIPTION,
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {"input": {"type": "string", "description": "The whole patch, markers included."}},
            "required": ["input"],
            "additionalProperties": False,
        },
    }


def spec_for(context: ToolContext) -> dict[str, Any] | None:
    kind = context.settings.family.apply_patch_tool
    if kind == "freeform":
        return freeform_spec()
    if kind == "function":
        return function_spec()
    return None


# ---- the tool handler --------------------------------------------------------------------------


async def handle_apply_patch(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    if call.kind == "custom_tool_call":
        patch_text = call.arguments
    else:
        try:
            args = json.loads(call.arguments)
            patch_text = args["input"]
            if not isinstance(patch_text, str):
                raise TypeError("`input` must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            return call.output(f"failed to parse function arguments: {exc}")
    try:
        action = verify(patch_text, context.cwd)
    except (ParseError, PatchError) as exc:
        return call.output(f"apply_patch verification failed: {exc}")
    return await run_patch(call, context, action)


# ---- shell interception ------------------------------------------------------------------------

# `[cd <dir> &&] apply_patch <<'TAG' ... TAG` as the whole script, nothing before or after.
_HEREDOC = re.compile(
    r"""\A\s*
    (?:cd\s+(?P<cd>'[^']*'|"[^"\\$`]*"|[^\s'";&|<>()$`\\]+)\s*&&\s*)?
    (?:apply_patch|applypatch)[ \t]*<<-?[ \t]*(?P<q>['"]?)(?P<tag>[A-Za-z_][A-Za-z0-9_]*)(?P=q)[ \t]*\n
    (?P<body>.*?)
    ^(?P=tag)[ \t]*(?:\n\s*)?\Z""",
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_UNIX_SHELLS = ("bash", "zsh", "sh")


def _shell_script(argv: list[str]) -> str | None:
    """The script of `bash -lc <script>` (and the like), or None."""
    shell = os.path.basename(argv[0]).lower().split(".")[0] if argv else ""
    if len(argv) == 4 and shell in ("pwsh", "powershell") and argv[1].lower() == "-noprofile":
        argv = [argv[0], argv[2], argv[3]]
    if len(argv) != 3:
        return None
    flag = argv[1]
    if (shell in _UNIX_SHELLS and flag in ("-lc", "-c")) or (
        shell in ("pwsh", "powershell") and flag.lower() == "-command"
    ):
        return argv[2]
    if shell == "cmd" and flag.lower() == "/c":
        return argv[2]
    return None


def extract_heredoc(script: str) -> tuple[str, str | None] | None:
    """(patch body, `cd` directory or None) when the script is only an apply_patch heredoc."""
    match = _HEREDOC.match(script)
    if match is None:
        return None
    body = match.group("body").rstrip("\n")
    cd = match.group("cd")
    if cd is not None and cd[:1] in ("'", '"'):
        cd = cd[1:-1]
    return body, cd


def find_shell_patch(argv_or_cmd: list[str] | str) -> tuple[str, str | None] | str | None:
    """Recognise an apply_patch invocation in a shell command.

    Returns (patch text, workdir from a leading `cd`), an error message for the model (a bare
    patch without the apply_patch command), or None when the command is something else.
    """
    argv = ["bash", "-lc", argv_or_cmd] if isinstance(argv_or_cmd, str) else list(argv_or_cmd)
    script = _shell_script(argv)
    for candidate in ([argv[0]] if len(argv) == 1 else []) + ([script] if script is not None else []):
        try:
            parse_patch(candidate)
        except ParseError:
            continue
        return IMPLICIT_INVOCATION
    if len(argv) == 2 and argv[0] in APPLY_PATCH_COMMANDS:
        return argv[1], None
    if script is None:
        return None
    return extract_heredoc(script)


async def intercept_shell_patch(
    call: ToolCall, context: ToolContext, argv_or_cmd: list[str] | str, workdir: str | None = None
) -> dict[str, Any] | None:
    """Apply a patch the model sent through a shell tool; None when the command is not one.

    `argv_or_cmd` is the argv (`["bash", "-lc", script]`, `["apply_patch", patch]`) or the
    script string of `exec_command`; `workdir` the tool's own workdir argument, if any. The
    returned item is the call's output, with the reference's events already emitted.
    """
    found = find_shell_patch(argv_or_cmd)
    if found is None:
        return None
    if isinstance(found, str):
        return call.output(f"apply_patch verification failed: {found}")
    patch_text, cd = found
    cwd = context.cwd
    if workdir:
        cwd = cwd / workdir
    if cd:
        cwd = cwd / cd
    try:
        action = verify(patch_text, Path(os.path.normpath(cwd)))
    except (ParseError, PatchError) as exc:
        return call.output(f"apply_patch verification failed: {exc}")
    # The reference nudges the model (in its history, as a user message) towards the real tool.
    from codex_core.agent.items import user_message_item

    warning = (
        f"Warning: apply_patch was requested via {call.name}. "
        "Use the apply_patch tool instead of exec_command."
    )
    context.record([user_message_item([{"type": "text", "text": warning}])])
    return await run_patch(call, context, action)


# ---- approval policy ---------------------------------------------------------------------------


def _writable_roots(policy: dict[str, Any], cwd: Path) -> list[Path] | None:
    """Roots a patch may write under without asking; None means anywhere."""
    kind = policy.get("type")
    if kind in ("danger-full-access", "external-sandbox"):
        return None
    if kind != "workspace-write":
        return []
    roots = [cwd, *(Path(p) for p in policy.get("writable_roots", []))]
    if not policy.get("exclude_slash_tmp"):
        roots.append(Path("/tmp"))
    tmpdir = os.environ.get("TMPDIR")
    if tmpdir and not policy.get("exclude_tmpdir_env_var"):
        roots.append(Path(tmpdir))
    return [Path(os.path.normpath(root)) for root in roots]


def _writable(path: Path, roots: list[Path]) -> bool:
    for root in roots:
        if path == root or root in path.parents:
            git = root / ".git"  # kept read-only inside writable roots
            return not (path == git or git in path.parents)
    return False


def assess(action: PatchAction, approval_policy: str, sandbox_policy: dict[str, Any]) -> tuple[str, str]:
    """("auto" | "ask" | "reject", reason): whether the patch may be applied without asking."""
    if not action.changes:
        return "reject", "empty patch"
    if approval_policy == "untrusted":
        return "ask", ""
    roots = _writable_roots(sandbox_policy, action.cwd)
    targets: list[Path] = []
    for path, change in action.changes.items():
        targets.append(path)
        if change.move_path is not None:
            targets.append(change.move_path)
    constrained = roots is None or all(_writable(path, roots) for path in targets)
    if constrained or approval_policy == "on-failure":
        return "auto", ""
    if approval_policy == "never":
        # The reference words it this way under read-only too (nothing is "the project" there).
        return "reject", "writing outside of the project; rejected by user approval settings"
    return "ask", ""


# Paths the user approved "for the session": later patches touching only these don't ask again.
def _session_approvals(context: ToolContext) -> set[Path]:
    """Paths the user approved "for the session": later patches touching only these don't ask."""
    return context.thread_store("patch_approvals", set)


def diff_tracker(context: ToolContext) -> TurnDiffTracker:
    tracker = context.turn_local("turn_diff", TurnDiffTracker)
    assert tracker is not None
    return tracker


def emit_turn_diff(context: ToolContext) -> None:
    """Send the turn's whole diff so far, if a patch changed anything this turn."""
    tracker = context.turn_local("turn_diff")
    if isinstance(tracker, TurnDiffTracker):
        diff = tracker.unified_diff()
        if diff is not None:
            context.emit({"type": "turn_diff", "unified_diff": diff})


# ---- the flow ----------------------------------------------------------------------------------


def exec_style_output(output: str, exit_code: int, seconds: float) -> str:
    """The JSON the reference returns for exec-run tools (apply_patch included)."""
    payload = {"output": output, "metadata": {"exit_code": exit_code, "duration_seconds": round(seconds, 1)}}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


async def run_patch(call: ToolCall, context: ToolContext, action: PatchAction) -> dict[str, Any]:
    """Approve (or not), apply and report a verified patch; returns the call's output item.

    The same orchestration as commands: the question first (when the policy asks), then a first
    attempt under the turn's sandbox in a child process, then, if the sandbox denied a write, a
    rerun without it: at once when the user already said yes, after a "retry without sandbox?"
    question under untrusted / on-failure.
    """
    settings = context.settings
    started = time.monotonic()
    verdict, reason = assess(action, settings.approval_policy, settings.sandbox_policy)
    if verdict == "reject":
        return call.output(f"patch rejected: {reason}")
    changes = action.event_changes()
    # The turn diff names files as the events do (the path as the patch wrote it, joined to cwd).
    diff_tracker(context).on_patch_begin({Path(c.event_path or p): c for p, c in action.changes.items()})
    base: PatchCallFields = {"call_id": call.call_id, "turn_id": context.turn_id}
    context.emit(
        {"type": "patch_apply_begin", **base, "auto_approved": verdict == "auto", "changes": changes}
    )
    approved_paths = _session_approvals(context)
    touched = set(action.changes) | {c.move_path for c in action.changes.values() if c.move_path is not None}
    user_approved = verdict == "ask" and touched <= approved_paths
    if verdict == "ask" and not user_approved:
        refusal = await _ask(context, call, action, base, changes, started, None)
        if refusal is not None:
            return refusal
        user_approved = True
    applying = time.monotonic()  # the reported duration covers the write, not the wait for approval
    result = await _sandboxed_attempt(context, action)
    if result is not None and not result.success and likely_sandbox_denial(result.exit_code, result.stderr):
        _emit_output(context, call.call_id, "", result.stderr)
        retry_allowed = settings.approval_policy in ("untrusted", "on-failure")
        if not user_approved and retry_allowed and not touched <= approved_paths:
            refusal = await _ask(context, call, action, base, changes, started, RETRY_REASON)
            if refusal is not None:
                return refusal
        if user_approved or retry_allowed:
            applying = time.monotonic()
            result = None
    if result is None:
        result = await asyncio.to_thread(apply_patch_text, action.patch, action.cwd)
    _emit_output(context, call.call_id, result.stdout, result.stderr)
    _emit_end(context, base, changes, result.stdout, result.stderr, result.success)
    seconds = time.monotonic() - applying
    text = result.stdout + result.stderr
    if call.kind == "custom_tool_call":  # the freeform tool answers in plain text, as the reference's
        return call.output(freeform_output(result.exit_code, seconds, text))
    return call.output(exec_style_output(text, result.exit_code, seconds))


async def _ask(
    context: ToolContext,
    call: ToolCall,
    action: PatchAction,
    base: PatchCallFields,
    changes: dict[str, Any],
    started: float,
    reason: str | None,
) -> dict[str, Any] | None:
    """Ask about the patch; None when the user said yes, else the call's output (or CancelledError)."""
    request: ApplyPatchApprovalRequestEvent = {
        "type": "apply_patch_approval_request",
        "call_id": base["call_id"],
        "turn_id": base["turn_id"],
        "changes": changes,
    }
    if reason is not None:
        request["reason"] = reason
    context.emit(request)
    decision = await context.approver.patch(context.turn_id, request)
    if decision == "approved_for_session":
        touched = set(action.changes) | {
            c.move_path for c in action.changes.values() if c.move_path is not None
        }
        _session_approvals(context).update(touched)
        return None
    if decision == "approved":
        return None
    _emit_end(context, base, changes, "", REJECTED_BY_USER, False)
    if decision == "abort":
        # Cancel ends the turn, like an interrupt; the call still gets its answer.
        elapsed = time.monotonic() - started
        context.record([call.output(f"aborted by user after {elapsed:.1f}s")])
        raise asyncio.CancelledError
    return call.output(REJECTED_BY_USER)


async def _sandboxed_attempt(context: ToolContext, action: PatchAction) -> ApplyResult | None:
    """The patch applied by a child process under the turn's sandbox; None when there is no sandbox."""
    from codex_core.tools.exec_common import command_env, sandbox_plan
    from codex_core.tools.exec_runner import SpawnError, SpawnRequest, run_to_completion

    settings = context.settings
    env = command_env(settings)
    cwd = str(action.cwd)
    plan = sandbox_plan(settings, cwd, env, False)
    if plan is None:
        return None
    # -P: the workspace must not shadow our modules; -s: no user site-packages.
    argv = [sys.executable, "-P", "-s", "-m", "codex_core.tools.apply_patch.standalone", action.patch]
    env = {**env, "PYTHONPATH": _PACKAGE_ROOT}
    try:
        run = await run_to_completion(SpawnRequest(argv, cwd, env, plan, merge_stderr=False), 60.0)
    except SpawnError as exc:
        return ApplyResult("", f"{exc}\n")
    return ApplyResult(
        run.stdout, run.stderr if run.exit_code == 0 or run.stderr else f"exit {run.exit_code}\n"
    )


# Where the codex_core package lives, for the child that applies a patch under the sandbox.
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])


def _emit_output(context: ToolContext, call_id: str, stdout: str, stderr: str) -> None:
    streams: tuple[tuple[ExecOutputStream, str], ...] = (("stdout", stdout), ("stderr", stderr))
    for stream, text in streams:
        if text:
            chunk = base64.b64encode(text.encode("utf-8")).decode("ascii")
            context.emit(
                {"type": "exec_command_output_delta", "call_id": call_id, "stream": stream, "chunk": chunk}
            )


def _emit_end(
    context: ToolContext,
    base: PatchCallFields,
    changes: dict[str, Any],
    stdout: str,
    stderr: str,
    success: bool,
) -> None:
    context.emit(
        {
            "type": "patch_apply_end",
            **base,
            "stdout": stdout,
            "stderr": stderr,
            "success": success,
            "changes": changes,
        },
    )
    emit_turn_diff(context)
