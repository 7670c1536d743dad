from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from codex_core.rollout.index import (
    INDEX_FILE_NAME,
    Cursor,
    InvalidCursor,
    ListQuery,
    ThreadIndex,
    expand_source_kinds,
    format_cursor,
    parse_cursor,
    source_kind,
)
from codex_core.rollout.session_index import append_thread_name
from unit.rollout_index.rollouts import thread_uuid, write_rollout

BASE = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "codex_home"
    path.mkdir()
    return path


def ids(index: ThreadIndex, **kw: object) -> list[str]:
    return [t.id for t in index.list_page(ListQuery(limit=100, **kw)).items]  # type: ignore[arg-type]


def walk(index: ThreadIndex, limit: int, **kw: object) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        page = index.list_page(ListQuery(limit=limit, cursor=cursor, **kw))  # type: ignore[arg-type]
        seen += [t.id for t in page.items]
        if page.next_cursor is None:
            return seen
        cursor = parse_cursor(page.next_cursor)


def test_created_order_newest_first_ties_by_uuid(home: Path) -> None:
    same_second = [thread_uuid(BASE, n) for n in range(4)]
    for tid in same_second:
        write_rollout(home, BASE, tid)
    older = thread_uuid(BASE - timedelta(days=40), 9)
    newer = thread_uuid(BASE + timedelta(hours=1), 10)
    write_rollout(home, BASE - timedelta(days=40), older)
    write_rollout(home, BASE + timedelta(hours=1), newer)
    assert ids(ThreadIndex(home)) == [newer, *sorted(same_second, reverse=True), older]


def test_updated_order_follows_mtime(home: Path) -> None:
    a, b, c = (thread_uuid(BASE + timedelta(minutes=n), n) for n in range(3))
    now = time.time()
    write_rollout(home, BASE, a, mtime=now - 10)
    write_rollout(home, BASE + timedelta(minutes=1), b, mtime=now - 300)
    write_rollout(home, BASE + timedelta(minutes=2), c, mtime=now - 100)
    index = ThreadIndex(home)
    assert ids(index, sort_key="updated_at") == [a, c, b]
    assert ids(index) == [c, b, a]


def test_only_threads_with_meta_and_a_user_message_are_listed(home: Path) -> None:
    good = thread_uuid(BASE, 1)
    write_rollout(home, BASE, good)
    write_rollout(home, BASE, thread_uuid(BASE, 2), preview=None)
    write_rollout(home, BASE, thread_uuid(BASE, 3), meta=False)
    (home / "sessions/2026/03/01/notes.txt").write_text("x")
    (home / "sessions/2026/03/01/rollout-garbage.jsonl").write_text("{")
    (home / f"sessions/rollout-2026-03-01T12-00-00-{thread_uuid(BASE, 4)}.jsonl").write_text("")
    items = ThreadIndex(home).list_page(ListQuery(limit=10)).items
    assert [t.id for t in items] == [good]
    assert items[0].preview == "hello"


def test_filters_providers_and_sources(home: Path) -> None:
    mock = thread_uuid(BASE, 1)
    openai = thread_uuid(BASE, 2)
    unset = thread_uuid(BASE, 3)
    exec_ = thread_uuid(BASE, 4)
    review = thread_uuid(BASE, 5)
    cli = thread_uuid(BASE, 6)
    mcp = thread_uuid(BASE, 7)
    write_rollout(home, BASE, mock, provider="mock")
    write_rollout(home, BASE, openai, provider="openai")
    write_rollout(home, BASE, unset, provider=None)
    write_rollout(home, BASE, exec_, source="exec")
    write_rollout(home, BASE, review, source={"subagent": "review"})
    write_rollout(home, BASE, cli, source="cli")
    write_rollout(home, BASE, mcp, source="mcp")
    index = ThreadIndex(home)
    assert set(ids(index)) == {mock, openai, unset, cli}  # interactive only by default
    assert set(ids(index, model_providers=["mock"])) == {mock, cli}
    # a thread without a recorded provider counts as the configured default
    assert set(ids(index, model_providers=["openai"], default_provider="openai")) == {openai, unset}
    assert set(ids(index, model_providers=["openai"], default_provider="mock")) == {openai}
    assert ids(index, source_kinds=expand_source_kinds(["exec"])) == [exec_]
    assert ids(index, source_kinds=expand_source_kinds(["subAgent"])) == [review]
    assert ids(index, source_kinds=expand_source_kinds(["appServer"])) == [mcp]
    assert set(ids(index, source_kinds=expand_source_kinds(["cli"]))) == {cli}


def test_source_kinds() -> None:
    assert source_kind("vscode") == "vscode"
    assert source_kind(None) == "vscode"
    assert source_kind("mcp") == "appServer"
    assert source_kind({"subagent": "compact"}) == "subAgentCompact"
    assert (
        source_kind({"subagent": {"thread_spawn": {"parent_thread_id": "x", "depth": 1}}})
        == "subAgentThreadSpawn"
    )
    assert source_kind({"subagent": {"other": "x"}}) == "subAgentOther"
    assert source_kind("weird") == "unknown"
    assert expand_source_kinds([]) == {"cli", "vscode"}


@pytest.mark.parametrize("sort_key", ["created_at", "updated_at"])
def test_cursor_walk_returns_every_thread_once(home: Path, sort_key: str) -> None:
    expected = []
    now = time.time()
    for n in range(230):
        created = BASE - timedelta(hours=n // 3)  # three threads per second-stamp: ties
        tid = thread_uuid(created, n)
        # mtimes collide in pairs too, so the updated_at walk needs the id tie-break
        write_rollout(home, created, tid, mtime=now - 1000 - (n // 2))
        expected.append(tid)
    index = ThreadIndex(home)
    for limit in (1, 7, 100):
        got = walk(index, limit, sort_key=sort_key)
        assert len(got) == len(set(got)) == 230
        assert set(got) == set(expected)
        assert got == ids_all(index, sort_key)


def ids_all(index: ThreadIndex, sort_key: str) -> list[str]:
    return [t.id for t in index.list_page(ListQuery(limit=10_000, sort_key=sort_key)).items]  # type: ignore[arg-type]


def test_cursor_formats() -> None:
    tid = "01a205b5-e16d-7000-a505-707acdd05e71"
    ours = format_cursor(int(datetime(2026, 11, 23, 0, 2, 15, tzinfo=UTC).timestamp()) * 1000, tid)
    assert ours == f"2026-11-23T00:02:15Z|{tid}"
    assert parse_cursor(ours) == parse_cursor(f"2026-11-23T00-02-15|{tid}")  # file-stamp form
    assert parse_cursor("2026-11-23T00:02:15.250Z|" + tid).ts_ms % 1000 == 250
    assert format_cursor(1_700_000_000_250, tid).startswith("2023-11-14T22:13:20.25Z|")
    assert parse_cursor("2026-11-23T00:02:15Z") == Cursor(parse_cursor(ours).ts_ms, None)
    for bad in ("garbage", "2026-11-23T00:02:15Z|nope", "|" + tid, ""):
        with pytest.raises(InvalidCursor):
            parse_cursor(bad)


def test_limit_zero_is_one(home: Path) -> None:
    for n in range(3):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    page = ThreadIndex(home).list_page(ListQuery(limit=0))
    assert len(page.items) == 1 and page.next_cursor is not None


def test_last_page_has_no_cursor(home: Path) -> None:
    for n in range(4):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    index = ThreadIndex(home)
    assert index.list_page(ListQuery(limit=4)).next_cursor is None
    assert index.list_page(ListQuery(limit=3)).next_cursor is not None


def test_sees_files_added_removed_and_changed_by_another_process(home: Path) -> None:
    first = thread_uuid(BASE, 1)
    write_rollout(home, BASE, first)
    index = ThreadIndex(home, full_rescan_interval=3600)
    assert ids(index) == [first]
    # added (a new day folder, and a second file in an existing one)
    later = BASE + timedelta(days=3)
    second, third = thread_uuid(later, 2), thread_uuid(BASE, 3)
    write_rollout(home, later, second)
    write_rollout(home, BASE, third)
    assert ids(index) == [second, *sorted([first, third], reverse=True)]
    # removed
    next((home / "sessions").rglob(f"*{first}.jsonl")).unlink()
    assert first not in ids(index)
    # changed: a thread gains its first user message (a live file: re-checked every call)
    pending = thread_uuid(BASE, 4)
    path = write_rollout(home, BASE, pending, preview=None)
    assert pending not in ids(index)
    write_rollout(home, BASE, pending, preview="now with a message")
    assert path.exists()
    assert pending in ids(index)
    assert index.stats["full_rescans"] == 1


def test_appends_to_old_files_show_after_a_full_rescan(home: Path) -> None:
    now = time.time()
    old, other = thread_uuid(BASE, 1), thread_uuid(BASE, 2)
    old_path = write_rollout(home, BASE, old, mtime=now - 86_400 * 30)
    write_rollout(home, BASE, other, mtime=now - 86_400 * 20)
    for folder in (old_path.parent, old_path.parent.parent, old_path.parent.parent.parent):
        os.utime(folder, (now - 86_400 * 20, now - 86_400 * 20))
    clock = [0.0]
    index = ThreadIndex(home, full_rescan_interval=2.0, clock=lambda: clock[0])
    assert ids(index, sort_key="updated_at") == [other, old]
    with old_path.open("ab") as handle:  # another process resumes the old thread: folder untouched
        handle.write(
            b'{"timestamp":"x","type":"event_msg","payload":{"type":"agent_message","message":"hi"}}\n'
        )
    os.utime(old_path, (now - 86_400 * 25, now - 86_400 * 25))  # still old, but a different mtime
    clock[0] = 2.5
    assert ids(index, sort_key="updated_at") == [other, old]
    os.utime(old_path)  # now: most recently updated
    clock[0] = 5.0
    assert ids(index, sort_key="updated_at") == [old, other]


def test_index_survives_restart_without_rereading(home: Path) -> None:
    for n in range(5):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    first = ThreadIndex(home)
    assert len(ids(first)) == 5
    first.close()
    second = ThreadIndex(home)
    assert len(ids(second)) == 5
    assert second.stats["heads_read"] == 0 and second.stats["rebuilds"] == 0


@pytest.mark.parametrize("damage", ["garbage", "truncate", "version", "foreign"])
def test_corrupt_or_foreign_index_is_rebuilt(home: Path, damage: str) -> None:
    for n in range(5):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    index = ThreadIndex(home)
    assert len(ids(index)) == 5
    index.close()
    db = home / INDEX_FILE_NAME
    with sqlite3.connect(db) as conn:  # fold the WAL in so the damage hits real pages
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    if damage == "garbage":
        db.write_bytes(b"this is not a database" * 100)
    elif damage == "truncate":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2] + b"\x00" * 512)
    elif damage == "version":
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA user_version = 99")
    else:
        db.unlink()
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE something_else (x)")
    again = ThreadIndex(home)
    assert len(ids(again)) == 5
    assert again.stats["rebuilds"] == 1


def test_missing_index_is_rebuilt_while_running(home: Path) -> None:
    write_rollout(home, BASE, thread_uuid(BASE, 1))
    index = ThreadIndex(home)
    assert len(ids(index)) == 1
    index.close()
    (home / INDEX_FILE_NAME).unlink()
    assert len(ids(index)) == 1


def test_archived_listing_and_names(home: Path) -> None:
    live, gone = thread_uuid(BASE, 1), thread_uuid(BASE, 2)
    write_rollout(home, BASE, live)
    write_rollout(home, BASE, gone, archived=True)
    append_thread_name(home, live, "first name")
    append_thread_name(home, live, "renamed")
    index = ThreadIndex(home)
    assert ids(index) == [live]
    assert ids(index, archived=True) == [gone]
    assert index.list_page(ListQuery(limit=5)).items[0].name == "renamed"
    append_thread_name(home, live, "third")
    assert index.list_page(ListQuery(limit=5)).items[0].name == "third"
    found = index.find(gone, archived=True)
    assert found is not None and found.path.endswith(f"archived_sessions/{Path(found.path).name}")
    assert index.find(gone, archived=False) is None


def test_wire_fields(home: Path) -> None:
    tid = thread_uuid(BASE, 1)
    git = {"commit_hash": "abc", "branch": "main", "repository_url": "https://x/y.git"}
    write_rollout(home, BASE, tid, git=git, cwd="/w", preview="line one\nline two")
    item = ThreadIndex(home).list_page(ListQuery(limit=1)).items[0]
    assert (item.git_sha, item.git_branch, item.git_origin_url) == ("abc", "main", "https://x/y.git")
    assert item.cwd == "/w" and item.preview == "line one\nline two" and item.cli_version == "0.100.0"
    assert item.created_at == int(BASE.timestamp())
    assert item.source == "vscode" and item.model_provider == "mock"


def _until(condition: object, timeout: float = 20.0) -> None:
    """Wait for a condition (a background rescan to land), never for a fixed time."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_fresh_process_serves_from_the_index_on_disk_and_sees_other_writers(home: Path) -> None:
    """The first call of a new process (background mode, as the app-server runs it) answers from
    the persisted index; files created or removed since show at once (their folder's mtime is on
    disk), an append to an old file once the background rescan started by that call is done."""
    now = time.time()
    old, kept, removed = (thread_uuid(BASE, n) for n in range(3))
    old_path = write_rollout(home, BASE, old, mtime=now - 86_400 * 30)
    write_rollout(home, BASE, kept, mtime=now - 86_400 * 20)
    removed_path = write_rollout(home, BASE + timedelta(days=1), removed, mtime=now - 86_400 * 10)
    for path in (old_path, removed_path):
        for folder in (path.parent, path.parent.parent, path.parent.parent.parent):
            os.utime(folder, (now - 86_400 * 5, now - 86_400 * 5))
    first = ThreadIndex(home, background=True)
    assert ids(first, sort_key="updated_at") == [removed, kept, old]
    assert first.wait_idle(20)
    first.close()

    # Another process, while no server runs: a new thread, a removed one, an old one resumed.
    created = thread_uuid(BASE + timedelta(days=2), 3)
    write_rollout(home, BASE + timedelta(days=2), created, mtime=now - 60)
    removed_path.unlink()
    with old_path.open("ab") as handle:
        handle.write(
            b'{"timestamp":"x","type":"event_msg","payload":{"type":"agent_message","message":"hi"}}\n'
        )
    os.utime(old_path)  # the most recently updated now; its folder's mtime does not move

    second = ThreadIndex(home, background=True)
    page = ids(second, sort_key="updated_at")
    assert created in page and removed not in page  # on the very first call
    _until(lambda: ids(second, sort_key="updated_at") == [old, created, kept])
    assert second.wait_idle(20)
    # The new file's head (first call) and the appended one's (the rescan): the rest came from disk.
    assert second.stats["heads_read"] == 2
    assert second.stats["rebuilds"] == 0
    second.close()


def test_background_mode_rebuilds_a_damaged_index(home: Path) -> None:
    for n in range(3):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    index = ThreadIndex(home, background=True)
    assert len(ids(index)) == 3
    assert index.wait_idle(20)
    index.close()
    db = home / INDEX_FILE_NAME
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.write_bytes(b"this is not a database" * 100)
    again = ThreadIndex(home, background=True)
    assert len(ids(again)) == 3
    assert again.wait_idle(20)
    assert again.stats["rebuilds"] == 1


def test_a_new_process_does_not_reread_unchanged_names(home: Path) -> None:
    tid = thread_uuid(BASE, 1)
    write_rollout(home, BASE, tid)
    append_thread_name(home, tid, "first")
    first = ThreadIndex(home)
    assert first.list_page(ListQuery(limit=5)).items[0].name == "first"
    assert first.stats["names_read"] == 1
    first.close()
    second = ThreadIndex(home)
    assert second.list_page(ListQuery(limit=5)).items[0].name == "first"
    assert second.stats["names_read"] == 0  # the stamp of the names file it was built from is on disk
    second.close()
    append_thread_name(home, tid, "renamed elsewhere")  # another process, while none of ours runs
    third = ThreadIndex(home)
    assert third.list_page(ListQuery(limit=5)).items[0].name == "renamed elsewhere"
    assert third.stats["names_read"] == 1
    (home / "session_index.jsonl").unlink()
    assert third.list_page(ListQuery(limit=5)).items[0].name is None
    third.close()


def test_an_index_file_without_the_mtime_index_gets_it(home: Path) -> None:
    """Files written before the `threads_mtime` index existed: it is added on open, not rebuilt."""
    write_rollout(home, BASE, thread_uuid(BASE, 1))
    made = ThreadIndex(home)
    assert len(ids(made)) == 1
    made.close()
    db = sqlite3.connect(home / INDEX_FILE_NAME)
    db.execute("DROP INDEX threads_mtime")
    db.commit()
    db.close()
    index = ThreadIndex(home)
    assert len(ids(index)) == 1 and index.stats["rebuilds"] == 0 and index.stats["heads_read"] == 0
    index.close()
    db = sqlite3.connect(home / INDEX_FILE_NAME)
    assert db.execute("SELECT 1 FROM sqlite_master WHERE name = 'threads_mtime'").fetchone() is not None
    db.close()


def test_a_new_index_filled_on_the_first_call_needs_no_background_rescan(home: Path) -> None:
    """Creating the file lists every folder: a full rescan already, so none follows in the
    background (where it would compete with the next requests). An existing file gets one."""
    for n in range(3):
        write_rollout(home, BASE, thread_uuid(BASE, n))
    new = ThreadIndex(home, background=True)
    assert len(ids(new)) == 3
    assert new.wait_idle(20) and new.stats["full_rescans"] == 0 and new.stats["heads_read"] == 3
    new.close()
    reopened = ThreadIndex(home, background=True)
    assert len(ids(reopened)) == 3
    _until(lambda: reopened.stats["full_rescans"] == 1)
    assert reopened.wait_idle(20) and reopened.stats["heads_read"] == 0
    reopened.close()
