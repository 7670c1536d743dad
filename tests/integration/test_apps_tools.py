"""Apps in a thread (issue 19 item 17), through the real `codex app-server`: with `features.apps`
the backend's `codex_apps` MCP server joins the thread with the ChatGPT login's token, MCP tools
are hidden until the model searches them with `search_tool_bm25`, and the search's picks are
offered for the rest of the turn. The expected outputs are what the reference 0.100.0 answered
against the same backend stub, mock model and test MCP server (scores included)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mcp_servers.fixtures import stdio_table
from mock_backend import ACCESS_TOKEN, ACCOUNT_ID, APPS_MCP_PATH, MockBackend
from mock_issuer import make_jwt
from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config

from login.storage import AuthDotJson, FileStore, TokenData

CORE_TOOLS = [
    "exec_command",
    "write_stdin",
    "list_mcp_resources",
    "list_mcp_resource_templates",
    "read_mcp_resource",
    "update_plan",
    "request_user_input",
]
TEST_SERVER_TOOLS = ["add", "crash", "echo", "env", "fail", "image", "progress", "slow"]


def _login(codex_home: Path) -> None:
    claims = {"chatgpt_plan_type": "plus", "chatgpt_account_id": ACCOUNT_ID, "chatgpt_user_id": "user-123"}
    id_token = make_jwt(
        {"email": "u@example.com", "exp": int(time.time()) + 3600, "https://api.openai.com/auth": claims}
    )
    tokens = TokenData(id_token, ACCESS_TOKEN, "refresh-token", ACCOUNT_ID)
    FileStore(codex_home).save(
        AuthDotJson(auth_mode="chatgpt", tokens=tokens, last_refresh=datetime.now(UTC))
    )


def _config(codex_home: Path, mock: MockModelServer, backend: MockBackend, *, apps: bool) -> None:
    server = stdio_table()
    extra = (
        f'chatgpt_base_url = "{backend.chatgpt_base_url}"\n'
        f"[features]\napps = {json.dumps(apps)}\n"
        f"[mcp_servers.tst]\ncommand = {json.dumps(server['command'])}\nargs = {json.dumps(server['args'])}\n"
    )
    write_mock_config(codex_home, mock.url, extra=extra)


def _run_turn(server: StdioAppServer, workspace: Path) -> None:
    thread = server.request("thread/start", {"cwd": str(workspace)})["result"]["thread"]["id"]
    text = [{"type": "text", "text": "look it up", "text_elements": []}]
    server.request("turn/start", {"threadId": thread, "input": text})
    server.notification("turn/completed", timeout=60)


def _tool_names(body: dict[str, Any]) -> list[str]:
    return [str(tool.get("name") or tool.get("type")) for tool in body["tools"]]


def _search_output(body: dict[str, Any]) -> dict[str, Any]:
    """The newest search answer in a request's input."""
    outputs = [item["output"] for item in body["input"] if item.get("type") == "function_call_output"]
    return dict(json.loads(outputs[-1]))


def test_apps_hide_mcp_tools_until_searched(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    codex_home = Path(isolated_env["CODEX_HOME"])
    with MockBackend() as backend:
        _config(codex_home, mock, backend, apps=True)
        _login(codex_home)
        mock.enqueue(
            function_call_response("search_tool_bm25", {"query": "beta search", "limit": 3}),
            function_call_response("search_tool_bm25", {"query": "echo text"}, "call_2"),
            message_response("done"),
        )
        with StdioAppServer(codex_bin, model_env(isolated_env), cwd=str(workspace)) as server:
            server.initialize()
            _run_turn(server, workspace)
        # The apps server was reached with the login's token.
        apps_calls = backend.requests_to(APPS_MCP_PATH)
        assert apps_calls and apps_calls[0].headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"
        assert apps_calls[0].headers.get("chatgpt-account-id") == ACCOUNT_ID
    first, second, third = (request.body for request in mock.wait_for_requests(3))
    search_and_rest = ["search_tool_bm25", "web_search", "view_image"]
    assert _tool_names(first) == CORE_TOOLS + search_and_rest
    developer = [item["content"][0]["text"] for item in first["input"] if item.get("role") == "developer"]
    assert [text.splitlines()[0] for text in developer[1:]] == ["# MCP tool discovery", "## Apps"]

    found = _search_output(second)
    assert found["query"] == "beta search" and found["total_tools"] == 13
    assert found["active_selected_tools"] == ["mcp__codex_apps__beta_search", "mcp__codex_apps__beta_fetch"]
    assert found["tools"][0] == {
        "name": "mcp__codex_apps__beta_search",
        "server": "codex_apps",
        "title": None,
        "description": "beta_search test tool",
        "connector_id": "beta",
        "connector_name": "Beta Connector",
        "input_keys": [],
        "score": 2.2085092067718506,
    }
    # Picks are offered, sorted by name, for the rest of the turn; a second search adds to them.
    assert _tool_names(second) == CORE_TOOLS + search_and_rest + [
        "mcp__codex_apps__beta_fetch",
        "mcp__codex_apps__beta_search",
    ]
    found = _search_output(third)
    assert found["active_selected_tools"][-1] == "mcp__tst__echo"
    assert found["tools"][0]["input_keys"] == ["text"] and found["tools"][0]["score"] == 6.179757118225098
    assert _tool_names(third)[-3:] == [
        "mcp__codex_apps__beta_fetch",
        "mcp__codex_apps__beta_search",
        "mcp__tst__echo",
    ]


def test_without_apps_mcp_tools_are_listed_by_name(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    codex_home = Path(isolated_env["CODEX_HOME"])
    with MockBackend() as backend:
        _config(codex_home, mock, backend, apps=False)
        mock.enqueue(message_response("done"))
        with StdioAppServer(codex_bin, model_env(isolated_env), cwd=str(workspace)) as server:
            server.initialize()
            _run_turn(server, workspace)
        assert backend.requests_to(APPS_MCP_PATH) == []
    (body,) = (request.body for request in mock.wait_for_requests(1))
    assert _tool_names(body) == CORE_TOOLS + ["web_search", "view_image"] + [
        f"mcp__tst__{name}" for name in TEST_SERVER_TOOLS
    ]
    assert not any("MCP tool discovery" in json.dumps(item) for item in body["input"])
