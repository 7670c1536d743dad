"""Compaction: summarise the conversation so far and continue from the summary.

Used by `thread/compact/start` and automatically when the context nears the model's window.
The new history is the thread's opening context, the most recent user messages that fit a
budget, and the summary; the rollout records a `compacted` line so a resume rebuilds the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from codex_core.agent import items as I
from codex_core.agent.prompt import initial_context, user_text_message

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState
    from codex_core.agent.settings import SessionSettings

COMPACT_PROMPT = """\
You are about to hand this task over to another instance of yourself that will only see what you write now.
Write a checkpoint summary of the conversation so far: the user's goal and constraints, what has been done
(files touched, commands run, decisions and why), what is still open, and anything the next step must know.
Be specific and concise; do not address the user."""

SUMMARY_PREFIX = "Another language model started to solve this problem and produced a summary of its thinking process. You also have access to the state of the tools that were used by that language model. Use this to build on the work that has already been done and avoid duplicating work. Here is the summary produced by the other language model, use the information in this summary to assist with your own analysis:"

RECENT_USER_MESSAGES_BUDGET_TOKENS = 20_000
# Said after every compaction, in the reference's words (clients show it as is).
LONG_THREAD_WARNING = (
    "Heads up: Long threads and multiple compactions can cause the model to be less accurate. "
    "Start a new thread when possible to keep threads small and targeted."
)


def should_auto_compact(session: Session, settings: SessionSettings) -> bool:
    return session.context_tokens >= settings.auto_compact_limit


def _is_context_message(item: dict[str, Any]) -> bool:
    text = I.assistant_text(item) or "".join(
        part.get("text", "") for part in item.get("content") or [] if isinstance(part, dict)
    )
    return text.startswith(
        ("# AGENTS.md instructions", "<environment_context>", "<turn_aborted>", SUMMARY_PREFIX)
    )


def recent_user_messages(history: Sequence[dict[str, Any]], budget_tokens: int) -> list[dict[str, Any]]:
    """The newest real user messages (not injected context) that fit the budget, oldest first."""
    kept: list[dict[str, Any]] = []
    remaining = budget_tokens * 4  # about four characters a token
    for item in reversed(history):
        if item.get("type") != "message" or item.get("role") != "user" or _is_context_message(item):
            continue
        size = sum(
            len(str(part.get("text", ""))) for part in item.get("content") or [] if isinstance(part, dict)
        )
        if size > remaining:
            break
        kept.append(item)
        remaining -= size
    kept.reverse()
    return kept


async def compact_history(session: Session, turn: TurnState) -> None:
    from codex_core.agent.events import add_usage, estimated_usage, usage_dict
    from codex_core.agent.sampling import build_prompt
    from codex_core.model import events as E
    from codex_core.uuid7 import uuid7_str

    item_id = uuid7_str()
    tid, uid = session.thread_id, turn.id
    session.emit(
        uid,
        {
            "type": "item_started",
            "thread_id": tid,
            "turn_id": uid,
            "item": {"type": "ContextCompaction", "id": item_id},
        },
    )
    prompt = build_prompt(session, turn, extra=[user_text_message(COMPACT_PROMPT)])
    prompt.tools = []
    summary_parts: list[str] = []
    client = session.model_client(turn.settings)
    announced = False
    async for event in client.stream(prompt, session_id=tid):
        if isinstance(event, E.RateLimits) and event.snapshot is not None:
            session.rate_limits = event.snapshot
        if not announced:
            announced = True
            session.emit_usage(uid)
        if isinstance(event, E.OutputItemDone) and event.item.get("type") == "message":
            summary_parts.append(I.assistant_text(event.item))
        elif isinstance(event, E.Completed):
            if event.usage is not None:
                session.token_info = add_usage(
                    session.token_info, usage_dict(event.usage), turn.settings.context_window
                )
            session.emit_usage(uid)
    summary = SUMMARY_PREFIX + "\n" + "\n".join(part for part in summary_parts if part)
    kept = recent_user_messages(session.history, RECENT_USER_MESSAGES_BUDGET_TOKENS)
    session.history = [*initial_context(turn.settings), *kept, user_text_message(summary)]
    session.persist("compacted", {"message": summary})
    # The context is now the compacted history; the next response tells its real size.
    session.context_tokens = 0
    session.emit(uid, {"type": "token_count", **estimated_usage(session)})
    session.emit(
        uid,
        {
            "type": "item_completed",
            "thread_id": tid,
            "turn_id": uid,
            "item": {"type": "ContextCompaction", "id": item_id},
        },
    )
    session.emit(uid, {"type": "context_compacted"})
    session.emit(uid, {"type": "warning", "message": LONG_THREAD_WARNING})
