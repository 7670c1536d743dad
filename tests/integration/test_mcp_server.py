"""`codex mcp-server` end to end: the official MCP SDK client drives the real `codex` entrypoint
against the mock model. A tap on the client's read stream keeps every server message as sent."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mock_model.server import MockModelServer, function_call_response, message_response
from support.turns import model_env, write_mock_config

from mcp_server.approvals import decision_of, exec_message

pytestmark = pytest.mark.timeout(45)

CMD = "touch marker.txt && echo made"
Elicit = Callable[[Any, Any], Any]


@dataclass
class Client:
    session: ClientSession
    wire: list[dict[str, Any]] = field(default_factory=list)

    def events(self, request_id: Any = None) -> list[dict[str, Any]]:
        return [
            m["params"]
            for m in self.wire
            if m.get("method") == "codex/event"
            and (request_id is None or m["params"]["_meta"]["requestId"] == request_id)
        ]

    def requests(self, method: str) -> list[dict[str, Any]]:
        return [m for m in self.wire if m.get("method") == method and "id" in m]

    def last_call_id(self) -> Any:
        return [m for m in self.wire if "result" in m and "structuredContent" in m["result"]][-1]["id"]


@asynccontextmanager
async def connect(
    codex_bin: str, env: dict[str, str], cwd: Path, elicit: Elicit | None = None
) -> AsyncIterator[Client]:
    params = StdioServerParameters(command=codex_bin, args=["mcp-server"], env=env, cwd=str(cwd))
    async with stdio_client(params) as (read, write):
        tap_send, tap_recv = anyio.create_memory_object_stream[Any](256)
        wire: list[dict[str, Any]] = []

        async def pump() -> None:
            async with tap_send:
                async for message in read:
                    if not isinstance(message, Exception):
                        wire.append(message.message.model_dump(by_alias=True, mode="json", exclude_none=True))
                    await tap_send.send(message)

        async with anyio.create_task_group() as tg:
            tg.start_soon(pump)
            async with ClientSession(tap_recv, write, elicitation_callback=elicit) as session:
                await session.initialize()
                yield Client(session, wire)
            tg.cancel_scope.cancel()


@pytest.fixture
def env(isolated_env: dict[str, str], mock: MockModelServer) -> dict[str, str]:
    write_mock_config(
        Path(isolated_env["CODEX_HOME"]),
        mock.url,
        extra="[sandbox_workspace_write]\nexclude_slash_tmp = true",
    )
    return model_env(isolated_env)


def text_of(result: types.CallToolResult) -> str:
    block = result.content[0]
    assert isinstance(block, types.TextContent)
    return block.text


def tool_outputs(mock: MockModelServer) -> list[str]:
    return [
        str(item["output"])
        for request in mock.requests
        for item in request.body.get("input", [])
        if item.get("type") == "function_call_output"
    ]


async def test_initialize_and_tools(codex_bin: str, env: dict[str, str], workspace: Path) -> None:
    async with connect(codex_bin, env, workspace) as client:
        init = next(m for m in client.wire if m.get("id") == 0 or "serverInfo" in m.get("result", {}))
        result = init["result"]
        assert result["capabilities"] == {"tools": {"listChanged": True}}
        info = result["serverInfo"]
        assert (info["name"], info["title"], info["version"]) == ("codex-mcp-server", "Codex", "0.100.0")
        assert info["user_agent"].startswith("codex_cli_rs/0.100.0 (")
        tools = (await client.session.list_tools()).tools
    by_name = {tool.name: tool for tool in tools}
    assert sorted(by_name) == ["codex", "codex-reply"]
    codex, reply = by_name["codex"], by_name["codex-reply"]
    assert (codex.title, reply.title) == ("Codex", "Codex Reply")
    assert sorted(codex.input_schema["properties"]) == sorted(
        [
            "prompt",
            "model",
            "profile",
            "cwd",
            "approval-policy",
            "sandbox",
            "config",
            "base-instructions",
            "developer-instructions",
            "compact-prompt",
        ]
    )
    assert codex.input_schema["required"] == ["prompt"]
    assert codex.input_schema["properties"]["approval-policy"]["enum"] == [
        "untrusted",
        "on-failure",
        "on-request",
        "never",
    ]
    assert codex.input_schema["properties"]["sandbox"]["enum"] == [
        "read-only",
        "workspace-write",
        "danger-full-access",
    ]
    assert codex.input_schema["properties"]["config"]["additionalProperties"] is True
    assert sorted(reply.input_schema["properties"]) == ["conversationId", "prompt", "threadId"]
    assert reply.input_schema["required"] == ["prompt"]
    expected_output = {
        "type": "object",
        "properties": {"threadId": {"type": "string"}, "content": {"type": "string"}},
        "required": ["threadId", "content"],
    }
    assert codex.output_schema == expected_output and reply.output_schema == expected_output


async def test_codex_then_reply(
    codex_bin: str, env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(message_response("Hello from the mock model."), message_response("Second answer."))
    async with connect(codex_bin, env, workspace) as client:
        first = await client.session.call_tool("codex", {"prompt": "hi", "cwd": str(workspace)})
        assert not first.is_error
        assert text_of(first) == "Hello from the mock model."
        structured = first.structured_content
        assert isinstance(structured, dict) and structured["content"] == "Hello from the mock model."
        thread_id = structured["threadId"]
        call_id = client.last_call_id()
        # On the wire a successful result has no `isError`, as the reference's has none.
        [raw] = [m for m in client.wire if m.get("id") == call_id and "result" in m]
        assert "isError" not in raw["result"] and raw["result"]["structuredContent"]["threadId"] == thread_id

        events = client.events(call_id)
        kinds = [e["msg"]["type"] for e in events]
        assert kinds[:2] == ["session_configured", "mcp_startup_complete"]
        for kind in ("task_started", "user_message", "agent_message", "task_complete"):
            assert kind in kinds
        assert kinds[-1] == "task_complete"
        configured = events[0]
        assert configured["id"] == "" and configured["msg"]["session_id"] == thread_id
        assert configured["msg"]["cwd"] == str(workspace)
        assert all(e["_meta"] == {"requestId": call_id, "threadId": thread_id} for e in events)
        # The turn's events carry the submission id: the tools/call request id.
        assert {e["id"] for e in events[2:]} == {str(call_id)}

        second = await client.session.call_tool("codex-reply", {"threadId": thread_id, "prompt": "again"})
        assert not second.is_error and text_of(second) == "Second answer."
        assert second.structured_content == {"threadId": thread_id, "content": "Second answer."}
        # The deprecated alias still works, and an unknown thread is an error result.
        unknown = "00000000-0000-7000-8000-000000000000"
        missing = await client.session.call_tool("codex-reply", {"conversationId": unknown, "prompt": "x"})
        assert missing.is_error and text_of(missing) == f"Session not found for thread_id: {unknown}"
        garbled = await client.session.call_tool("codex-reply", {"conversationId": "nope", "prompt": "x"})
        assert garbled.is_error and text_of(garbled).startswith(
            "Failed to parse thread_id: invalid character"
        )

    # The model saw both user messages in one conversation.
    last_input = mock.requests[-1].body["input"]
    texts = [
        part.get("text")
        for item in last_input
        if item.get("role") == "user"
        for part in item.get("content", [])
    ]
    assert "hi" in texts and "again" in texts
    rollouts = list((Path(env["CODEX_HOME"]) / "sessions").rglob(f"rollout-*-{thread_id}.jsonl"))
    assert len(rollouts) == 1 and '"source":"mcp"' in rollouts[0].read_text().splitlines()[0]


class _DecisionReply(types.ElicitResult):
    """An elicitation reply that also carries the reference's `decision` field."""

    decision: str


@pytest.mark.parametrize(
    ("action", "decision", "ran"),
    # A plain MCP "accept" carries no decision: a denial, as in the reference (safety).
    [("accept", "approved", True), ("accept", None, False), ("decline", None, False)],
)
async def test_exec_approval_by_elicitation(
    codex_bin: str,
    env: dict[str, str],
    mock: MockModelServer,
    workspace: Path,
    action: str,
    decision: str | None,
    ran: bool,
) -> None:
    mock.enqueue(
        function_call_response("exec_command", {"cmd": CMD}, call_id="call_mock_shell_1"),
        message_response("after"),
    )
    asked: list[str] = []

    async def elicit(context: Any, params: Any) -> types.ElicitResult:
        asked.append(params.message)
        if decision is not None:
            return _DecisionReply(action=action, decision=decision)  # type: ignore[arg-type]
        return types.ElicitResult(action=action)  # type: ignore[arg-type]

    async with connect(codex_bin, env, workspace, elicit) as client:
        result = await client.session.call_tool(
            "codex",
            {
                "prompt": "go",
                "cwd": str(workspace),
                "approval-policy": "untrusted",
                "sandbox": "workspace-write",
            },
        )
        assert not result.is_error and text_of(result) == "after"
        thread_id = result.structured_content["threadId"]  # type: ignore[index]
        call_id = client.last_call_id()
        [request] = client.requests("elicitation/create")
        events = client.events(call_id)

    params = request["params"]
    command = ["/bin/bash", "-lc", CMD]
    assert params["message"] == exec_message(command, str(workspace)) == asked[0]
    assert params["requestedSchema"] == {"type": "object", "properties": {}}
    assert params["threadId"] == thread_id
    assert params["codex_elicitation"] == "exec-approval"
    assert params["codex_mcp_tool_call_id"] == str(call_id) == params["codex_event_id"]
    assert params["codex_call_id"] == "call_mock_shell_1"
    assert params["codex_command"] == command and params["codex_cwd"] == str(workspace)
    assert isinstance(params["codex_parsed_cmd"], list) and params["codex_parsed_cmd"]
    # The request event reached the client before the question about it.
    approval_at = next(
        i
        for i, m in enumerate(client.wire)
        if m.get("method") == "codex/event" and m["params"]["msg"]["type"] == "exec_approval_request"
    )
    assert approval_at < client.wire.index(request)
    assert any(e["msg"]["type"] == "exec_approval_request" for e in events)
    assert (workspace / "marker.txt").exists() is ran
    if ran:
        assert "Process exited with code 0" in tool_outputs(mock)[-1]
    else:
        assert "rejected by user" in tool_outputs(mock)[-1]


async def test_bad_arguments_are_error_results(codex_bin: str, env: dict[str, str], workspace: Path) -> None:
    async with connect(codex_bin, env, workspace) as client:
        result = await client.session.call_tool("codex", {"prompt": "x", "sandbox": "bogus"})
        assert result.is_error and "bogus" in text_of(result)
        result = await client.session.call_tool("codex", {"prompt": "x", "cwd": str(workspace / "missing")})
        assert result.is_error and "missing" in text_of(result)


def test_reply_decisions() -> None:
    assert decision_of({"decision": "approved_for_session"}) == "approved_for_session"
    assert decision_of({"decision": "abort"}) == "abort"
    assert decision_of({"action": "accept", "content": {}}) == "denied"
    assert decision_of({"action": "accept", "content": {"decision": "approved"}}) == "denied"
    assert decision_of({"action": "decline"}) == "denied"
    assert decision_of({"action": "cancel"}) == "denied"
    assert decision_of({"something": 1}) == "denied"
    assert decision_of(None) == "denied"


def test_raw_wire_errors_match_the_reference(codex_bin: str, env: dict[str, str], workspace: Path) -> None:
    """Unknown methods and a reply to an unknown thread, byte for byte as the reference answers."""
    import json
    import subprocess

    lines = [
        {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 1, "method": "no/such/method", "params": {}},
        {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {
                "name": "codex-reply",
                "arguments": {"prompt": "x", "threadId": "67e55044-10b1-426f-9247-bb680e5fe0c8"},
            },
        },
    ]
    process = subprocess.Popen(
        [codex_bin, "mcp-server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        cwd=workspace,
    )
    assert process.stdin is not None and process.stdout is not None
    answers: dict[int, Any] = {}
    try:
        process.stdin.write("".join(json.dumps(line) + "\n" for line in lines).encode())
        process.stdin.flush()
        # stdin stays open until both answers are in: EOF ends the server.
        while not {1, 2} <= answers.keys():
            line = process.stdout.readline()
            assert line, "server exited early"
            message = json.loads(line)
            if "id" in message:
                answers[message["id"]] = message
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert answers[1]["error"] == {
        "code": -32601,
        "message": "method not found: no/such/method",
        "data": {"method": "no/such/method"},
    }
    text = "Session not found for thread_id: 67e55044-10b1-426f-9247-bb680e5fe0c8"
    assert answers[2]["result"]["isError"] is True
    assert answers[2]["result"]["structuredContent"] == {
        "threadId": "67e55044-10b1-426f-9247-bb680e5fe0c8",
        "content": text,
    }
