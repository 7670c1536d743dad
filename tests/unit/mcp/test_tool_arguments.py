"""`codex` / `codex-reply` arguments read as the reference's serde structs (messages observed on the binary)."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_server.tools import CodexCall, InvalidThreadId, MissingArguments, ReplyCall, ToolArgumentError


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"prompt": "x", "approval-policy": "sometimes"},
            "unknown variant `sometimes`, expected one of `untrusted`, `on-failure`, `on-request`, `never`",
        ),
        ({"prompt": "x", "sandbox": 3}, "invalid type: integer `3`, expected string or map"),
        ({"prompt": "x", "config": 5}, "invalid type: integer `5`, expected a map"),
        # a bad value is reported before a missing field, in the order the keys came
        (
            {"sandbox": "bad"},
            "unknown variant `bad`, expected one of `read-only`, `workspace-write`, `danger-full-access`",
        ),
        ({"model": 5}, "invalid type: integer `5`, expected a string"),
        ({}, "missing field `prompt`"),
        ({"prompt": None}, "invalid type: null, expected a string"),
    ],
)
def test_codex_argument_errors(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ToolArgumentError) as raised:
        CodexCall.parse(arguments)
    assert str(raised.value) == message


def test_codex_arguments() -> None:
    call = CodexCall.parse({"prompt": "go", "sandbox": "read-only", "model": None, "config": {"a.b": 1}})
    assert (call.prompt, call.sandbox, call.model) == ("go", "read-only", None)
    assert call.request_overrides() == {"a.b": 1, "sandbox_mode": "read-only"}
    with pytest.raises(MissingArguments, match="the `prompt` field is required"):
        CodexCall.parse(None)


def test_reply_arguments() -> None:
    thread = "67E55044-10B1-426F-9247-BB680E5FE0C8"
    assert ReplyCall.parse({"prompt": "x", "conversationId": thread}).thread_id == thread.lower()
    with pytest.raises(ToolArgumentError, match="missing field `prompt`"):
        ReplyCall.parse({})
    with pytest.raises(ToolArgumentError, match=r"invalid type: integer `5`, expected a string"):
        ReplyCall.parse({"prompt": "x", "threadId": 5})
    with pytest.raises(InvalidThreadId, match="either threadId or conversationId must be provided"):
        ReplyCall.parse({"prompt": "x"})
    with pytest.raises(InvalidThreadId, match=r"invalid character: .* found `n` at 1"):
        ReplyCall.parse({"prompt": "x", "threadId": "not-a-uuid"})
    with pytest.raises(MissingArguments, match="the `thread_id` and `prompt` fields are required"):
        ReplyCall.parse(None)
