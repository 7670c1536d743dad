"""Turns end to end: a real `codex app-server` against our mock Responses/Chat server."""

from __future__ import annotations

import json
from pathlib import Path

from mock_model.server import (
    MockModelServer,
    chat_text_response,
    http_error,
    message_response,
    reasoning_then_message,
    response_failed,
    stall,
)
from support.appserver import StdioAppServer
from support.turns import model_env, of, run_turn, start_thread, write_mock_config


def serve(codex_bin: str, env: dict[str, str], cwd: Path | None = None) -> StdioAppServer:
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(cwd) if cwd else None)
    server.initialize("pytest")
    return server


def test_streamed_message_usage_and_request_shape(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("Hello there, friend.", deltas=4))
    with serve(codex_bin, isolated_env, cwd=tmp_path) as server:
        thread_id = start_thread(server)
        _turn_id, events = run_turn(server, thread_id, "Say hello")
        deltas = of(events, "item/agentMessage/delta")
        assert "".join(d["delta"] for d in deltas) == "Hello there, friend." and len(deltas) == 4
        completed = [p["item"] for p in of(events, "item/completed") if p["item"]["type"] == "agentMessage"]
        assert completed == [{"type": "agentMessage", "id": "msg_1", "text": "Hello there, friend."}]
        usage = of(events, "thread/tokenUsage/updated")[-1]["tokenUsage"]
        assert usage["total"]["totalTokens"] == usage["last"]["totalTokens"] > 0
        assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
        # Each content delta is three lines on the wire, as the reference sends them.
        assert len(of(events, "codex/event/agent_message_delta")) == 4
        assert len(of(events, "codex/event/agent_message_content_delta")) == 4

    (request,) = mock.requests
    assert request.path == "/v1/responses"
    assert request.headers["authorization"] == "Bearer sk-mock-test-key"
    assert request.headers["originator"] == "pytest"
    assert request.headers["session_id"] == thread_id
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["user-agent"].startswith("pytest/0.100.0 (")
    body = request.body
    assert list(body)[:11] == [
        "model",
        "instructions",
        "input",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "reasoning",
        "store",
        "stream",
        "include",
        "prompt_cache_key",
    ]
    assert body["model"] == "mock-model" and body["store"] is False and body["stream"] is True
    assert body["reasoning"] is None and body["include"] == [] and body["prompt_cache_key"] == thread_id
    texts = [part["text"] for item in body["input"] for part in item.get("content", [])]
    assert texts[0].startswith("<permissions instructions>")
    assert any(t.startswith("<environment_context>") for t in texts)
    assert texts[-1] == "Say hello"


def test_reasoning_items_and_deltas(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(reasoning_then_message("Weighing the options.", "Decided."))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "Think first")
    assert of(events, "item/reasoning/summaryPartAdded")[0]["summaryIndex"] == 0
    summary = "".join(p["delta"] for p in of(events, "item/reasoning/summaryTextDelta"))
    assert summary == "Weighing the options."
    reasoning = [p["item"] for p in of(events, "item/completed") if p["item"]["type"] == "reasoning"]
    assert reasoning == [
        {"type": "reasoning", "id": "rs_1", "summary": ["Weighing the options."], "content": []}
    ]
    assert [p["msg"]["text"] for p in of(events, "codex/event/agent_reasoning")] == ["Weighing the options."]


def test_second_turn_resends_history(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(reasoning_then_message("Plan.", "First answer."), message_response("Second answer."))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "one")
        _, events = run_turn(server, thread_id, "two")
        totals = of(events, "thread/tokenUsage/updated")[-1]["tokenUsage"]
        assert totals["total"]["totalTokens"] == 2 * totals["last"]["totalTokens"]
    second = mock.requests[1].body["input"]
    kinds = [(item["type"], item.get("role")) for item in second]
    assert ("reasoning", None) in kinds and ("message", "assistant") in kinds
    reasoning = next(item for item in second if item["type"] == "reasoning")
    assert reasoning["encrypted_content"] == "enc-mock" and "id" not in reasoning


def test_retries_on_500_and_429_with_retry_after(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(
        http_error(500, "boom"),
        http_error(429, "slow down", headers={"Retry-After": "1"}),
        message_response("Finally."),
    )
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "retry me")
    errors = of(events, "error")
    assert len(errors) == 2 and all(e["willRetry"] for e in errors)
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    assert len(mock.requests) == 3


def test_retries_exhausted_fail_the_turn(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(http_error(500, "a"), http_error(500, "b"), http_error(500, "c"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "doomed")
        final = [e for e in of(events, "error") if not e["willRetry"]]
        assert len(final) == 1
        turn = of(events, "turn/completed")[-1]["turn"]
        assert turn["status"] == "failed" and turn["error"]["message"] == final[0]["error"]["message"]
        # The thread still works afterwards.
        mock.enqueue(message_response("Back."))
        _, after = run_turn(server, thread_id, "again")
        assert of(after, "turn/completed")[-1]["turn"]["status"] == "completed"


def test_context_window_exceeded_is_not_retried(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(
        response_failed("context_length_exceeded", "Your input exceeds the context window of this model.")
    )
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "too big")
    turn = of(events, "turn/completed")[-1]["turn"]
    assert turn["status"] == "failed"
    assert turn["error"]["codexErrorInfo"] == "contextWindowExceeded"
    assert len(mock.requests) == 1


def test_stream_idle_timeout_retries_then_fails(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    # The stream starts (response.created) and then goes quiet: the idle timeout, not a slow
    # connect, is what fires. 1 s keeps a loaded machine from timing out before the headers.
    write_mock_config(codex_home, mock.url, provider_extra="stream_idle_timeout_ms = 1000")
    started = message_response("never", deltas=1)[:1]
    mock.enqueue(stall(after_events=started), stall(after_events=started))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "hang")
    assert [e["willRetry"] for e in of(events, "error")] == [True, False]
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "failed"


def test_interrupt_mid_stream(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    first = message_response("partial words here", deltas=3)
    mock.enqueue(stall(after_events=first[:4]))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        response = server.request(
            "turn/start",
            {"threadId": thread_id, "input": [{"type": "text", "text": "go", "text_elements": []}]},
        )
        turn_id = response["result"]["turn"]["id"]
        server.notification("item/agentMessage/delta")
        server.send(
            {"id": "stop", "method": "turn/interrupt", "params": {"threadId": thread_id, "turnId": turn_id}}
        )
        assert server.response("stop")["result"] == {}
        completed = server.notification("turn/completed")
        assert completed["params"]["turn"]["status"] == "interrupted"
        assert mock.wait_for_disconnects(1, timeout=10)
        # The model is told about the interruption on the next turn.
        mock.enqueue(message_response("ok"))
        run_turn(server, thread_id, "next")
    texts = json.dumps(mock.requests[-1].body["input"])
    assert "<turn_aborted>" in texts


def test_auto_compaction_with_a_small_window(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url, extra="model_auto_compact_token_limit = 10")
    mock.enqueue(message_response("one"), message_response("SUMMARY-OF-EVERYTHING"), message_response("two"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "first")
        _, events = run_turn(server, thread_id, "second")
    assert of(events, "thread/compacted")
    assert [p["item"]["type"] for p in of(events, "item/started")].count("contextCompaction") == 1
    final_input = json.dumps(mock.requests[-1].body["input"])
    assert "SUMMARY-OF-EVERYTHING" in final_input and "second" in final_input
    rollout = next(codex_home.glob("sessions/*/*/*/rollout-*.jsonl")).read_text().splitlines()
    assert any(json.loads(line)["type"] == "compacted" for line in rollout)


def test_manual_compaction(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("hi"), message_response("the summary"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "hello")
        assert server.request("thread/compact/start", {"threadId": thread_id})["result"] == {}
        compacted = server.notification("thread/compacted")
        assert compacted["params"]["threadId"] == thread_id
        done = server.notification("turn/completed")
        assert done["params"]["turn"]["status"] == "completed"


def test_chat_completions_provider(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url, wire_api="chat")
    mock.enqueue(chat_text_response("Chatty reply."))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        _, events = run_turn(server, thread_id, "via chat")
    assert "".join(p["delta"] for p in of(events, "item/agentMessage/delta")) == "Chatty reply."
    assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    (request,) = mock.requests
    assert request.path == "/v1/chat/completions"
    assert request.body["messages"][0]["role"] == "system"
    assert request.body["messages"][-1] == {"role": "user", "content": "via chat"}


def test_v1_conversation_flow(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("v1 answer"))
    with serve(codex_bin, isolated_env) as server:
        conversation = server.request("newConversation", {})["result"]
        assert conversation["model"] == "mock-model"
        listener = server.request(
            "addConversationListener", {"conversationId": conversation["conversationId"]}
        )["result"]
        assert (
            server.request(
                "sendUserMessage",
                {
                    "conversationId": conversation["conversationId"],
                    "items": [{"type": "text", "data": {"text": "hi"}}],
                },
            )["result"]
            == {}
        )
        done = server.notification("codex/event/task_complete")
        assert done["params"]["msg"]["last_agent_message"] == "v1 answer"
        assert (
            server.request("removeConversationListener", {"subscriptionId": listener["subscriptionId"]})[
                "result"
            ]
            == {}
        )


def test_unknown_thread_and_empty_input(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    with serve(codex_bin, isolated_env) as server:
        missing = "00000000-0000-7000-8000-000000000000"
        assert (
            server.request("turn/start", {"threadId": missing, "input": []})["error"]["message"]
            == f"thread not found: {missing}"
        )
        thread_id = start_thread(server)
        assert (
            server.request("turn/start", {"threadId": thread_id, "input": []})["error"]["message"]
            == "input must not be empty"
        )
        steer = server.request(
            "turn/steer",
            {
                "threadId": thread_id,
                "input": [{"type": "text", "text": "x", "text_elements": []}],
                "expectedTurnId": "t",
            },
        )
        assert steer["error"]["message"] == "no active turn to steer"


def test_rollout_is_on_disk_before_turn_completed(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("persisted"))
    with serve(codex_bin, isolated_env) as server:
        started = server.request("thread/start", {"experimentalRawEvents": False})["result"]
        path = Path(started["thread"]["path"])
        assert not path.exists()  # created lazily, at the first turn
        thread_id = started["thread"]["id"]
        server.request(
            "turn/start",
            {"threadId": thread_id, "input": [{"type": "text", "text": "x", "text_elements": []}]},
        )
        server.notification("turn/completed")
        kinds = [json.loads(line)["payload"].get("type") for line in path.read_text().splitlines()]
        assert kinds[0] == thread_id or kinds[-1] == "task_complete"
        assert "agent_message" in kinds


def test_ephemeral_thread_writes_nothing(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("gone"))
    with serve(codex_bin, isolated_env) as server:
        started = server.request("thread/start", {"experimentalRawEvents": False, "ephemeral": True})[
            "result"
        ]
        assert started["thread"]["path"] is None
        run_turn(server, started["thread"]["id"], "x")
    assert not (codex_home / "sessions").exists()


def test_review_mode_has_its_own_history(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    write_mock_config(codex_home, mock.url)
    review = {
        "findings": [
            {
                "title": "Off-by-one in loop",
                "body": "The loop skips the last element.",
                "confidence_score": 0.8,
                "priority": 1,
                "code_location": {"absolute_file_path": "/w/a.py", "line_range": {"start": 3, "end": 4}},
            }
        ],
        "overall_correctness": "patch is incorrect",
        "overall_explanation": "One bug found.",
        "overall_confidence_score": 0.7,
    }
    mock.enqueue(
        message_response("earlier chat SECRET-CONTEXT"),
        message_response(json.dumps(review)),
        message_response("ok"),
    )
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "hello")
        started = server.request(
            "review/start",
            {"threadId": thread_id, "target": {"type": "custom", "instructions": "check a.py"}},
        )["result"]
        assert started["reviewThreadId"] == thread_id
        turn_id = started["turn"]["id"]
        items: list[dict[str, object]] = []
        while True:
            message = server.wait_for(lambda m: "method" in m and "id" not in m)
            if message["method"] == "item/completed":
                items.append(message["params"]["item"])
            if message["method"] == "turn/completed" and message["params"]["turn"]["id"] == turn_id:
                break
        kinds = [item["type"] for item in items]
        # As the reference: entered, the reviewer's request, exited, then the review as a message.
        assert kinds == ["enteredReviewMode", "userMessage", "exitedReviewMode", "agentMessage"]
        assert started["turn"]["items"][0]["content"][0]["text"] == "check a.py"
        assert "Off-by-one in loop" in str(items[2]["review"]) and items[2]["review"] == items[3]["text"]
        assert items[3]["id"] == "review_rollout_assistant"
        run_turn(server, thread_id, "fix it")
    review_request = json.dumps(mock.requests[1].body)
    assert "check a.py" in review_request and "SECRET-CONTEXT" not in review_request
    assert "Off-by-one in loop" in json.dumps(mock.requests[2].body["input"])


def test_reasoning_effort_is_reported_as_configured_and_requested_with_the_model_default(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    """As the reference: with no configured effort, thread/start and the rollout's turn_context
    say null (turn_context leaves `effort` out) while the request asks for the model's default."""
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("a"), message_response("b"))
    with serve(codex_bin, isolated_env, cwd=tmp_path) as server:
        started = server.request("thread/start", {"model": "gpt-5.2-codex"})["result"]
        assert started["reasoningEffort"] is None
        run_turn(server, started["thread"]["id"], "one")
        configured = server.request(
            "thread/start", {"model": "gpt-5.2-codex", "config": {"model_reasoning_effort": "high"}}
        )["result"]
        assert configured["reasoningEffort"] == "high"
        run_turn(server, configured["thread"]["id"], "two")
    assert [r.body["reasoning"]["effort"] for r in mock.requests] == ["medium", "high"]
    contexts = []
    for thread in (started, configured):
        lines = [json.loads(line) for line in Path(thread["thread"]["path"]).read_text().splitlines()]
        [context] = [line["payload"] for line in lines if line["type"] == "turn_context"]
        contexts.append(
            (context.get("effort"), context["collaboration_mode"]["settings"]["reasoning_effort"])
        )
    assert contexts == [(None, None), ("high", "high")]


def test_a_thread_may_start_in_a_cwd_that_does_not_exist(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    mock.enqueue(message_response("fine"))
    missing = tmp_path / "not-created-yet"
    with serve(codex_bin, isolated_env, cwd=tmp_path) as server:
        started = server.request("thread/start", {"cwd": str(missing)})["result"]
        assert started["cwd"] == str(missing) and started["thread"]["cwd"] == str(missing)
        _, events = run_turn(server, started["thread"]["id"], "hello")
        assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    assert f"<cwd>{missing}</cwd>" in json.dumps(mock.requests[-1].body["input"])
