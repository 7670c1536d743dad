"""initialize, getUserAgent, userInfo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler

if TYPE_CHECKING:
    from app_server.protocol.legacy_v1 import InitializeParams
    from app_server.protocol.results import GetUserAgentResponse, InitializeResponse, UserInfoResponse


@handler("initialize")
async def initialize(ctx: RequestContext, params: InitializeParams) -> InitializeResponse:
    capabilities = params.capabilities
    if capabilities is not None and capabilities.reconnect is not None and ctx.connection.reconnectable:
        return await initialize_reconnect(ctx, params)  # websocket only: on stdio it is ignored
    apply_initialize(
        ctx,
        params.client_info.name,
        params.client_info.version,
        bool(capabilities.experimental_api) if capabilities is not None else False,
        (capabilities.opt_out_notification_methods or []) if capabilities is not None else [],
    )
    warnings = await ctx.state.config_warnings()
    if warnings:
        ctx.after.append(lambda: ctx.state.send_config_warnings(ctx.connection, warnings))
    return {"userAgent": ctx.state.user_agent()}


async def initialize_reconnect(ctx: RequestContext, params: Any) -> InitializeResponse:
    """initialize with the reconnect extension (app_server/reconnect.py, docs/app-server.md)."""
    from app_server.jsonrpc import JsonRpcError
    from app_server.reconnect import RECONNECT_FAILED, VERSION, ReconnectError

    capabilities = params.capabilities
    wanted = capabilities.reconnect
    if not capabilities.experimental_api:
        raise JsonRpcError.invalid_request("capabilities.reconnect requires experimentalApi capability")
    if wanted.version < 1:
        raise JsonRpcError.invalid_request(
            f"capabilities.reconnect.version {wanted.version} is not supported (this server speaks 1 to {VERSION})"
        )
    if wanted.last_seq is not None and wanted.resume_token is None:
        raise JsonRpcError.invalid_request("capabilities.reconnect.lastSeq needs resumeToken")
    warnings = await ctx.state.config_warnings()
    hub = ctx.state.reconnect
    connection = ctx.connection
    plan = None
    if hub is not None and wanted.resume_token is not None:
        try:
            plan = hub.check(wanted.resume_token, wanted.last_seq or {})
        except ReconnectError as exc:
            raise JsonRpcError(RECONNECT_FAILED, exc.message, exc.data) from None
    apply_initialize(
        ctx,
        params.client_info.name,
        params.client_info.version,
        True,
        capabilities.opt_out_notification_methods or [],
    )
    if warnings:
        ctx.after.append(lambda: ctx.state.send_config_warnings(connection, warnings))
    result: InitializeResponse = {"userAgent": ctx.state.user_agent()}
    if hub is None:
        return result
    version = min(wanted.version, VERSION)
    if plan is None:
        result["reconnect"] = hub.info(hub.open(connection), version, {})
        return result
    result["reconnect"] = hub.info(plan.session, version, plan.current)
    # After the answer (and any config warnings): pending requests, the replay, then live events.
    ctx.after.append(lambda: hub.resume(connection, plan))
    return result


def apply_initialize(
    ctx: RequestContext, name: str, version: str | None, experimental_api: bool, opt_outs: list[str]
) -> None:
    connection = ctx.connection
    connection.initialized = True
    connection.client_name = name
    connection.client_version = version
    connection.experimental_api = experimental_api
    connection.opt_out_methods = frozenset(opt_outs)
    ctx.state.record_client(name, version)


@handler("getUserAgent")
async def get_user_agent(ctx: RequestContext, params: None) -> GetUserAgentResponse:
    return {"userAgent": ctx.state.user_agent()}


@handler("userInfo")
async def user_info(ctx: RequestContext, params: None) -> UserInfoResponse:
    from app_server.handlers.account import auth_manager

    # "alleged": the id token's email claim, not verified here.
    auth = auth_manager(ctx.state).current()
    return {"allegedUserEmail": auth.email if auth is not None and auth.is_chatgpt else None}
