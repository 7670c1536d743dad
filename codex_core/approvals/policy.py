"""Whether a command may run without asking, per approval policy, sandbox, known-safe list and rules.

Mirrors the reference's decision table:
- a command every part of which is known safe (or allowed by a prefix rule) runs without asking;
- `untrusted` asks for anything else; `on-request` asks only when the model requests escalation;
  `on-failure` runs sandboxed and asks after a sandbox denial; `never` never asks;
- a `forbidden` rule rejects outright; a `prompt` rule asks (unless the policy is `never`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Literal

from codex_core.approvals.rules import ExecRules
from codex_core.tools.command_words import command_words

_ALWAYS_SAFE = frozenset(
    {
        "cat", "cd", "cut", "echo", "expr", "false", "grep", "head", "id", "ls", "nl", "paste",
        "pwd", "rev", "seq", "stat", "tail", "tr", "true", "uname", "uniq", "wc", "which", "whoami",
        "basename", "dirname", "printenv", "date", "tac", "numfmt", "file", "du", "df", "tree",
    }
)  # fmt: skip
_FIND_UNSAFE = frozenset(
    {"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"}
)
_RG_UNSAFE = ("--pre", "--hostname-bin", "--search-zip", "-z")
_GIT_READ_ONLY = frozenset({"status", "log", "diff", "show", "branch", "rev-parse", "ls-files", "blame"})
_SED_PRINT = re.compile(r"^\d+(,\d+)?p$")


def is_known_safe_words(words: list[str]) -> bool:
    if not words:
        return False
    name = os.path.basename(words[0])
    if name in _ALWAYS_SAFE:
        return True
    if name == "find":
        return not any(word in _FIND_UNSAFE for word in words[1:])
    if name == "rg":
        return not any(word.startswith(_RG_UNSAFE) for word in words[1:])
    if name == "git" and len(words) > 1 and words[1] in _GIT_READ_ONLY:
        if words[1] == "branch":
            return all(w in ("-a", "-r", "-v", "-vv", "--list", "--show-current") for w in words[2:])
        return not any(w.startswith(("--output", "--ext-diff")) for w in words[2:])
    if name == "sed" and len(words) in (3, 4) and words[1] == "-n":
        return bool(_SED_PRINT.match(words[2]))
    if name == "base64":
        return not any(w in ("-o", "--output") or w.startswith("--output=") for w in words[1:])
    return False


def is_known_safe_command(argv: list[str]) -> bool:
    commands = command_words(argv)
    return bool(commands) and all(is_known_safe_words(words) for words in commands or [])


def proposed_amendment(argv: list[str], prefix_rule: list[str] | None = None) -> list[str] | None:
    """The prefix rule offered with an approval: the model's suggestion, else the first command."""
    if prefix_rule:
        return [str(part) for part in prefix_rule]
    commands = command_words(argv)
    if not commands:
        return None
    return list(commands[0])


@dataclass(frozen=True)
class Assessment:
    action: Literal["run", "ask", "forbid"]
    # Run without the sandbox (escalation requested and granted up front, or an allow rule).
    bypass_sandbox: bool = False
    reason: str | None = None


def assess_command(
    argv: list[str],
    *,
    approval_policy: str,
    sandbox_policy: dict[str, object],
    escalated: bool,
    rules: ExecRules,
) -> Assessment:
    commands = command_words(argv)
    if commands:
        decisions = [rules.decision_for(words) for words in commands]
        if "forbidden" in decisions:
            return Assessment("forbid", reason="blocked by an exec policy rule")
        if "prompt" in decisions:
            if approval_policy == "never":
                return Assessment(
                    "forbid", reason="an exec policy rule requires approval, but approval policy is never"
                )
            return Assessment("ask", bypass_sandbox=escalated)
        # Allowed by rules where matched, known safe elsewhere: trusted enough to skip the sandbox.
        if "allow" in decisions and all(
            d == "allow" or is_known_safe_words(words) for d, words in zip(decisions, commands, strict=True)
        ):
            return Assessment("run", bypass_sandbox=True)
    if escalated and approval_policy == "never":
        return Assessment(
            "forbid",
            reason="escalated permissions cannot be requested while the approval policy is never",
        )
    if is_known_safe_command(argv) and not escalated:
        return Assessment("run")
    if approval_policy == "untrusted":
        return Assessment("ask", bypass_sandbox=escalated)
    if approval_policy == "on-request" and escalated:
        no_sandbox = sandbox_policy.get("type") in ("danger-full-access", "external-sandbox")
        return (
            Assessment("run", bypass_sandbox=True) if no_sandbox else Assessment("ask", bypass_sandbox=True)
        )
    return Assessment("run")


@dataclass
class ApprovalStore:
    """Per-session memory of `approved_for_session` decisions, keyed by the exact command."""

    approved: set[tuple[tuple[str, ...], str, bool]] = field(default_factory=set)

    @staticmethod
    def key(argv: list[str], cwd: str, escalated: bool) -> tuple[tuple[str, ...], str, bool]:
        return (tuple(argv), cwd, escalated)

    def is_approved(self, argv: list[str], cwd: str, escalated: bool) -> bool:
        return self.key(argv, cwd, escalated) in self.approved

    def remember(self, argv: list[str], cwd: str, escalated: bool) -> None:
        self.approved.add(self.key(argv, cwd, escalated))
