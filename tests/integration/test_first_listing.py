"""A fresh app-server's first thread/list, answered before the rest of the server loads
(app_server/fast_start.py), gives exactly what the dispatcher gives, and sees other writers."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from support.appserver import StdioAppServer
from unit.rollout_index.rollouts import thread_uuid, write_rollout

BASE = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
INITIALIZE = {"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "ide", "version": "1"}}}
LANE_LOG = "before the rest of the server loaded"

# Params the first listing of a client may carry; each is answered by the lane (plain), by the
# dispatcher's plain route, and by the params model (an extra key the model ignores).
PARAMS: list[dict[str, Any]] = [
    {},
    {"limit": 3},
    {"limit": 2, "sortKey": "updated_at"},
    {"limit": 0, "sortKey": "created_at", "archived": False},
    {"modelProviders": []},
    {"modelProviders": ["other"], "limit": 500},
    {"sourceKinds": ["cli", "subAgent", "exec"]},
    {"archived": True},
    {"cursor": None, "limit": None, "sortKey": None, "modelProviders": None, "sourceKinds": None},
    {"cursor": "2026-03-01T07:30:00Z", "limit": 2},
    {"cursor": "not a cursor"},
]


@pytest.fixture
def home(isolated_env: dict[str, str]) -> Path:
    codex_home = Path(isolated_env["CODEX_HOME"])
    (codex_home / "config.toml").write_text(
        'model_provider = "mock"\n\n[model_providers.mock]\nname = "mock"\n'
    )
    for n in range(8):
        created = BASE - timedelta(minutes=9 * n)
        write_rollout(
            codex_home,
            created,
            thread_uuid(created, n),
            preview=["plain", "déjà vu ✓", 'quote " and \\ slash', "tab\tnew\nline \x01", "😀 emoji"][n % 5],
            provider=[None, "mock", "other"][n % 3],
            source=["vscode", "cli", "exec", {"subagent": "review"}][n % 4],
            git={"commit_hash": "abc", "branch": "main", "repository_url": "https://x/y"} if n % 2 else None,
            archived=n == 7,
            mtime=(BASE - timedelta(minutes=n * n)).timestamp(),
        )
    with (codex_home / "session_index.jsonl").open("w") as names:
        names.write(
            json.dumps({"id": thread_uuid(BASE, 0), "thread_name": "named ✓", "updated_at": "x"}) + "\n"
        )
    return codex_home


def first_answer(
    codex_bin: str, env: dict[str, str], params: dict[str, Any], before: list[Any]
) -> tuple[bytes, bool]:
    """The raw answer line to a thread/list sent right after initialize (after `before`), and
    whether the pre-loop lane answered it."""
    debug_env = {**env, "RUST_LOG": "codex_app_server=debug"}
    with StdioAppServer(codex_bin, debug_env) as server:
        lines = [
            INITIALIZE,
            {"method": "initialized"},
            *before,
            {"id": 7, "method": "thread/list", "params": params},
        ]
        server.send_raw(b"".join(json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines))
        server.response(7)
        assert server.close() == 0
    answer = next(line for line in server.raw_lines if json.loads(line).get("id") == 7)
    return answer, any(LANE_LOG in line for line in server.stderr_lines)


def test_first_listing_is_the_dispatchers_answer_byte_for_byte(
    codex_bin: str, isolated_env: dict[str, str], home: Path
) -> None:
    not_plain = {"id": 2, "method": "no/such/method"}  # the lane stops at anything it does not answer
    for params in PARAMS:
        lane, by_lane = first_answer(codex_bin, isolated_env, params, [])
        plain, plain_by_lane = first_answer(codex_bin, isolated_env, params, [not_plain])
        model, model_by_lane = first_answer(codex_bin, isolated_env, {**params, "unknownKey": 1}, [not_plain])
        assert by_lane and not plain_by_lane and not model_by_lane, params
        assert lane == plain == model, params
    # And the answers are what they should be, not just alike.
    answer = json.loads(first_answer(codex_bin, isolated_env, {"limit": 3}, [])[0])["result"]
    # (the "other" provider's thread and the review sub-agent's are not listed by default)
    assert [t["preview"] for t in answer["data"]] == ["plain", "déjà vu ✓", "😀 emoji"]
    assert answer["data"][0]["modelProvider"] == "mock" and answer["data"][1]["gitInfo"]["branch"] == "main"
    error = json.loads(first_answer(codex_bin, isolated_env, {"cursor": "not a cursor"}, [])[0])["error"]
    assert error == {"code": -32600, "message": "invalid cursor: not a cursor"}


def test_params_the_model_refuses_take_the_full_path(
    codex_bin: str, isolated_env: dict[str, str], home: Path
) -> None:
    for params in (
        {"limit": -1},
        {"limit": "3"},
        {"sortKey": "name"},
        {"sourceKinds": ["nope"]},
        {"archived": 1},
    ):
        answer, by_lane = first_answer(codex_bin, isolated_env, params, [])
        assert not by_lane and "error" in json.loads(answer), params


def test_first_listing_sees_what_another_process_changed(
    codex_bin: str, isolated_env: dict[str, str], home: Path
) -> None:
    before = json.loads(first_answer(codex_bin, isolated_env, {"limit": 100}, [])[0])["result"]["data"]
    # Another writer (the reference, another window) adds a thread and removes one in between.
    created = BASE + timedelta(hours=1)
    added = thread_uuid(created, 99)
    write_rollout(home, created, added, preview="made elsewhere")
    removed = before[-1]
    os.unlink(removed["path"])
    answer, by_lane = first_answer(codex_bin, isolated_env, {"limit": 100}, [])
    after = json.loads(answer)["result"]["data"]
    assert by_lane
    assert after[0]["id"] == added and after[0]["preview"] == "made elsewhere"
    assert removed["id"] not in [t["id"] for t in after]
    assert [t["id"] for t in after[1:]] == [t["id"] for t in before[:-1]]


def test_a_config_warning_comes_first_and_the_full_server_answers(
    codex_bin: str, isolated_env: dict[str, str], home: Path
) -> None:
    (home / "config.toml").write_text("model_provider = [broken\n")
    with StdioAppServer(codex_bin, {**isolated_env, "RUST_LOG": "codex_app_server=debug"}) as server:
        lines = [INITIALIZE, {"method": "initialized"}, {"id": 7, "method": "thread/list", "params": {}}]
        server.send_raw(b"".join(json.dumps(line).encode() + b"\n" for line in lines))
        server.response(7)
        assert server.close() == 0
    kinds = [json.loads(line).get("method") or json.loads(line).get("id") for line in server.raw_lines]
    assert kinds == [1, "configWarning", 7]
    assert not any(LANE_LOG in line for line in server.stderr_lines)


def test_a_first_request_of_another_kind_is_served_by_the_full_server(
    codex_bin: str, isolated_env: dict[str, str], home: Path
) -> None:
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.send_raw(json.dumps(INITIALIZE).encode() + b"\n")
        server.response(1)
        # A first request the lane does not answer goes to the full server, with all that follows.
        assert "result" in server.request("model/list", {})
        assert len(server.request("thread/list", {"limit": 2})["result"]["data"]) == 2
        assert server.close() == 0
