"""Qualified tool names and how MCP results go back to the model."""

from __future__ import annotations

import hashlib

from codex_core.mcp.names import is_valid_server_name, qualified_name
from codex_core.mcp.tools import function_output, tool_spec


def test_qualified_names_are_sanitised_and_bounded() -> None:
    assert qualified_name("srv", "echo") == "mcp__srv__echo"
    assert qualified_name("my.srv", "do thing") == "mcp__my_srv__do_thing"
    long = qualified_name("server", "t" * 80)
    raw = "mcp__server__" + "t" * 80
    assert len(long) == 64
    assert long.endswith(hashlib.sha1(raw.encode()).hexdigest())


def test_server_name_validation() -> None:
    assert is_valid_server_name("my-tool_2")
    assert not is_valid_server_name("my.tool")
    assert not is_valid_server_name("")


def test_text_content_is_json_text() -> None:
    out = function_output("c1", {"Ok": {"content": [{"type": "text", "text": "hi"}]}})
    assert out == {"type": "function_call_output", "call_id": "c1", "output": '[{"type":"text","text":"hi"}]'}


def test_structured_content_wins() -> None:
    out = function_output("c1", {"Ok": {"content": [], "structuredContent": {"sum": 3}}})
    assert out["output"] == '{"sum":3}'


def test_images_become_input_images() -> None:
    content = [{"type": "text", "text": "look"}, {"type": "image", "data": "AAA", "mimeType": "image/png"}]
    out = function_output("c1", {"Ok": {"content": content}})
    assert out["output"] == [
        {"type": "input_text", "text": "look"},
        {"type": "input_image", "image_url": "data:image/png;base64,AAA"},
    ]


def test_errors() -> None:
    assert function_output("c1", {"Err": "tool call error: boom"})["output"] == "err: tool call error: boom"


def test_tool_spec_defaults_schema() -> None:
    spec = tool_spec("mcp__a__b", {"name": "b", "inputSchema": {"type": "object"}})
    assert spec["parameters"] == {"type": "object", "properties": {}}
    assert spec["type"] == "function" and spec["strict"] is False
