from __future__ import annotations

import logging
from pathlib import Path

import pytest

from codex_core.rollout.reader import ReadStats, iter_records, read_head, read_head_async, read_session_meta
from codex_core.rollout.writer import encode_line


def test_iter_records_simple(fixtures: Path) -> None:
    stats = ReadStats()
    records = list(iter_records(fixtures / "simple_turn.jsonl", stats))
    assert len(records) == 13 == stats.records
    assert records[0].timestamp == "2026-11-23T00:06:13.909Z"
    assert records[0].kind == "session_meta"
    assert records[-1].payload == {
        "type": "task_complete",
        "turn_id": "01a205b9-8460-7d41-9b7e-5f3a1c0e2d11",
        "last_agent_message": "Hello from the mock model.",
    }
    assert stats.invalid == 0 and not stats.torn_tail and not stats.unknown_kinds


def test_damaged_file_is_tolerated_and_logged_once(fixtures: Path, caplog: pytest.LogCaptureFixture) -> None:
    stats = ReadStats()
    with caplog.at_level(logging.WARNING, logger="codex.rollout"):
        records = list(iter_records(fixtures / "damaged.jsonl", stats))
    assert [r.kind for r in records].count("future_kind") == 0
    assert len(records) == 10
    assert stats.blank == 1
    assert stats.invalid == 1
    assert stats.unknown_kinds == {"future_kind": 1}
    assert stats.torn_tail
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unknown line kind" in m for m in messages) == 1
    assert sum("invalid line" in m for m in messages) == 1
    assert sum("torn last line" in m for m in messages) == 1


def test_invalid_shapes_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        b"[1,2]\n"
        b'{"timestamp":"t","type":"event_msg","payload":"not an object"}\n'
        b'{"timestamp":"t","payload":{}}\n'
        + encode_line("event_msg", {"type": "agent_message", "message": "ok"})
        + b"   \n"
    )
    stats = ReadStats()
    assert [r.payload.get("message") for r in iter_records(path, stats)] == ["ok"]
    assert stats.invalid == 3 and stats.blank == 1 and not stats.torn_tail


def test_read_head(fixtures: Path) -> None:
    head = read_head(fixtures / "simple_turn.jsonl")
    assert head is not None
    assert head.id == "01a205b9-845c-7843-bac9-fd46cf0d4373"
    assert head.created == "2026-11-23T00:06:13.852Z"
    assert head.cwd == "/home/dev/project"
    assert head.model_provider == "mock"
    assert head.source == "vscode"
    assert head.cli_version == "0.100.0"
    assert head.originator == "obs_client"
    assert head.git == {
        "commit_hash": "b29c1db8023f5f377dcd28655f1d101ab4c2c185",
        "branch": "main",
        "repository_url": "https://github.com/example/repo.git",
    }
    assert head.forked_from_id is None
    assert head.has_user_message
    assert head.preview == "hello there\nsecond line"  # full text of the first user_message event


def test_read_head_without_user_message_or_meta(tmp_path: Path) -> None:
    meta = {
        "id": "01a205b9-845c-7843-bac9-fd46cf0d4373",
        "timestamp": "2026-11-23T00:06:13.852Z",
        "source": "vscode",
    }
    no_user = tmp_path / "a.jsonl"
    no_user.write_bytes(
        encode_line("session_meta", meta)
        + encode_line("response_item", {"type": "message", "role": "user", "content": []})
    )
    head = read_head(no_user)
    assert head is not None and head.preview == "" and not head.has_user_message
    assert head.git is None
    no_meta = tmp_path / "b.jsonl"
    no_meta.write_bytes(encode_line("event_msg", {"type": "user_message", "message": "hi"}))
    assert read_head(no_meta) is None
    assert read_session_meta(no_meta) is None
    empty = tmp_path / "c.jsonl"
    empty.write_bytes(b"")
    assert read_head(empty) is None


def test_read_head_fork_uses_first_meta_and_stops_early(tmp_path: Path) -> None:
    path = tmp_path / "fork.jsonl"
    lines = [
        encode_line("session_meta", {"id": "new", "forked_from_id": "old", "timestamp": "t2"}),
        encode_line("session_meta", {"id": "old", "timestamp": "t1"}),
        encode_line("event_msg", {"type": "user_message", "message": "first"}),
        encode_line("event_msg", {"type": "user_message", "message": "second"}),
    ]
    path.write_bytes(b"".join(lines) + b"garbage that is never reached\n" * 3)
    head = read_head(path)
    assert head is not None
    assert (head.id, head.forked_from_id, head.preview) == ("new", "old", "first")
    assert read_session_meta(path) == {"id": "new", "forked_from_id": "old", "timestamp": "t2"}


def test_read_head_scan_limit(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    filler = encode_line("event_msg", {"type": "token_count", "info": None})
    path.write_bytes(
        encode_line("session_meta", {"id": "x"})
        + filler * 20
        + encode_line("event_msg", {"type": "user_message", "message": "late"})
    )
    assert read_head(path, max_records=10) is not None
    assert not read_head(path, max_records=10).has_user_message  # type: ignore[union-attr]
    assert read_head(path).preview == "late"  # type: ignore[union-attr]


async def test_read_head_async(fixtures: Path) -> None:
    head = await read_head_async(fixtures / "reasoning_tools.jsonl")
    assert head is not None and head.preview == "what is in this picture? then create x"
