"""Threads on disk: read, resume (also after a restart and after kill -9), fork, rollback, names."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from mock_model.server import MockModelServer, message_response, stall
from support.appserver import StdioAppServer
from support.turns import model_env, of, run_turn, start_thread, write_mock_config


@pytest.fixture
def codex_home(isolated_env: dict[str, str], mock: MockModelServer) -> Path:
    home = Path(isolated_env["CODEX_HOME"])
    write_mock_config(home, mock.url)
    return home


def serve(codex_bin: str, env: dict[str, str], *, experimental: bool = False) -> StdioAppServer:
    server = StdioAppServer(codex_bin, model_env(env))
    if experimental:
        server.initialize("pytest", experimentalApi=True)
    else:
        server.initialize("pytest")
    return server


def test_resume_after_restart_continues_the_same_file(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("first answer"), message_response("second answer"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "remember the number 42")
        assert server.close() == 0
    with serve(codex_bin, isolated_env) as server:
        resumed = server.request("thread/resume", {"threadId": thread_id})["result"]
        turns = resumed["thread"]["turns"]
        assert [item["type"] for item in turns[0]["items"]] == ["userMessage", "agentMessage"]
        assert resumed["thread"]["preview"] == "remember the number 42"
        _, events = run_turn(server, thread_id, "what was it?")
        assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
        usage = of(events, "thread/tokenUsage/updated")[-1]["tokenUsage"]
        assert usage["total"]["totalTokens"] == 2 * usage["last"]["totalTokens"]  # totals restored from disk
    second_request = json.dumps(mock.requests[-1].body["input"])
    assert "remember the number 42" in second_request and "first answer" in second_request
    # As the reference: the resumed thread's next turn appends its context again (permissions,
    # environment) after the history it was resumed with.
    assert second_request.count("<permissions instructions>") == 2
    assert second_request.rindex("<permissions instructions>") > second_request.index("first answer")
    files = list(codex_home.glob("sessions/*/*/*/rollout-*.jsonl"))
    assert len(files) == 1
    kinds = [json.loads(line)["type"] for line in files[0].read_text().splitlines()]
    assert kinds.count("session_meta") == 1


def test_resumed_thread_keeps_its_base_instructions(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("one"), message_response("two"), message_response("three"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server, baseInstructions="THE THREAD'S OWN INSTRUCTIONS")
        run_turn(server, thread_id, "hello")
        assert server.close() == 0
    with serve(codex_bin, isolated_env) as server:
        server.request("thread/resume", {"threadId": thread_id})
        run_turn(server, thread_id, "again")
        # A request naming its own instructions still wins, as in the reference.
        forked = server.request("thread/fork", {"threadId": thread_id, "baseInstructions": "FORKED"})
        run_turn(server, forked["result"]["thread"]["id"], "forked turn")
    assert mock.requests[1].body["instructions"] == "THE THREAD'S OWN INSTRUCTIONS"
    assert mock.requests[2].body["instructions"] == "FORKED"


def test_resuming_a_loaded_thread_takes_the_request_settings_and_keeps_its_instructions(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    # As 0.100.0 re-derives a loaded thread's settings on resume (v2 and v1), ours takes the
    # request's model from the next turn on; the thread's own base instructions stay.
    mock.enqueue(message_response("one"), message_response("two"), message_response("three"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server, baseInstructions="THE THREAD'S OWN INSTRUCTIONS")
        run_turn(server, thread_id, "hello")
        resumed = server.request("thread/resume", {"threadId": thread_id, "model": "gpt-5.2-codex"})
        assert resumed["result"]["model"] == "gpt-5.2-codex"
        warning = server.notification("codex/event/warning")["params"]["msg"]["message"]
        assert warning.startswith("This session was recorded with model `") and "`gpt-5.2-codex`" in warning
        run_turn(server, thread_id, "again")
        server.request("resumeConversation", {"conversationId": thread_id, "overrides": {"model": "o3"}})
        run_turn(server, thread_id, "and again")
    assert [r.body["model"] for r in mock.requests[1:3]] == ["gpt-5.2-codex", "o3"]
    assert {r.body["instructions"] for r in mock.requests} == {"THE THREAD'S OWN INSTRUCTIONS"}


def test_read_from_disk_and_unknown_thread(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("stored"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "keep me")
    with serve(codex_bin, isolated_env) as server:
        thread = server.request("thread/read", {"threadId": thread_id, "includeTurns": True})["result"][
            "thread"
        ]
        assert thread["preview"] == "keep me" and len(thread["turns"]) == 1
        missing = "00000000-0000-7000-8000-000000000000"
        error = server.request("thread/read", {"threadId": missing, "includeTurns": False})["error"]
        assert error["message"] == f"thread not loaded: {missing}"
        # As in the reference, `path` (and `history`) are experimental on thread/resume.
        gated = server.request("thread/resume", {"threadId": missing, "path": "/etc/passwd"})["error"]
        assert gated == {"code": -32600, "message": "thread/resume.path requires experimentalApi capability"}
        gated = server.request("thread/fork", {"threadId": missing, "path": "/etc/passwd"})["error"]
        assert gated == {"code": -32600, "message": "thread/fork.path requires experimentalApi capability"}
    with serve(codex_bin, isolated_env, experimental=True) as server:
        escape = server.request("thread/resume", {"threadId": missing, "path": "/etc/passwd"})["error"]
        assert escape["code"] == -32600 and "experimentalApi" not in escape["message"]


def test_fork_copies_history_and_diverges(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("base"), message_response("fork reply"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "base question")
        fork = server.request("thread/fork", {"threadId": thread_id})["result"]["thread"]
        assert fork["id"] != thread_id and len(fork["turns"]) == 1
        run_turn(server, fork["id"], "fork question")
        source = server.request("thread/read", {"threadId": thread_id, "includeTurns": True})["result"][
            "thread"
        ]
        forked = server.request("thread/read", {"threadId": fork["id"], "includeTurns": True})["result"][
            "thread"
        ]
    assert len(source["turns"]) == 1 and len(forked["turns"]) == 2
    lines = [json.loads(line) for line in Path(fork["path"]).read_text().splitlines()]
    metas = [line["payload"] for line in lines if line["type"] == "session_meta"]
    assert (
        metas[0]["id"] == fork["id"]
        and metas[0]["forked_from_id"] == thread_id
        and metas[1]["id"] == thread_id
    )


def test_rollback_and_names(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("one"), message_response("two"), message_response("three"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "turn one")
        run_turn(server, thread_id, "turn two")
        rolled = server.request("thread/rollback", {"threadId": thread_id, "numTurns": 1})["result"]["thread"]
        assert len(rolled["turns"]) == 1
        assert (
            server.request("thread/rollback", {"threadId": thread_id, "numTurns": 0})["error"]["message"]
            == "numTurns must be >= 1"
        )
        run_turn(server, thread_id, "turn three")
        assert "turn two" not in json.dumps(mock.requests[-1].body["input"])
        assert (
            server.request("thread/name/set", {"threadId": thread_id, "name": "  "})["error"]["message"]
            == "thread name must not be empty"
        )
        assert server.request("thread/name/set", {"threadId": thread_id, "name": "Named"})["result"] == {}
        updated = server.notification("thread/name/updated")
        assert updated["params"] == {"threadId": thread_id, "threadName": "Named"}
    index = (codex_home / "session_index.jsonl").read_text().splitlines()
    assert json.loads(index[-1])["thread_name"] == "Named"


def test_kill_9_mid_turn_leaves_a_resumable_rollout(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("completed before the crash"))
    first = message_response("never finished", deltas=3)
    mock.enqueue(stall(after_events=first[:4]))
    server = serve(codex_bin, isolated_env)
    thread_id = start_thread(server)
    run_turn(server, thread_id, "first, completes")
    server.request(
        "turn/start",
        {"threadId": thread_id, "input": [{"type": "text", "text": "second, stalls", "text_elements": []}]},
    )
    server.notification("item/agentMessage/delta")
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=30)
    mock.enqueue(message_response("after the crash"))
    with serve(codex_bin, isolated_env) as revived:
        resumed = revived.request("thread/resume", {"threadId": thread_id})["result"]["thread"]
        first_turn = resumed["turns"][0]
        assert [i.get("text") for i in first_turn["items"] if i["type"] == "agentMessage"] == [
            "completed before the crash"
        ]
        _, events = run_turn(revived, thread_id, "third")
        assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
    path = next(codex_home.glob("sessions/*/*/*/rollout-*.jsonl"))
    for line in path.read_text().splitlines():
        json.loads(line)  # every line parses


def test_v1_resume_and_fork_conversation(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("v1 stored"), message_response("v1 continued"))
    with serve(codex_bin, isolated_env) as server:
        conversation = server.request("newConversation", {})["result"]
        conversation_id = conversation["conversationId"]
        server.request("addConversationListener", {"conversationId": conversation_id})
        server.request(
            "sendUserMessage",
            {"conversationId": conversation_id, "items": [{"type": "text", "data": {"text": "v1 hello"}}]},
        )
        server.notification("codex/event/task_complete")
    with serve(codex_bin, isolated_env) as server:
        resumed = server.request("resumeConversation", {"conversationId": conversation_id})["result"]
        assert resumed["conversationId"] == conversation_id
        kinds = [m["type"] for m in resumed["initialMessages"]]
        assert "user_message" in kinds and "agent_message" in kinds
        forked = server.request("forkConversation", {"conversationId": conversation_id})["result"]
        assert forked["conversationId"] != conversation_id and Path(forked["rolloutPath"]).exists()
        server.request("addConversationListener", {"conversationId": conversation_id})
        server.request(
            "sendUserMessage",
            {"conversationId": conversation_id, "items": [{"type": "text", "data": {"text": "again"}}]},
        )
        done = server.notification("codex/event/task_complete")
        assert done["params"]["msg"]["last_agent_message"] == "v1 continued"
        missing = server.request("resumeConversation", {"path": str(codex_home.parent / "elsewhere.jsonl")})
        assert missing["error"]["code"] == -32600


def test_v1_conversation_summary(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("summarised"))
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, "summary please")
        by_id = server.request("getConversationSummary", {"conversationId": thread_id})["result"]["summary"]
        assert by_id["conversationId"] == thread_id and by_id["preview"] == "summary please"
        by_path = server.request("getConversationSummary", {"rolloutPath": by_id["path"]})["result"][
            "summary"
        ]
        assert by_path == by_id
        outside = server.request("getConversationSummary", {"rolloutPath": "/etc/hosts"})
        assert outside["error"]["code"] == -32600


HISTORY = [
    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hello there"}]},
    {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "hi!"}]},
]


def test_resume_from_history_starts_a_new_thread(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    """thread/resume `history` (experimental) and v1 resumeConversation `history`: a new thread
    whose rollout holds, at once, the given items and then its own initial context."""
    other = "00000000-0000-7000-8000-000000000000"
    with serve(codex_bin, isolated_env) as server:
        empty = server.request("thread/resume", {"threadId": other, "history": []})["error"]
        assert empty == {"code": -32600, "message": "history must not be empty"}  # checked before the gate
        gated = server.request("thread/resume", {"threadId": other, "history": HISTORY})["error"]
        assert gated["message"] == "thread/resume.history requires experimentalApi capability"
        v1 = server.request("resumeConversation", {"history": HISTORY})["result"]
        assert v1["initialMessages"] == [] and v1["conversationId"] != other
        assert server.request("resumeConversation", {"history": []})["error"]["message"] == (
            "either path, conversation id or non empty history must be provided"
        )
    with serve(codex_bin, isolated_env, experimental=True) as server:
        resumed = server.request("thread/resume", {"threadId": other, "history": HISTORY})["result"]
        thread = resumed["thread"]
        assert thread["id"] != other and thread["preview"] == "hello there" and thread["turns"] == []
        loaded = server.request("thread/loaded/list", {})["result"]["data"]
        assert thread["id"] in loaded
        mock.enqueue(message_response("continuing"))
        run_turn(server, thread["id"], "and now?")
    for path in (Path(v1["rolloutPath"]), Path(thread["path"])):
        lines = [json.loads(line) for line in path.read_text().splitlines()]
        assert lines[0]["type"] == "session_meta"
        assert [line["payload"] for line in lines[1:3]] == HISTORY
        assert lines[3]["payload"]["role"] == "developer"  # then the thread's own initial context
        assert "<permissions instructions>" in lines[3]["payload"]["content"][0]["text"]
    body = json.dumps(mock.requests[-1].body["input"])
    assert body.index("hello there") < body.index("<permissions instructions>") < body.index("and now?")
    assert body.count("<permissions instructions>") == 1
