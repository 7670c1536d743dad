"""Threads that live on disk: thread/read, thread/resume, thread/fork, thread/name/set, thread/rollback."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, config_errors, handler
from app_server.handlers.threads import load_thread, loaded_session, start_response
from app_server.jsonrpc import JsonRpcError
from app_server.thread_wire import config_overrides, resolve_cwd, thread_wire
from codex_core.user_agent import DEFAULT_ORIGINATOR

if TYPE_CHECKING:
    from app_server.handlers.threads import ThreadSettingsParams
    from app_server.protocol.results import (
        ThreadForkResponse,
        ThreadReadResponse,
        ThreadResumeResponse,
        ThreadRollbackResponse,
        ThreadSetNameResponse,
    )
    from app_server.protocol.threads import (
        ThreadForkParams,
        ThreadReadParams,
        ThreadResumeParams,
        ThreadRollbackParams,
        ThreadSetNameParams,
    )


def rollout_of(ctx: RequestContext, thread_id: str) -> Path | None:
    from codex_core.agent.manager import find_rollout

    session = ctx.state.threads.get(thread_id)
    if session is not None and session.rollout_path is not None:
        return Path(session.rollout_path)
    return find_rollout(ctx.state.codex_home, thread_id)


def safe_path(ctx: RequestContext, raw: str) -> Path:
    from codex_core.rollout.paths import RolloutPathError, resolve_inside

    try:
        return resolve_inside(ctx.state.codex_home, raw)
    except RolloutPathError as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None


async def settings_for(ctx: RequestContext, params: ThreadSettingsParams, meta_cwd: str | None) -> Any:
    from codex_core.agent.settings import resolve_settings
    from codex_core.config.errors import ConfigError

    cwd = resolve_cwd(params.cwd or meta_cwd)
    overrides = config_overrides(
        params.config,
        model=params.model,
        model_provider=params.model_provider,
        approval_policy=params.approval_policy,
        sandbox_mode=params.sandbox,
    )
    try:
        loaded = ctx.state.load_config(cwd=cwd if cwd.is_dir() else None, request_overrides=overrides)
        return resolve_settings(
            loaded,
            cwd=cwd,
            base_instructions=params.base_instructions,
            developer_instructions=params.developer_instructions,
        )
    except ConfigError as exc:
        raise config_errors.deriving_error(exc) from None


def running_turn_id(session: Any) -> str | None:
    """The id of the turn the thread is running now (its unfinished turn on disk is not cut off)."""
    turn = session.current
    return str(turn.id) if turn is not None and not turn.done.is_set() else None


async def _thread_from_disk(ctx: RequestContext, path: Path, include_turns: bool) -> dict[str, Any]:
    from codex_core.rollout.history import build_turns_async
    from codex_core.rollout.reader import read_head_async

    head = await read_head_async(path)
    if head is None:
        raise JsonRpcError.invalid_request(f"failed to read thread from {path}: no session metadata")
    from app_server.thread_wire import thread_wire_from_head

    turns = await build_turns_async(path) if include_turns else []
    return thread_wire_from_head(head, path, turns)


@handler("thread/read")
async def thread_read(ctx: RequestContext, params: ThreadReadParams) -> ThreadReadResponse:
    from codex_core.rollout.history import build_turns_async

    session = ctx.state.threads.get(params.thread_id)
    if session is not None:
        turns: list[dict[str, Any]] = []
        if params.include_turns and session.rollout_path is not None:
            await session.flush()
            if session.rollout_path.exists():
                turns = await build_turns_async(session.rollout_path, running_turn_id(session))
        return {"thread": thread_wire(session, turns)}
    path = rollout_of(ctx, params.thread_id)
    if path is None:
        raise JsonRpcError.invalid_request(f"thread not loaded: {params.thread_id}")
    return {"thread": await _thread_from_disk(ctx, path, bool(params.include_turns))}


@handler("thread/resume")
async def thread_resume(ctx: RequestContext, params: ThreadResumeParams) -> ThreadResumeResponse:
    from codex_core.rollout.history import build_turns_async
    from codex_core.rollout.reader import read_session_meta

    state = ctx.state
    if params.history is not None:
        return await _resume_from_history(ctx, params)
    session = state.threads.get(params.thread_id)
    if session is None:
        path = safe_path(ctx, params.path) if params.path else rollout_of(ctx, params.thread_id)
        if path is None:
            raise JsonRpcError.invalid_request(f"no rollout found for thread id {params.thread_id}")
        meta = read_session_meta(path) or {}
        settings = await settings_for(ctx, params, meta.get("cwd"))
        thread_id = str(meta.get("id") or params.thread_id)
        session = await load_thread(
            ctx,
            path,
            settings,
            thread_id=thread_id,
            keep_requested_instructions=params.base_instructions is not None,
        )
    else:
        # As the reference, which opens the thread afresh with this request's settings: they are
        # the loaded thread's from its next turn on (its base instructions stay).
        settings = await settings_for(ctx, params, str(session.settings.cwd))
        session.take_settings(settings, keep_requested_instructions=params.base_instructions is not None)
    state.subscribe(ctx.connection, session.thread_id)
    _warn_of_another_model(ctx, session)
    await session.flush()
    response = start_response(session)
    if session.rollout_path is not None and session.rollout_path.exists():
        response["thread"]["turns"] = await build_turns_async(session.rollout_path, running_turn_id(session))
    return response


def _warn_of_another_model(ctx: RequestContext, session: Any) -> None:
    """The reference's warning (a legacy event, under its start-up id) when a thread resumes with
    another model than its last turn ran with."""
    recorded, model = session.recorded_model, session.settings.model
    if recorded is None or recorded == model:
        return
    message = (
        f"This session was recorded with model `{recorded}` but is resuming with `{model}`. "
        f"Consider switching back to `{recorded}` as it may affect Codex performance."
    )
    ctx.state.notify_legacy_event(
        session.thread_id, "auto-compact-0", {"type": "warning", "message": message}
    )


async def thread_from_history(
    ctx: RequestContext,
    settings: ThreadSettingsParams,
    history: list[Any],
    *,
    api_version: str = "v2",
    **extra: Any,
) -> Any:
    """A new thread that starts from response items given by the client instead of a rollout
    (thread/resume and resumeConversation `history`); its rollout is written at once."""
    from app_server.handlers.threads import create_thread_for
    from app_server.protocol import serialize

    session = await create_thread_for(ctx, settings, api_version=api_version, **extra)
    session.start_from_history([serialize.jsonable(item) for item in history])
    await session.flush()
    return session


async def _resume_from_history(ctx: RequestContext, params: ThreadResumeParams) -> ThreadResumeResponse:
    """`history` (experimental, for Codex cloud)."""
    if not params.history:
        raise JsonRpcError.invalid_request("history must not be empty")
    session = await thread_from_history(ctx, params, params.history, personality=params.personality)
    ctx.state.subscribe(ctx.connection, session.thread_id)
    response = start_response(session)
    response["thread"]["turns"] = []  # items carry no turn events
    return response


@handler("thread/fork")
async def thread_fork(ctx: RequestContext, params: ThreadForkParams) -> ThreadForkResponse:
    from codex_core.agent.manager import fork_rollout
    from codex_core.rollout.history import build_turns_async
    from codex_core.rollout.reader import read_session_meta
    from codex_core.uuid7 import uuid7_str

    state = ctx.state
    source_session = state.threads.get(params.thread_id)
    if source_session is not None:
        await source_session.flush()
    source = safe_path(ctx, params.path) if params.path else rollout_of(ctx, params.thread_id)
    if source is None or not source.exists():
        raise JsonRpcError.invalid_request(f"no rollout found for thread id {params.thread_id}")
    meta = read_session_meta(source) or {}
    settings = await settings_for(ctx, params, meta.get("cwd"))
    new_id = uuid7_str()
    path = await fork_rollout(state.codex_home, source, new_id, state.originator or DEFAULT_ORIGINATOR)
    session = await load_thread(
        ctx,
        path,
        settings,
        thread_id=new_id,
        keep_requested_instructions=params.base_instructions is not None,
    )
    state.subscribe(ctx.connection, new_id)
    response = start_response(session)
    response["thread"]["turns"] = await build_turns_async(path)
    thread = response["thread"]
    ctx.after.append(lambda: state.broadcast("thread/started", {"thread": thread}))
    return response


@handler("thread/name/set")
async def thread_name_set(ctx: RequestContext, params: ThreadSetNameParams) -> ThreadSetNameResponse:
    from codex_core.rollout.session_index import append_thread_name_async
    from codex_core.uuid7 import uuid7_str

    name = params.name.strip()
    if not name:
        raise JsonRpcError.invalid_request("thread name must not be empty")
    session = ctx.state.threads.get(params.thread_id)
    if session is not None and session.rollout_path is None:
        raise JsonRpcError.invalid_request("Session persistence is disabled; cannot rename thread.")
    if session is None and rollout_of(ctx, params.thread_id) is None:
        raise JsonRpcError.invalid_request(f"thread not found: {params.thread_id}")
    await append_thread_name_async(ctx.state.codex_home, params.thread_id, name)
    state, thread_id = ctx.state, params.thread_id
    event = {"type": "thread_name_updated", "thread_id": thread_id, "thread_name": name}

    def announce() -> None:
        state.notify_legacy_event(thread_id, uuid7_str(), event)
        state.broadcast("thread/name/updated", {"threadId": thread_id, "threadName": name})

    ctx.after.append(announce)
    return {}


@handler("thread/rollback")
async def thread_rollback(ctx: RequestContext, params: ThreadRollbackParams) -> ThreadRollbackResponse:
    from codex_core.agent.events import estimated_usage
    from codex_core.rollout.history import build_turns_async, drop_last_user_turns
    from codex_core.uuid7 import uuid7_str

    session = loaded_session(ctx, params.thread_id)
    if session.running:
        message = "Cannot rollback while a turn is in progress."
        # The thread's listeners hear of it too, as the legacy error event of the refused rollback
        # (no v2 `error`, nothing in the rollout, as in the reference).
        event = {"type": "error", "message": message, "codex_error_info": "thread_rollback_failed"}
        ctx.state.notify_legacy_event(session.thread_id, uuid7_str(), event)
        raise JsonRpcError.invalid_request(message)
    if params.num_turns < 1:
        raise JsonRpcError.invalid_request("numTurns must be >= 1")
    session.history = drop_last_user_turns(session.history, int(params.num_turns))
    # The events carry the id of the rollback itself, as the reference's submissions do: first the
    # usage as it now stands (the kept history's estimated size as the last count), then the rollback.
    rollback_id = uuid7_str()
    path = session.rollout_path
    # A thread whose rollout is not written yet (no turn ran) cannot be read back afterwards.
    unwritten = path is not None and not path.exists()
    session.emit(rollback_id, {"type": "token_count", **estimated_usage(session)})
    session.emit(rollback_id, {"type": "thread_rolled_back", "num_turns": int(params.num_turns)})
    await session.flush()
    if unwritten:
        # As the reference, which fails to read the thread back here.
        raise JsonRpcError.internal(
            f"failed to load rollout `{path}`: No such file or directory (os error 2)"
        )
    turns = await build_turns_async(path) if path is not None else []
    return {"thread": thread_wire(session, turns)}
