"""Approvals asked of the MCP client through `elicitation/create` requests.

The request carries the standard `message` and an empty `requestedSchema` plus the `codex_*`
correlation fields the reference adds. The reply must be `{"decision": ReviewDecision}`, as in the
reference; anything else (a plain elicitation `action`, even `accept`) is a denial.
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from codex_core.agent.approver import ABORT, APPROVED, APPROVED_FOR_SESSION, DENIED

if TYPE_CHECKING:
    from codex_core.events import ApplyPatchApprovalRequestEvent, ExecApprovalRequestEvent
    from mcp_server.runner import ThreadChannel

log = logging.getLogger("codex.mcp_server")

ELICITATION_METHOD = "elicitation/create"
DECISIONS = (APPROVED, APPROVED_FOR_SESSION, DENIED, ABORT)

SendRequest = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


def exec_message(command: list[str], cwd: str) -> str:
    try:
        shown = shlex.join(command)
    except TypeError:
        shown = " ".join(str(part) for part in command)
    return f"Allow Codex to run `{shown}` in `{cwd}`?"


def patch_message(reason: str | None) -> str:
    lines = [reason] if reason else []
    lines.append("Allow Codex to apply proposed code changes?")
    return "\n".join(lines)


def exec_params(
    request: ExecApprovalRequestEvent, *, thread_id: str, tool_call_id: str, event_id: str
) -> dict[str, Any]:
    command = list(request["command"])
    cwd = request["cwd"]
    return {
        "message": exec_message(command, cwd),
        "requestedSchema": {"type": "object", "properties": {}},
        "threadId": thread_id,
        "codex_elicitation": "exec-approval",
        "codex_mcp_tool_call_id": tool_call_id,
        "codex_event_id": event_id,
        "codex_call_id": request["call_id"],
        "codex_command": command,
        "codex_cwd": cwd,
        "codex_parsed_cmd": list(request["parsed_cmd"]),
    }


def patch_params(
    request: ApplyPatchApprovalRequestEvent, *, thread_id: str, tool_call_id: str, event_id: str
) -> dict[str, Any]:
    reason = request.get("reason")
    params: dict[str, Any] = {
        "message": patch_message(reason),
        "requestedSchema": {"type": "object", "properties": {}},
        "threadId": thread_id,
        "codex_elicitation": "patch-approval",
        "codex_mcp_tool_call_id": tool_call_id,
        "codex_event_id": event_id,
        "codex_call_id": request["call_id"],
    }
    if reason is not None:
        params["codex_reason"] = reason
    grant_root = request.get("grant_root")
    if grant_root is not None:
        params["codex_grant_root"] = grant_root
    params["codex_changes"] = dict(request["changes"])
    return params


def decision_of(result: Any) -> Any:
    """The ReviewDecision a client's reply stands for: only a `decision` field says yes.

    As in the reference, which reads the reply as `{"decision": ReviewDecision}`: a plain MCP
    elicitation result (`{"action": "accept", "content": {}}`) carries no decision and is a
    denial, never an approval nobody gave.
    """
    if not isinstance(result, dict):
        return DENIED
    decision = result.get("decision")
    if decision in DECISIONS:
        return decision
    if isinstance(decision, dict) and "approved_execpolicy_amendment" in decision:
        return decision
    log.warning("approval reply without a decision %r; treating it as denied", result)
    return DENIED


class ElicitationApprover:
    """The session's Approver while it is driven by this server: every decision is the client's."""

    def __init__(self, channel: ThreadChannel) -> None:
        self.channel = channel

    async def command(self, turn_id: str, request: ExecApprovalRequestEvent) -> Any:
        return await self._ask(turn_id, request, exec_params)

    async def patch(self, turn_id: str, request: ApplyPatchApprovalRequestEvent) -> Any:
        return await self._ask(turn_id, request, patch_params)

    async def _ask(
        self,
        turn_id: str,
        request: ExecApprovalRequestEvent | ApplyPatchApprovalRequestEvent,
        build: Callable[..., dict[str, Any]],
    ) -> Any:
        call = self.channel.active
        if call is None:
            return DENIED  # no tool call is waiting on this thread: nobody to ask
        # The request event must reach the client before the question about it.
        await self.channel.flushed()
        params = build(
            request, thread_id=self.channel.thread_id, tool_call_id=call.request_key, event_id=turn_id
        )
        try:
            result = await call.send_request(ELICITATION_METHOD, params)
        except Exception as exc:  # an error reply or a closed connection
            log.warning("approval request failed: %s", exc)
            return DENIED
        return decision_of(result)
