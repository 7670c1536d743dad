"""Tool calls start while the model's response still streams, as the reference's do.

The mock holds each response open after its tool-call items, so a call can only finish if it
started before the response ended; the tests release the response once they have seen it finish.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer, function_call_response, message_response, stall
from support.appserver import StdioAppServer
from support.turns import collect_until_completed, model_env, of, start_thread, write_mock_config


def serve(codex_bin: str, env: dict[str, str], cwd: Path) -> StdioAppServer:
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(cwd))
    server.initialize("pytest")
    return server


def held_open(*calls: list[dict[str, Any]]) -> Any:
    """One response carrying each call's items, held open before its `response.completed`."""
    events = [calls[0][0]]  # response.created
    for index, call in enumerate(calls):
        for event in call[1:3]:  # output_item.added / .done
            events.append({**event, "output_index": index})
    return stall(after_events=events, then=[calls[0][-1]])


def start_turn(server: StdioAppServer, thread_id: str) -> str:
    response = server.request(
        "turn/start", {"threadId": thread_id, "input": [{"type": "text", "text": "go", "text_elements": []}]}
    )
    return str(response["result"]["turn"]["id"])


def command_completed(server: StdioAppServer) -> dict[str, Any]:
    message = server.wait_for(
        lambda m: m.get("method") == "item/completed" and m["params"]["item"]["type"] == "commandExecution"
    )
    return dict(message["params"]["item"])


def test_a_call_runs_before_its_response_ends(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    reply = held_open(function_call_response("exec_command", {"cmd": "echo early"}))
    mock.enqueue(reply, message_response("done"))
    with serve(codex_bin, isolated_env, tmp_path) as server:
        thread_id = start_thread(server, approvalPolicy="never", sandbox="danger-full-access")
        turn_id = start_turn(server, thread_id)
        item = command_completed(server)  # while the mock still holds the response open
        assert item["status"] == "completed" and item["aggregatedOutput"].strip() == "early"
        assert len(mock.requests) == 1
        reply.release.set()
        events = collect_until_completed(server, turn_id)
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    # The output reached the model with the next request, after the response had ended.
    outputs = [i for i in mock.requests[1].body["input"] if i.get("type") == "function_call_output"]
    assert [o["call_id"] for o in outputs] == ["call_1"] and "early" in outputs[0]["output"]


def test_parallel_capable_calls_overlap_and_outputs_keep_call_order(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    # The first command waits for a file only the second creates: run one after the other, it
    # would give up (exit 3) before the second began.
    waiter = "for i in $(seq 300); do [ -e ready ] && echo saw-ready && exit 0; sleep 0.05; done; exit 3"
    write_mock_config(codex_home, mock.url)
    reply = held_open(
        function_call_response(
            "exec_command", {"cmd": waiter, "yield_time_ms": 30000}, call_id="c_wait", item_id="fc_a"
        ),
        function_call_response("exec_command", {"cmd": "touch ready"}, call_id="c_touch", item_id="fc_b"),
    )
    mock.enqueue(reply, message_response("done"))
    with serve(codex_bin, isolated_env, tmp_path) as server:
        thread_id = start_thread(server, approvalPolicy="never", sandbox="danger-full-access")
        turn_id = start_turn(server, thread_id)
        finished = [command_completed(server), command_completed(server)]
        reply.release.set()
        collect_until_completed(server, turn_id)
    assert [item["exitCode"] for item in finished] == [0, 0]
    assert "saw-ready" in next(i["aggregatedOutput"] for i in finished if "seq 300" in i["command"])
    outputs = [
        i["call_id"] for i in mock.requests[1].body["input"] if i.get("type") == "function_call_output"
    ]
    assert outputs == ["c_wait", "c_touch"]


def test_a_call_that_may_not_overlap_waits_for_the_calls_before_it(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    # update_plan runs alone: it starts only once the command before it has finished.
    write_mock_config(codex_home, mock.url)
    plan = {"plan": [{"step": "one", "status": "in_progress"}]}
    reply = held_open(
        function_call_response("exec_command", {"cmd": "echo first"}, call_id="c_cmd", item_id="fc_a"),
        function_call_response("update_plan", plan, call_id="c_plan", item_id="fc_b"),
    )
    mock.enqueue(reply, message_response("done"))
    with serve(codex_bin, isolated_env, tmp_path) as server:
        thread_id = start_thread(server, approvalPolicy="never", sandbox="danger-full-access")
        turn_id = start_turn(server, thread_id)
        server.notification("turn/plan/updated")
        reply.release.set()
        events = collect_until_completed(server, turn_id)
    # The command had already completed (it sits in the backlog collected after the plan update).
    assert [
        p["item"]["status"] for p in of(events, "item/completed") if p["item"]["type"] == "commandExecution"
    ] == ["completed"]


def test_interrupt_stops_calls_started_mid_response(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    reply = held_open(function_call_response("exec_command", {"cmd": "sleep 60", "yield_time_ms": 30000}))
    mock.enqueue(reply)
    with serve(codex_bin, isolated_env, tmp_path) as server:
        thread_id = start_thread(server, approvalPolicy="never", sandbox="danger-full-access")
        turn_id = start_turn(server, thread_id)
        server.wait_for(
            lambda m: m.get("method") == "item/started" and m["params"]["item"]["type"] == "commandExecution"
        )
        server.send(
            {"id": "stop", "method": "turn/interrupt", "params": {"threadId": thread_id, "turnId": turn_id}}
        )
        assert server.response("stop")["result"] == {}
        events = collect_until_completed(server, turn_id)
        assert mock.wait_for_disconnects(1, timeout=10)
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "interrupted"
    # The killed command sends no end of its own, as in the reference.
    assert not [p for p in of(events, "item/completed") if p["item"]["type"] == "commandExecution"]
