"""thread/start, thread/read and thread/loaded/list for threads of this process."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from app_server.handlers import RequestContext, config_errors, handler
from app_server.jsonrpc import JsonRpcError
from app_server.thread_wire import config_overrides, resolve_cwd, thread_wire
from codex_core.user_agent import DEFAULT_ORIGINATOR

if TYPE_CHECKING:
    from app_server.protocol.results import ThreadLoadedListResponse, ThreadStartResponse
    from app_server.protocol.threads import ThreadLoadedListParams, ThreadStartParams


class ThreadSettingsParams(Protocol):
    """The settings fields every thread-creating request carries under the same names: thread/start,
    thread/resume, thread/fork, newConversation and the v1 `overrides` (read-only, so that each
    request model's own field types fit)."""

    @property
    def config(self) -> Mapping[str, Any] | None: ...
    @property
    def cwd(self) -> str | None: ...
    @property
    def base_instructions(self) -> str | None: ...
    @property
    def developer_instructions(self) -> str | None: ...
    @property
    def model(self) -> str | None: ...
    @property
    def model_provider(self) -> str | None: ...
    @property
    def approval_policy(self) -> str | None: ...
    @property
    def sandbox(self) -> str | None: ...


async def create_thread(
    ctx: RequestContext,
    *,
    config: dict[str, Any] | None,
    cwd: str | None,
    base_instructions: str | None = None,
    developer_instructions: str | None = None,
    ephemeral: bool = False,
    api_version: str = "v2",
    dynamic_tools: list[dict[str, Any]] | None = None,
    **typed: Any,
) -> Any:
    """Load config with the request's overrides, resolve settings and create a loaded thread."""
    from codex_core.agent.notices import emit_after_start
    from codex_core.agent.settings import resolve_settings
    from codex_core.config.errors import ConfigError

    # A cwd that does not exist (yet) is accepted, as the reference does; commands run there
    # fail with a clear error instead.
    work_dir = resolve_cwd(cwd)
    overrides = config_overrides(config, **typed)
    try:
        loaded = ctx.state.load_config(cwd=work_dir, request_overrides=overrides)
        settings = resolve_settings(
            loaded,
            cwd=work_dir,
            base_instructions=base_instructions,
            developer_instructions=developer_instructions,
            env=dict(ctx.state.options.env) if ctx.state.options.env else None,
        )
    except ConfigError as exc:
        raise config_errors.deriving_error(exc) from None
    state = ctx.state
    from codex_core.uuid7 import uuid7_str

    thread_id = uuid7_str()
    session = await state.threads.create(
        settings, ephemeral=ephemeral, thread_id=thread_id, **thread_wiring(ctx, thread_id, api_version)
    )
    ctx.after.append(lambda: emit_after_start(session, loaded))
    wire_thread(ctx, session, dynamic_tools=dynamic_tools)
    return session


def thread_wiring(ctx: RequestContext, thread_id: str, api_version: str = "v2") -> dict[str, Any]:
    """What the thread manager needs from this server to build a thread (every path: start,
    resume, fork, v1, detached review): where its events go, who answers its approvals, and who
    it says it is. Passed to `ThreadManager.create` / `load_session`."""
    from app_server.approvals import ThreadApprover

    state = ctx.state
    sink = state.events_for(thread_id)
    sink.api_version = api_version
    return {
        "sink": sink,
        "approver": ThreadApprover(state, thread_id, api_version),
        "originator": state.originator or DEFAULT_ORIGINATOR,
        "user_agent": state.user_agent(),
    }


async def load_thread(
    ctx: RequestContext,
    path: Any,
    settings: Any,
    *,
    thread_id: str,
    keep_requested_instructions: bool = False,
    api_version: str = "v2",
) -> Any:
    """A thread this server loads from a rollout (resume, fork, v1, detached review): built with
    `thread_wiring` and wired with `wire_thread`."""
    from codex_core.agent.manager import load_session

    session = await load_session(
        ctx.state.threads,
        path,
        settings,
        thread_id=thread_id,
        keep_requested_instructions=keep_requested_instructions,
        **thread_wiring(ctx, thread_id, api_version),
    )
    wire_thread(ctx, session)
    return session


def wire_thread(
    ctx: RequestContext,
    session: Any,
    *,
    dynamic_tools: list[dict[str, Any]] | None = None,
) -> None:
    """What every thread this server loads gets once built (see `thread_wiring` for what it is
    built with): the client's tools, and its MCP servers started once the answer went out."""
    from app_server.client_tools import attach_client_tools
    from codex_core.mcp.tools import start_servers_for

    state = ctx.state
    thread_id = session.thread_id
    attach_client_tools(state, session, thread_id, dynamic_tools)
    ctx.after.append(lambda: start_servers_for(session))


async def create_thread_for(
    ctx: RequestContext, params: ThreadSettingsParams, *, api_version: str = "v2", **extra: Any
) -> Any:
    """`create_thread` with the settings every thread-creating request carries under the same
    names (thread/start, thread/resume `history`, newConversation, resumeConversation `history`);
    `extra` adds or replaces arguments (`config`, `personality`, `profile`, ...)."""
    arguments: dict[str, Any] = {
        "config": params.config,
        "cwd": params.cwd,
        "base_instructions": params.base_instructions,
        "developer_instructions": params.developer_instructions,
        "model": params.model,
        "model_provider": params.model_provider,
        "approval_policy": params.approval_policy,
        "sandbox_mode": params.sandbox,
    }
    return await create_thread(ctx, api_version=api_version, **{**arguments, **extra})


def _dynamic_tools(params: ThreadStartParams) -> list[dict[str, Any]] | None:
    """Client-provided tools (experimental `dynamicTools`), as plain JSON specs."""
    tools = params.dynamic_tools
    if not tools:
        return None
    from app_server.protocol import serialize

    return [serialize.jsonable(tool) for tool in tools]


def start_response(session: Any) -> ThreadStartResponse:
    """The answer of thread/start, thread/resume and thread/fork (one shape)."""
    from app_server.settings_wire import sandbox_policy_to_v2

    settings = session.settings
    return {
        "thread": thread_wire(session),
        "model": settings.model,
        "modelProvider": settings.provider.id,
        "cwd": str(settings.cwd),
        "approvalPolicy": settings.approval_policy,
        "sandbox": sandbox_policy_to_v2(settings.sandbox_policy),
        "reasoningEffort": settings.reasoning_effort,
    }


@handler("thread/start")
async def thread_start(ctx: RequestContext, params: ThreadStartParams) -> ThreadStartResponse:
    session = await create_thread_for(
        ctx,
        params,
        ephemeral=bool(params.ephemeral),
        dynamic_tools=_dynamic_tools(params),
        personality=params.personality,
    )
    ctx.state.subscribe(ctx.connection, session.thread_id)
    response = start_response(session)
    ctx.after.append(lambda: ctx.state.broadcast("thread/started", {"thread": response["thread"]}))
    return response


def loaded_session(ctx: RequestContext, thread_id: str, *, not_found: str = "thread not found") -> Any:
    session = ctx.state.threads.get(thread_id)
    if session is None:
        raise JsonRpcError.invalid_request(f"{not_found}: {thread_id}")
    return session


@handler("thread/loaded/list")
async def thread_loaded_list(ctx: RequestContext, params: ThreadLoadedListParams) -> ThreadLoadedListResponse:
    from codex_core.ids import InvalidId, parse_thread_id

    # In id order (for uuid7 ids, creation order), whatever order they were loaded in; a page's
    # cursor is its last id and the next page starts after it (as 0.100.0 pages them).
    ids = sorted(ctx.state.threads.loaded_ids())
    if params.cursor is not None:
        try:
            after = parse_thread_id(params.cursor)
        except InvalidId:
            raise JsonRpcError.invalid_request(f"invalid cursor: {params.cursor}") from None
        ids = [thread_id for thread_id in ids if thread_id > after]
    size = max(params.limit, 1) if params.limit is not None else len(ids)
    page = ids[:size]
    next_cursor = page[-1] if page and len(ids) > size else None
    return {"data": page, "nextCursor": next_cursor}
