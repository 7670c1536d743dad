from __future__ import annotations

import orjson
import pytest

from codex_core.rollout.policy import (
    sanitize_response_item,
    should_persist_event,
    should_persist_response_item,
)


@pytest.mark.parametrize(
    "kind",
    [
        "user_message",
        "agent_message",
        "agent_reasoning",
        "agent_reasoning_raw_content",
        "token_count",
        "task_started",
        "task_complete",
        "turn_aborted",
        "context_compacted",
        "thread_rolled_back",
        "entered_review_mode",
        "exited_review_mode",
        "undo_completed",
        "error",
    ],
)
def test_persisted_events(kind: str) -> None:
    assert should_persist_event({"type": kind})


@pytest.mark.parametrize(
    "kind",
    [
        "agent_message_delta",
        "agent_reasoning_delta",
        "agent_message_content_delta",
        "item_started",
        "item_completed",
        "exec_command_begin",
        "exec_command_end",
        "exec_approval_request",
        "apply_patch_approval_request",
        "patch_apply_begin",
        "patch_apply_end",
        "mcp_tool_call_begin",
        "mcp_tool_call_end",
        "plan_update",
        "web_search_begin",
        "web_search_end",
        "thread_name_updated",
        "mcp_startup_update",
        "mcp_startup_complete",
        "session_configured",
        "warning",
        "stream_error",
        "turn_diff",
        "undo_started",
        "shutdown_complete",
    ],
)
def test_not_persisted_events(kind: str) -> None:
    assert not should_persist_event({"type": kind})


def test_plan_item_completion_is_persisted_and_extended_mode() -> None:
    plan = {
        "type": "item_completed",
        "thread_id": "t",
        "turn_id": "u",
        "item": {"type": "Plan", "id": "p", "text": "x"},
    }
    assert should_persist_event(plan)
    assert not should_persist_event({**plan, "item": {"type": "AgentMessage", "id": "a", "content": []}})
    assert should_persist_event({"type": "web_search_end"}, extended=True)
    assert not should_persist_event({"type": "agent_message_delta"}, extended=True)


def test_response_item_filter() -> None:
    for kind in (
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "local_shell_call",
        "web_search_call",
        "ghost_snapshot",
        "compaction",
    ):
        assert should_persist_response_item({"type": kind})
    assert not should_persist_response_item({"type": "image_generation_call_unknown"})
    assert not should_persist_response_item({})


def dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def test_sanitize_matches_reference_lines() -> None:
    api_message = {
        "id": "msg_123",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [
            {"type": "output_text", "annotations": [], "logprobs": [], "text": "Hello from the mock model."}
        ],
    }
    assert dumps(sanitize_response_item(api_message)) == (
        '{"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hello from the mock model."}]}'
    )
    fc = {
        "type": "function_call",
        "id": "fc_1",
        "status": "completed",
        "arguments": '{"cmd": "touch x && echo y"}',
        "call_id": "call_mock_shell_1",
        "name": "exec_command",
    }
    assert dumps(sanitize_response_item(fc)) == (
        '{"type":"function_call","name":"exec_command","arguments":"{\\"cmd\\": \\"touch x && echo y\\"}",'
        '"call_id":"call_mock_shell_1"}'
    )
    ctc = {
        "type": "custom_tool_call",
        "id": "ctc_1",
        "status": "completed",
        "call_id": "call_patch_1",
        "name": "apply_patch",
        "input": "*** Begin Patch\n*** End Patch\n",
    }
    assert dumps(sanitize_response_item(ctc)) == (
        '{"type":"custom_tool_call","status":"completed","call_id":"call_patch_1","name":"apply_patch",'
        '"input":"*** Begin Patch\\n*** End Patch\\n"}'
    )
    reasoning = {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [{"type": "summary_text", "text": "**Thinking** about it"}],
        "encrypted_content": "gAAAA-opaque",
    }
    assert dumps(sanitize_response_item(reasoning)) == (
        '{"type":"reasoning","summary":[{"type":"summary_text","text":"**Thinking** about it"}],'
        '"content":null,"encrypted_content":"gAAAA-opaque"}'
    )
    ws = {
        "type": "web_search_call",
        "id": "ws_1",
        "status": "completed",
        "action": {"type": "search", "query": "weather"},
    }
    assert dumps(sanitize_response_item(ws)) == (
        '{"type":"web_search_call","status":"completed","action":{"type":"search","query":"weather"}}'
    )
    user = {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": "hello there"},
            {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
        ],
    }
    assert sanitize_response_item(user) == user
    out = {"type": "function_call_output", "call_id": "c", "output": "ok", "id": "x"}
    assert sanitize_response_item(out) == {"type": "function_call_output", "call_id": "c", "output": "ok"}
