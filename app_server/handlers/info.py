"""initialize, getUserAgent, userInfo."""

from __future__ import annotations

from typing import Any

from app_server.handlers import RequestContext, handler


@handler("initialize")
async def initialize(ctx: RequestContext, params: Any) -> dict[str, Any]:
    capabilities = params.capabilities
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
async def get_user_agent(ctx: RequestContext, params: Any) -> dict[str, Any]:
    return {"userAgent": ctx.state.user_agent()}


@handler("userInfo")
async def user_info(ctx: RequestContext, params: Any) -> dict[str, Any]:
    from app_server.handlers.account import auth_manager

    # "alleged": the id token's email claim, not verified here.
    auth = auth_manager(ctx.state).current()
    return {"allegedUserEmail": auth.email if auth is not None and auth.is_chatgpt else None}
