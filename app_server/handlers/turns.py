"""turn/start, turn/steer, turn/interrupt and thread/compact/start."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app_server.handlers import DEFERRED, Deferred, RequestContext, handler
from app_server.handlers.threads import load_thread, loaded_session
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.results import (
        ReviewStartResponse,
        ThreadCompactStartResponse,
        TurnInterruptResponse,
        TurnStartResponse,
        TurnSteerResponse,
    )
    from app_server.protocol.threads import ThreadCompactStartParams
    from app_server.protocol.turns import (
        ReviewStartParams,
        TurnInterruptParams,
        TurnStartParams,
        TurnSteerParams,
    )

IN_PROGRESS = "inProgress"


def inputs_wire(inputs: list[Any]) -> list[dict[str, Any]]:
    from app_server.protocol import serialize

    return [entry if isinstance(entry, dict) else serialize.jsonable(entry) for entry in inputs]


def serialize_jsonable(value: Any) -> Any:
    from app_server.protocol import serialize

    return serialize.jsonable(value) if value is not None else None


def turn_settings(session: Any, **overrides: Any) -> Any:
    """The thread's settings with this turn's overrides; they stick for later turns, as in the reference."""
    from dataclasses import replace

    from app_server.settings_wire import sandbox_policy_from_v2
    from codex_core.model.families import model_family

    settings = session.settings
    changes: dict[str, Any] = {}
    if overrides.get("cwd"):
        changes["cwd"] = Path(overrides["cwd"])
    if overrides.get("approval_policy"):
        changes["approval_policy"] = overrides["approval_policy"]
    if overrides.get("sandbox_policy") is not None:
        changes["sandbox_policy"] = sandbox_policy_from_v2(overrides["sandbox_policy"])
    if overrides.get("model"):
        changes["model"] = overrides["model"]
        changes["family"] = model_family(overrides["model"])
    for key in ("reasoning_effort", "reasoning_summary", "personality"):
        if overrides.get(key):
            changes[key] = overrides[key]
    if "output_schema" in overrides:
        changes["output_schema"] = overrides["output_schema"]
    mode = overrides.get("collaboration_mode")
    if isinstance(mode, dict) and mode.get("mode") in ("plan", "default"):
        # A collaboration mode takes precedence over model, effort and developer instructions.
        raw = mode.get("settings")
        chosen: dict[str, Any] = raw if isinstance(raw, dict) else {}
        changes["collaboration_mode"] = mode["mode"]
        if chosen.get("model"):
            changes["model"] = chosen["model"]
            changes["family"] = model_family(chosen["model"])
        if chosen.get("reasoning_effort"):
            changes["reasoning_effort"] = chosen["reasoning_effort"]
        settings = replace(settings, collaboration_instructions=chosen.get("developer_instructions") or None)
    return settings.with_overrides(**changes) if changes else settings


def start_turn(session: Any, inputs: list[dict[str, Any]], settings: Any, kind: str = "regular") -> str:
    """Start a turn; input sent while one is running joins that turn (as the reference injects it)."""
    from codex_core.uuid7 import uuid7_str

    if session.running:
        return str(session.steer(inputs))
    turn = session.start_turn(uuid7_str(), inputs, settings, kind=kind)
    return str(turn.id)


@handler("turn/start")
async def turn_start(ctx: RequestContext, params: TurnStartParams) -> TurnStartResponse:
    session = loaded_session(ctx, params.thread_id)
    inputs = inputs_wire(params.input)
    if not inputs:
        raise JsonRpcError.invalid_request("input must not be empty")
    settings = turn_settings(
        session,
        cwd=params.cwd,
        approval_policy=params.approval_policy,
        sandbox_policy=inputs_wire([params.sandbox_policy])[0] if params.sandbox_policy is not None else None,
        model=params.model,
        reasoning_effort=params.effort,
        reasoning_summary=params.summary,
        personality=params.personality,
        output_schema=params.output_schema,
        collaboration_mode=serialize_jsonable(params.collaboration_mode),
    )
    turn_id = start_turn(session, inputs, settings)
    turn: dict[str, Any] = {"id": turn_id, "items": [], "status": IN_PROGRESS, "error": None}
    thread_id = session.thread_id
    # turn/started goes to every initialized connection, as the reference does.
    ctx.after.append(lambda: ctx.state.broadcast("turn/started", {"threadId": thread_id, "turn": turn}))
    return {"turn": turn}


@handler("turn/steer")
async def turn_steer(ctx: RequestContext, params: TurnSteerParams) -> TurnSteerResponse:
    from codex_core.agent.session import ThreadBusy

    session = loaded_session(ctx, params.thread_id)
    inputs = inputs_wire(params.input)
    if not inputs:
        raise JsonRpcError.invalid_request("input must not be empty")
    try:
        turn_id = session.steer(inputs, params.expected_turn_id)
    except ThreadBusy as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    return {"turnId": turn_id}


@handler("turn/interrupt", detached=True)
async def turn_interrupt(
    ctx: RequestContext, params: TurnInterruptParams
) -> TurnInterruptResponse | Deferred:
    session = loaded_session(ctx, params.thread_id)
    answer: TurnInterruptResponse = {}
    return await interrupt(ctx, session, answer)


_Answer = TypeVar("_Answer")


async def interrupt(ctx: RequestContext, session: Any, result: _Answer) -> _Answer | Deferred:
    """Abort the running turn; the answer goes out with the abort, just before turn/completed."""
    if not session.running:
        return result  # nothing running: already as interrupted as it gets
    ctx.state.events_for(session.thread_id).pending_interrupts.append(
        (ctx.connection, ctx.request_id, result)
    )
    await session.interrupt()
    return DEFERRED


@handler("thread/compact/start")
async def thread_compact_start(
    ctx: RequestContext, params: ThreadCompactStartParams
) -> ThreadCompactStartResponse:
    from codex_core.agent.session import ThreadBusy

    session = loaded_session(ctx, params.thread_id)
    try:
        start_turn_checked(session, kind="compact")
    except ThreadBusy as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    return {}


def start_turn_checked(session: Any, *, kind: str) -> str:
    from codex_core.agent.session import ThreadBusy
    from codex_core.uuid7 import uuid7_str

    if session.running:
        raise ThreadBusy("a turn is already running on this thread")
    return str(session.start_turn(uuid7_str(), [], session.settings, kind=kind).id)


async def _fork_for_review(ctx: RequestContext, parent: Any) -> Any:
    """A detached review's thread: a fork of the thread's rollout (as 0.100.0 makes it, so a
    thread with none yet is refused), announced with `thread/started` before the answer."""
    from app_server.handlers.threads import start_response
    from codex_core.agent.manager import fork_rollout
    from codex_core.user_agent import DEFAULT_ORIGINATOR
    from codex_core.uuid7 import uuid7_str

    state = ctx.state
    await parent.flush()
    source = parent.rollout_path
    if source is None or not source.exists():
        raise JsonRpcError.invalid_request(f"no rollout found for thread id {parent.thread_id}")
    review_id = uuid7_str()
    path = await fork_rollout(state.codex_home, source, review_id, state.originator or DEFAULT_ORIGINATOR)
    review = await load_thread(ctx, path, parent.settings, thread_id=review_id)
    state.subscribe(ctx.connection, review_id)
    state.broadcast("thread/started", {"thread": start_response(review)["thread"]})
    return review


@handler("review/start")
async def review_start(ctx: RequestContext, params: ReviewStartParams) -> ReviewStartResponse:
    """A review turn: inline on the thread, or `detached` on a new thread that starts from the same settings."""
    from app_server.protocol import serialize
    from codex_core.agent.session import ThreadBusy
    from codex_core.uuid7 import uuid7_str

    state = ctx.state
    session = loaded_session(ctx, params.thread_id)
    target = serialize.jsonable(params.target)
    for kind, field in (("custom", "instructions"), ("baseBranch", "branch"), ("commit", "sha")):
        if target.get("type") == kind and not str(target.get(field) or "").strip():
            raise JsonRpcError.invalid_request(f"{field} must not be empty")
    if params.delivery == "detached":
        session = await _fork_for_review(ctx, session)
    if session.running:
        raise JsonRpcError.invalid_request(str(ThreadBusy("a turn is already running on this thread")))
    from codex_core.agent.review import review_prompt

    turn = session.start_turn(uuid7_str(), [], session.settings, kind="review", review_target=target)
    # The turn shows the review request as its user message from the start, under the turn's id.
    request = {"type": "text", "text": review_prompt(target)[0], "text_elements": []}
    user_message = {"type": "userMessage", "id": turn.id, "content": [request]}
    wire: dict[str, Any] = {"id": turn.id, "items": [user_message], "status": IN_PROGRESS, "error": None}
    thread_id = session.thread_id
    ctx.after.append(lambda: state.broadcast("turn/started", {"threadId": thread_id, "turn": wire}))
    return {"turn": wire, "reviewThreadId": thread_id}
