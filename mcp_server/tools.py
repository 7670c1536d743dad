"""The two tools this server offers, `codex` and `codex-reply`, and how their arguments are read.

Property names are on the wire exactly as the reference spells them: kebab-case for `codex`,
camelCase (`threadId`, deprecated `conversationId`) for `codex-reply`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CODEX_TOOL = "codex"
CODEX_REPLY_TOOL = "codex-reply"

APPROVAL_POLICIES = ("untrusted", "on-failure", "on-request", "never")
SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _choice(description: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "description": description, "enum": list(values)}


OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"threadId": {"type": "string"}, "content": {"type": "string"}},
    "required": ["threadId", "content"],
}

CODEX_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "prompt": _text("The first user message of the new Codex conversation."),
        "model": _text("Model to use instead of the configured one (for example 'gpt-5.2-codex')."),
        "profile": _text("Name of a config.toml profile whose settings apply to this session."),
        "cwd": _text(
            "Working directory of the session; a relative path is taken from the server's own working directory."
        ),
        "approval-policy": _choice(
            "When shell commands need the user's approval: `untrusted`, `on-failure`, `on-request` or `never`.",
            APPROVAL_POLICIES,
        ),
        "sandbox": _choice(
            "Sandbox for commands: `read-only`, `workspace-write` or `danger-full-access`.", SANDBOX_MODES
        ),
        "config": {
            "type": "object",
            "description": "Config settings (dotted keys) that take precedence over CODEX_HOME/config.toml.",
            "additionalProperties": True,
        },
        "base-instructions": _text("Instructions replacing the built-in base instructions."),
        "developer-instructions": _text("Extra instructions sent to the model as a developer message."),
        "compact-prompt": _text("Prompt used to summarize the conversation when it is compacted."),
    },
    "required": ["prompt"],
}

CODEX_REPLY_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "conversationId": _text("Deprecated: the same as threadId."),
        "prompt": _text("The next user message of the Codex conversation."),
        "threadId": _text(
            "Id of the Codex thread to continue, as returned by the `codex` tool. Required in practice; "
            "optional in the schema only so older clients sending conversationId keep working."
        ),
    },
    "required": ["prompt"],
}


def tool_definitions() -> list[dict[str, Any]]:
    """The `tools/list` entries (wire shape)."""
    return [
        {
            "name": CODEX_TOOL,
            "title": "Codex",
            "description": "Run a Codex session. Accepts configuration parameters matching the Codex Config struct.",
            "inputSchema": CODEX_INPUT_SCHEMA,
            "outputSchema": OUTPUT_SCHEMA,
        },
        {
            "name": CODEX_REPLY_TOOL,
            "title": "Codex Reply",
            "description": "Continue a Codex conversation by providing the thread id and prompt.",
            "inputSchema": CODEX_REPLY_INPUT_SCHEMA,
            "outputSchema": OUTPUT_SCHEMA,
        },
    ]


class ToolArgumentError(ValueError):
    """Arguments that do not fit the tool's schema; reported as an error result of the call."""


def _optional_str(arguments: dict[str, Any], key: str) -> str | None:
    value = arguments.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ToolArgumentError(f"`{key}` must be a string")
    return value


def _required_str(arguments: dict[str, Any], key: str) -> str:
    value = _optional_str(arguments, key)
    if value is None:
        raise ToolArgumentError(f"missing field `{key}`")
    return value


def _optional_choice(arguments: dict[str, Any], key: str, values: tuple[str, ...]) -> str | None:
    value = _optional_str(arguments, key)
    if value is not None and value not in values:
        expected = ", ".join(f"`{v}`" for v in values)
        raise ToolArgumentError(f"unknown variant `{value}` for `{key}`, expected one of {expected}")
    return value


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
        args = arguments or {}
        config = args.get("config")
        if config is not None and not isinstance(config, dict):
            raise ToolArgumentError("`config` must be an object")
        return cls(
            prompt=_required_str(args, "prompt"),
            model=_optional_str(args, "model"),
            profile=_optional_str(args, "profile"),
            cwd=_optional_str(args, "cwd"),
            approval_policy=_optional_choice(args, "approval-policy", APPROVAL_POLICIES),
            sandbox=_optional_choice(args, "sandbox", SANDBOX_MODES),
            config=dict(config or {}),
            base_instructions=_optional_str(args, "base-instructions"),
            developer_instructions=_optional_str(args, "developer-instructions"),
            compact_prompt=_optional_str(args, "compact-prompt"),
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


@dataclass(frozen=True)
class ReplyCall:
    thread_id: str
    prompt: str

    @classmethod
    def parse(cls, arguments: dict[str, Any] | None) -> ReplyCall:
        args = arguments or {}
        prompt = _required_str(args, "prompt")
        thread_id = _optional_str(args, "threadId") or _optional_str(args, "conversationId")
        if not thread_id:
            raise ToolArgumentError("either threadId or conversationId must be provided")
        return cls(thread_id=thread_id, prompt=prompt)
