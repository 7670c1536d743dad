"""initialize, getUserAgent, userInfo."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import orjson

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
    return {"allegedUserEmail": email_from_auth_file(ctx.state.codex_home / "auth.json")}


def email_from_auth_file(path: Path) -> str | None:
    """The email claim of the stored ChatGPT id token; "alleged" because it is not verified here."""
    try:
        auth = orjson.loads(path.read_bytes())
        token = auth["tokens"]["id_token"]
        payload = token.split(".")[1]
        claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (OSError, KeyError, TypeError, IndexError, ValueError, AttributeError):
        return None
    email = claims.get("email") if isinstance(claims, dict) else None
    return email if isinstance(email, str) else None
