"""How the core asks a human: the interface a transport implements (app-server, mcp-server).

The core first emits the request event (`exec_approval_request` / `apply_patch_approval_request`,
which legacy clients see as `codex/event/*`), then awaits the decision through this interface.
Decisions are the core's ReviewDecision values: "approved", "approved_for_session", "denied",
"abort", or {"approved_execpolicy_amendment": {"proposed_execpolicy_amendment": [argv prefix]}}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from codex_core.events import ApplyPatchApprovalRequestEvent, ExecApprovalRequestEvent

APPROVED = "approved"
APPROVED_FOR_SESSION = "approved_for_session"
DENIED = "denied"
ABORT = "abort"


class Approver(Protocol):
    async def command(self, turn_id: str, request: ExecApprovalRequestEvent) -> Any:
        """Decide on the `exec_approval_request` event just emitted."""
        ...

    async def patch(self, turn_id: str, request: ApplyPatchApprovalRequestEvent) -> Any:
        """Decide on the `apply_patch_approval_request` event just emitted."""
        ...


class DenyAll:
    """For contexts with nobody to ask: every request is declined, so nothing runs unapproved."""

    async def command(self, turn_id: str, request: ExecApprovalRequestEvent) -> Any:
        return DENIED

    async def patch(self, turn_id: str, request: ApplyPatchApprovalRequestEvent) -> Any:
        return DENIED
