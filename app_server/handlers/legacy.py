"""The v1 conversation API on the same threads: newConversation, listeners, sendUserMessage/Turn, interrupt."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app_server.handlers import Deferred, RequestContext, handler
from app_server.handlers.threads import create_thread_for, load_thread, loaded_session
from app_server.handlers.turns import interrupt, start_turn, turn_settings
from app_server.jsonrpc import JsonRpcError
from codex_core.user_agent import DEFAULT_ORIGINATOR

if TYPE_CHECKING:
    from app_server.protocol.legacy_v1 import (
        AddConversationListenerParams,
        ForkConversationParams,
        InterruptConversationParams,
        NewConversationParams,
        RemoveConversationListenerParams,
        ResumeConversationParams,
        SendUserMessageParams,
        SendUserTurnParams,
    )
    from app_server.protocol.results import (
        AddConversationSubscriptionResponse,
        ForkConversationResponse,
        InterruptConversationResponse,
        NewConversationResponse,
        RemoveConversationSubscriptionResponse,
        ResumeConversationResponse,
        SendUserMessageResponse,
        SendUserTurnResponse,
    )


@handler("newConversation")
async def new_conversation(ctx: RequestContext, params: NewConversationParams) -> NewConversationResponse:
    config = dict(params.config or {})
    if params.compact_prompt is not None:
        config["compact_prompt"] = params.compact_prompt
    session = await create_thread_for(ctx, params, api_version="v1", config=config, profile=params.profile)
    # v1 clients receive events only after addConversationListener.
    return {
        "conversationId": session.thread_id,
        "model": session.settings.model,
        "reasoningEffort": session.settings.reasoning_effort,
        "rolloutPath": str(session.rollout_path) if session.rollout_path is not None else "",
    }


@handler("addConversationListener")
async def add_conversation_listener(
    ctx: RequestContext, params: AddConversationListenerParams
) -> AddConversationSubscriptionResponse:
    from codex_core.uuid7 import uuid7_str

    session = loaded_session(ctx, params.conversation_id, not_found="thread not found")
    subscription_id = uuid7_str()
    ctx.state.listeners[subscription_id] = (ctx.connection.id, session.thread_id)
    ctx.state.subscribe(ctx.connection, session.thread_id)
    return {"subscriptionId": subscription_id}


@handler("removeConversationListener")
async def remove_conversation_listener(
    ctx: RequestContext, params: RemoveConversationListenerParams
) -> RemoveConversationSubscriptionResponse:
    entry = ctx.state.listeners.pop(params.subscription_id, None)
    if entry is None or entry[0] != ctx.connection.id:
        raise JsonRpcError.invalid_request(f"subscription not found: {params.subscription_id}")
    connection_id, thread_id = entry
    still_listening = any(c == connection_id and t == thread_id for c, t in ctx.state.listeners.values())
    if not still_listening:
        ctx.connection.subscriptions.discard(thread_id)
    return {}


def _inputs(items: list[Any]) -> list[dict[str, Any]]:
    from app_server.input_wire import from_v1_items
    from app_server.protocol import serialize

    return from_v1_items([serialize.jsonable(item) for item in items])


@handler("sendUserMessage")
async def send_user_message(ctx: RequestContext, params: SendUserMessageParams) -> SendUserMessageResponse:
    session = loaded_session(ctx, params.conversation_id, not_found="conversation not found")
    inputs = _inputs(params.items)
    if not inputs:
        raise JsonRpcError.invalid_request("input must not be empty")
    start_turn(session, inputs, session.settings)
    return {}


@handler("sendUserTurn")
async def send_user_turn(ctx: RequestContext, params: SendUserTurnParams) -> SendUserTurnResponse:
    from app_server.protocol import serialize

    session = loaded_session(ctx, params.conversation_id, not_found="conversation not found")
    inputs = _inputs(params.items)
    if not inputs:
        raise JsonRpcError.invalid_request("input must not be empty")
    settings = turn_settings(
        session,
        cwd=params.cwd,
        approval_policy=params.approval_policy,
        sandbox_policy=serialize.jsonable(params.sandbox_policy),
        model=params.model,
        reasoning_effort=params.effort,
        reasoning_summary=params.summary,
        output_schema=params.output_schema,
    )
    start_turn(session, inputs, settings)
    return {}


@handler("interruptConversation", detached=True)
async def interrupt_conversation(
    ctx: RequestContext, params: InterruptConversationParams
) -> InterruptConversationResponse | Deferred:
    session = loaded_session(ctx, params.conversation_id, not_found="conversation not found")
    answer: InterruptConversationResponse = {"abortReason": "interrupted"}
    return await interrupt(ctx, session, answer)


def _overrides(params: ResumeConversationParams | ForkConversationParams) -> NewConversationParams:
    """The request's `overrides`; absent, every field unset."""
    from app_server.protocol.legacy_v1 import NewConversationParams

    return params.overrides if params.overrides is not None else NewConversationParams()


async def _initial_messages(path: Any) -> list[dict[str, Any]]:
    """The events stored in a rollout, which v1 clients replay to show the conversation so far."""
    import asyncio

    from codex_core.rollout.reader import iter_records

    def collect() -> list[dict[str, Any]]:
        return [payload for _, kind, payload in iter_records(path) if kind == "event_msg"]

    return await asyncio.to_thread(collect)


async def _v1_open(
    ctx: RequestContext, params: ResumeConversationParams | ForkConversationParams, *, fork: bool
) -> ResumeConversationResponse:
    """resumeConversation and forkConversation (their answers have one shape)."""
    from app_server.handlers.thread_history import rollout_of, settings_for
    from app_server.protocol.legacy_v1 import ResumeConversationParams
    from codex_core.agent.manager import fork_rollout
    from codex_core.rollout.reader import read_session_meta
    from codex_core.uuid7 import uuid7_str

    state = ctx.state
    if params.path is not None:
        path = _rollout_to_open(ctx, params.path)
    elif params.conversation_id:
        found = rollout_of(ctx, params.conversation_id)
        if found is None:
            raise JsonRpcError.invalid_request(
                f"no rollout found for conversation id {params.conversation_id}"
            )
        path = found
    elif fork:
        raise JsonRpcError.invalid_request("either path or conversation id must be provided")
    elif isinstance(params, ResumeConversationParams) and params.history:
        return await _v1_from_history(ctx, params)
    else:
        raise JsonRpcError.invalid_request(
            "either path, conversation id or non empty history must be provided"
        )
    meta = read_session_meta(path) or {}
    overrides = _overrides(params)
    settings = await settings_for(ctx, overrides, meta.get("cwd"))
    if fork:
        thread_id = uuid7_str()
        path = await fork_rollout(state.codex_home, path, thread_id, state.originator or DEFAULT_ORIGINATOR)
    else:
        thread_id = str(meta.get("id") or params.conversation_id)
    existing = None if fork else state.threads.get(thread_id)
    if existing is not None:
        # The reference opens the conversation afresh from its rollout with this request's settings;
        # the loaded thread takes them on for its next turns instead (its base instructions stay).
        existing.take_settings(settings, keep_requested_instructions=overrides.base_instructions is not None)
        session = existing
    else:
        session = await load_thread(
            ctx,
            path,
            settings,
            thread_id=thread_id,
            keep_requested_instructions=overrides.base_instructions is not None,
            api_version="v1",
        )
    initial_messages = await _initial_messages(path)
    await _announce_session(ctx, session, initial_messages, path)
    return {
        "conversationId": thread_id,
        "model": session.settings.model,
        "initialMessages": initial_messages,
        "rolloutPath": str(path),
    }


async def _announce_session(
    ctx: RequestContext, session: Any, initial_messages: list[Any], path: Any
) -> None:
    """`sessionConfigured`, which 0.100.0 sends every initialized client before answering a v1
    resume or fork (clients take the session id from it)."""
    import asyncio

    from codex_core.history_file import history_metadata

    log_id, entry_count = await asyncio.to_thread(history_metadata, ctx.state.codex_home)
    ctx.state.broadcast(
        "sessionConfigured",
        {
            "sessionId": session.thread_id,
            "model": session.settings.model,
            "reasoningEffort": session.settings.reasoning_effort,
            "historyLogId": log_id,
            "historyEntryCount": entry_count,
            "initialMessages": initial_messages,
            "rolloutPath": str(path),
        },
    )


def _rollout_to_open(ctx: RequestContext, raw: str) -> Any:
    """The rollout a v1 resume or fork names by path (inside CODEX_HOME); one that is not there
    is refused as the reference words it, with the path as the client gave it."""
    from app_server.handlers.thread_history import safe_path
    from codex_core.rollout.paths import unreadable_reason

    if not raw:
        raise JsonRpcError.invalid_request(
            "failed to load rollout ``: No such file or directory (os error 2)"
        )
    path = safe_path(ctx, raw)
    unreadable = unreadable_reason(path)
    if unreadable is not None:
        raise JsonRpcError.invalid_request(f"failed to load rollout `{raw}`: {unreadable}")
    return path


async def _v1_from_history(
    ctx: RequestContext, params: ResumeConversationParams
) -> ResumeConversationResponse:
    """resumeConversation with `history`: a new conversation that starts from those items."""
    from app_server.handlers.thread_history import thread_from_history

    overrides = _overrides(params)
    session = await thread_from_history(
        ctx, overrides, params.history or [], api_version="v1", profile=overrides.profile
    )
    rollout_path = str(session.rollout_path) if session.rollout_path is not None else ""
    await _announce_session(ctx, session, [], rollout_path)
    return {
        "conversationId": session.thread_id,
        "model": session.settings.model,
        "initialMessages": [],
        "rolloutPath": rollout_path,
    }


@handler("resumeConversation")
async def resume_conversation(
    ctx: RequestContext, params: ResumeConversationParams
) -> ResumeConversationResponse:
    return await _v1_open(ctx, params, fork=False)


@handler("forkConversation")
async def fork_conversation(ctx: RequestContext, params: ForkConversationParams) -> ForkConversationResponse:
    return await _v1_open(ctx, params, fork=True)
