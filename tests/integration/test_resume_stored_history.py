"""A resumed thread whose large items stay on disk still sends the model its whole history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

from codex_core.rollout.stored_history import STORED_MIN_BYTES

BIG_QUESTION = "please keep this: " + "q" * (2 * STORED_MIN_BYTES)
BIG_ANSWER = "kept: " + "a" * (3 * STORED_MIN_BYTES)


@pytest.fixture
def codex_home(isolated_env: dict[str, str], mock: MockModelServer) -> Path:
    home = Path(isolated_env["CODEX_HOME"])
    write_mock_config(home, mock.url)
    return home


def serve(codex_bin: str, env: dict[str, str]) -> StdioAppServer:
    server = StdioAppServer(codex_bin, model_env(env))
    server.initialize("pytest")
    return server


def response_items(codex_home: Path) -> list[dict[str, Any]]:
    (path,) = codex_home.glob("sessions/*/*/*/rollout-*.jsonl")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    return [line["payload"] for line in lines if line["type"] == "response_item"]


def test_resumed_turn_sends_the_stored_items_as_written(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(
        message_response(BIG_ANSWER),
        message_response("short"),
        message_response("after resume"),
        message_response("after rollback"),
    )
    with serve(codex_bin, isolated_env) as server:
        thread_id = start_thread(server)
        run_turn(server, thread_id, BIG_QUESTION)
        run_turn(server, thread_id, "second question")
        assert server.close() == 0
    before = response_items(codex_home)
    assert any(len(json.dumps(item)) > STORED_MIN_BYTES for item in before)
    with serve(codex_bin, isolated_env) as server:
        server.request("thread/resume", {"threadId": thread_id})["result"]
        run_turn(server, thread_id, "third question")
        sent = mock.requests[-1].body["input"]
        # Everything the thread held, in order and unchanged; then its context again and the question.
        assert sent[: len(before)] == before
        assert "third question" in json.dumps(sent[len(before) :])
        # A rollback on the resumed thread drops the last turn and keeps the stored items.
        rolled = server.request("thread/rollback", {"threadId": thread_id, "numTurns": 2})
        assert len(rolled["result"]["thread"]["turns"]) == 1
        run_turn(server, thread_id, "fourth question")
        body = json.dumps(mock.requests[-1].body["input"])
        assert BIG_QUESTION in body and BIG_ANSWER in body
        assert "second question" not in body and "third question" not in body
