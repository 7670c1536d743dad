"""The two tools this server offers, `codex` and `codex-reply`, and how their arguments are read.

Property names are on the wire exactly as the reference spells them: kebab-case for `codex`,
camelCase (`threadId`, deprecated `conversationId`) for `codex-reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mcp_server.tool_specs import (
    APPROVAL_POLICIES,
    CODEX_REPLY_TOOL,
    CODEX_TOOL,
    SANDBOX_MODES,
    tool_definitions,
)

__all__ = ["CODEX_REPLY_TOOL", "CODEX_TOOL", "tool_definitions"]


class ToolArgumentError(ValueError):
    """Arguments that do not fit the tool's schema; reported as an error result of the call.

    The messages are serde's on the reference's argument structs: the first bad value in the
    order the client sent the keys, then the first missing required field."""


class MissingArguments(ToolArgumentError):
    """The call carried no `arguments` at all (the reference words this case on its own)."""


def _check_values(
    arguments: dict[str, Any],
    *,
    strings: tuple[str, ...],
    choices: dict[str, tuple[str, ...]] | None = None,
    maps: tuple[str, ...] = (),
    required: tuple[str, ...] = (),
) -> None:
    from codex_core.serde_text import expected_variants, unexpected

    choices = choices or {}
    for key, value in arguments.items():
        if value is None and key not in required:
            continue  # optional fields take null
        if key in choices:
            # A unit-variant enum: serde reads it from a string (or a one-entry map).
            if not isinstance(value, str):
                raise ToolArgumentError(f"invalid type: {unexpected(value)}, expected string or map")
            if value not in choices[key]:
                raise ToolArgumentError(f"unknown variant `{value}`, {expected_variants(list(choices[key]))}")
        elif key in maps and not isinstance(value, dict):
            raise ToolArgumentError(f"invalid type: {unexpected(value)}, expected a map")
        elif key in strings and not isinstance(value, str):
            raise ToolArgumentError(f"invalid type: {unexpected(value)}, expected a string")
    for key in required:
        if key not in arguments:
            raise ToolArgumentError(f"missing field `{key}`")


def _str(arguments: dict[str, Any], key: str) -> str | None:
    value = arguments.get(key)
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class CodexCall:
    prompt: str
    model: str | None = None
    profile: str | None = None
    cwd: str | None = None
    approval_policy: str | None = None
    sandbox: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    base_instructions: str | None = None
    developer_instructions: str | None = None
    compact_prompt: str | None = None

    @classmethod
    def parse(cls, arguments: dict[str, Any] | None) -> CodexCall:
        if arguments is None:
            raise MissingArguments("Missing arguments for codex tool-call; the `prompt` field is required.")
        _check_values(
            arguments,
            strings=(
                "prompt",
                "model",
                "profile",
                "cwd",
                "base-instructions",
                "developer-instructions",
                "compact-prompt",
            ),
            choices={"approval-policy": APPROVAL_POLICIES, "sandbox": SANDBOX_MODES},
            maps=("config",),
            required=("prompt",),
        )
        return cls(
            prompt=str(arguments["prompt"]),
            model=_str(arguments, "model"),
            profile=_str(arguments, "profile"),
            cwd=_str(arguments, "cwd"),
            approval_policy=_str(arguments, "approval-policy"),
            sandbox=_str(arguments, "sandbox"),
            config=dict(arguments.get("config") or {}),
            base_instructions=_str(arguments, "base-instructions"),
            developer_instructions=_str(arguments, "developer-instructions"),
            compact_prompt=_str(arguments, "compact-prompt"),
        )

    def request_overrides(self) -> dict[str, Any]:
        """The dotted config overrides of this call; the typed arguments win over `config` entries."""
        overrides = dict(self.config)
        for key, value in (
            ("model", self.model),
            ("approval_policy", self.approval_policy),
            ("sandbox_mode", self.sandbox),
            ("compact_prompt", self.compact_prompt),
        ):
            if value is not None:
                overrides[key] = value
        return overrides


class InvalidThreadId(ValueError):
    """codex-reply without a usable thread id (`Failed to parse thread_id: ...`)."""


@dataclass(frozen=True)
class ReplyCall:
    thread_id: str
    prompt: str

    @classmethod
    def parse(cls, arguments: dict[str, Any] | None) -> ReplyCall:
        from codex_core.ids import InvalidId, parse_uuid

        if arguments is None:
            raise MissingArguments(
                "Missing arguments for codex-reply tool-call; the `thread_id` and `prompt` fields are required."
            )
        _check_values(arguments, strings=("prompt", "threadId", "conversationId"), required=("prompt",))
        raw = _str(arguments, "threadId") or _str(arguments, "conversationId")
        if raw is None:
            raise InvalidThreadId("either threadId or conversationId must be provided")
        try:
            thread_id = str(parse_uuid(raw))
        except InvalidId as exc:
            raise InvalidThreadId(str(exc)) from None
        return cls(thread_id=thread_id, prompt=str(arguments["prompt"]))
