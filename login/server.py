"""Browser login: a short-lived HTTP server on 127.0.0.1 that receives the OAuth callback.

Flow: bind (1455, asking a stale login server there to /cancel, then falling back to 1457),
build the authorize URL with PKCE + state, wait for `/auth/callback`, check the state, swap the
code for tokens, persist them through the AuthManager, redirect the browser to `/success`.
Runs on the caller's event loop; `cancel()` ends it with "Login was not completed".
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import logging
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

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
MAX_REQUEST_HEAD = 16 * 1024

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
        server: asyncio.Server,
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
    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
            writer.close()
            return
        try:
            method, target, _ = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        except ValueError:
            await _respond(writer, 400, "Bad Request")
            return
        if method not in ("GET", "HEAD"):
            await _respond(writer, 405, "Method Not Allowed")
            return
        url = urlsplit(target)
        params = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/auth/callback":
            await self._callback(params, writer)
        elif url.path == "/success":
            await _respond(writer, 200, SUCCESS_PAGE, content_type="text/html; charset=utf-8")
            self._finish(None)
        elif url.path == "/cancel":
            await _respond(writer, 200, "Login cancelled")
            self._finish(LoginFailed("Login cancelled"))
        else:
            await _respond(writer, 404, "Not Found")

    async def _callback(self, params: dict[str, str], writer: asyncio.StreamWriter) -> None:
        # Log only what came, never the values: code and state are secrets.
        log.info(
            "login callback: has_code=%s has_state=%s has_error=%s",
            bool(params.get("code")),
            bool(params.get("state")),
            bool(params.get("error")),
        )
        if params.get("state") != self._state:
            # A stray or forged request: refuse it but keep waiting for the real one.
            await _respond(writer, 400, "State mismatch")
            return
        if params.get("error"):
            description = (params.get("error_description") or "").strip()
            await self._fail(writer, f"Sign-in failed: {description or params['error']}")
            return
        code = params.get("code")
        if not code:
            await self._fail(writer, "Missing authorization code. Sign-in could not be completed.")
            return
        try:
            tokens = await exchange_code(
                self.options.issuer,
                client_id=self.options.client_id,
                redirect_uri=self.redirect_uri,
                verifier=self._pkce.verifier,
                code=code,
            )
        except OAuthError as exc:
            await self._fail(writer, f"Token exchange failed: {exc}")
            return
        problem = workspace_error(self.manager.forced_chatgpt_workspace_id, tokens.id_token)
        if problem:
            await self._fail(writer, problem)
            return
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
            await self._fail(writer, str(exc))
            return
        await _respond(writer, 302, "", headers={"Location": f"http://localhost:{self.actual_port}/success"})

    async def _fail(self, writer: asyncio.StreamWriter, message: str) -> None:
        page = ERROR_PAGE.format(message=html.escape(message))
        await _respond(writer, 200, page, content_type="text/html; charset=utf-8")
        self._finish(LoginFailed(message))


async def _respond(
    writer: asyncio.StreamWriter,
    status: int,
    body: str,
    *,
    content_type: str = "text/plain; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    reasons = {200: "OK", 302: "Found", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    data = body.encode("utf-8")
    lines = [f"HTTP/1.1 {status} {reasons.get(status, 'OK')}", f"Content-Type: {content_type}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    # Always close: a kept-alive browser socket would otherwise pin the next login.
    lines += [f"Content-Length: {len(data)}", "Connection: close", "", ""]
    try:
        writer.write("\r\n".join(lines).encode("latin-1") + data)
        await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _send_cancel(host: str, port: int, timeout: float) -> None:
    """Ask a login server left over on our port (an earlier `codex login`) to stop."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=timeout)
    except (OSError, TimeoutError):
        return
    try:
        writer.write(f"GET /cancel HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(reader.read(64), timeout=timeout)
    except OSError:
        pass
    finally:
        writer.close()


async def _bind(options: LoginOptions, callback: _Handler) -> asyncio.Server:
    port = options.port
    cancel_sent = False
    attempts = 0
    using_fallback = False
    while True:
        try:
            return await asyncio.start_server(callback, options.host, port, reuse_address=True)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise LoginFailed(f"could not start the login server: {exc.strerror}") from None
            attempts += 1
            if not cancel_sent and not using_fallback:
                cancel_sent = True
                await _send_cancel(options.host, port, options.cancel_timeout_s)
            if attempts >= options.bind_attempts:
                if options.fallback_port is not None and not using_fallback:
                    log.warning("login port %s is busy; falling back to %s", port, options.fallback_port)
                    port, attempts, using_fallback = options.fallback_port, 0, True
                    continue
                raise LoginFailed(f"Port {options.host}:{port} is already in use") from None
            await asyncio.sleep(options.retry_delay_s)


class _Handler:
    def __init__(self) -> None:
        self.target: LoginServer | None = None

    async def __call__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.target is None:
            writer.close()
            return
        await self.target.handle(reader, writer)


async def start_login_server(manager: AuthManager, options: LoginOptions) -> LoginServer:
    manager.check_login_allowed("chatgpt")
    handler = _Handler()
    server = await _bind(options, handler)
    port = server.sockets[0].getsockname()[1]
    login = LoginServer(
        manager, options, server, port, Pkce.generate(), options.force_state or generate_state()
    )
    handler.target = login
    return login
