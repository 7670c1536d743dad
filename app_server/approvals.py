"""The app-server's side of approvals: core requests -> server requests to the thread's clients.

v2 threads get `item/commandExecution/requestApproval` / `item/fileChange/requestApproval`; threads
created through the v1 API get `execCommandApproval` / `applyPatchApproval`. The answer is mapped
back to the core's ReviewDecision. If every client that was asked disconnects, the request counts
as declined: nothing runs without someone having said yes. (A client that opted in to reconnecting
keeps it open for a while: the reconnected client's answer decides; see server_requests.py.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app_server.server_requests import ClientError, ConnectionLost

if TYPE_CHECKING:
    from app_server.state import ServerState
    from codex_core.events import ApplyPatchApprovalRequestEvent, ExecApprovalRequestEvent

log = logging.getLogger("codex.app_server")

_V2_TO_CORE = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}
_V1_DECISIONS = frozenset({"approved", "approved_for_session", "denied", "abort"})


def command_display(argv: list[str]) -> str:
    """The argv as one shell-quoted string, quoted as the reference quotes it (v2 `command`)."""
    from codex_core.tools.shell_words import join_words

    return join_words(argv)


_ACTION_TYPES = {"list_files": "listFiles"}


def parsed_to_actions(parsed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Core `parsed_cmd` ({type, cmd, ...}) -> v2 `commandActions` ({type, command, ...}, types camelCase)."""
    actions = []
    for entry in parsed:
        kind = str(entry.get("type", "unknown"))
        action: dict[str, Any] = {"type": _ACTION_TYPES.get(kind, kind), "command": entry.get("cmd", "")}
        for key, value in entry.items():
            if key not in ("type", "cmd"):
                action[key] = value
        actions.append(action)
    return actions


def decision_from_v2(result: Any) -> Any:
    decision = result.get("decision") if isinstance(result, dict) else None
    if isinstance(decision, str) and decision in _V2_TO_CORE:
        return _V2_TO_CORE[decision]
    if isinstance(decision, dict) and "acceptWithExecpolicyAmendment" in decision:
        amendment = decision["acceptWithExecpolicyAmendment"].get("execpolicy_amendment") or []
        return {"approved_execpolicy_amendment": {"proposed_execpolicy_amendment": list(amendment)}}
    log.warning("unrecognised approval decision %r; treating it as declined", decision)
    return "denied"


def decision_from_v1(result: Any) -> Any:
    decision = result.get("decision") if isinstance(result, dict) else None
    if isinstance(decision, str) and decision in _V1_DECISIONS:
        return decision
    if isinstance(decision, dict) and "approved_execpolicy_amendment" in decision:
        return decision
    log.warning("unrecognised approval decision %r; treating it as declined", decision)
    return "denied"


class ThreadApprover:
    def __init__(self, state: ServerState, thread_id: str, api_version: str = "v2") -> None:
        self.state = state
        self.thread_id = thread_id
        self.api_version = api_version

    async def _ask(self, method: str, params: dict[str, Any]) -> Any:
        connections = self.state.thread_subscribers(self.thread_id)
        try:
            return await self.state.server_requests.request(
                method, params, connections, thread_id=self.thread_id
            )
        except (ConnectionLost, ClientError) as exc:
            log.warning("approval %s for thread %s not answered: %s", method, self.thread_id, exc)
            return None

    async def command(self, turn_id: str, request: ExecApprovalRequestEvent) -> Any:
        argv = list(request["command"])
        if self.api_version == "v1":
            params = {
                "conversationId": self.thread_id,
                "callId": request["call_id"],
                "command": argv,
                "cwd": request["cwd"],
                "reason": request.get("reason"),
                "parsedCmd": request["parsed_cmd"],
            }
            result = await self._ask("execCommandApproval", params)
            return "denied" if result is None else decision_from_v1(result)
        params = {
            "threadId": self.thread_id,
            "turnId": turn_id,
            "itemId": request["call_id"],
            "reason": request.get("reason"),
            "command": command_display(argv),
            "cwd": request["cwd"],
            "commandActions": parsed_to_actions(request["parsed_cmd"]),
            "proposedExecpolicyAmendment": request.get("proposed_execpolicy_amendment"),
        }
        result = await self._ask("item/commandExecution/requestApproval", params)
        decision = "denied" if result is None else decision_from_v2(result)
        if decision in ("denied", "abort"):
            self._declined_item(turn_id, declined_command_item(request))
        return decision

    async def patch(self, turn_id: str, request: ApplyPatchApprovalRequestEvent) -> Any:
        if self.api_version == "v1":
            params = {
                "conversationId": self.thread_id,
                "callId": request["call_id"],
                "fileChanges": request["changes"],
                "reason": request.get("reason"),
                "grantRoot": request.get("grant_root"),
            }
            result = await self._ask("applyPatchApproval", params)
            return "denied" if result is None else decision_from_v1(result)
        params = {
            "threadId": self.thread_id,
            "turnId": turn_id,
            "itemId": request["call_id"],
            "reason": request.get("reason"),
            "grantRoot": request.get("grant_root"),
        }
        result = await self._ask("item/fileChange/requestApproval", params)
        decision = "denied" if result is None else decision_from_v2(result)
        if decision in ("denied", "abort"):
            self._declined_item(turn_id, declined_patch_item(request))
        return decision

    def _declined_item(self, turn_id: str, item: dict[str, Any]) -> None:
        """A v2 client that says no sees the item end as declined at once (the core reports no end
        for a command that never ran; a patch's own end follows as failed), as the reference does."""
        params = {"item": item, "threadId": self.thread_id, "turnId": turn_id}
        self.state.notify_thread(self.thread_id, "item/completed", params)


def declined_command_item(request: ExecApprovalRequestEvent) -> dict[str, Any]:
    return {
        "type": "commandExecution",
        "id": request["call_id"],
        "command": command_display(request["command"]),
        "cwd": request["cwd"],
        "processId": None,
        "status": "declined",
        "commandActions": parsed_to_actions(request["parsed_cmd"]),
        "aggregatedOutput": None,
        "exitCode": None,
        "durationMs": None,
    }


def declined_patch_item(request: ApplyPatchApprovalRequestEvent) -> dict[str, Any]:
    from app_server.events.patch_items import file_changes

    changes = file_changes(request["changes"])
    return {"type": "fileChange", "id": request["call_id"], "changes": changes, "status": "declined"}
