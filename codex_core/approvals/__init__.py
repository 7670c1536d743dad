"""When a command needs a human's approval, and the memory of approvals (session cache, rules)."""

from codex_core.approvals.policy import (
    ApprovalStore,
    Assessment,
    assess_command,
    is_known_safe_command,
    proposed_amendment,
)
from codex_core.approvals.rules import ExecRules, append_allow_rule

__all__ = [
    "ApprovalStore",
    "Assessment",
    "ExecRules",
    "append_allow_rule",
    "assess_command",
    "is_known_safe_command",
    "proposed_amendment",
]
