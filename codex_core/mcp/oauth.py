"""OAuth for streamable-HTTP MCP servers: credential storage, the browser login, the auth provider.

* Credentials live in the OS keyring or in `$CODEX_HOME/.credentials.json` (0600, replaced
  atomically), chosen by `mcp_oauth_credentials_store` (`auto` = keyring when one is usable,
  else the file). Both are keyed by the server's name plus a hash of its URL, so re-pointing a
  name at another server does not reuse the old server's tokens.
* The protocol work (RFC 9728 / RFC 8414 discovery, dynamic client registration, PKCE, token
  exchange and refresh) is the MCP SDK's `OAuthClientProvider`; this module gives it a
  `TokenStorage` backed by the stores above, the browser step's routes on the loopback server of
  `codex_core.oauth_callback` (shared with `codex login`), and honours explicit `--scopes`.
* `begin_login` starts a login and hands back the authorization URL as soon as it is known; the
  caller then awaits `PendingLogin.wait()` (the CLI in the foreground, the app server in the
  background).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codex_core.atomic import atomic_write_bytes
from codex_core.oauth_callback import (
    CallbackRequest,
    CallbackResponse,
    CallbackServer,
    CallbackServerError,
    start_callback_server,
)

if TYPE_CHECKING:
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthToken

    from codex_core.keyring_access import KeyringBackend

log = logging.getLogger("codex.mcp.oauth")

CREDENTIALS_FILE = ".credentials.json"
KEYRING_SERVICE = "Codex MCP Credentials"
CALLBACK_PATH = "/callback"
DEFAULT_LOGIN_TIMEOUT_SEC = 300.0
CLIENT_NAME = "Codex"

StoreMode = Literal["auto", "file", "keyring"]


class OAuthError(Exception):
    """A login, logout or credential-store failure (message is safe to show)."""


def store_key(server_name: str, server_url: str) -> str:
    """`<name>|<16 hex>`: the name plus a short hash of where the server lives."""
    payload = json.dumps({"type": "http", "url": server_url, "headers": {}}, separators=(",", ":"))
    return f"{server_name}|{hashlib.sha256(payload.encode('utf-8')).hexdigest()[:16]}"


# -- credential stores -------------------------------------------------------------------------


class FileCredentialStore:
    """All servers' entries in one JSON object in `$CODEX_HOME/.credentials.json`."""

    _lock = threading.Lock()

    def __init__(self, codex_home: Path) -> None:
        self.path = Path(codex_home) / CREDENTIALS_FILE

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise OAuthError(f"failed to read {self.path}: {exc}") from None
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        raw = json.dumps(data, indent=2, sort_keys=True).encode("utf-8")
        atomic_write_bytes(self.path, raw, mode=0o600)

    def load(self, key: str) -> dict[str, Any] | None:
        entry = self._read().get(key)
        return entry if isinstance(entry, dict) else None

    def save(self, key: str, entry: dict[str, Any]) -> None:
        with self._lock:
            data = self._read()
            data[key] = entry
            self._write(data)

    def delete(self, key: str) -> bool:
        with self._lock:
            data = self._read()
            if key not in data:
                return False
            del data[key]
            if data:
                self._write(data)
            else:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
            return True


class KeyringCredentialStore:
    def __init__(self, backend: KeyringBackend) -> None:
        self.backend = backend

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self.backend.get_password(KEYRING_SERVICE, key)
        except Exception as exc:
            raise OAuthError(f"failed to read OAuth credentials from keyring: {type(exc).__name__}") from None
        if not raw:
            return None
        try:
            entry = json.loads(raw)
        except ValueError:
            return None
        return entry if isinstance(entry, dict) else None

    def save(self, key: str, entry: dict[str, Any]) -> None:
        try:
            self.backend.set_password(KEYRING_SERVICE, key, json.dumps(entry, separators=(",", ":")))
        except Exception as exc:
            raise OAuthError(f"failed to write OAuth credentials to keyring: {type(exc).__name__}") from None

    def delete(self, key: str) -> bool:
        try:
            if self.backend.get_password(KEYRING_SERVICE, key) is None:
                return False
            self.backend.delete_password(KEYRING_SERVICE, key)
        except Exception as exc:
            raise OAuthError(
                f"failed to remove OAuth credentials from keyring: {type(exc).__name__}"
            ) from None
        return True


class CredentialStore:
    """The configured store for MCP OAuth credentials (sync; call through a thread from async code)."""

    def __init__(
        self, codex_home: Path, mode: StoreMode | None = None, backend: KeyringBackend | None = None
    ) -> None:
        self.mode: StoreMode = mode or "auto"
        self.file = FileCredentialStore(codex_home)
        self._backend = backend
        self._backend_checked = backend is not None

    def _keyring(self) -> KeyringCredentialStore | None:
        if self.mode == "file":
            return None
        if not self._backend_checked:
            from codex_core.keyring_access import system_keyring

            self._backend = system_keyring()
            self._backend_checked = True
        if self._backend is None:
            if self.mode == "keyring":
                raise OAuthError('no OS keyring is available (mcp_oauth_credentials_store = "keyring")')
            return None
        return KeyringCredentialStore(self._backend)

    def load(self, server_name: str, server_url: str) -> dict[str, Any] | None:
        key = store_key(server_name, server_url)
        keyring = self._keyring()
        if keyring is not None:
            try:
                found = keyring.load(key)
            except OAuthError:
                if self.mode == "keyring":
                    raise
                log.warning("reading MCP OAuth credentials from the keyring failed; trying the file")
            else:
                if found is not None or self.mode == "keyring":
                    return found
        return self.file.load(key)

    def save(self, server_name: str, server_url: str, entry: dict[str, Any]) -> None:
        key = store_key(server_name, server_url)
        keyring = self._keyring()
        if keyring is not None:
            try:
                keyring.save(key, entry)
            except OAuthError:
                if self.mode == "keyring":
                    raise
                log.warning("saving MCP OAuth credentials to the keyring failed; using the file")
            else:
                with contextlib.suppress(OAuthError, OSError):
                    self.file.delete(key)  # a stale file copy must not shadow the keyring
                return
        self.file.save(key, entry)

    def delete(self, server_name: str, server_url: str) -> bool:
        key = store_key(server_name, server_url)
        removed = False
        keyring = self._keyring()
        if keyring is not None:
            try:
                removed = keyring.delete(key)
            except OAuthError:
                if self.mode == "keyring":
                    raise
                log.warning("removing MCP OAuth credentials from the keyring failed")
        return self.file.delete(key) or removed

    def has_tokens(self, server_name: str, server_url: str) -> bool:
        try:
            entry = self.load(server_name, server_url)
        except OAuthError:
            return False
        return bool(entry and entry.get("access_token"))


# -- the SDK's TokenStorage ----------------------------------------------------------------------


@dataclass
class StoredCredentials:
    """Tokens and client registration of one server, as the SDK's TokenStorage sees them."""

    store: CredentialStore
    server_name: str
    server_url: str
    expires_at: float | None = None  # epoch seconds of the loaded access token
    _entry: dict[str, Any] | None = None
    _loaded: bool = False
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _load(self) -> dict[str, Any]:
        if not self._loaded:
            self._entry = await asyncio.to_thread(self.store.load, self.server_name, self.server_url)
            self._loaded = True
        return dict(self._entry or {})

    async def _update(self, changes: Mapping[str, Any]) -> None:
        async with self._lock:
            entry = await self._load()
            entry.update(changes)
            entry["server_name"] = self.server_name
            entry["server_url"] = self.server_url
            await asyncio.to_thread(self.store.save, self.server_name, self.server_url, entry)
            self._entry = entry

    async def get_tokens(self) -> OAuthToken | None:
        from mcp.shared.auth import OAuthToken

        entry = await self._load()
        access = entry.get("access_token")
        if not isinstance(access, str) or not access:
            return None
        expires_ms = entry.get("expires_at")
        self.expires_at = expires_ms / 1000.0 if isinstance(expires_ms, int | float) else None
        refresh = entry.get("refresh_token")
        scopes = entry.get("scopes")
        return OAuthToken(
            access_token=access,
            token_type="Bearer",
            refresh_token=refresh if isinstance(refresh, str) else None,
            scope=" ".join(scopes) if isinstance(scopes, list) and scopes else None,
        )

    async def set_tokens(self, tokens: OAuthToken) -> None:
        expires_at = None
        if tokens.expires_in is not None:
            expires_at = int((time.time() + float(tokens.expires_in)) * 1000)
        self.expires_at = None if expires_at is None else expires_at / 1000.0
        await self._update(
            {
                "access_token": tokens.access_token,
                "refresh_token": tokens.refresh_token,
                "expires_at": expires_at,
                "scopes": tokens.scope.split() if tokens.scope else [],
            }
        )

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        from mcp.shared.auth import OAuthClientInformationFull

        info = (await self._load()).get("client_info")
        if not isinstance(info, dict):
            return None
        try:
            return OAuthClientInformationFull.model_validate(info)
        except ValueError:
            return None

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        await self._update(
            {
                "client_id": client_info.client_id,
                "client_info": client_info.model_dump(mode="json", exclude_none=True),
            }
        )


def make_provider(
    storage: StoredCredentials,
    *,
    redirect_uri: str = f"http://127.0.0.1{CALLBACK_PATH}",
    scopes: list[str] | None = None,
    redirect_handler: Any = None,
    callback_handler: Any = None,
) -> OAuthClientProvider:
    """The SDK provider for one server; without handlers it only uses and refreshes stored tokens."""
    from mcp.client.auth import OAuthClientProvider
    from mcp.shared.auth import OAuthClientMetadata
    from pydantic import AnyUrl

    explicit = " ".join(scopes) if scopes else None

    class _Provider(OAuthClientProvider):
        async def _initialize(self) -> None:
            await super()._initialize()
            # The SDK only knows `expires_in` of tokens it just received; tell it when a stored one
            # runs out, so it refreshes before use instead of sending an expired token.
            self.context.token_expiry_time = storage.expires_at

        async def _perform_authorization_code_grant(self) -> tuple[str, str]:
            if explicit:
                self.context.client_metadata.scope = explicit
            return await super()._perform_authorization_code_grant()

    metadata = OAuthClientMetadata(
        client_name=CLIENT_NAME,
        redirect_uris=[AnyUrl(redirect_uri)],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
        scope=explicit,
    )
    return _Provider(
        server_url=storage.server_url,
        client_metadata=metadata,
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )


# -- the browser login ---------------------------------------------------------------------------

_PAGE_OK = "Authentication complete. You may close this window."


class _CallbackServer:
    """The authorization redirect, received by the shared loopback server."""

    def __init__(self) -> None:
        self.result: asyncio.Future[AuthorizationCodeResult] = asyncio.get_running_loop().create_future()
        self.server: CallbackServer | None = None
        self.port = 0

    async def start(self, port: int = 0) -> None:
        try:
            self.server = await start_callback_server(self._handle, port=port)
        except CallbackServerError as exc:
            raise OAuthError(str(exc)) from None
        self.port = self.server.port

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{CALLBACK_PATH}"

    async def _handle(self, request: CallbackRequest) -> CallbackResponse:
        from mcp.shared.auth import AuthorizationCodeResult

        if request.path != CALLBACK_PATH:
            return CallbackResponse(404, "Not found")
        query = request.query
        if query.get("error"):
            detail = query.get("error_description") or query["error"]
            error = OAuthError(f"OAuth error: {detail}")
            return CallbackResponse(400, f"OAuth error: {detail}", then=lambda: self._settle(error))
        if not query.get("code"):
            return CallbackResponse(400, "Missing authorization code")
        code = AuthorizationCodeResult(
            code=query["code"], state=query.get("state") or None, iss=query.get("iss") or None
        )
        return CallbackResponse(200, _PAGE_OK, then=lambda: self._settle(code))

    def _settle(self, outcome: AuthorizationCodeResult | OAuthError) -> None:
        if self.result.done():
            return
        if isinstance(outcome, OAuthError):
            self.result.set_exception(outcome)
        else:
            self.result.set_result(outcome)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()


@dataclass
class PendingLogin:
    authorization_url: str
    _task: asyncio.Task[None]
    _callback: _CallbackServer
    timeout: float

    async def wait(self) -> None:
        """Until the tokens are stored; OAuthError on failure or timeout."""
        try:
            async with asyncio.timeout(self.timeout):
                await self._task
        except TimeoutError:
            raise OAuthError(
                f"timed out after {_secs(self.timeout)} seconds waiting for the OAuth callback"
            ) from None
        finally:
            self.cancel()

    def cancel(self) -> None:
        self._callback.close()
        if not self._task.done():
            self._task.cancel()


def _secs(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _describe(exc: BaseException) -> str:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return str(exc) or type(exc).__name__


async def begin_login(
    store: CredentialStore,
    server_name: str,
    server_url: str,
    *,
    scopes: list[str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> PendingLogin:
    """Start the OAuth flow; returns once the authorization URL is known (or raises OAuthError)."""
    from codex_core.mcp.sdk import load_sdk

    await load_sdk()
    import httpx2

    # The SDK logs a failed flow with its traceback; we report the error ourselves. Without any
    # handler Python would print that record on stderr (its last-resort handler); a NullHandler
    # stops only that, configured logging (RUST_LOG) still sees it.
    sdk_log = logging.getLogger("mcp.client.auth")
    if not sdk_log.handlers:
        sdk_log.addHandler(logging.NullHandler())

    callback = _CallbackServer()
    await callback.start()
    url_ready: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def redirect_handler(url: str) -> None:
        if not url_ready.done():
            url_ready.set_result(url)

    async def callback_handler() -> AuthorizationCodeResult:
        return await callback.result

    storage = StoredCredentials(store, server_name, server_url)
    provider = make_provider(
        storage,
        redirect_uri=callback.redirect_uri,
        scopes=scopes,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )

    async def run() -> None:
        # Any MCP request answered with 401 starts the SDK's flow; `initialize` is the natural one.
        body = {
            "jsonrpc": "2.0",
            "id": 0,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "codex-mcp-client", "version": "0"},
            },
        }
        request_headers = {
            **dict(headers or {}),
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
        }
        try:
            async with (
                httpx2.AsyncClient(auth=provider, timeout=httpx2.Timeout(30.0)) as client,
                client.stream("POST", server_url, json=body, headers=request_headers) as response,
            ):
                status = response.status_code
        except OAuthError:
            raise
        except Exception as exc:
            raise OAuthError(_describe(exc)) from None
        if provider.context.current_tokens is None:
            if status >= 400:
                raise OAuthError(f"the MCP server answered HTTP {status}")
            raise OAuthError("the MCP server did not ask for OAuth authorization")

    task = asyncio.create_task(run(), name=f"mcp oauth login {server_name}")
    waiters: set[asyncio.Future[Any]] = {url_ready, task}
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        task.cancel()
        callback.close()
        raise
    if not url_ready.done():
        callback.close()
        exc = task.exception()
        raise exc if isinstance(exc, OAuthError) else OAuthError(_describe(exc or Exception("login failed")))
    return PendingLogin(url_ready.result(), task, callback, timeout or DEFAULT_LOGIN_TIMEOUT_SEC)


def resolve_headers(config: Any, env: Mapping[str, str]) -> dict[str, str]:
    """The static and env-sourced HTTP headers of a server table."""
    headers = dict(config.http_headers or {})
    for header, var in (config.env_http_headers or {}).items():
        value = env.get(var)
        if value:
            headers[header] = value
    return headers
