"""exec_command / write_stdin / shell_command and command/exec through a real app-server."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config

OUTPUT_RE = re.compile(
    r"^Chunk ID: [0-9a-f]{6}\nWall time: \d+\.\d{4} seconds\nProcess exited with code 0\nOriginal token count: 1\nOutput:\nhi\n$"
)


def serve(
    codex_bin: str, env: dict[str, str], mock: MockModelServer, workspace: Path, extra: str = ""
) -> StdioAppServer:
    write_mock_config(Path(env["CODEX_HOME"]), mock.url, extra=extra)
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(workspace))
    server.initialize("pytest")
    return server


def run_turn(
    server: StdioAppServer, workspace: Path, sandbox: str = "workspace-write"
) -> list[dict[str, Any]]:
    thread = server.request(
        "thread/start", {"cwd": str(workspace), "approvalPolicy": "never", "sandbox": sandbox}
    )
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


def outputs(mock: MockModelServer) -> list[str]:
    return [
        item["output"]
        for item in mock.requests[-1].body["input"]
        if item.get("type") in ("function_call_output", "custom_tool_call_output")
    ]


def test_tools_offered_and_exec_events(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(function_call_response("exec_command", {"cmd": "echo hi"}), message_response("done"))
    with serve(codex_bin, isolated_env, mock, workspace) as server:
        events = run_turn(server, workspace)
    tools = {tool.get("name", tool["type"]): tool for tool in mock.requests[0].body["tools"]}
    assert {"exec_command", "write_stdin"} <= set(tools) and "shell" not in tools
    # What the reference offers an unknown model, in its order (web search in cached mode).
    assert list(tools) == [
        "exec_command", "write_stdin", "list_mcp_resources", "list_mcp_resource_templates",
        "read_mcp_resource", "update_plan", "request_user_input", "web_search", "view_image",
    ]  # fmt: skip
    assert tools["web_search"] == {"type": "web_search", "external_web_access": False}
    exec_tool = tools["exec_command"]
    assert exec_tool["strict"] is False and exec_tool["parameters"]["required"] == ["cmd"]
    assert set(exec_tool["parameters"]["properties"]) == {
        "cmd", "workdir", "shell", "login", "tty", "yield_time_ms", "max_output_tokens",
        "sandbox_permissions", "justification", "prefix_rule",
    }  # fmt: skip
    assert exec_tool["parameters"]["additionalProperties"] is False
    assert set(tools["write_stdin"]["parameters"]["properties"]) == {
        "session_id",
        "chars",
        "yield_time_ms",
        "max_output_tokens",
    }
    methods = [m["method"] for m in events]
    begin = methods.index("codex/event/exec_command_begin")
    assert methods[begin + 1] == "item/started" and "codex/event/exec_command_end" in methods
    started = events[begin + 1]["params"]["item"]
    assert started["command"] == "/bin/bash -lc 'echo hi'" and started["status"] == "inProgress"
    assert started["commandActions"] == [{"type": "unknown", "command": "echo hi"}]
    completed = [
        m["params"]["item"]
        for m in events
        if m["method"] == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
    ]
    assert (
        completed[0]["status"] == "completed"
        and completed[0]["exitCode"] == 0
        and completed[0]["aggregatedOutput"] == "hi\n"
    )
    assert OUTPUT_RE.match(outputs(mock)[0]), outputs(mock)[0]


def test_failed_command_and_read_only_denial(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(function_call_response("exec_command", {"cmd": "touch x.txt"}), message_response("done"))
    with serve(codex_bin, isolated_env, mock, workspace) as server:
        events = run_turn(server, workspace, sandbox="read-only")
    # Nobody may lift the sandbox here: as in the reference, the denied attempt is no item and
    # the model reads the denial.
    assert not any(
        m["method"] in ("item/started", "item/completed")
        and m["params"]["item"]["type"] == "commandExecution"
        for m in events
    )
    [output] = outputs(mock)
    assert output.startswith("exec_command failed: CreateProcess") and "Sandbox(Denied" in output
    assert "Permission denied" in output
    assert not (workspace / "x.txt").exists()


def test_long_running_streams_and_write_stdin(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    script = "echo ready; read line; echo got:$line"
    mock.enqueue(
        function_call_response(
            "exec_command", {"cmd": script, "tty": True, "yield_time_ms": 500}, call_id="c1"
        ),
        message_response("waiting", item_id="m1"),
    )
    with serve(codex_bin, isolated_env, mock, workspace) as server:
        events = run_turn(server, workspace)
        first = outputs(mock)[0]
        match = re.search(r"Process running with session ID (\d+)", first)
        assert match and "ready" in first, first
        deltas = [m for m in events if m["method"] == "item/commandExecution/outputDelta"]
        assert "".join(d["params"]["delta"] for d in deltas).strip() == "ready"
        raw = [m for m in events if m["method"] == "codex/event/exec_command_output_delta"]
        assert base64.b64decode(raw[0]["params"]["msg"]["chunk"]).decode().strip() == "ready"
        session_id = int(match.group(1))
        mock.enqueue(
            function_call_response(
                "write_stdin",
                {"session_id": session_id, "chars": "hello\n", "yield_time_ms": 2000},
                call_id="c2",
            ),
            message_response("done", item_id="m2"),
        )
        thread_id = events[0]["params"].get("threadId") or next(
            m["params"]["threadId"] for m in events if "threadId" in m["params"]
        )
        server.request(
            "turn/start",
            {"threadId": thread_id, "input": [{"type": "text", "text": "more", "text_elements": []}]},
        )
        later = []
        while not later or later[-1]["method"] != "turn/completed":
            later.append(server.wait_for(lambda m: "method" in m and "id" not in m))
    second = outputs(mock)[-1]
    assert "Process exited with code 0" in second and "got:hello" in second, second
    assert any(m["method"] == "item/commandExecution/terminalInteraction" for m in later)
    ends = [
        m["params"]["item"]
        for m in later
        if m["method"] == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
    ]
    assert ends and ends[0]["id"] == "c1" and "got:hello" in ends[0]["aggregatedOutput"]


def test_write_stdin_unknown_session(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(
        function_call_response("write_stdin", {"session_id": 4242, "chars": ""}), message_response("done")
    )
    with serve(codex_bin, isolated_env, mock, workspace) as server:
        run_turn(server, workspace)
    assert outputs(mock) == ["write_stdin failed: Unknown process id 4242"]


def test_shell_command_when_unified_exec_is_off(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(function_call_response("shell", {"command": ["echo", "classic"]}), message_response("done"))
    with serve(codex_bin, isolated_env, mock, workspace, extra="[features]\nunified_exec = false") as server:
        events = run_turn(server, workspace)
    names = {tool.get("name", tool["type"]) for tool in mock.requests[0].body["tools"]}
    assert "shell" in names and "exec_command" not in names
    assert outputs(mock)[0].startswith("Exit code: 0\nWall time: ") and outputs(mock)[0].endswith(
        "Output:\nclassic\n"
    )
    assert any(
        m["method"] == "item/completed" and m["params"]["item"].get("type") == "commandExecution"
        for m in events
    )


def test_command_exec_v2_and_v1(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path, tmp_path: Path
) -> None:
    with serve(codex_bin, isolated_env, mock, workspace) as server:
        ok = server.request(
            "command/exec",
            {"command": ["bash", "-c", "echo out; echo err >&2; exit 3"], "cwd": str(workspace)},
        )
        assert ok["result"] == {"exitCode": 3, "stdout": "out\n", "stderr": "err\n"}
        denied = server.request(
            "command/exec",
            {
                "command": ["touch", str(tmp_path / "no.txt")],
                "cwd": str(workspace),
                "sandboxPolicy": {"type": "readOnly"},
            },
        )
        assert denied["result"]["exitCode"] != 0 and not (tmp_path / "no.txt").exists()
        timed = server.request(
            "command/exec", {"command": ["sleep", "20"], "cwd": str(workspace), "timeoutMs": 300}
        )
        assert timed["error"] == {"code": -32603, "message": "exec failed: sandbox error: command timed out"}
        v1 = server.request(
            "execOneOffCommand",
            {
                "command": ["bash", "-c", "echo $CODEX_SANDBOX"],
                "cwd": str(workspace),
                "sandboxPolicy": {"type": "workspace-write"},
            },
        )
        assert v1["result"] == {"exitCode": 0, "stdout": "seccomp\n", "stderr": ""}
