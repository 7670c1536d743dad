"""The tool list of `codex mcp-server` (`tools/list`): names, titles and schemas as the reference has them.

Standard library only: the start path answers `tools/list` from here before the SDK is loaded.
Property names are on the wire exactly as the reference spells them: kebab-case for `codex`,
camelCase (`threadId`, deprecated `conversationId`) for `codex-reply`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing's: the handshake answer reads this module, typing costs ~4 ms
if TYPE_CHECKING:
    from typing import Any

SERVER_NAME = "codex-mcp-server"
SERVER_TITLE = "Codex"

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
