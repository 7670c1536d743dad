"""Chat Completions wire: request conversion and streamed events."""

from __future__ import annotations

import pytest
from mock_model import MockModelServer, chat_text_response, chat_tool_call_response, http_error

from codex_core.model.chat import build_chat_body
from codex_core.model.events import (
    Completed,
    Created,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    RateLimits,
    Retrying,
    TokenUsage,
)
from codex_core.model.request import Prompt
from unit.model.helpers import FakeSleep, collect, make_client


def test_prompt_conversion() -> None:
    prompt = Prompt(
        model="llama",
        instructions="system text",
        input=[
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "perms"}]},
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "look "},
                    {"type": "input_image", "image_url": "data:image/png;base64,AAA"},
                ],
            },
            {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "x"},
            {"type": "function_call", "name": "exec_command", "arguments": '{"cmd":"ls"}', "call_id": "c1"},
            {"type": "function_call", "name": "view_image", "arguments": '{"path":"a"}', "call_id": "c2"},
            {"type": "function_call_output", "call_id": "c1", "output": "file.txt"},
            {"type": "function_call_output", "call_id": "c2", "output": "ok"},
            {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "done"}]},
        ],
        tools=[
            {
                "type": "function",
                "name": "exec_command",
                "description": "run",
                "strict": False,
                "parameters": {},
            },
            {"type": "custom", "name": "apply_patch", "format": {}},
            {"type": "web_search", "external_web_access": False},
        ],
    )
    body = build_chat_body(prompt)
    assert list(body) == ["model", "messages", "stream", "stream_options", "tools"]
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "exec_command", "description": "run", "parameters": {}, "strict": False},
        }
    ]
    assert body["messages"] == [
        {"role": "system", "content": "system text"},
        {"role": "system", "content": "perms"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "look "},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAA"}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "exec_command", "arguments": '{"cmd":"ls"}'},
                },
                {
                    "id": "c2",
                    "type": "function",
                    "function": {"name": "view_image", "arguments": '{"path":"a"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "file.txt"},
        {"role": "tool", "tool_call_id": "c2", "content": "ok"},
        {"role": "assistant", "content": "done"},
    ]


async def test_chat_text_stream(server: MockModelServer) -> None:
    server.enqueue(chat_text_response("Hello from chat.", deltas=3))
    events = await collect(make_client(server.url, wire_api="chat"))
    assert server.requests[0].path == "/v1/chat/completions"
    assert server.requests[0].body["stream"] is True
    assert not any(isinstance(e, RateLimits) for e in events)
    assert events[0] == Created("chatcmpl-1")
    added = events[1]
    assert isinstance(added, OutputItemAdded)
    item_id = added.item["id"]
    deltas = [e for e in events if isinstance(e, OutputTextDelta)]
    assert "".join(d.delta for d in deltas) == "Hello from chat."
    assert {d.item_id for d in deltas} == {item_id}
    (done,) = [e for e in events if isinstance(e, OutputItemDone)]
    assert done.item == {
        "type": "message",
        "id": item_id,
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": "Hello from chat."}],
    }
    assert events[-1] == Completed("chatcmpl-1", TokenUsage(9, 0, 4, 0, 13))


async def test_chat_tool_call_stream(server: MockModelServer) -> None:
    server.enqueue(chat_tool_call_response("exec_command", {"cmd": "ls -la"}, "call_abc"))
    events = await collect(make_client(server.url, wire_api="chat"))
    (done,) = [e for e in events if isinstance(e, OutputItemDone)]
    assert done.item["type"] == "function_call"
    assert done.item["name"] == "exec_command"
    assert done.item["call_id"] == "call_abc"
    assert done.item["arguments"] == '{"cmd": "ls -la"}'
    assert not any(isinstance(e, OutputTextDelta) for e in events)
    assert isinstance(events[-1], Completed)
    assert events[-1].usage == TokenUsage(9, 0, 4, 0, 13)


async def test_chat_shares_retry_logic(server: MockModelServer, fake_sleep: FakeSleep) -> None:
    server.enqueue(http_error(503), chat_text_response())
    events = await collect(make_client(server.url, wire_api="chat", sleep=fake_sleep, request_max_retries=1))
    assert [type(e) for e in events].count(Retrying) == 1
    assert isinstance(events[-1], Completed)


async def test_chat_stream_without_done_marker(server: MockModelServer) -> None:
    events = chat_text_response("hi", deltas=1)
    server.enqueue(events[:-1])  # finish_reason + usage, but no [DONE]
    result = await collect(make_client(server.url, wire_api="chat"))
    assert isinstance(result[-1], Completed)


@pytest.mark.parametrize("cut", [2])
async def test_chat_truncated_stream_is_an_error(server: MockModelServer, cut: int) -> None:
    from codex_core.model.errors import StreamDisconnected

    server.enqueue(chat_text_response("hello there", deltas=3)[:cut])
    with pytest.raises(StreamDisconnected):
        await collect(make_client(server.url, wire_api="chat"))
