"""AuthManager: the one owner of this process's credentials for a CODEX_HOME.

Every subcommand, thread and the model client share it (``AuthManager.for_home``). It loads the
stored auth once and caches it, notices when another process rewrote auth.json (mtime/size/inode
change), refreshes ChatGPT tokens before they go stale and after a 401 -- one refresh at a time,
concurrent callers wait for it and reuse the result -- and enforces ``forced_login_method`` /
``forced_chatgpt_workspace_id`` on everything it hands out.
"""

from __future__ import annotations

import _thread  # threading's own locks, without importing threading (~1 ms at start-up)
import weakref
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codex_core.keyring_access import KeyringBackend
from login.credentials import CodexAuth as CodexAuth
from login.credentials import ExternalTokens as ExternalTokens
from login.oauth import (
    CLIENT_ID,
    ExchangedTokens,
    OAuthError,
    RefreshFailed,
    issuer_url,
    refresh_tokens,
    refresh_url,
    workspace_error,
)
from login.storage import (
    AuthDotJson,
    AuthMode,
    AuthStorageError,
    AuthStore,
    EphemeralStore,
    StoreMode,
    TokenData,
    make_store,
)
from login.tokens import IdTokenInfo

if TYPE_CHECKING:
    import asyncio
    import logging

    from codex_core.config.typed import ConfigToml


def _log() -> logging.Logger:
    # logging is imported on first use: `codex login status` never logs.
    import logging

    return logging.getLogger("codex.login")


ForcedLoginMethod = Literal["chatgpt", "api"]

API_KEY_LOGIN_DISABLED = "API key login is disabled. Use ChatGPT login instead."
CHATGPT_LOGIN_DISABLED = "ChatGPT login is disabled. Use API key login instead."


class LoginRestricted(Exception):
    """A login the configuration forbids (forced method or workspace); the message is user-facing."""


class ExternalRefreshFailed(OAuthError):
    """The client could not give us fresh external ChatGPT tokens."""


ExternalRefresher = Callable[[str | None], Awaitable[ExternalTokens]]


def _utcnow() -> datetime:
    return datetime.now(UTC)


_UNSET: Any = object()


class AuthManager:
    _instances: dict[Path, AuthManager] = {}  # noqa: RUF012 - process-wide registry by design
    _instances_lock = _thread.allocate_lock()

    def __init__(
        self,
        codex_home: Path,
        *,
        store_mode: StoreMode | None = None,
        forced_login_method: ForcedLoginMethod | None = None,
        forced_chatgpt_workspace_id: str | None = None,
        env: Mapping[str, str] | None = None,
        keyring_backend: KeyringBackend | None = None,
        client_id: str = CLIENT_ID,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.codex_home = Path(codex_home)
        self._env = env
        self._keyring_backend = keyring_backend
        self.client_id = client_id
        self._clock = clock
        self._lock = _thread.RLock()
        self._configured = store_mode is not None
        self._store_mode: StoreMode = store_mode or "file"
        self._store: AuthStore = make_store(self._store_mode, self.codex_home, keyring_backend)
        self.forced_login_method = forced_login_method
        self.forced_chatgpt_workspace_id = forced_chatgpt_workspace_id
        self._auth: AuthDotJson | None = None
        self._fingerprint: object = None
        self._loaded = False
        self._load_error: str | None = None
        self._external = EphemeralStore()
        self._external_plan: str | None = None
        self._external_refresher: ExternalRefresher | None = None
        # Bumped whenever the credentials change; lets waiters see that a refresh already happened.
        self.generation = 0
        self._refresh_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._listeners: list[Callable[[CodexAuth | None], None]] = []

    # -- the process-wide instance --------------------------------------------------------------
    @classmethod
    def for_home(cls, codex_home: Path, **kwargs: Any) -> AuthManager:
        key = Path(codex_home).expanduser().resolve()  # one manager per real directory
        with cls._instances_lock:
            manager = cls._instances.get(key)
            if manager is None:
                manager = cls(key, **kwargs)
                cls._instances[key] = manager
            return manager

    @classmethod
    def forget_instances(cls) -> None:
        """Tests: start the next for_home from scratch."""
        with cls._instances_lock:
            cls._instances.clear()

    # -- configuration --------------------------------------------------------------------------
    def configure(
        self,
        *,
        store_mode: StoreMode | None = _UNSET,
        forced_login_method: ForcedLoginMethod | None = _UNSET,
        forced_chatgpt_workspace_id: str | None = _UNSET,
    ) -> None:
        with self._lock:
            self._configured = True
            if store_mode is not _UNSET:
                mode: StoreMode = store_mode or "file"
                if mode != self._store_mode:
                    self._store_mode = mode
                    self._store = make_store(mode, self.codex_home, self._keyring_backend)
                    self._loaded = False
            if forced_login_method is not _UNSET:
                self.forced_login_method = forced_login_method
            if forced_chatgpt_workspace_id is not _UNSET:
                self.forced_chatgpt_workspace_id = forced_chatgpt_workspace_id or None

    def configure_from(self, config: ConfigToml) -> None:
        self.configure(
            store_mode=config.cli_auth_credentials_store,
            forced_login_method=config.forced_login_method,
            forced_chatgpt_workspace_id=config.forced_chatgpt_workspace_id,
        )

    def _ensure_configured(self) -> None:
        # Created by the model client without a config in hand: read the user's settings once.
        if self._configured:
            return
        self._configured = True
        try:
            from codex_core.config.loader import load_config

            self.configure_from(load_config(codex_home=self.codex_home, env=self._env).typed)
        except Exception as exc:  # a broken config.toml must not break auth; the loader reports it elsewhere
            _log().debug("auth settings not read from config: %s", type(exc).__name__)

    @property
    def store_mode(self) -> StoreMode:
        return self._store_mode

    def add_listener(self, callback: Callable[[CodexAuth | None], None]) -> None:
        """Called (from whatever thread changed it) after a login, logout or refresh."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        self.generation += 1
        current = self._current_locked()
        for callback in list(self._listeners):
            try:
                callback(current)
            except Exception:
                _log().exception("auth listener failed")

    # -- reading ----------------------------------------------------------------------------------
    def _load_locked(self, *, force: bool = False) -> None:
        fingerprint = self._store.fingerprint()
        if self._loaded and not force and (fingerprint is None or fingerprint == self._fingerprint):
            return
        try:
            auth = self._store.load()
            self._load_error = None
        except AuthStorageError as exc:
            _log().info("could not load auth: %s", exc)  # surfaced through load_error
            auth, self._load_error = None, str(exc)
        changed = self._loaded and auth != self._auth
        self._auth, self._fingerprint, self._loaded = auth, fingerprint, True
        if changed:
            self.generation += 1

    def reload(self) -> CodexAuth | None:
        with self._lock:
            self._ensure_configured()
            self._load_locked(force=True)
            return self._current_locked()

    def current(self) -> CodexAuth | None:
        """The active credentials (None: not logged in, or the stored login is not allowed)."""
        with self._lock:
            self._ensure_configured()
            self._load_locked()
            return self._current_locked()

    @property
    def load_error(self) -> str | None:
        return self._load_error

    def _current_locked(self) -> CodexAuth | None:
        external = self._external.load()
        if external is not None:
            return CodexAuth("chatgptAuthTokens", None, external.tokens, None, self._external_plan)
        auth = self._auth
        if auth is None:
            return None
        mode = auth.resolved_mode
        if mode == "apikey":
            if not auth.openai_api_key:
                return None
            view = CodexAuth("apikey", auth.openai_api_key, None, None)
        else:
            if auth.tokens is None:
                return None
            view = CodexAuth("chatgpt", auth.openai_api_key, auth.tokens, auth.last_refresh)
        return view if self._allowed(view) is None else None

    def _allowed(self, auth: CodexAuth) -> str | None:
        """Why the configuration rejects these credentials (None: allowed)."""
        if self.forced_login_method == "chatgpt" and auth.mode == "apikey":
            return API_KEY_LOGIN_DISABLED
        if self.forced_login_method == "api" and auth.is_chatgpt:
            return CHATGPT_LOGIN_DISABLED
        if auth.is_chatgpt and self.forced_chatgpt_workspace_id:
            account = auth.account_id
            allowed = [w.strip() for w in self.forced_chatgpt_workspace_id.split(",") if w.strip()]
            if account not in allowed:
                return f"Login is restricted to workspace id {self.forced_chatgpt_workspace_id}."
        return None

    def auth_mode(self) -> AuthMode | None:
        auth = self.current()
        return auth.mode if auth else None

    def restriction_error(self) -> str | None:
        """Why stored credentials are being ignored, if they are."""
        with self._lock:
            self._ensure_configured()
            self._load_locked()
            if self._auth is None:
                return None
            mode = self._auth.resolved_mode
            view = CodexAuth(
                "apikey" if mode == "apikey" else "chatgpt",
                self._auth.openai_api_key,
                self._auth.tokens,
                self._auth.last_refresh,
            )
            return self._allowed(view)

    # -- writing ----------------------------------------------------------------------------------
    def _save_locked(self, auth: AuthDotJson) -> None:
        self._store.save(auth)
        self._auth, self._fingerprint, self._loaded = auth, self._store.fingerprint(), True

    def check_login_allowed(self, kind: Literal["apikey", "chatgpt"]) -> None:
        with self._lock:
            self._ensure_configured()
            if kind == "apikey" and self.forced_login_method == "chatgpt":
                raise LoginRestricted(API_KEY_LOGIN_DISABLED)
            if kind == "chatgpt" and self.forced_login_method == "api":
                raise LoginRestricted(CHATGPT_LOGIN_DISABLED)

    def login_api_key(self, api_key: str) -> None:
        self.check_login_allowed("apikey")
        with self._lock:
            self._external.delete()
            self._save_locked(AuthDotJson(auth_mode="apikey", openai_api_key=api_key))
            self._changed()

    def login_chatgpt(self, tokens: ExchangedTokens, api_key: str | None = None) -> None:
        """Persist a finished browser/device login (workspace restriction checked first)."""
        self.check_login_allowed("chatgpt")
        problem = workspace_error(self.forced_chatgpt_workspace_id, tokens.id_token)
        if problem:
            raise LoginRestricted(problem)
        account = IdTokenInfo.parse(tokens.id_token).account_id
        auth = AuthDotJson(
            auth_mode="chatgpt",
            openai_api_key=api_key,
            tokens=TokenData(tokens.id_token, tokens.access_token, tokens.refresh_token, account),
            last_refresh=self._clock(),
        )
        with self._lock:
            self._external.delete()
            self._save_locked(auth)
            self._changed()

    def login_external(self, tokens: ExternalTokens) -> None:
        """chatgptAuthTokens: held in memory only, never written to auth.json."""
        self.check_login_allowed("chatgpt")
        self._check_external_workspace(tokens.account_id)
        data = AuthDotJson(
            auth_mode="chatgptAuthTokens",
            tokens=TokenData(tokens.access_token, tokens.access_token, "", tokens.account_id),
        )
        with self._lock:
            self._external.save(data)
            self._external_plan = tokens.plan_type
            self._changed()

    def _check_external_workspace(self, account_id: str) -> None:
        expected = self.forced_chatgpt_workspace_id
        if expected and account_id not in [w.strip() for w in expected.split(",")]:
            raise LoginRestricted(
                f"External auth must use workspace {expected}, but received {account_id!r}."
            )

    def logout(self) -> bool:
        """Forget every credential; True when something was removed."""
        with self._lock:
            self._ensure_configured()
            removed_external = self._external.delete()
            removed = self._store.delete()
            self._auth, self._fingerprint, self._loaded = None, self._store.fingerprint(), True
            self._external_plan = None
            self._changed()
            return removed or removed_external

    def set_external_refresher(self, refresher: ExternalRefresher | None) -> None:
        self._external_refresher = refresher

    # -- refreshing -------------------------------------------------------------------------------
    def _refresh_lock(self) -> asyncio.Lock:
        import asyncio  # here, not at the top: `codex login status` has no event loop to pay for

        loop = asyncio.get_running_loop()
        with self._lock:
            lock = self._refresh_locks.get(loop)
            if lock is None:
                lock = asyncio.Lock()
                self._refresh_locks[loop] = lock
            return lock

    def _issuer(self) -> str:
        return issuer_url(self._env)

    async def ensure_fresh(self) -> CodexAuth | None:
        """Refresh stale managed ChatGPT tokens before use. Transient failures keep the old token."""
        auth = self.current()
        if auth is None or not auth.needs_refresh(self._clock()):
            return auth
        seen = self.generation
        async with self._refresh_lock():
            if self.generation != seen:
                return self.current()
            auth = self.current()
            if auth is None or not auth.needs_refresh(self._clock()):
                return auth
            try:
                await self._refresh_managed(auth)
            except RefreshFailed as exc:
                if exc.permanent:
                    raise
                _log().warning("token refresh failed; using the current token: %s", exc)
        return self.current()

    async def refresh(self) -> bool:
        """Force a refresh of managed ChatGPT tokens (account/read refreshToken). False: nothing to refresh."""
        auth = self.current()
        if auth is None or auth.mode != "chatgpt":
            return False
        async with self._refresh_lock():
            auth = self.current()
            if auth is None or auth.mode != "chatgpt":
                return False
            await self._refresh_managed(auth)
            return True

    async def on_unauthorized(self, failed_token: str | None) -> bool:
        """After a 401 with ``failed_token``: True when a retry may succeed with newer credentials."""
        seen = self.current()
        if seen is not None and seen.bearer_token != failed_token:
            return True  # someone already replaced the token we used
        async with self._refresh_lock():
            with self._lock:
                self._load_locked(force=True)  # another process may have logged in or refreshed
                auth = self._current_locked()
            if auth is None:
                return False
            if auth.bearer_token != failed_token:
                return True
            if auth.mode == "apikey":
                return False
            if auth.mode == "chatgptAuthTokens":
                await self._refresh_external(auth)
                return True
            try:
                await self._refresh_managed(auth)
            except RefreshFailed as exc:
                if exc.permanent:
                    raise
                _log().warning("token refresh after 401 failed: %s", exc)
                return False
            return True

    async def _refresh_managed(self, auth: CodexAuth) -> None:
        assert auth.tokens is not None

        # Another process may have refreshed already: adopt its tokens instead of spending ours
        # (refresh tokens are single use).
        def reread() -> CodexAuth | None:
            with self._lock:
                self._load_locked(force=True)
                return self._current_locked()

        import asyncio

        latest = await asyncio.to_thread(reread)
        if (
            latest is not None
            and latest.tokens is not None
            and latest.tokens.access_token != auth.tokens.access_token
            and not latest.needs_refresh(self._clock())
        ):
            with self._lock:
                self._changed()
            return
        url = refresh_url(self._issuer(), self._env)
        fresh = await refresh_tokens(url, client_id=self.client_id, refresh_token=auth.tokens.refresh_token)
        old = auth.tokens
        id_token = fresh.id_token or old.id_token
        tokens = TokenData(
            id_token=id_token,
            access_token=fresh.access_token or old.access_token,
            refresh_token=fresh.refresh_token or old.refresh_token,
            account_id=IdTokenInfo.parse(id_token).account_id or old.account_id,
        )

        def persist() -> None:
            with self._lock:
                base = self._auth or AuthDotJson(auth_mode="chatgpt")
                self._save_locked(base.with_tokens(tokens, self._clock()))
                self._changed()

        import asyncio

        await asyncio.to_thread(persist)
        _log().info("refreshed ChatGPT tokens")

    async def _refresh_external(self, auth: CodexAuth) -> None:
        refresher = self._external_refresher
        if refresher is None:
            raise ExternalRefreshFailed("no client is available to refresh external ChatGPT tokens")
        previous = auth.account_id
        try:
            fresh = await refresher(previous)
        except ExternalRefreshFailed:
            raise
        except Exception as exc:
            raise ExternalRefreshFailed(f"failed to refresh external ChatGPT tokens: {exc}") from None
        self._check_external_workspace(fresh.account_id)
        data = AuthDotJson(
            auth_mode="chatgptAuthTokens",
            tokens=TokenData(fresh.access_token, fresh.access_token, "", fresh.account_id),
        )
        with self._lock:
            self._external.save(data)
            self._external_plan = fresh.plan_type
            self._changed()

    # -- the model client's view -----------------------------------------------------------------
    def auth_source(self) -> ManagedAuthSource:
        return ManagedAuthSource(self)


class ManagedAuthSource:
    """codex_core.model.auth.AuthSource backed by the AuthManager (one per model client)."""

    def __init__(self, manager: AuthManager) -> None:
        self.manager = manager
        self._sent: str | None = None  # the token our last request carried

    @property
    def chatgpt_mode(self) -> bool:
        auth = self.manager.current()
        return bool(auth and auth.is_chatgpt)

    async def headers(self) -> dict[str, str]:
        try:
            auth = await self.manager.ensure_fresh()
        except RefreshFailed as exc:
            raise _unauthorized(str(exc)) from None
        token = auth.bearer_token if auth else None
        self._sent = token
        if auth is None or not token:
            return {}
        headers = {"authorization": f"Bearer {token}"}
        if auth.is_chatgpt and auth.account_id:
            headers["chatgpt-account-id"] = auth.account_id
        return headers

    async def on_unauthorized(self) -> bool:
        try:
            return await self.manager.on_unauthorized(self._sent)
        except (RefreshFailed, ExternalRefreshFailed, LoginRestricted) as exc:
            raise _unauthorized(str(exc)) from None


def _unauthorized(message: str) -> Exception:
    from codex_core.model.errors import Unauthorized

    return Unauthorized(message, http_status=401)
