"""exec_command approvals end to end (real app-server + mock model), v2 and v1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config

CMD = "touch marker.txt && echo made"
V2_DECISIONS = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}
REJECTED = 'exec_command failed: CreateProcess { message: "Rejected(\\"rejected by user\\")" }'


def serve(
    codex_bin: str, env: dict[str, str], mock: MockModelServer, workspace: Path, policy: str
) -> StdioAppServer:
    # The policy itself comes with thread/start (newConversation for v1).
    # /tmp is not writable, so paths under the test's tmp dir (outside the workspace) are denied.
    write_mock_config(
        Path(env["CODEX_HOME"]), mock.url, extra="[sandbox_workspace_write]\nexclude_slash_tmp = true"
    )
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(workspace))
    server.initialize("pytest")
    return server


def call(call_id: str = "call_1", cmd: str = CMD, **extra: Any) -> list[dict[str, Any]]:
    return function_call_response("exec_command", {"cmd": cmd, **extra}, call_id=call_id)


def is_request(method: str) -> Any:
    return lambda m: m.get("method") == method and "id" in m


def until_turn_completed(server: StdioAppServer) -> list[dict[str, Any]]:
    seen = []
    while True:
        message = server.wait_for(lambda m: "method" in m)
        seen.append(message)
        if message["method"] == "turn/completed":
            return seen


def start_v2(server: StdioAppServer, workspace: Path, policy: str) -> str:
    response = server.request(
        "thread/start", {"cwd": str(workspace), "approvalPolicy": policy, "sandbox": "workspace-write"}
    )
    return str(response["result"]["thread"]["id"])


def turn_v2(server: StdioAppServer, thread_id: str, text: str = "go") -> None:
    response = server.request(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": text, "text_elements": []}]}
    )
    assert "result" in response, response


def tool_outputs(mock: MockModelServer) -> list[str]:
    outputs = []
    for request in mock.requests:
        for item in request.body.get("input", []):
            if item.get("type") == "function_call_output":
                outputs.append(item["output"])
    return outputs


@pytest.mark.parametrize("decision", sorted(V2_DECISIONS))
def test_v2_decisions(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path, decision: str
) -> None:
    mock.enqueue(call(), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "untrusted") as server:
        thread_id = start_v2(server, workspace, "untrusted")
        turn_v2(server, thread_id)
        request = server.wait_for(is_request("item/commandExecution/requestApproval"))
        params = request["params"]
        assert params["command"] == f"/bin/bash -lc '{CMD}'"
        assert params["proposedExecpolicyAmendment"] == ["touch", "marker.txt"]
        server.send({"id": request["id"], "result": {"decision": decision}})
        events = until_turn_completed(server)
        completed = [
            m["params"]["item"]
            for m in events
            if m["method"] == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
        ]
        status = events[-1]["params"]["turn"]["status"]
        if decision in ("accept", "acceptForSession"):
            assert completed[0]["status"] == "completed" and completed[0]["aggregatedOutput"] == "made\n"
            assert (workspace / "marker.txt").exists() and status == "completed"
            assert "Process exited with code 0" in tool_outputs(mock)[-1]
        else:
            assert completed == [{**completed[0], "status": "declined", "processId": None}]
            assert not (workspace / "marker.txt").exists()
        if decision == "decline":
            assert status == "completed" and tool_outputs(mock)[-1] == REJECTED
        if decision == "cancel":
            assert status == "interrupted" and len(mock.requests) == 1


def test_accept_for_session_is_reused(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(call("c1"), call("c2"), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "untrusted") as server:
        thread_id = start_v2(server, workspace, "untrusted")
        turn_v2(server, thread_id)
        request = server.wait_for(is_request("item/commandExecution/requestApproval"))
        server.send({"id": request["id"], "result": {"decision": "acceptForSession"}})
        events = until_turn_completed(server)
        assert not any(m["method"] == "item/commandExecution/requestApproval" for m in events)
        ends = [m for m in events if m["method"] == "codex/event/exec_command_end"]
        assert [m["params"]["msg"]["call_id"] for m in ends] == ["c1", "c2"]


def test_execpolicy_amendment_is_persisted(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(call("c1"), message_response("after"), call("c2"), message_response("again"))
    with serve(codex_bin, isolated_env, mock, workspace, "untrusted") as server:
        thread_id = start_v2(server, workspace, "untrusted")
        turn_v2(server, thread_id)
        request = server.wait_for(is_request("item/commandExecution/requestApproval"))
        amendment = {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": ["touch", "marker.txt"]}}
        server.send({"id": request["id"], "result": {"decision": amendment}})
        until_turn_completed(server)
        rules = Path(isolated_env["CODEX_HOME"]) / "rules" / "default.rules"
        assert rules.read_text() == 'prefix_rule(pattern=["touch", "marker.txt"], decision="allow")\n'
        turn_v2(server, thread_id)
        events = until_turn_completed(server)
        assert not any(m["method"] == "item/commandExecution/requestApproval" for m in events)


@pytest.mark.parametrize(
    ("policy", "extra", "asks"),
    [
        ("never", {}, False),
        ("on-request", {}, False),
        ("on-request", {"sandbox_permissions": "require_escalated", "justification": "need it?"}, True),
        ("on-failure", {}, False),
        ("untrusted", {}, True),
    ],
)
def test_when_policies_ask(
    codex_bin: str,
    isolated_env: dict[str, str],
    mock: MockModelServer,
    workspace: Path,
    policy: str,
    extra: dict[str, Any],
    asks: bool,
) -> None:
    mock.enqueue(call(**extra), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, policy) as server:
        thread_id = start_v2(server, workspace, policy)
        turn_v2(server, thread_id)
        if asks:
            request = server.wait_for(is_request("item/commandExecution/requestApproval"))
            if extra.get("justification"):
                assert request["params"]["reason"] == "need it?"
            server.send({"id": request["id"], "result": {"decision": "accept"}})
        events = until_turn_completed(server)
        assert any(m["method"] == "item/commandExecution/requestApproval" for m in events) is False
        assert (workspace / "marker.txt").exists()


def test_on_failure_asks_after_sandbox_denial(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    mock.enqueue(call(cmd=f"touch {outside}/x.txt"), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "on-failure") as server:
        thread_id = start_v2(server, workspace, "on-failure")
        turn_v2(server, thread_id)
        request = server.wait_for(is_request("item/commandExecution/requestApproval"))
        assert request["params"]["reason"] == "command failed; retry without sandbox?"
        server.send({"id": request["id"], "result": {"decision": "accept"}})
        until_turn_completed(server)
        assert (outside / "x.txt").exists()


def test_on_request_denial_goes_to_the_model(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path, tmp_path: Path
) -> None:
    mock.enqueue(call(cmd=f"touch {tmp_path}/nope.txt"), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "on-request") as server:
        thread_id = start_v2(server, workspace, "on-request")
        turn_v2(server, thread_id)
        events = until_turn_completed(server)
        assert not any(m["method"] == "item/commandExecution/requestApproval" for m in events)
        assert "Permission denied" in tool_outputs(mock)[-1] and not (tmp_path / "nope.txt").exists()


V1_DECISIONS = ["approved", "approved_for_session", "denied", "abort"]


@pytest.mark.parametrize("decision", V1_DECISIONS)
def test_v1_decisions(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path, decision: str
) -> None:
    mock.enqueue(call(), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "untrusted") as server:
        created = server.request(
            "newConversation",
            {"cwd": str(workspace), "approvalPolicy": "untrusted", "sandbox": "workspace-write"},
        )
        conversation = created["result"]["conversationId"]
        server.request("addConversationListener", {"conversationId": conversation})
        server.request(
            "sendUserMessage",
            {"conversationId": conversation, "items": [{"type": "text", "data": {"text": "go"}}]},
        )
        request = server.wait_for(is_request("execCommandApproval"))
        assert request["params"]["command"] == ["/bin/bash", "-lc", CMD]
        assert request["params"]["callId"] == "call_1"
        server.send({"id": request["id"], "result": {"decision": decision}})
        final = server.wait_for(
            lambda m: m.get("method") in ("codex/event/task_complete", "codex/event/turn_aborted")
        )
        made = (workspace / "marker.txt").exists()
        assert made == (decision in ("approved", "approved_for_session"))
        assert final["method"] == (
            "codex/event/turn_aborted" if decision == "abort" else "codex/event/task_complete"
        )
        if decision == "denied":
            assert tool_outputs(mock)[-1] == REJECTED


def test_disconnect_while_pending_ends_turn_cleanly(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(call(), message_response("after"))
    with serve(codex_bin, isolated_env, mock, workspace, "untrusted") as server:
        thread_id = start_v2(server, workspace, "untrusted")
        thread = server.request("thread/read", {"threadId": thread_id})["result"]["thread"]
        turn_v2(server, thread_id)
        server.wait_for(is_request("item/commandExecution/requestApproval"))
        assert server.close(timeout=20) == 0
    assert not (workspace / "marker.txt").exists()
    rollout = Path(thread["path"])
    lines = [json.loads(line) for line in rollout.read_text().splitlines()]
    assert lines and all("type" in line for line in lines)
