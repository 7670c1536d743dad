"""One model request of a turn: the prompt, the request, and the items it streams back (text,
reasoning, web searches, tool calls), emitted as they come. The turn loop (`turn.py`), compaction
and review all sample through here."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from codex_core.agent import items as I
from codex_core.agent.events import add_usage, usage_dict
from codex_core.agent.in_flight import InFlightCalls
from codex_core.agent.tool_context import tool_context
from codex_core.tools.base import ToolCall

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState

log = logging.getLogger("codex.agent")

DEFAULT_PERSONALITY = "pragmatic"
TURN_METADATA = json.dumps({"sandbox": "seccomp"}, separators=(",", ":"))


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
        tools=session.tools.specs(tool_context(session, turn)),
        parallel_tool_calls=family.parallel_tool_calls,
        reasoning=reasoning,
        output_schema=settings.output_schema,
        verbosity=settings.verbosity if family.supports_verbosity else None,
        prompt_cache_key=session.thread_id,
    )


async def sample(session: Session, turn: TurnState) -> bool:
    """One model request: stream its output as events and record it. Tool calls start as soon as
    their item is done, while the response still streams (`in_flight.py`); their outputs are
    recorded, in call order, once it has ended. True when the model called tools (it expects
    their outputs back)."""
    calls = InFlightCalls(session.tools, tool_context(session, turn))
    try:
        await _stream(session, turn, calls)
    except asyncio.CancelledError:
        await calls.cancel()
        raise
    except Exception:
        # As the reference does, calls already started finish and are recorded before the
        # failure ends the turn.
        await calls.drain(session.record)
        raise
    await calls.drain(session.record)
    return bool(calls)


async def _stream(session: Session, turn: TurnState, calls: InFlightCalls) -> None:
    from codex_core.model import events as E

    session.persist("turn_context", _turn_context(session, turn))
    client = session.model_client(turn.settings)
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
                    "item_id": event.item_id or "",
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
                    "item_id": event.item_id or "",
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
                    "item_id": event.item_id or "",
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
                    "item_id": event.item_id or "",
                    "summary_index": event.summary_index,
                },
            )
        elif isinstance(event, E.OutputItemAdded):
            _item_added(session, turn, event.item)
        elif isinstance(event, E.OutputItemDone):
            call = _item_done(session, turn, event.item)
            if call is not None:
                await calls.start(call)
        elif isinstance(event, E.Completed):
            if event.usage is not None:
                session.token_info = add_usage(
                    session.token_info, usage_dict(event.usage), turn.settings.context_window
                )
                session.context_tokens = int(event.usage.total_tokens)
            session.emit_usage(uid)


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
        session.emit(
            uid, {"type": "web_search_end", "call_id": item.get("id", ""), "query": query, "action": action}
        )
        session.record([item])
        return None
    session.record([item])
    return ToolCall.from_item(item)
