"""The turn loop: sample the model, run its tool calls, feed the outputs back, until it stops.

Every event goes through `session.emit`, in the order the reference emits them; the rollout is
flushed before the turn's end is announced, so a client that saw turn/completed can rely on
the history on disk.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from codex_core.agent import items as I
from codex_core.agent.compact import compact_history, should_auto_compact
from codex_core.agent.events import add_usage, core_error_info, usage_dict
from codex_core.agent.prompt import initial_context
from codex_core.agent.session import Session, TurnState
from codex_core.agent.tools import ToolCall, ToolContext
from codex_core.notify import notify_turn_complete
from codex_core.otel import telemetry_of
from codex_core.tools.patch_tools import after_tool_calls

log = logging.getLogger("codex.agent")

DEFAULT_PERSONALITY = "pragmatic"
TURN_METADATA = json.dumps({"sandbox": "seccomp"}, separators=(",", ":"))
ABORTED_MARKER = "<turn_aborted>\nThe user interrupted the previous turn; anything it was doing has stopped.\n</turn_aborted>"


async def run_turn(session: Session, turn: TurnState) -> None:
    started = time.monotonic()
    try:
        if not session.context_recorded:
            session.record(initial_context(turn.settings))
            session.context_recorded = True
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
        calls = await sample(session, turn)
        context = ToolContext(session=session, turn=turn)
        for call in calls:
            output = await session.tools.handle(call, context)
            session.record([output])
        after_tool_calls(session, turn)
        if turn.pending_input:
            for inputs in turn.pending_input:
                record_user_input(session, turn, inputs)
            turn.pending_input.clear()
            continue
        if not calls:
            return


async def _mcp_ready(session: Session) -> None:
    if not session.settings.config.typed.mcp_servers:
        return  # nothing configured: do not even load the MCP machinery
    from codex_core.mcp.tools import session_manager

    await session_manager(session).wait_ready()


def _turn_context(session: Session, turn: TurnState) -> dict[str, Any]:
    settings = turn.settings
    payload: dict[str, Any] = {
        "turn_id": turn.id,
        "cwd": str(settings.cwd),
        "approval_policy": settings.approval_policy,
        "sandbox_policy": settings.sandbox_policy,
        "model": settings.model,
    }
    # The reference's default personality when none is configured.
    payload["personality"] = settings.personality or DEFAULT_PERSONALITY
    payload["collaboration_mode"] = {
        "mode": settings.collaboration_mode,
        "settings": {
            "model": settings.model,
            "reasoning_effort": settings.reasoning_effort,
            "developer_instructions": settings.collaboration_instructions,
        },
    }
    if settings.reasoning_effort:
        payload["effort"] = settings.reasoning_effort
    payload["summary"] = settings.reasoning_summary
    if settings.user_instructions:
        payload["user_instructions"] = settings.user_instructions
    if settings.developer_instructions:
        payload["developer_instructions"] = settings.developer_instructions
    if settings.output_schema is not None:
        payload["final_output_json_schema"] = settings.output_schema
    mode, limit = settings.family.truncation_policy
    payload["truncation_policy"] = {"mode": mode, "limit": limit}
    return payload


def build_prompt(session: Session, turn: TurnState, extra: list[dict[str, Any]] | None = None) -> Any:
    from codex_core.model.request import Prompt

    settings = turn.settings
    family = settings.family
    reasoning = None
    if family.supports_reasoning:
        reasoning = {"effort": settings.request_effort, "summary": settings.reasoning_summary}
    return Prompt(
        model=settings.model,
        instructions=settings.base_instructions,
        input=[*session.history, *(extra or [])],
        tools=session.tools.specs(ToolContext(session=session, turn=turn)),
        parallel_tool_calls=family.parallel_tool_calls,
        reasoning=reasoning,
        output_schema=settings.output_schema,
        verbosity=settings.verbosity if family.supports_verbosity else None,
        prompt_cache_key=session.thread_id,
    )


async def sample(session: Session, turn: TurnState) -> list[ToolCall]:
    """One model request: stream its output as events, record it, return the tool calls to run."""
    from codex_core.model import events as E

    session.persist("turn_context", _turn_context(session, turn))
    client = session.model_client(turn.settings)
    calls: list[ToolCall] = []
    announced = False
    tid, uid = session.thread_id, turn.id
    async for event in client.stream(
        build_prompt(session, turn), session_id=tid, turn_metadata=TURN_METADATA
    ):
        if isinstance(event, E.Retrying):
            session.emit(
                uid,
                {
                    "type": "stream_error",
                    "message": f"Reconnecting... {event.attempt}/{event.max_attempts}",
                    "codex_error_info": None,
                    "additional_details": event.message,
                },
            )
            continue
        if isinstance(event, E.RateLimits) and event.snapshot is not None:
            session.rate_limits = event.snapshot
        if not announced:
            # Once the response starts: the thread's usage so far and the provider's rate limits.
            announced = True
            session.emit_usage(uid)
        if isinstance(event, E.OutputTextDelta):
            session.emit(
                uid,
                {
                    "type": "agent_message_content_delta",
                    "thread_id": tid,
                    "turn_id": uid,
                    "item_id": event.item_id,
                    "delta": event.delta,
                },
            )
            session.emit(uid, {"type": "agent_message_delta", "delta": event.delta})
        elif isinstance(event, E.ReasoningSummaryDelta):
            session.emit(
                uid,
                {
                    "type": "reasoning_content_delta",
                    "thread_id": tid,
                    "turn_id": uid,
                    "item_id": event.item_id,
                    "delta": event.delta,
                    "summary_index": event.summary_index,
                },
            )
            session.emit(uid, {"type": "agent_reasoning_delta", "delta": event.delta})
        elif isinstance(event, E.ReasoningContentDelta):
            session.emit(
                uid,
                {
                    "type": "reasoning_raw_content_delta",
                    "thread_id": tid,
                    "turn_id": uid,
                    "item_id": event.item_id,
                    "delta": event.delta,
                    "content_index": event.content_index,
                },
            )
            session.emit(uid, {"type": "agent_reasoning_raw_content_delta", "delta": event.delta})
        elif isinstance(event, E.ReasoningSummaryPartAdded):
            session.emit(
                uid,
                {
                    "type": "agent_reasoning_section_break",
                    "item_id": event.item_id,
                    "summary_index": event.summary_index,
                },
            )
        elif isinstance(event, E.OutputItemAdded):
            _item_added(session, turn, event.item)
        elif isinstance(event, E.OutputItemDone):
            call = _item_done(session, turn, event.item)
            if call is not None:
                calls.append(call)
        elif isinstance(event, E.Completed):
            if event.usage is not None:
                session.token_info = add_usage(
                    session.token_info, usage_dict(event.usage), turn.settings.context_window
                )
                session.context_tokens = int(event.usage.total_tokens)
            session.emit_usage(uid)
    return calls


def _item_added(session: Session, turn: TurnState, item: dict[str, Any]) -> None:
    kind = item.get("type")
    core: dict[str, Any] | None = None
    if kind == "message" and item.get("role") == "assistant":
        # In Plan mode the reference starts the message with one empty text part.
        content = [{"type": "Text", "text": ""}] if turn.settings.collaboration_mode == "plan" else []
        core = {"type": "AgentMessage", "id": item.get("id", ""), "content": content}
    elif kind == "reasoning":
        core = {"type": "Reasoning", "id": item.get("id", ""), "summary_text": [], "raw_content": []}
    elif kind == "web_search_call":
        # What it searches for is only known when the item is done.
        core = {"type": "WebSearch", "id": item.get("id", ""), "query": "", "action": {"type": "other"}}
    if core is not None:
        session.emit(
            turn.id,
            {"type": "item_started", "thread_id": session.thread_id, "turn_id": turn.id, "item": core},
        )
    if kind == "web_search_call":
        session.emit(turn.id, {"type": "web_search_begin", "call_id": item.get("id", "")})


def _item_done(session: Session, turn: TurnState, item: dict[str, Any]) -> ToolCall | None:
    kind = item.get("type")
    tid, uid = session.thread_id, turn.id
    if kind == "message" and item.get("role") == "assistant":
        text = I.assistant_text(item)
        core = {"type": "AgentMessage", "id": item.get("id", ""), "content": [{"type": "Text", "text": text}]}
        session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": core})
        session.emit(uid, {"type": "agent_message", "message": text})
        turn.last_agent_message = text
        session.record([item])
        return None
    if kind == "reasoning":
        summary, content = I.reasoning_texts(item)
        core = {
            "type": "Reasoning",
            "id": item.get("id", ""),
            "summary_text": summary,
            "raw_content": content,
        }
        session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": core})
        for text in summary:
            session.emit(uid, {"type": "agent_reasoning", "text": text})
        if turn.settings.show_raw_agent_reasoning:
            for text in content:
                session.emit(uid, {"type": "agent_reasoning_raw_content", "text": text})
        session.record([item])
        return None
    if kind == "web_search_call":
        raw_action = item.get("action")
        action: dict[str, Any] = raw_action if isinstance(raw_action, dict) else {"type": "other"}
        query = I.web_search_query(action)
        core = {"type": "WebSearch", "id": item.get("id", ""), "query": query, "action": action}
        session.emit(uid, {"type": "item_completed", "thread_id": tid, "turn_id": uid, "item": core})
        end = {"type": "web_search_end", "call_id": item.get("id", ""), "query": query, "action": action}
        session.emit(uid, end)
        session.record([item])
        return None
    session.record([item])
    return ToolCall.from_item(item)


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
