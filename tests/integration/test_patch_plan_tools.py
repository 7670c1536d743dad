"""apply_patch, update_plan and view_image through a real `codex app-server` and the mock model."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import (
    MockModelServer,
    custom_tool_call_response,
    function_call_response,
    message_response,
)
from support.appserver import Message, StdioAppServer
from support.turns import collect_until_completed, model_env, of, start_thread, write_mock_config

ADD_PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n"
SUCCESS_OUTPUT = "Success. Updated the following files:\nA hello.txt\n"


def is_success(output: Any) -> bool:
    """An applied patch's result: plain text for the freeform tool, exec-style JSON through a shell
    tool (the duration is whatever the sandboxed run took)."""
    if output.startswith("Exit code: "):
        return output.startswith("Exit code: 0\nWall time: ") and output.endswith(
            "Output:\n" + SUCCESS_OUTPUT
        )
    data = json.loads(output)
    return data["output"] == SUCCESS_OUTPUT and data["metadata"]["exit_code"] == 0


# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABh6FO1AAAAABJRU5ErkJggg=="
)


@pytest.fixture
def server(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> Iterator[StdioAppServer]:
    write_mock_config(Path(isolated_env["CODEX_HOME"]), mock.url)
    with StdioAppServer(codex_bin, model_env(isolated_env), cwd=str(workspace)) as proc:
        proc.initialize("pytest")
        yield proc


def start_turn(server: StdioAppServer, thread_id: str, text: str) -> str:
    response = server.request(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": text, "text_elements": []}]}
    )
    return str(response["result"]["turn"]["id"])


def answer(server: StdioAppServer, method: str, result: dict[str, Any]) -> Message:
    request = server.wait_for(lambda m: m.get("method") == method and "id" in m)
    server.send({"id": request["id"], "result": result})
    return request


def last_input(mock: MockModelServer) -> list[dict[str, Any]]:
    return list(mock.requests[-1].body["input"])


def tool_output(mock: MockModelServer, call_id: str) -> Any:
    outputs = [i for i in last_input(mock) if i.get("call_id") == call_id and i["type"].endswith("_output")]
    assert len(outputs) == 1, outputs
    return outputs[0]["output"]


def test_freeform_patch_auto_approved_in_workspace(
    server: StdioAppServer, mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(custom_tool_call_response("apply_patch", ADD_PATCH, "call_p"), message_response("ok"))
    thread = start_thread(
        server, model="gpt-5.2-codex", sandbox="workspace-write", approvalPolicy="on-request"
    )
    events = collect_until_completed(server, start_turn(server, thread, "patch it"))

    assert (workspace / "hello.txt").read_text() == "hello\n"
    tools = {t.get("name"): t for t in mock.requests[0].body["tools"]}
    assert tools["apply_patch"]["type"] == "custom"
    assert tools["apply_patch"]["format"]["syntax"] == "lark"
    assert is_success(tool_output(mock, "call_p"))
    started = [p["item"] for p in of(events, "item/started") if p["item"]["type"] == "fileChange"]
    completed = [p["item"] for p in of(events, "item/completed") if p["item"]["type"] == "fileChange"]
    change = {"path": str(workspace / "hello.txt"), "kind": {"type": "add"}, "diff": "hello\n"}
    assert started == [{"type": "fileChange", "id": "call_p", "changes": [change], "status": "inProgress"}]
    assert completed == [{"type": "fileChange", "id": "call_p", "changes": [change], "status": "completed"}]
    assert of(events, "codex/event/patch_apply_begin")[0]["msg"]["auto_approved"] is True
    diffs = of(events, "turn/diff/updated")
    assert len(diffs) == 3 and "+hello\n" in diffs[-1]["diff"]
    assert "new file mode 100644" in diffs[-1]["diff"]


def test_function_form_patch_updates_file(
    server: StdioAppServer, mock: MockModelServer, workspace: Path
) -> None:
    (workspace / "f.txt").write_text("one\ntwo\n")
    patch = "*** Begin Patch\n*** Update File: f.txt\n@@\n one\n-two\n+TWO\n*** End Patch"
    mock.enqueue(function_call_response("apply_patch", {"input": patch}, "call_f"), message_response("ok"))
    thread = start_thread(server, model="gpt-oss-20b", sandbox="workspace-write", approvalPolicy="never")
    events = collect_until_completed(server, start_turn(server, thread, "edit"))

    assert (workspace / "f.txt").read_text() == "one\nTWO\n"
    tools = {t.get("name"): t for t in mock.requests[0].body["tools"]}
    assert tools["apply_patch"]["type"] == "function"
    output = json.loads(tool_output(mock, "call_f"))
    assert output["output"] == "Success. Updated the following files:\nM f.txt\n"
    assert output["metadata"]["exit_code"] == 0
    (item,) = [p["item"] for p in of(events, "item/completed") if p["item"]["type"] == "fileChange"]
    assert item["changes"][0]["kind"] == {"type": "update", "move_path": None}
    assert item["changes"][0]["diff"] == "@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n"


def test_shell_interception_asks_then_applies(
    server: StdioAppServer, mock: MockModelServer, workspace: Path
) -> None:
    command = f"apply_patch <<'EOF'\n{ADD_PATCH}EOF\n"
    mock.enqueue(function_call_response("exec_command", {"cmd": command}, "call_s"), message_response("ok"))
    # mock-model has no apply_patch tool; read-only + on-request asks before writing.
    thread = start_thread(server, approvalPolicy="on-request")
    turn = start_turn(server, thread, "patch via shell")
    request = answer(server, "item/fileChange/requestApproval", {"decision": "accept"})
    events = collect_until_completed(server, turn)

    assert request["params"]["itemId"] == "call_s" and request["params"]["turnId"] == turn
    assert (workspace / "hello.txt").read_text() == "hello\n"
    assert "apply_patch" not in {t.get("name") for t in mock.requests[0].body["tools"]}
    assert is_success(tool_output(mock, "call_s"))
    warnings = [
        i for i in last_input(mock) if i.get("role") == "user" and "Warning: apply_patch" in json.dumps(i)
    ]
    assert len(warnings) == 1
    # The sandboxed first attempt was denied (read-only) and shows it; the approved rerun applied it.
    deltas = of(events, "item/fileChange/outputDelta")
    assert [d["delta"] for d in deltas] == [
        "Failed to write file hello.txt\n",
        "Success. Updated the following files:\nA hello.txt\n",
    ]
    assert not of(events, "codex/event/exec_command_begin")


def test_declined_patch_leaves_file_and_tells_model(
    server: StdioAppServer, mock: MockModelServer, workspace: Path
) -> None:
    (workspace / "keep.txt").write_text("keep\n")
    patch = "*** Begin Patch\n*** Delete File: keep.txt\n*** End Patch"
    mock.enqueue(custom_tool_call_response("apply_patch", patch, "call_d"), message_response("fine"))
    thread = start_thread(
        server, model="gpt-5.2-codex", sandbox="workspace-write", approvalPolicy="untrusted"
    )
    turn = start_turn(server, thread, "delete it")
    answer(server, "item/fileChange/requestApproval", {"decision": "decline"})
    events = collect_until_completed(server, turn)

    assert (workspace / "keep.txt").read_text() == "keep\n"
    assert tool_output(mock, "call_d") == "patch rejected by user"
    # As the reference: declined at once by the approver, then the patch's own end as failed.
    statuses = [
        p["item"]["status"] for p in of(events, "item/completed") if p["item"]["type"] == "fileChange"
    ]
    assert statuses == ["declined", "failed"]
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    assert not of(events, "turn/diff/updated")


def test_read_only_never_rejects_without_asking(
    server: StdioAppServer, mock: MockModelServer, workspace: Path
) -> None:
    mock.enqueue(custom_tool_call_response("apply_patch", ADD_PATCH, "call_o"), message_response("ok"))
    thread = start_thread(server, model="gpt-5.2-codex", sandbox="read-only", approvalPolicy="never")
    events = collect_until_completed(server, start_turn(server, thread, "write"))

    assert not (workspace / "hello.txt").exists()
    assert tool_output(mock, "call_o") == (
        "patch rejected: writing outside of the project; rejected by user approval settings"
    )
    assert all(p["item"]["type"] != "fileChange" for p in of(events, "item/started"))


def test_plan_update(server: StdioAppServer, mock: MockModelServer) -> None:
    plan = {
        "explanation": "Steps",
        "plan": [{"step": "a", "status": "completed"}, {"step": "b", "status": "in_progress"}],
    }
    mock.enqueue(function_call_response("update_plan", plan, "call_plan"), message_response("ok"))
    thread = start_thread(server)
    turn = start_turn(server, thread, "plan")
    events = collect_until_completed(server, turn)

    assert of(events, "turn/plan/updated") == [
        {
            "threadId": thread,
            "turnId": turn,
            "explanation": "Steps",
            "plan": [{"step": "a", "status": "completed"}, {"step": "b", "status": "inProgress"}],
        }
    ]
    assert tool_output(mock, "call_plan") == "Plan updated"
    names = [t.get("name") for t in mock.requests[0].body["tools"]]
    assert names.index("update_plan") < names.index("request_user_input") < names.index("view_image")


def test_view_image_found_and_missing(server: StdioAppServer, mock: MockModelServer, workspace: Path) -> None:
    (workspace / "pic.png").write_bytes(PNG)
    mock.enqueue(
        function_call_response("view_image", {"path": "pic.png"}, "call_img"),
        function_call_response("view_image", {"path": "missing.png"}, "call_missing", response_id="resp_2"),
        message_response("seen"),
    )
    thread = start_thread(server)
    events = collect_until_completed(server, start_turn(server, thread, "look"))

    second = mock.requests[1].body["input"]
    assert second[-2]["call_id"] == "call_img" and second[-2]["output"] == "attached local image path"
    image = second[-1]
    assert image["role"] == "user"
    assert image["content"][1]["image_url"].startswith("data:image/png;base64,")
    missing = str(workspace / "missing.png")
    assert tool_output(mock, "call_missing") == (
        f"unable to locate image at `{missing}`: No such file or directory (os error 2)"
    )
    views = [p["item"] for p in of(events, "item/completed") if p["item"]["type"] == "imageView"]
    assert views == [{"type": "imageView", "id": "call_img", "path": str(workspace / "pic.png")}]
