"""A resumed history keeps its large items on disk and reads them back as they were."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest

from codex_core.rollout.history import SUMMARY_PREFIX, drop_last_user_turns, model_history
from codex_core.rollout.reader import iter_records
from codex_core.rollout.stored_history import STORED_MIN_BYTES, History, RolloutChangedError
from codex_core.rollout.writer import encode_line

BIG = "x" * STORED_MIN_BYTES


def msg(role: str, text: str) -> dict[str, Any]:
    kind = "output_text" if role == "assistant" else "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


def output(call_id: str, text: str) -> dict[str, Any]:
    return {"type": "function_call_output", "call_id": call_id, "output": text}


def write(path: Path, lines: list[tuple[str, dict[str, Any]]]) -> Path:
    path.write_bytes(b"".join(encode_line(kind, payload) for kind, payload in lines))
    return path


def items_of(path: Path) -> list[dict[str, Any]]:
    return [r.payload for r in iter_records(path) if r.kind == "response_item"]


META = ("session_meta", {"id": "t", "timestamp": "2026-01-02T03:04:05.000Z", "cwd": "/w"})


def two_turns(tmp_path: Path) -> Path:
    return write(
        tmp_path / "r.jsonl",
        [
            META,
            ("response_item", msg("user", "<environment_context>cwd</environment_context>")),
            ("response_item", msg("user", "first " + BIG)),
            ("response_item", {"type": "reasoning", "summary": [], "encrypted_content": "é" + BIG}),
            ("response_item", output("c1", "out\n" + BIG)),
            ("response_item", msg("assistant", "small")),
            ("event_msg", {"type": "token_count", "info": None}),
            ("response_item", msg("user", "second")),
            ("response_item", msg("assistant", "answer " + BIG)),
        ],
    )


def test_large_items_stay_on_disk_and_read_back_equal(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    items = model_history(path).items
    assert isinstance(items, History)
    assert items.stored_count == 4
    assert list(items) == items_of(path)
    assert items[3] == output("c1", "out\n" + BIG)
    assert list(reversed(items)) == list(reversed(items_of(path)))
    # The size estimate is the compact JSON's, as if the history were held in memory.
    assert items.json_size() == len(orjson.dumps(items_of(path)))


def test_a_read_item_is_a_fresh_copy(tmp_path: Path) -> None:
    items = model_history(two_turns(tmp_path)).items
    items[3]["output"] = "changed"
    assert items[3]["output"].startswith("out\n")


def test_items_read_back_after_the_file_is_archived_or_deleted(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    expected = items_of(path)
    items = model_history(path).items
    moved = tmp_path / "archived.jsonl"
    path.rename(moved)
    assert list(items) == expected
    moved.unlink()
    assert list(items) == expected


def test_appends_after_resume_do_not_disturb_stored_items(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    expected = items_of(path)
    items = model_history(path).items
    with path.open("ab") as handle:
        handle.write(encode_line("response_item", output("c2", BIG)))
    items.append(msg("user", "live"))
    assert list(items) == [*expected, msg("user", "live")]


def test_a_rewritten_file_is_reported_not_misread(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    items = model_history(path).items
    with path.open("r+b") as handle:
        handle.truncate(100)
    with pytest.raises(RolloutChangedError, match="changed on disk"):
        list(items)


def test_rollback_keeps_stored_items_on_disk(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    items = model_history(path).items
    kept = drop_last_user_turns(items, 1)
    assert isinstance(kept, History) and kept.stored_count == 3
    assert list(kept) == drop_last_user_turns(items_of(path), 1)
    assert list(drop_last_user_turns(items, 5)) == items_of(path)[:1]
    assert drop_last_user_turns(items, 0) is items


def test_rollback_and_compaction_lines_on_a_stored_history(tmp_path: Path) -> None:
    path = two_turns(tmp_path)
    with path.open("ab") as handle:
        handle.write(encode_line("event_msg", {"type": "thread_rolled_back", "num_turns": 1}))
        handle.write(encode_line("response_item", msg("user", "third")))
    items = model_history(path).items
    texts = [part["text"] for item in items for part in item.get("content") or []]
    assert texts[-1] == "third" and "second" not in texts and texts[1] == "first " + BIG
    with path.open("ab") as handle:
        handle.write(encode_line("compacted", {"message": "SUM"}))
    compacted = model_history(path).items
    assert [item["content"][0]["text"] for item in compacted] == ["first " + BIG, "third", "SUM"]
    assert not compacted[0]["content"][0]["text"].startswith(SUMMARY_PREFIX)


def test_history_behaves_as_a_list() -> None:
    history = History([msg("user", "a")])
    history.extend([msg("assistant", "b")])
    history += [msg("user", "c")]
    history.insert(0, msg("developer", "d"))
    assert history == [msg("developer", "d"), msg("user", "a"), msg("assistant", "b"), msg("user", "c")]
    assert history[1:3] == [msg("user", "a"), msg("assistant", "b")]
    del history[0]
    history[0] = msg("user", "z")
    assert [i["content"][0]["text"] for i in history] == ["z", "b", "c"]
    assert History.of(history) is history
    assert History.of(None) == []
    assert history != History() and history != "abc"


def test_session_history_is_always_a_history(tmp_path: Path) -> None:
    from codex_core.agent.session import Session

    session = Session.__new__(Session)
    session.history = [msg("user", "a")]
    assert isinstance(session.history, History)
    stored = model_history(two_turns(tmp_path)).items
    session.history = stored
    assert session.history is stored  # put back as it was (a review hands the thread's own back)


def test_descriptor_closes_with_the_last_item(tmp_path: Path) -> None:
    import gc

    items = model_history(two_turns(tmp_path)).items
    fds = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    del items
    gc.collect()
    if fds is not None:
        assert len(os.listdir("/proc/self/fd")) == fds - 1
