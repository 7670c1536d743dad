"""MCP tools called by the model in a turn through the real `codex app-server`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mcp_servers.fixtures import stdio_table
from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config


def _servers_toml() -> str:
    lines = []
    for name, table in {
        "t": stdio_table(tool_timeout_sec=1),
        "bad": stdio_table("crash-on-start"),
    }.items():
        lines.append(f"[mcp_servers.{name}]")
        for key, value in table.items():
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def _serve(codex_bin: str, env: dict[str, str], mock: MockModelServer, workspace: Path) -> StdioAppServer:
    home = Path(env["CODEX_HOME"])
    write_mock_config(home, mock.url)
    with (home / "config.toml").open("a") as handle:
        handle.write(_servers_toml())
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(workspace))
    server.initialize("pytest")
    return server


def _turn(server: StdioAppServer, workspace: Path) -> list[dict[str, Any]]:
    thread = server.request("thread/start", {"cwd": str(workspace), "approvalPolicy": "never"})
    thread_id = thread["result"]["thread"]["id"]
    server.request(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "go", "text_elements": []}]}
    )
    seen = []
    while True:
        message = server.wait_for(lambda m: "method" in m and "id" not in m)
        seen.append(message)
        if message["method"] == "turn/completed":
            return seen


def test_model_calls_mcp_tools(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(
        function_call_response("mcp__t__echo", {"text": "hi"}, "call_echo"),
        function_call_response("mcp__t__image", {}, "call_img"),
        function_call_response("mcp__t__fail", {}, "call_fail"),
        function_call_response("mcp__t__slow", {"seconds": 30}, "call_slow"),
        function_call_response("list_mcp_resources", {"server": "t"}, "call_res"),
        message_response("done"),
    )
    with _serve(codex_bin, isolated_env, mock, workspace) as server:
        events = _turn(server, workspace)
    started = {
        e["params"]["item"]["id"]: e["params"]["item"]
        for e in events
        if e["method"] == "item/started" and e["params"]["item"]["type"] == "mcpToolCall"
    }
    completed = {
        e["params"]["item"]["id"]: e["params"]["item"]
        for e in events
        if e["method"] == "item/completed" and e["params"]["item"]["type"] == "mcpToolCall"
    }
    assert started["call_echo"] == {
        "type": "mcpToolCall",
        "id": "call_echo",
        "server": "t",
        "tool": "echo",
        "status": "inProgress",
        "arguments": {"text": "hi"},
        "result": None,
        "error": None,
        "durationMs": None,
    }
    echo = completed["call_echo"]
    assert echo["status"] == "completed" and isinstance(echo["durationMs"], int)
    assert echo["result"]["content"] == [{"type": "text", "text": "echo: hi"}]
    assert completed["call_fail"]["status"] == "failed"
    slow = completed["call_slow"]
    assert slow["status"] == "failed" and "timed out" in slow["error"]["message"] and slow["result"] is None

    # Later requests offered the MCP tools, and the outputs reached the model.
    last = mock.requests[-1].body
    offered = {tool.get("name", tool["type"]) for tool in last["tools"]}
    assert {"mcp__t__echo", "mcp__t__add", "list_mcp_resources", "read_mcp_resource"} <= offered
    outputs = {
        item["call_id"]: item["output"]
        for item in last["input"]
        if item.get("type") == "function_call_output"
    }
    assert outputs["call_echo"] == '{"result":"echo: hi"}'  # the SDK server adds structured content
    assert outputs["call_img"][0]["type"] == "input_image"
    assert outputs["call_img"][0]["image_url"].startswith("data:image/png;base64,")
    assert outputs["call_slow"].startswith("err: tool call error: request timed out")
    assert json.loads(outputs["call_res"])["resources"][0]["uri"] == "note://hello"

    complete = [e for e in events if e["method"] == "codex/event/mcp_startup_complete"]
    assert complete and complete[0]["params"]["msg"]["ready"] == ["t"]
    assert [f["server"] for f in complete[0]["params"]["msg"]["failed"]] == ["bad"]


def test_server_status_list(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with _serve(codex_bin, isolated_env, mock, workspace) as server:
        reply = server.request("mcpServerStatus/list", {"limit": 1})
        assert "result" in reply, reply
        result = reply["result"]
        assert [entry["name"] for entry in result["data"]] == ["bad"]
        assert result["data"][0]["tools"] == {} and result["data"][0]["authStatus"] == "unsupported"
        second = server.request("mcpServerStatus/list", {"cursor": result["nextCursor"]})["result"]
        entry = second["data"][0]
        assert entry["name"] == "t" and second["nextCursor"] is None
        assert "echo" in entry["tools"] and entry["tools"]["echo"]["inputSchema"]["type"] == "object"
        assert entry["resources"][0]["uri"] == "note://hello"
        assert entry["resourceTemplates"][0]["uriTemplate"] == "note://{name}"
        assert server.request("config/mcpServer/reload", {})["result"] == {}
