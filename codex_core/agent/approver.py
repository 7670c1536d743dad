"""How the core asks a human: the interface a transport implements (app-server, mcp-server).

The core first emits the request event (`exec_approval_request` / `apply_patch_approval_request`,
which legacy clients see as `codex/event/*`), then awaits the decision through this interface.
Decisions are the core's ReviewDecision values: "approved", "approved_for_session", "denied",
"abort", or {"approved_execpolicy_amendment": {"proposed_execpolicy_amendment": [argv prefix]}}.
"""

from __future__ import annotations

from typing import Any, Protocol

APPROVED = "approved"
APPROVED_FOR_SESSION = "approved_for_session"
DENIED = "denied"
ABORT = "abort"


class Approver(Protocol):
    async def command(self, turn_id: str, request: dict[str, Any]) -> Any:
        """Decide on an `exec_approval_request` payload (call_id, turn_id, command argv, cwd, reason, parsed_cmd, ...)."""
        ...

    async def patch(self, turn_id: str, request: dict[str, Any]) -> Any:
        """Decide on an `apply_patch_approval_request` payload (call_id, turn_id, changes, reason, grant_root)."""
        ...


class DenyAll:
    """For contexts with nobody to ask: every request is declined, so nothing runs unapproved."""

    async def command(self, turn_id: str, request: dict[str, Any]) -> Any:
        return DENIED

    async def patch(self, turn_id: str, request: dict[str, Any]) -> Any:
        return DENIED
