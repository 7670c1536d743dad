"""Browser login: a short-lived HTTP server on 127.0.0.1 that receives the OAuth callback.

Flow: bind (1455, asking a stale login server there to /cancel, then falling back to 1457),
build the authorize URL with PKCE + state, wait for `/auth/callback`, check the state, swap the
code for tokens, persist them through the AuthManager, redirect the browser to `/success`.
Runs on the caller's event loop; `cancel()` ends it with "Login was not completed". The HTTP and
the port choice are `codex_core.oauth_callback`'s, shared with MCP OAuth; this module owns the
routes and pages.
"""

from __future__ import annotations

import asyncio
import html
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codex_core.oauth_callback import (
    CallbackRequest,
    CallbackResponse,
    CallbackServer,
    CallbackServerError,
    start_callback_server,
)
from codex_core.user_agent import DEFAULT_ORIGINATOR
from login.oauth import (
    CLIENT_ID,
    OAuthError,
    Pkce,
    authorize_url,
    exchange_code,
    generate_state,
    obtain_api_key,
    workspace_error,
)

if TYPE_CHECKING:
    from login.manager import AuthManager

log = logging.getLogger("codex.login")

DEFAULT_PORT = 1455
FALLBACK_PORT = 1457
NOT_COMPLETED = "Login was not completed"

SUCCESS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed in to Codex</title>
<style>body{font-family:system-ui,sans-serif;display:flex;align-items:center;justify-content:center;
height:100vh;margin:0;background:#fafafa;color:#111}main{text-align:center}</style></head>
<body><main><h1>Signed in to Codex</h1><p>You may now close this page and return to your terminal.</p></main></body>
</html>
"""

ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in could not be completed</title></head>
<body><main><h1>Sign-in could not be completed</h1><p>{message}</p>
<p>Return to Codex to try again.</p></main></body></html>
"""


class LoginFailed(Exception):
    """The browser login ended without credentials; the message is user-facing and secret-free."""


@dataclass
class LoginOptions:
    issuer: str
    client_id: str = CLIENT_ID
    port: int = DEFAULT_PORT
    # Where to go when `port` stays busy; None: fail instead. 0 picks any free port (tests).
    fallback_port: int | None = FALLBACK_PORT
    originator: str = DEFAULT_ORIGINATOR
    force_state: str | None = None
    bind_attempts: int = 10
    retry_delay_s: float = 0.2
    cancel_timeout_s: float = 2.0  # how long to wait on whatever holds the port when asking it to /cancel
    # Ask for an API key with the id token, as the reference does (best effort).
    exchange_api_key: bool = True
    host: str = "127.0.0.1"
    login_id: str = field(default_factory=lambda: str(uuid.uuid4()))


class LoginServer:
    def __init__(
        self,
        manager: AuthManager,
        options: LoginOptions,
        server: CallbackServer,
        port: int,
        pkce: Pkce,
        state: str,
    ) -> None:
        self.manager = manager
        self.options = options
        self.login_id = options.login_id
        self.actual_port = port
        self._server = server
        self._pkce = pkce
        self._state = state
        self.redirect_uri = f"http://localhost:{port}/auth/callback"
        self.auth_url = authorize_url(
            options.issuer,
            client_id=options.client_id,
            redirect_uri=self.redirect_uri,
            pkce=pkce,
            state=state,
            originator=options.originator,
            workspace_id=manager.forced_chatgpt_workspace_id,
        )
        self._done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._done.add_done_callback(lambda _: self._close())

    # -- lifecycle ------------------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self._done.done()

    def cancel(self) -> None:
        self._finish(LoginFailed(NOT_COMPLETED))

    async def wait(self) -> None:
        """Until the login succeeds (returns) or fails / is cancelled (raises LoginFailed)."""
        await asyncio.shield(self._done)

    def _finish(self, error: Exception | None) -> None:
        if self._done.done():
            return
        if error is None:
            self._done.set_result(None)
        else:
            self._done.set_exception(error)
            # Nobody may be awaiting (a cancelled app-server login): keep asyncio quiet about it.
            self._done.exception()

    def _close(self) -> None:
        self._server.close()

    # -- HTTP ---------------------------------------------------------------------------------------
    async def handle(self, request: CallbackRequest) -> CallbackResponse:
        if request.method not in ("GET", "HEAD"):
            return CallbackResponse(405, "Method Not Allowed")
        if request.path == "/auth/callback":
            return await self._callback(request.query)
        if request.path == "/success":
            return CallbackResponse(200, SUCCESS_PAGE, _HTML, then=lambda: self._finish(None))
        if request.path == "/cancel":
            return CallbackResponse(
                200, "Login cancelled", then=lambda: self._finish(LoginFailed("Login cancelled"))
            )
        return CallbackResponse(404, "Not Found")

    async def _callback(self, params: Mapping[str, str]) -> CallbackResponse:
        # Log only what came, never the values: code and state are secrets.
        log.info(
            "login callback: has_code=%s has_state=%s has_error=%s",
            bool(params.get("code")),
            bool(params.get("state")),
            bool(params.get("error")),
        )
        if params.get("state") != self._state:
            # A stray or forged request: refuse it but keep waiting for the real one.
            return CallbackResponse(400, "State mismatch")
        if params.get("error"):
            description = (params.get("error_description") or "").strip()
            return self._fail(f"Sign-in failed: {description or params['error']}")
        code = params.get("code")
        if not code:
            return self._fail("Missing authorization code. Sign-in could not be completed.")
        try:
            tokens = await exchange_code(
                self.options.issuer,
                client_id=self.options.client_id,
                redirect_uri=self.redirect_uri,
                verifier=self._pkce.verifier,
                code=code,
            )
        except OAuthError as exc:
            return self._fail(f"Token exchange failed: {exc}")
        problem = workspace_error(self.manager.forced_chatgpt_workspace_id, tokens.id_token)
        if problem:
            return self._fail(problem)
        api_key = None
        if self.options.exchange_api_key:
            api_key = await obtain_api_key(
                self.options.issuer, client_id=self.options.client_id, id_token=tokens.id_token
            )
        from login.manager import LoginRestricted
        from login.storage import AuthStorageError

        try:
            await asyncio.to_thread(self.manager.login_chatgpt, tokens, api_key)
        except (LoginRestricted, AuthStorageError) as exc:
            return self._fail(str(exc))
        return CallbackResponse(302, headers={"Location": f"http://localhost:{self.actual_port}/success"})

    def _fail(self, message: str) -> CallbackResponse:
        page = ERROR_PAGE.format(message=html.escape(message))
        return CallbackResponse(200, page, _HTML, then=lambda: self._finish(LoginFailed(message)))


_HTML = "text/html; charset=utf-8"


class _Handler:
    """Routes requests to the login once it exists (its URLs need the port first)."""

    def __init__(self) -> None:
        self.target: LoginServer | None = None

    async def __call__(self, request: CallbackRequest) -> CallbackResponse | None:
        return None if self.target is None else await self.target.handle(request)


async def start_login_server(manager: AuthManager, options: LoginOptions) -> LoginServer:
    manager.check_login_allowed("chatgpt")
    handler = _Handler()
    try:
        server = await start_callback_server(
            handler,
            host=options.host,
            port=options.port,
            fallback_port=options.fallback_port,
            bind_attempts=options.bind_attempts,
            retry_delay_s=options.retry_delay_s,
            cancel_path="/cancel",
            cancel_timeout_s=options.cancel_timeout_s,
        )
    except CallbackServerError as exc:
        raise LoginFailed(str(exc)) from None
    port = server.port
    login = LoginServer(
        manager, options, server, port, Pkce.generate(), options.force_state or generate_state()
    )
    handler.target = login
    return login
