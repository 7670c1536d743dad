"""account/* (v2) and the v1 login methods: thin adapters over the process-wide login.AuthManager."""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError
from codex_core.user_agent import DEFAULT_ORIGINATOR

if TYPE_CHECKING:
    from app_server.protocol.account import CancelLoginAccountParams, GetAccountParams, LoginAccountParams
    from app_server.protocol.legacy_v1 import CancelLoginChatGptParams, GetAuthStatusParams, LoginApiKeyParams
    from app_server.protocol.results import (
        CancelLoginAccountResponse,
        CancelLoginChatGptResponse,
        GetAccountRateLimitsResponse,
        GetAccountResponse,
        GetAuthStatusResponse,
        LoginAccountResponse,
        LoginApiKeyResponse,
        LoginChatGptResponse,
        LogoutAccountResponse,
        LogoutChatGptResponse,
    )
    from app_server.state import ServerState
    from login.manager import AuthManager, ExternalTokens
    from login.server import LoginServer

log = logging.getLogger("codex.app_server")

RATE_LIMITS_AUTH_REQUIRED = "codex account authentication required to read rate limits"
EXTERNAL_REFRESH_TIMEOUT_S = 10.0
LOGIN_PORT_ENV = "CODEX_LOGIN_SERVER_PORT"  # ours: lets tests run the callback server on any port


@dataclass
class _AccountState:
    login: LoginServer | None = None
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


def auth_manager(state: ServerState) -> AuthManager:
    """The process's AuthManager, with this server's config (-c overrides included) applied."""
    from login.manager import AuthManager

    manager = AuthManager.for_home(state.codex_home, env=state.options.env)
    try:
        manager.configure_from(state.server_config().typed)
    except Exception as exc:  # a config error is reported by config/read; auth keeps its defaults
        log.debug("auth settings not refreshed from config: %s", type(exc).__name__)
    return manager


def _requires_openai_auth(ctx: RequestContext) -> bool:
    from codex_core.config.providers import resolve_provider

    try:
        return resolve_provider(ctx.state.server_config().typed, ctx.state.options.env).requires_openai_auth
    except Exception:
        return True  # unknown provider: the default openai provider's answer


def _bad(message: str) -> JsonRpcError:
    return JsonRpcError.invalid_request(message)


# -- account/read, getAuthStatus -------------------------------------------------------------------
@handler("account/read")
async def account_read(ctx: RequestContext, params: GetAccountParams) -> GetAccountResponse:
    if not _requires_openai_auth(ctx):
        return {"account": None, "requiresOpenaiAuth": False}
    manager = auth_manager(ctx.state)
    if params.refresh_token:
        await _try_refresh(manager)
    auth = await asyncio.to_thread(manager.current)
    account: dict[str, Any] | None = None
    if auth is not None and auth.mode == "apikey":
        account = {"type": "apiKey"}
    elif auth is not None:
        account = {"type": "chatgpt", "email": auth.email or "", "planType": auth.plan_type}
    return {"account": account, "requiresOpenaiAuth": True}


async def _try_refresh(manager: AuthManager) -> None:
    from login.oauth import OAuthError

    try:
        await manager.refresh()  # managed tokens only; external tokens are the client's business
    except OAuthError as exc:
        log.warning("token refresh failed: %s", exc)


@handler("getAuthStatus")
async def get_auth_status(ctx: RequestContext, params: GetAuthStatusParams) -> GetAuthStatusResponse:
    if not _requires_openai_auth(ctx):
        return {"authMethod": None, "authToken": None, "requiresOpenaiAuth": False}
    manager = auth_manager(ctx.state)
    if params is not None and params.refresh_token:
        await _try_refresh(manager)
    auth = await asyncio.to_thread(manager.current)
    include = bool(params is not None and params.include_token)
    return {
        "authMethod": auth.mode if auth else None,
        "authToken": auth.bearer_token if auth and include else None,
        "requiresOpenaiAuth": True,
    }


# -- login ---------------------------------------------------------------------------------------------
def _broadcast_login_done(
    state: ServerState, v1: bool, login_id: str | None, error: str | None, mode: str | None
) -> None:
    if v1:
        state.broadcast(
            "loginChatGptComplete", {"loginId": login_id, "success": error is None, "error": error}
        )
        if error is None:
            state.broadcast("authStatusChange", {"authMethod": mode})
        return
    state.broadcast(
        "account/login/completed", {"loginId": login_id, "success": error is None, "error": error}
    )
    if error is None:
        state.broadcast("account/updated", {"authMode": mode})


async def _login_api_key(ctx: RequestContext, api_key: str) -> None:
    from login.manager import LoginRestricted
    from login.storage import AuthStorageError

    manager = auth_manager(ctx.state)
    try:
        await asyncio.to_thread(manager.login_api_key, api_key)
    except LoginRestricted as exc:
        raise _bad(str(exc)) from None
    except AuthStorageError as exc:
        raise JsonRpcError.internal(f"failed to save api key: {exc}") from None


async def _start_chatgpt_login(ctx: RequestContext, *, v1: bool) -> LoginServer:
    from login.manager import LoginRestricted
    from login.oauth import issuer_url
    from login.server import DEFAULT_PORT, FALLBACK_PORT, LoginFailed, LoginOptions, start_login_server

    state = ctx.state
    manager = auth_manager(state)
    env = state.options.env if state.options.env is not None else os.environ
    account = state.store("account", _AccountState)
    if account.login is not None:
        account.login.cancel()  # one browser login at a time, the newest wins
    port_text = env.get(LOGIN_PORT_ENV, "").strip()
    port = int(port_text) if port_text.isdigit() else DEFAULT_PORT
    options = LoginOptions(
        issuer=issuer_url(env),
        port=port,
        fallback_port=FALLBACK_PORT if port == DEFAULT_PORT else None,
        originator=state.originator or DEFAULT_ORIGINATOR,
    )
    try:
        login = await start_login_server(manager, options)
    except LoginRestricted as exc:
        raise _bad(str(exc)) from None
    except LoginFailed as exc:
        raise JsonRpcError.internal(f"failed to start login server: {exc}") from None
    account.login = login

    async def watch() -> None:
        error: str | None = None
        try:
            await login.wait()
        except LoginFailed as exc:
            error = f"Login server error: {exc}"
        finally:
            if account.login is login:
                account.login = None
        _broadcast_login_done(state, v1, login.login_id, error, "chatgpt")

    task = asyncio.create_task(watch())
    account.tasks.add(task)
    task.add_done_callback(account.tasks.discard)
    return login


def _external_refresher(state: ServerState) -> Any:
    async def refresh(previous_account_id: str | None) -> ExternalTokens:
        from app_server.server_requests import ClientError, ConnectionLost
        from login.manager import ExternalRefreshFailed, ExternalTokens

        params = {"reason": "unauthorized", "previousAccountId": previous_account_id}
        try:
            result = await state.server_requests.request(
                "account/chatgptAuthTokens/refresh",
                params,
                list(state.connections.values()),
                timeout=EXTERNAL_REFRESH_TIMEOUT_S,
            )
        except TimeoutError:
            raise ExternalRefreshFailed(
                "timed out waiting for the client to refresh ChatGPT auth tokens"
            ) from None
        except (ClientError, ConnectionLost) as exc:
            raise ExternalRefreshFailed(f"the client could not refresh ChatGPT auth tokens: {exc}") from None
        if not isinstance(result, dict):
            raise ExternalRefreshFailed("the client answered the token refresh with an invalid result")
        access, account = result.get("accessToken"), result.get("chatgptAccountId")
        plan = result.get("chatgptPlanType")
        if not isinstance(access, str) or not access or not isinstance(account, str) or not account:
            raise ExternalRefreshFailed("the client answered the token refresh with an invalid result")
        return ExternalTokens(access, account, plan if isinstance(plan, str) else None)

    return refresh


@handler("account/login/start")
async def account_login_start(ctx: RequestContext, params: LoginAccountParams) -> LoginAccountResponse:
    if params.type == "apiKey":
        await _login_api_key(ctx, params.api_key)
        state = ctx.state
        ctx.after.append(lambda: _broadcast_login_done(state, False, None, None, "apikey"))
        return {"type": "apiKey"}
    if params.type == "chatgpt":
        login = await _start_chatgpt_login(ctx, v1=False)
        return {"type": "chatgpt", "loginId": login.login_id, "authUrl": login.auth_url}
    # chatgptAuthTokens: the dispatcher already refused it without experimentalApi.
    from login.manager import ExternalTokens, LoginRestricted
    from login.tokens import jwt_payload

    if not jwt_payload(params.access_token):
        raise _bad("External ChatGPT auth requires a valid ChatGPT access token JWT.")
    manager = auth_manager(ctx.state)
    try:
        manager.login_external(
            ExternalTokens(params.access_token, params.chatgpt_account_id, params.chatgpt_plan_type)
        )
    except LoginRestricted as exc:
        raise _bad(str(exc)) from None
    manager.set_external_refresher(_external_refresher(ctx.state))
    state = ctx.state
    ctx.after.append(lambda: _broadcast_login_done(state, False, None, None, "chatgptAuthTokens"))
    return {"type": "chatgptAuthTokens"}


@handler("account/login/cancel")
async def account_login_cancel(
    ctx: RequestContext, params: CancelLoginAccountParams
) -> CancelLoginAccountResponse:
    from codex_core.ids import InvalidId, parse_uuid

    try:
        login_id = str(parse_uuid(params.login_id))
    except InvalidId:
        raise _bad(f"invalid login id: {params.login_id}") from None
    account = ctx.state.store("account", _AccountState)
    login = account.login
    if login is None or login.login_id != login_id:
        return {"status": "notFound"}
    login.cancel()
    return {"status": "canceled"}


@handler("account/logout")
async def account_logout(ctx: RequestContext, params: None) -> LogoutAccountResponse:
    await _logout(ctx)
    state = ctx.state
    ctx.after.append(lambda: state.broadcast("account/updated", {"authMode": None}))
    return {}


async def _logout(ctx: RequestContext) -> None:
    from login.storage import AuthStorageError

    manager = auth_manager(ctx.state)
    try:
        await asyncio.to_thread(manager.logout)
    except AuthStorageError as exc:
        raise JsonRpcError.internal(f"logout failed: {exc}") from None


# -- rate limits ---------------------------------------------------------------------------------------
@handler("account/rateLimits/read")
async def account_rate_limits_read(ctx: RequestContext, params: None) -> GetAccountRateLimitsResponse:
    from login.oauth import OAuthError
    from login.usage import fetch_usage, rate_limits_response

    manager = auth_manager(ctx.state)
    auth = await asyncio.to_thread(manager.current)
    if auth is None or not auth.is_chatgpt:
        raise _bad(RATE_LIMITS_AUTH_REQUIRED)
    try:
        auth = await manager.ensure_fresh() or auth
    except OAuthError as exc:
        raise _bad(str(exc)) from None
    headers = {"authorization": f"Bearer {auth.bearer_token}", "user-agent": ctx.state.user_agent()}
    if auth.account_id:
        headers["chatgpt-account-id"] = auth.account_id
    try:
        base_url = ctx.state.server_config().typed.chatgpt_base_url
    except Exception:
        base_url = None
    try:
        payload = await fetch_usage(base_url, headers)
    except OAuthError as exc:
        raise JsonRpcError.internal(str(exc)) from None
    limits = rate_limits_response(payload)
    return {"rateLimits": limits["rateLimits"], "rateLimitsByLimitId": limits["rateLimitsByLimitId"]}


# -- v1 ------------------------------------------------------------------------------------------------
@handler("loginApiKey")
async def login_api_key(ctx: RequestContext, params: LoginApiKeyParams) -> LoginApiKeyResponse:
    await _login_api_key(ctx, params.api_key)
    state = ctx.state
    ctx.after.append(lambda: state.broadcast("authStatusChange", {"authMethod": "apikey"}))
    return {}


@handler("loginChatGpt")
async def login_chat_gpt(ctx: RequestContext, params: None) -> LoginChatGptResponse:
    login = await _start_chatgpt_login(ctx, v1=True)
    return {"loginId": login.login_id, "authUrl": login.auth_url}


@handler("cancelLoginChatGpt")
async def cancel_login_chat_gpt(
    ctx: RequestContext, params: CancelLoginChatGptParams
) -> CancelLoginChatGptResponse:
    login = ctx.state.store("account", _AccountState).login
    if login is None or login.login_id != params.login_id:
        raise _bad(f"login id not found: {params.login_id}")
    login.cancel()
    return {}


@handler("logoutChatGpt")
async def logout_chat_gpt(ctx: RequestContext, params: None) -> LogoutChatGptResponse:
    await _logout(ctx)
    state = ctx.state
    ctx.after.append(lambda: state.broadcast("authStatusChange", {"authMethod": None}))
    return {}
