"""The turn loop: sample the model, run its tool calls, feed the outputs back, until it stops.

Every event goes through `session.emit`, in the order the reference emits them; the rollout is
flushed before the turn's end is announced, so a client that saw turn/completed can rely on
the history on disk.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from codex_core.agent import items as I
from codex_core.agent.compact import compact_history, should_auto_compact
from codex_core.agent.events import core_error_info
from codex_core.agent.prompt import initial_context
from codex_core.agent.sampling import sample
from codex_core.agent.tool_context import tool_context
from codex_core.notify import notify_turn_complete
from codex_core.otel import telemetry_of
from codex_core.tools.patch_tools import after_tool_calls

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState

log = logging.getLogger("codex.agent")

ABORTED_MARKER = "<turn_aborted>\nThe user interrupted the previous turn; anything it was doing has stopped.\n</turn_aborted>"


async def run_turn(session: Session, turn: TurnState) -> None:
    started = time.monotonic()
    try:
        if not session.context_recorded:
            # The thread's context as it was started (or resumed); the turn's changes follow.
            session.record(initial_context(session.context_settings))
            session.context_recorded = True
        if turn.kind == "regular":
            record_context_updates(session, turn)
        if turn.kind != "review":  # a review announces its reviewer's own task once in review mode
            session.emit(
                turn.id,
                {
                    "type": "task_started",
                    "turn_id": turn.id,
                    "model_context_window": turn.settings.context_window,
                    "collaboration_mode_kind": turn.settings.collaboration_mode,
                },
            )
        if turn.kind == "compact":
            await compact_history(session, turn)
        elif turn.kind == "review":
            from codex_core.agent.review import run_review

            await run_review(session, turn)
        else:
            announce_collaboration_mode(session, turn)
            record_user_input(session, turn, turn.inputs)
            await _sampling_loop(session, turn)
        await session.flush()
        await session.emit_final(
            turn.id,
            {"type": "task_complete", "turn_id": turn.id, "last_agent_message": turn.last_agent_message},
        )
        notify_turn_complete(session, turn)
    except asyncio.CancelledError:
        await _abort(session, turn, started)
    except Exception as exc:  # a failed turn is reported, never a dead thread
        await _fail(session, turn, exc)
    finally:
        turn.done.set()


def record_context_updates(session: Session, turn: TurnState) -> None:
    """What changed since the model was last told, before the turn's input: a new environment
    context for another cwd, the permissions message for other approvals or sandbox, a model-switch
    message for another model (in this order, as the reference appends them)."""
    from codex_core.agent.prompt import context_update_items

    items = context_update_items(session.context_settings, turn.settings)
    if items:
        session.record(items)
    session.context_settings = turn.settings


def announce_collaboration_mode(session: Session, turn: TurnState) -> None:
    """A developer message with the mode's instructions before the user message, whenever the
    thread enters Plan mode or changes mode (Default needs none until a mode was chosen)."""
    from codex_core.agent.collaboration import mode_instructions
    from codex_core.agent.prompt import developer_message

    settings = turn.settings
    text = settings.collaboration_instructions or mode_instructions(settings.collaboration_mode)
    if session.collaboration_announced is None and settings.collaboration_mode == "default":
        return
    if session.collaboration_announced == text:
        return
    session.collaboration_announced = text
    session.record([developer_message(text)])


def record_user_input(session: Session, turn: TurnState, inputs: list[dict[str, Any]]) -> None:
    from codex_core.uuid7 import uuid7_str

    item = {"type": "UserMessage", "id": uuid7_str(), "content": I.core_user_input(inputs)}
    message = I.user_message_item(inputs)
    if not session.preview:
        # What thread/read shows: the message's text as the model got it, image markers left out.
        from codex_core.rollout.history import user_message_text

        session.preview = user_message_text(message) or ""
    session.record([message])
    telemetry_of(session).user_prompt(
        "".join(str(i.get("text", "")) for i in inputs if i.get("type") == "text")
    )
    session.emit(
        turn.id, {"type": "item_started", "thread_id": session.thread_id, "turn_id": turn.id, "item": item}
    )
    session.emit(
        turn.id, {"type": "item_completed", "thread_id": session.thread_id, "turn_id": turn.id, "item": item}
    )
    session.emit(turn.id, I.user_message_event(inputs))


async def _sampling_loop(session: Session, turn: TurnState) -> None:
    # MCP servers start with the thread; their tools must be known before the model is asked.
    await _mcp_ready(session)
    while True:
        if should_auto_compact(session, turn.settings):
            await compact_history(session, turn)
        called = await sample(session, turn)
        after_tool_calls(tool_context(session, turn))
        if turn.pending_input:
            for inputs in turn.pending_input:
                record_user_input(session, turn, inputs)
            turn.pending_input.clear()
            continue
        if not called:
            return


async def _mcp_ready(session: Session) -> None:
    if not session.settings.config.typed.mcp_servers:
        return  # nothing configured: do not even load the MCP machinery
    from codex_core.mcp.tools import session_manager

    await session_manager(session).wait_ready()


async def _abort(session: Session, turn: TurnState, started: float) -> None:
    session.record([I.user_message_item([{"type": "text", "text": ABORTED_MARKER}])])
    turn.pending_input.clear()
    await session.emit_final(turn.id, {"type": "turn_aborted", "turn_id": turn.id, "reason": "interrupted"})


async def _fail(session: Session, turn: TurnState, exc: Exception) -> None:
    from codex_core.model.errors import ModelError

    if isinstance(exc, ModelError):
        info = core_error_info(exc.codex_error_info, exc.http_status)
        message = str(exc)
    else:
        log.exception("turn %s failed", turn.id)
        info = core_error_info("other")
        message = f"unexpected error: {exc}"
    session.emit(turn.id, {"type": "error", "message": message, "codex_error_info": info})
    await session.emit_final(
        turn.id, {"type": "task_complete", "turn_id": turn.id, "last_agent_message": turn.last_agent_message}
    )
