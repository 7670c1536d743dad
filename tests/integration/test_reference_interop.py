"""Interop with rollouts written by the reference (Codex 0.100.0).

`tests/fixtures/reference_home/` is a small CODEX_HOME recorded from the reference app-server
(driven against the conformance mock model); `tests/fixtures/reference_home_answers/` holds
the reference's own `thread/list` and `thread/read` answers for it. Absolute paths were
replaced by placeholders and long repeated strings by `@@blob:KEY@@` (see `_fixture.json`);
they are put back after copying into a temp dir, and file mtimes are restored so that
`updatedAt` (file mtime) matches the recording. The reference binary is never run here.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import MockModelServer, message_response, reasoning_then_message
from support.appserver import Message, StdioAppServer
from support.turns import model_env, of, run_turn, start_thread, write_mock_config

from codex_core.rollout.reader import ReadStats, iter_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HOME_FIXTURE = FIXTURES / "reference_home"
ANSWERS = FIXTURES / "reference_home_answers"
BLOB = re.compile(r"@@blob:([0-9a-f]{12})@@")
# The reference's envelope: {"timestamp":"2026-11-23T02:01:15.863Z","type":...,"payload":...}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Payload keys the reference writes only when set (ours runs with other settings and no skills).
OPTIONAL_KEYS = {"turn_context": {"personality", "user_instructions", "developer_instructions", "effort"}}


@dataclass
class RefHome:
    root: Path
    home: Path
    codex_home: Path
    workspace: Path
    env: dict[str, str]

    def restore(self, text: str) -> str:
        for token, path in (
            ("<CODEX_HOME>", self.codex_home),
            ("<WORKSPACE>", self.workspace),
            ("<HOME>", self.home),
        ):
            text = text.replace(token, str(path))
        return text

    def answer(self, name: str) -> Any:
        return json.loads(self.restore((ANSWERS / name).read_text()))


@pytest.fixture
def ref_home(tmp_path: Path, mock: MockModelServer) -> RefHome:
    root = tmp_path.resolve()
    home, workspace = root / "home", root / "workspace"
    codex_home = home / ".codex"
    codex_home.mkdir(parents=True)
    workspace.mkdir()
    ref = RefHome(
        root,
        home,
        codex_home,
        workspace,
        {
            "HOME": str(home),
            "CODEX_HOME": str(codex_home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
        },
    )
    meta = json.loads((ANSWERS / "_fixture.json").read_text())
    blobs: dict[str, str] = meta["blobs"]
    for source in sorted(HOME_FIXTURE.rglob("*.jsonl")):
        rel = source.relative_to(HOME_FIXTURE).as_posix()
        text = BLOB.sub(lambda m: blobs[m.group(1)], source.read_text())
        target = codex_home / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(ref.restore(text))
        mtime_ns = int(meta["mtimes"][rel])
        os.utime(target, ns=(mtime_ns, mtime_ns))
    write_mock_config(codex_home, mock.url, extra=f'[projects."{workspace}"]\ntrust_level = "trusted"\n')
    return ref


def serve(ref: RefHome) -> StdioAppServer:
    from support.appserver import codex_executable

    server = StdioAppServer(codex_executable(), model_env(ref.env), cwd=str(ref.workspace))
    server.initialize("pytest")
    return server


def result(response: Message) -> Any:
    assert "result" in response, response
    return response["result"]


# -- thread/list and thread/read answers ---------------------------------------------------------


def test_thread_list_matches_reference(ref_home: RefHome) -> None:
    with serve(ref_home) as server:
        assert result(server.request("thread/list", {})) == ref_home.answer("list_default.json")
        assert result(server.request("thread/list", {"sortKey": "updated_at"})) == ref_home.answer(
            "list_updated_at.json"
        )
        assert result(server.request("thread/list", {"archived": True})) == ref_home.answer(
            "list_archived.json"
        )
        for page in ref_home.answer("list_limit2_walk.json"):
            assert result(server.request("thread/list", page["params"])) == page["result"], page["params"]


def _check_reads(ref: RefHome, names: list[str]) -> None:
    threads: dict[str, str] = ref.answer("threads.json")
    with serve(ref) as server:
        for name in names:
            expected = ref.answer(f"read_{name}.json")
            got = server.request("thread/read", {"threadId": threads[name], "includeTurns": True})
            got.pop("id")
            assert got == expected, name


def test_thread_read_matches_reference(ref_home: RefHome) -> None:
    names = [name for name in ref_home.answer("threads.json") if name != "archived"]
    _check_reads(ref_home, names)


def test_thread_read_of_archived_thread_matches_reference(ref_home: RefHome) -> None:
    _check_reads(ref_home, ["archived"])


# -- resuming a reference thread, then writing to it ---------------------------------------------


def _envelopes(path: Path) -> list[tuple[list[str], dict[str, Any]]]:
    """(top-level key order, parsed line) for each line, parsed with key order preserved."""
    out = []
    for line in path.read_text().splitlines():
        value = json.loads(line)
        out.append((list(value), value))
    return out


def _kind(value: dict[str, Any]) -> str:
    payload = value["payload"]
    sub = payload.get("type") if isinstance(payload, dict) else None
    return f"{value['type']}/{sub}" if sub else str(value["type"])


def test_resume_reference_thread_and_continue_in_its_format(ref_home: RefHome, mock: MockModelServer) -> None:
    thread_id = ref_home.answer("threads.json")["two_turns"]
    path = Path(ref_home.answer("read_two_turns.json")["result"]["thread"]["path"])
    before = _envelopes(path)
    mock.enqueue(message_response("third answer"))
    with serve(ref_home) as server:
        resumed = result(server.request("thread/resume", {"threadId": thread_id}))
        assert [t["items"][0]["content"][0]["text"] for t in resumed["thread"]["turns"]] == [
            "First question. MESSAGE",
            "Second question. MESSAGE",
        ]
        _, events = run_turn(server, thread_id, "Third question.")
        assert of(events, "turn/completed")[-1]["turn"]["status"] == "completed"
        body = json.dumps(mock.requests[-1].body["input"])
        assert "First question. MESSAGE" in body and "Second question. MESSAGE" in body
        # what the reference model saw answered earlier is replayed to ours
        assert "Hello from the mock model." in body
        assert server.close() == 0

    after = _envelopes(path)
    assert after[: len(before)] == before  # appended, never rewritten
    appended = after[len(before) :]
    assert appended, "nothing appended"
    stats = ReadStats()
    records = list(iter_records(path, stats))
    assert stats.invalid == 0 and not stats.torn_tail and not stats.unknown_kinds
    assert len(records) == len(after)

    reference_keys: dict[str, list[str]] = {}
    for _, value in before:
        if isinstance(value["payload"], dict):
            reference_keys.setdefault(_kind(value), list(value["payload"]))
    compared = 0
    for keys, value in appended:
        assert keys == ["timestamp", "type", "payload"]
        assert TIMESTAMP.match(value["timestamp"]), value["timestamp"]
        kind = _kind(value)
        if kind in reference_keys and kind != "session_meta":
            ours, theirs = list(value["payload"]), reference_keys[kind]
            # same relative order; a key may be left out only where the reference omits it
            # too when unset (settings-dependent: personality, user_instructions, ...)
            assert [k for k in theirs if k in ours] == ours, (kind, ours, theirs)
            assert set(theirs) - set(ours) <= OPTIONAL_KEYS.get(kind, set()), (kind, ours, theirs)
            compared += 1
    assert compared >= 5
    # the kinds of line a plain turn writes are the ones the reference wrote for its turns
    assert {_kind(v) for _, v in appended} <= set(reference_keys)

    with serve(ref_home) as server:
        thread = result(server.request("thread/read", {"threadId": thread_id, "includeTurns": True}))[
            "thread"
        ]
        assert len(thread["turns"]) == 3
        assert thread["turns"][2]["items"][-1] == {
            "type": "agentMessage",
            "id": thread["turns"][2]["items"][-1]["id"],
            "text": "third answer",
        }


# -- what we stream equals what we read back ------------------------------------------------------


def _strip_ids(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != "id"}


def test_our_thread_reads_back_as_streamed(ref_home: RefHome, mock: MockModelServer) -> None:
    mock.enqueue(
        message_response("plain answer"),
        reasoning_then_message("Thinking hard.", "after thinking"),
        message_response("last answer"),
    )
    streamed: list[list[dict[str, Any]]] = []
    with serve(ref_home) as server:
        thread_id = start_thread(server)
        for text in ("first", "think please", "third"):
            _, events = run_turn(server, thread_id, text)
            streamed.append([_strip_ids(p["item"]) for p in of(events, "item/completed")])
        live = result(server.request("thread/read", {"threadId": thread_id, "includeTurns": True}))
        assert server.close() == 0
    with serve(ref_home) as server:
        cold = result(server.request("thread/read", {"threadId": thread_id, "includeTurns": True}))
    for answer in (live, cold):
        turns = answer["thread"]["turns"]
        assert [[_strip_ids(i) for i in t["items"]] for t in turns] == streamed
        assert all(t["status"] == "completed" for t in turns)
    assert live["thread"]["turns"] == cold["thread"]["turns"]
