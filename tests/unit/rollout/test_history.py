from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from codex_core.rollout.history import (
    SUMMARY_PREFIX,
    ThreadHistoryBuilder,
    build_compacted_history,
    build_turns,
    build_turns_async,
    build_turns_from_records,
    collect_user_messages,
    drop_last_user_turns,
    model_history,
    model_history_async,
    user_message_text,
    v2_error_info,
)
from codex_core.rollout.reader import ReadStats


def user(item_id: str, text: str) -> dict[str, Any]:
    return {
        "type": "userMessage",
        "id": item_id,
        "content": [{"type": "text", "text": text, "text_elements": []}],
    }


def agent(item_id: str, text: str) -> dict[str, Any]:
    return {"type": "agentMessage", "id": item_id, "text": text}


def turn(
    turn_id: str, items: list[dict[str, Any]], status: str = "completed", error: Any = None
) -> dict[str, Any]:
    return {"id": turn_id, "items": items, "status": status, "error": error}


def test_simple_turn(fixtures: Path) -> None:
    assert build_turns(fixtures / "simple_turn.jsonl") == [
        turn(
            "01a205b9-8460-7d41-9b7e-5f3a1c0e2d11",
            [user("item-1", "hello there\nsecond line"), agent("item-2", "Hello from the mock model.")],
        )
    ]


def test_reasoning_images_and_tools(fixtures: Path) -> None:
    turns = build_turns(fixtures / "reasoning_tools.jsonl")
    assert turns == [
        turn(
            "01a205bd-02b4-7a90-b1c2-33d4e5f60718",
            [
                {
                    "type": "userMessage",
                    "id": "item-1",
                    "content": [
                        {
                            "type": "text",
                            "text": "what is in this picture? then create x",
                            "text_elements": [{"byteRange": {"start": 0, "end": 4}, "placeholder": None}],
                        },
                        {"type": "image", "url": "data:image/png;base64,iVBORw0KGgo="},
                        {"type": "localImage", "path": "/home/dev/project/shot.png"},
                    ],
                },
                # Tool calls leave no items, so all reasoning sections merge into one item.
                {
                    "type": "reasoning",
                    "id": "item-2",
                    "summary": [
                        "**Looking** at the image",
                        "**Planning** the file creation",
                        "**Checking** the result",
                    ],
                    "content": [],
                },
                agent("item-3", "It is a tiny PNG. I created x."),
            ],
        )
    ]


def test_interrupted_failed_and_in_progress(fixtures: Path) -> None:
    assert build_turns(fixtures / "interrupted_and_failed.jsonl") == [
        turn("01a205c6-cd30-7b21-8c4d-1e2f3a4b5c61", [user("item-1", "first"), agent("item-2", "ok 1")]),
        turn("01a205c6-dd36-7c02-a9b8-7c6d5e4f3a21", [user("item-3", "run a long command")], "interrupted"),
        turn(
            "01a205c6-f0a2-7e33-b4c5-d6e7f8091a2b",
            [user("item-4", "try again")],
            "failed",
            {
                "message": "stream disconnected before completion: Transport error: error decoding response body",
                "codexErrorInfo": {"responseStreamDisconnected": {"httpStatusCode": 502}},
                "additionalDetails": None,
            },
        ),
        # thread_rollback_failed does not fail the turn; no end event and not running -> cut off.
        turn("01a205c7-0378-7a44-85f6-0a1b2c3d4e5f", [user("item-5", "still running")], "interrupted"),
    ]
    # While that turn is the one running, it reads as in progress.
    running = build_turns(
        fixtures / "interrupted_and_failed.jsonl", None, "01a205c7-0378-7a44-85f6-0a1b2c3d4e5f"
    )
    assert running[-1]["status"] == "inProgress"


def test_a_turn_cut_off_by_a_crash_reads_as_interrupted() -> None:
    records = [
        ev({"type": "task_started", "turn_id": "t1"}),
        ev(
            {
                "type": "user_message",
                "message": "first",
                "images": [],
                "local_images": [],
                "text_elements": [],
            }
        ),
        # kill -9 here: no task_complete; the next process starts another turn
        ev({"type": "task_started", "turn_id": "t2"}),
        ev(
            {
                "type": "user_message",
                "message": "second",
                "images": [],
                "local_images": [],
                "text_elements": [],
            }
        ),
        ev({"type": "task_complete", "turn_id": "t2", "last_agent_message": None}),
    ]
    assert [(t["id"], t["status"]) for t in build_turns_from_records(records)] == [
        ("t1", "interrupted"),
        ("t2", "completed"),
    ]


def test_rollback_drops_turns_and_renumbers(fixtures: Path) -> None:
    assert build_turns(fixtures / "rollback.jsonl") == [
        turn("01a205cf-8e00-7001-8000-000000000001", [user("item-1", "one"), agent("item-2", "reply one")]),
        turn("01a205cf-91e8-7002-8000-000000000002", [user("item-3", "two"), agent("item-4", "reply two")]),
        turn("01a205cf-9db0-7004-8000-000000000004", [user("item-5", "four"), agent("item-6", "reply four")]),
    ]


def test_compaction_turn(fixtures: Path) -> None:
    assert build_turns(fixtures / "compaction.jsonl") == [
        turn(
            "01a205cf-8e00-7001-8000-000000000001",
            [user("item-1", "hello"), agent("item-2", "Hello from the mock model.")],
        ),
        turn(
            "01a205cf-91e8-7002-8000-000000000002",
            [user("item-3", "hello again"), agent("item-4", "Hello again.")],
        ),
        turn("01a205d8-1500-7aa2-8bb2-000000000011", []),
        turn(
            "01a205cf-9db0-7004-8000-000000000004",
            [user("item-5", "after compaction"), agent("item-6", "Still here.")],
        ),
    ]


def test_damaged_file_still_builds(fixtures: Path) -> None:
    stats = ReadStats()
    turns = build_turns(fixtures / "damaged.jsonl", stats)
    assert stats.torn_tail
    assert turns == [
        turn(
            "01a205b9-8460-7d41-9b7e-5f3a1c0e2d11",
            [user("item-1", "hello there\nsecond line"), agent("item-2", "Hello from the mock model.")],
            "interrupted",  # the file stops before task_complete and nothing runs it
        ),
    ]


def ev(payload: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    return ("", "event_msg", payload)


def test_legacy_stream_without_task_events() -> None:
    turns = build_turns_from_records(
        [
            ev(
                {
                    "type": "user_message",
                    "message": "First",
                    "images": None,
                    "local_images": [],
                    "text_elements": [],
                }
            ),
            ev({"type": "agent_message", "message": "Hi"}),
            ev({"type": "agent_message", "message": ""}),  # empty messages are skipped
            ev({"type": "agent_reasoning", "text": "thinking"}),
            ev({"type": "agent_reasoning_raw_content", "text": "raw"}),
            ev({"type": "user_message", "message": "  ", "images": ["https://x/1.png"], "local_images": []}),
            ev({"type": "turn_aborted", "turn_id": None, "reason": "interrupted"}),
        ]
    )
    assert len(turns) == 2
    assert all(uuid.UUID(t["id"]).version == 7 for t in turns)
    assert turns[0]["items"] == [
        user("item-1", "First"),
        agent("item-2", "Hi"),
        {"type": "reasoning", "id": "item-3", "summary": ["thinking"], "content": ["raw"]},
    ]
    assert turns[1]["items"] == [
        {"type": "userMessage", "id": "item-4", "content": [{"type": "image", "url": "https://x/1.png"}]}
    ]
    assert turns[1]["status"] == "interrupted"


def test_review_web_search_plan_and_rollback_everything() -> None:
    tid = "01a205cf-0000-7000-8000-00000000000a"
    builder = ThreadHistoryBuilder()
    events: list[dict[str, Any]] = [
        {"type": "task_started", "turn_id": tid, "model_context_window": 1},
        {
            "type": "entered_review_mode",
            "target": {"type": "uncommittedChanges"},
            "user_facing_hint": "current changes",
        },
        {
            "type": "web_search_end",
            "call_id": "ws_1",
            "query": "weather",
            "action": {"type": "search", "query": "weather"},
        },
        {
            "type": "item_completed",
            "thread_id": "x",
            "turn_id": tid,
            "item": {"type": "Plan", "id": "plan-1", "text": "1. do"},
        },
        {
            "type": "exited_review_mode",
            "review_output": {"findings": [], "overall_explanation": " Looks good. "},
        },
        {"type": "exited_review_mode", "review_output": None},
    ]
    for payload in events:
        builder.handle_event(payload)
    assert builder.has_active_turn
    assert builder.snapshot()[0]["status"] == "inProgress"
    builder.handle_event({"type": "task_complete", "turn_id": tid, "last_agent_message": None})
    turns = builder.finish()
    # Review mode events leave no items (as the reference reads them back).
    assert turns[0]["items"] == [
        {
            "type": "webSearch",
            "id": "ws_1",
            "query": "weather",
            "action": {"type": "search", "query": "weather", "queries": None},
        },
        {"type": "plan", "id": "plan-1", "text": "1. do"},
    ]
    builder = ThreadHistoryBuilder()
    builder.handle_event({"type": "task_started", "turn_id": tid})
    builder.handle_event({"type": "user_message", "message": "x"})
    builder.handle_event({"type": "task_complete", "turn_id": tid})
    builder.handle_event({"type": "thread_rolled_back", "num_turns": 5})
    builder.handle_event({"type": "user_message", "message": "y"})
    assert [i["id"] for t in builder.finish() for i in t["items"]] == ["item-1"]


def test_error_info_conversion() -> None:
    assert v2_error_info("context_window_exceeded") == "contextWindowExceeded"
    assert v2_error_info({"http_connection_failed": {"http_status_code": None}}) == {
        "httpConnectionFailed": {"httpStatusCode": None}
    }
    assert v2_error_info(None) is None


# -- model history ----------------------------------------------------------------------------


def msg(role: str, text: str) -> dict[str, Any]:
    kind = "output_text" if role == "assistant" else "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


def test_model_history_simple(fixtures: Path) -> None:
    state = model_history(fixtures / "reasoning_tools.jsonl")
    assert [i["type"] for i in state.items] == [
        "message",
        "message",
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
        "reasoning",
        "message",
    ]
    assert state.token_usage is not None and state.token_usage["total_token_usage"]["total_tokens"] == 312
    assert state.turn_context is not None and state.turn_context["effort"] == "high"
    assert (
        state.session_meta is not None and state.session_meta["id"] == "01a205bd-02b1-7c3e-8a61-2f0d9e4c7b15"
    )


def test_model_history_after_compaction(fixtures: Path) -> None:
    state = model_history(fixtures / "compaction.jsonl")
    summary = SUMMARY_PREFIX + "\nThe user greeted twice; the assistant answered."
    assert state.items == [
        msg("user", "hello"),
        msg("user", "hello again"),
        msg("user", summary),
        msg("user", "after compaction"),
        msg("assistant", "Still here."),
    ]
    assert state.token_usage is not None and state.token_usage["total_token_usage"]["total_tokens"] == 90
    assert (
        state.turn_context is not None
        and state.turn_context["turn_id"] == "01a205cf-9db0-7004-8000-000000000004"
    )


def test_model_history_after_rollback(fixtures: Path) -> None:
    state = model_history(fixtures / "rollback.jsonl")
    texts = [i["content"][0]["text"] for i in state.items]
    assert texts[2:] == ["one", "reply one", "two", "reply two", "four", "reply four"]
    assert texts[0].startswith("<permissions instructions>") and texts[1].startswith("<environment_context>")


def test_model_history_remote_compaction_replacement(tmp_path: Path) -> None:
    from codex_core.rollout.writer import encode_line

    path = tmp_path / "r.jsonl"
    replacement = [msg("user", "kept"), {"type": "compaction", "encrypted_content": "enc"}]
    path.write_bytes(
        encode_line("response_item", msg("user", "old"))
        + encode_line("compacted", {"message": "", "replacement_history": replacement})
        + encode_line("response_item", msg("user", "new"))
    )
    assert model_history(path).items == [*replacement, msg("user", "new")]


def test_user_message_text_and_collect() -> None:
    with_image = {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": "look"},
            {"type": "input_text", "text": "<image>"},
            {"type": "input_image", "image_url": "data:x"},
            {"type": "input_text", "text": "</image>"},
        ],
    }
    assert user_message_text(with_image) == "look"
    assert user_message_text(msg("user", "# AGENTS.md instructions for /x\n\n<INSTRUCTIONS>")) is None
    assert user_message_text(msg("user", "<ENVIRONMENT_CONTEXT>cwd=/tmp</ENVIRONMENT_CONTEXT>")) is None
    assert user_message_text(msg("user", "<turn_aborted>\n</turn_aborted>")) is None
    assert user_message_text(msg("assistant", "x")) is None
    items = [
        msg("user", "a"),
        msg("assistant", "b"),
        msg("user", SUMMARY_PREFIX + "\nold summary"),
        with_image,
    ]
    assert collect_user_messages(items) == ["a", "look"]


def test_build_compacted_history_limits_tokens() -> None:
    big = "word " * 200  # ~250 tokens
    history = build_compacted_history([msg("developer", "ctx")], ["older", big], "SUMMARY", max_tokens=16)
    assert history[0] == msg("developer", "ctx")
    assert len(history) == 3  # "older" did not fit after the truncated recent message
    truncated = history[1]["content"][0]["text"]
    assert "tokens truncated" in truncated and len(truncated) < len(big)
    assert history[2] == msg("user", "SUMMARY")
    assert build_compacted_history([], [], "")[-1] == msg("user", "(no summary available)")


def test_drop_last_user_turns() -> None:
    items = [
        msg("user", "<environment_context>x</environment_context>"),
        msg("user", "1"),
        msg("assistant", "a"),
        msg("user", "2"),
    ]
    assert drop_last_user_turns(items, 1) == items[:3]
    assert drop_last_user_turns(items, 9) == items[:1]
    assert drop_last_user_turns(items, 0) == items


async def test_async_wrappers(fixtures: Path) -> None:
    path = fixtures / "simple_turn.jsonl"
    assert await build_turns_async(path) == build_turns(path)
    assert (await model_history_async(path)).items == model_history(path).items
