"""thread/list, thread/archive, thread/unarchive, listConversations, archiveConversation end to end."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config
from unit.rollout_index.rollouts import thread_uuid, write_rollout

from codex_core.rollout import archive

BASE = datetime(2026, 2, 1, 9, 30, 0, tzinfo=UTC)


@pytest.fixture
def codex_home(isolated_env: dict[str, str], mock: MockModelServer) -> Path:
    home = Path(isolated_env["CODEX_HOME"])
    write_mock_config(home, mock.url)
    return home


@pytest.fixture
def server(codex_bin: str, isolated_env: dict[str, str], codex_home: Path) -> Iterator[StdioAppServer]:
    with StdioAppServer(codex_bin, model_env(isolated_env)) as srv:
        srv.initialize("pytest")
        yield srv


def result(server: StdioAppServer, method: str, params: Any) -> Any:
    response = server.request(method, params)
    assert "result" in response, response
    return response["result"]


def error(server: StdioAppServer, method: str, params: Any) -> dict[str, Any]:
    response = server.request(method, params)
    assert "error" in response, response
    return dict(response["error"])


def populate(home: Path, count: int) -> list[str]:
    made = []
    for n in range(count):
        created = BASE - timedelta(minutes=7 * n)
        tid = thread_uuid(created, n)
        write_rollout(home, created, tid, preview=f"message {n}")
        made.append(tid)
    return made  # newest first


def on_disk(home: Path, tid: str) -> list[Path]:
    return sorted(p for p in home.rglob(f"rollout-*{tid}.jsonl"))


def test_list_pages_limits_and_bad_cursor(server: StdioAppServer, codex_home: Path) -> None:
    made = populate(codex_home, 130)
    first = result(server, "thread/list", {})
    assert [t["id"] for t in first["data"]] == made[:25]  # default page 25
    thread = first["data"][0]
    assert thread["preview"] == "message 0" and thread["turns"] == [] and thread["source"] == "vscode"
    assert thread["path"] == str(on_disk(codex_home, made[0])[0])
    assert thread["createdAt"] == int(BASE.timestamp()) and thread["modelProvider"] == "mock"
    assert set(thread) == {
        "id",
        "preview",
        "modelProvider",
        "createdAt",
        "updatedAt",
        "path",
        "cwd",
        "cliVersion",
        "source",
        "gitInfo",
        "turns",
    }
    assert len(result(server, "thread/list", {"limit": 0})["data"]) == 1
    assert len(result(server, "thread/list", {"limit": 1000})["data"]) == 100
    seen: list[str] = []
    cursor = None
    while True:
        page = result(server, "thread/list", {"limit": 40, "cursor": cursor, "sortKey": "updated_at"})
        seen += [t["id"] for t in page["data"]]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == 130
    # a cursor in the reference's file-stamp form works too
    stamp = f"{BASE - timedelta(minutes=7 * 2):%Y-%m-%dT%H-%M-%S}|{made[2]}"
    assert [t["id"] for t in result(server, "thread/list", {"limit": 2, "cursor": stamp})["data"]] == made[
        3:5
    ]
    bad = error(server, "thread/list", {"cursor": "garbage"})
    assert bad == {"code": -32600, "message": "invalid cursor: garbage"}
    # modelProviders omitted -> the configured provider; [] -> all
    other = thread_uuid(BASE + timedelta(hours=1), 999)
    write_rollout(codex_home, BASE + timedelta(hours=1), other, provider="openai")
    assert result(server, "thread/list", {"limit": 1})["data"][0]["id"] == made[0]
    assert result(server, "thread/list", {"limit": 1, "modelProviders": []})["data"][0]["id"] == other
    assert result(server, "thread/list", {"modelProviders": ["openai"]})["data"][0]["id"] == other


def test_archive_and_unarchive_round_trip(server: StdioAppServer, codex_home: Path) -> None:
    made = populate(codex_home, 3)
    target = made[1]
    original = on_disk(codex_home, target)[0]
    assert result(server, "thread/archive", {"threadId": target}) == {}
    assert on_disk(codex_home, target) == [codex_home / "archived_sessions" / original.name]
    assert target not in [t["id"] for t in result(server, "thread/list", {})["data"]]
    archived = result(server, "thread/list", {"archived": True})["data"]
    assert [t["id"] for t in archived] == [target]
    assert archived[0]["path"] == str(codex_home / "archived_sessions" / original.name)
    # archiving twice / unarchiving a live thread: clear errors, nothing moves
    # By id, v1 finds live threads only (as the reference).
    summary = error(server, "getConversationSummary", {"conversationId": target})
    assert summary == {"code": -32600, "message": f"no rollout found for conversation id {target}"}
    again = error(server, "thread/archive", {"threadId": target})
    assert again["code"] == -32600 and target in again["message"]
    live = error(server, "thread/unarchive", {"threadId": made[0]})
    assert live["code"] == -32600 and "no archived rollout" in live["message"]
    restored = result(server, "thread/unarchive", {"threadId": target})["thread"]
    assert (
        restored["id"] == target and restored["path"] == str(original) and restored["preview"] == "message 1"
    )
    assert on_disk(codex_home, target) == [original]
    assert [t["id"] for t in result(server, "thread/list", {})["data"]] == made
    # Unarchiving touches the file; updated_at counts whole seconds (as the reference), so the
    # others are made a minute older to keep the order independent of the clock.
    for other in made:
        if other != target:
            for path in on_disk(codex_home, other):
                os.utime(path, (time.time() - 60, time.time() - 60))
    assert result(server, "thread/list", {"sortKey": "updated_at", "limit": 1})["data"][0]["id"] == target


def test_bad_ids_and_refused_moves_change_nothing(server: StdioAppServer, codex_home: Path) -> None:
    made = populate(codex_home, 2)
    before = sorted(p for p in codex_home.rglob("*.jsonl"))
    bad = error(server, "thread/archive", {"threadId": "not-a-uuid"})
    assert bad["code"] == -32600 and bad["message"].startswith("invalid thread id")
    unknown = "01a205b5-0000-7000-8000-000000000000"
    missing = error(server, "thread/archive", {"threadId": unknown})
    assert missing == {"code": -32600, "message": f"no rollout found for thread id {unknown}"}
    assert error(server, "thread/unarchive", {"threadId": unknown})["code"] == -32600
    # destination already taken: refuse rather than overwrite
    src = on_disk(codex_home, made[0])[0]
    (codex_home / "archived_sessions").mkdir()
    (codex_home / "archived_sessions" / src.name).write_text("someone else's copy\n")
    clash = error(server, "thread/archive", {"threadId": made[0]})
    assert clash["code"] == -32600 and "already exists" in clash["message"]
    assert (
        src.exists() and (codex_home / "archived_sessions" / src.name).read_text() == "someone else's copy\n"
    )
    (codex_home / "archived_sessions" / src.name).unlink()
    # v1: the path must be inside sessions/ and match the id
    outside = codex_home / "elsewhere.jsonl"
    outside.write_text("{}\n")
    v1 = error(server, "archiveConversation", {"conversationId": made[0], "rolloutPath": str(outside)})
    assert v1["code"] == -32600 and "must be in sessions directory" in v1["message"]
    other = on_disk(codex_home, made[1])[0]
    v1 = error(server, "archiveConversation", {"conversationId": made[0], "rolloutPath": str(other)})
    assert v1["code"] == -32600 and "does not match" in v1["message"]
    after = sorted(p for p in codex_home.rglob("*.jsonl"))
    assert after == sorted([*before, outside])


def test_v1_list_and_archive(server: StdioAppServer, codex_home: Path) -> None:
    made = populate(codex_home, 3)
    git = {"commit_hash": "abc123", "branch": "main", "repository_url": "https://example.com/r.git"}
    tid = thread_uuid(BASE + timedelta(days=1), 50)
    write_rollout(codex_home, BASE + timedelta(days=1), tid, git=git, preview="with git")
    page = result(server, "listConversations", {"pageSize": 2})
    first = page["items"][0]
    assert [i["conversationId"] for i in page["items"]] == [tid, made[0]] and page["nextCursor"]
    assert first["gitInfo"] == {"sha": "abc123", "branch": "main", "origin_url": "https://example.com/r.git"}
    assert first["timestamp"] == "2026-02-02T09:30:00.000Z" and first["updatedAt"].endswith("Z")
    assert first["source"] == "vscode" and first["preview"] == "with git" and first["modelProvider"] == "mock"
    rest = result(server, "listConversations", {"pageSize": 10, "cursor": page["nextCursor"]})
    assert [i["conversationId"] for i in rest["items"]] == made[1:] and rest["nextCursor"] is None
    path = first["path"]
    assert result(server, "archiveConversation", {"conversationId": tid, "rolloutPath": path}) == {}
    assert on_disk(codex_home, tid) == [codex_home / "archived_sessions" / Path(path).name]


def test_v1_list_is_most_recently_updated_first(server: StdioAppServer, codex_home: Path) -> None:
    # The reference's listConversations orders by last update (the file's mtime), not creation.
    made = populate(codex_home, 3)  # newest created first
    for age, tid in enumerate(reversed(made)):  # ... but the oldest was used most recently
        (path,) = on_disk(codex_home, tid)
        stamp = (BASE + timedelta(days=2) - timedelta(minutes=age)).timestamp()
        os.utime(path, (stamp, stamp))
    page = result(server, "listConversations", {"pageSize": 2})
    assert [i["conversationId"] for i in page["items"]] == [made[2], made[1]]
    assert page["nextCursor"] == f"{page['items'][1]['updatedAt']}|{made[1]}"
    rest = result(server, "listConversations", {"pageSize": 2, "cursor": page["nextCursor"]})
    assert [i["conversationId"] for i in rest["items"]] == [made[0]] and rest["nextCursor"] is None


def test_loaded_thread_is_shut_down_then_archived(
    server: StdioAppServer, codex_home: Path, mock: MockModelServer
) -> None:
    mock.enqueue(message_response("hi"))
    tid = start_thread(server)
    run_turn(server, tid, "first words")
    listed = result(server, "thread/list", {})["data"]
    assert [t["id"] for t in listed] == [tid] and listed[0]["preview"] == "first words"
    assert result(server, "thread/archive", {"threadId": tid}) == {}
    files = on_disk(codex_home, tid)
    assert len(files) == 1 and files[0].parent.name == "archived_sessions"
    assert tid not in result(server, "thread/loaded/list", {})["data"]
    assert result(server, "thread/list", {"archived": True})["data"][0]["preview"] == "first words"


def test_crash_between_steps_never_two_copies_never_zero(
    codex_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The move is mkdir + one rename: a crash before the rename leaves the source, after it the
    destination; the index (a cache) is fixed up by the next refresh either way."""
    from codex_core.rollout.index import ListQuery, ThreadIndex

    tid = thread_uuid(BASE, 1)
    src = write_rollout(codex_home, BASE, tid)
    dest = codex_home / "archived_sessions" / src.name
    index = ThreadIndex(codex_home, full_rescan_interval=3600)
    assert [t.id for t in index.list_page(ListQuery(limit=5)).items] == [tid]

    def crash(*_: object) -> None:
        raise KeyboardInterrupt("power cut")

    monkeypatch.setattr(archive, "rename_no_replace", crash)
    with pytest.raises(KeyboardInterrupt):
        archive.move_rollout(src, dest)  # crashed after mkdir, before rename
    monkeypatch.undo()
    assert on_disk(codex_home, tid) == [src] and dest.parent.is_dir()
    archive.move_rollout(src, dest)  # the rename happened; the crash is before re-indexing
    assert on_disk(codex_home, tid) == [dest]
    assert index.list_page(ListQuery(limit=5)).items == []
    assert [t.id for t in index.list_page(ListQuery(limit=5, archived=True)).items] == [tid]
    # a destination that appeared meanwhile is never overwritten
    back = src
    back.write_text("a stray copy\n")
    with pytest.raises(archive.MoveRefused):
        archive.move_rollout(dest, back)
    assert dest.exists() and back.read_text() == "a stray copy\n"
    assert os.path.getsize(dest) > 0


def test_updated_at_cursor_names_whole_seconds(server: StdioAppServer, codex_home: Path) -> None:
    made = populate(codex_home, 3)
    page = result(server, "thread/list", {"sortKey": "updated_at", "limit": 2})
    stamp, _, last_id = page["nextCursor"].partition("|")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", stamp) and last_id == page["data"][-1]["id"]
    rest = result(server, "thread/list", {"sortKey": "updated_at", "cursor": page["nextCursor"]})["data"]
    assert sorted(t["id"] for t in page["data"] + rest) == sorted(made)
    # A cursor from an older build, with milliseconds, is still accepted.
    older = result(
        server, "thread/list", {"sortKey": "updated_at", "cursor": stamp[:-1] + ".250Z|" + last_id}
    )
    assert "data" in older
