"""The auth.json document and where it lives: a file, the OS keyring, either (auto), or memory.

The JSON layout matches the reference CLI byte for byte in shape (field names, null handling,
2-space pretty printing, no trailing newline) so either CLI can read what the other wrote.
"""

from __future__ import annotations

import _thread  # threading's own lock, without importing threading (~1 ms at start-up)
import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

from codex_core.atomic import atomic_write_bytes
from codex_core.keyring_access import KeyringBackend, system_keyring
from login.values import Value

if TYPE_CHECKING:
    import logging

AUTH_FILE_NAME = "auth.json"
KEYRING_SERVICE = "Codex Auth"

AuthMode = Literal["apikey", "chatgpt", "chatgptAuthTokens"]
StoreMode = Literal["file", "keyring", "auto", "ephemeral"]


def _log() -> logging.Logger:
    # logging is imported on first use: `codex login status` with a file store never logs.
    import logging

    return logging.getLogger("codex.login")


class AuthStorageError(Exception):
    """The credential store could not be read or written (message is safe to show)."""


class TokenData(Value):
    _fields = ("id_token", "access_token", "refresh_token", "account_id")
    __slots__ = _fields
    id_token: Final[str]
    access_token: Final[str]
    refresh_token: Final[str]
    account_id: Final[str | None]

    def __init__(
        self, id_token: str, access_token: str, refresh_token: str, account_id: str | None = None
    ) -> None:
        self.id_token = id_token
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.account_id = account_id

    def to_json(self) -> dict[str, Any]:
        return {
            "id_token": self.id_token,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "account_id": self.account_id,
        }

    @classmethod
    def from_json(cls, data: Any) -> TokenData | None:
        if not isinstance(data, dict):
            return None
        id_token, access, refresh = data.get("id_token"), data.get("access_token"), data.get("refresh_token")
        if not all(isinstance(v, str) for v in (id_token, access, refresh)):
            return None
        account = data.get("account_id")
        return cls(str(id_token), str(access), str(refresh), account if isinstance(account, str) else None)


class AuthDotJson(Value):
    _fields = ("auth_mode", "openai_api_key", "tokens", "last_refresh", "extra")
    __slots__ = _fields
    _uncompared = ("extra",)
    auth_mode: Final[AuthMode | None]
    openai_api_key: Final[str | None]
    tokens: Final[TokenData | None]
    last_refresh: Final[datetime | None]
    # Keys a newer CLI may add: carried through so a rewrite does not drop them.
    extra: Final[dict[str, Any]]

    def __init__(
        self,
        auth_mode: AuthMode | None = None,
        openai_api_key: str | None = None,
        tokens: TokenData | None = None,
        last_refresh: datetime | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.auth_mode = auth_mode
        self.openai_api_key = openai_api_key
        self.tokens = tokens
        self.last_refresh = last_refresh
        self.extra = {} if extra is None else extra

    @property
    def resolved_mode(self) -> AuthMode:
        """Older files have no auth_mode: an API key without tokens means API-key login."""
        if self.auth_mode is not None:
            return self.auth_mode
        if self.openai_api_key and self.tokens is None:
            return "apikey"
        return "chatgpt"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.auth_mode is not None:
            out["auth_mode"] = self.auth_mode
        out["OPENAI_API_KEY"] = self.openai_api_key
        if self.tokens is not None:
            out["tokens"] = self.tokens.to_json()
        if self.last_refresh is not None:
            out["last_refresh"] = format_timestamp(self.last_refresh)
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    def dumps(self) -> bytes:
        import json  # here and below: a logged-out `codex login status` parses no JSON

        return json.dumps(self.to_json(), indent=2, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_json(cls, data: Any) -> AuthDotJson:
        if not isinstance(data, dict):
            raise AuthStorageError("auth.json does not hold a JSON object")
        mode = data.get("auth_mode")
        key = data.get("OPENAI_API_KEY")
        known = {"auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"}
        return cls(
            auth_mode=mode if mode in ("apikey", "chatgpt", "chatgptAuthTokens") else None,
            openai_api_key=key if isinstance(key, str) and key else None,
            tokens=TokenData.from_json(data.get("tokens")),
            last_refresh=parse_timestamp(data.get("last_refresh")),
            extra={k: v for k, v in data.items() if k not in known},
        )

    @classmethod
    def loads(cls, raw: bytes | str) -> AuthDotJson:
        import json

        try:
            data = json.loads(raw)
        except ValueError:
            raise AuthStorageError("auth.json is not valid JSON") from None
        return cls.from_json(data)

    def with_tokens(self, tokens: TokenData, now: datetime) -> AuthDotJson:
        return AuthDotJson(self.auth_mode, self.openai_api_key, tokens, now, self.extra)


def format_timestamp(moment: datetime) -> str:
    # RFC 3339 in UTC with a Z suffix, like chrono's serde output.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # fromisoformat in 3.11 accepts at most 6 fractional digits; chrono may write 9.
    if "." in text:
        head, _, rest = text.partition(".")
        digits = ""
        while rest and rest[0].isdigit():
            digits, rest = digits + rest[0], rest[1:]
        text = f"{head}.{digits[:6].ljust(6, '0')}{rest}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def auth_file_path(codex_home: Path) -> Path:
    return Path(codex_home) / AUTH_FILE_NAME


class AuthStore(Protocol):
    def load(self) -> AuthDotJson | None: ...

    def save(self, auth: AuthDotJson) -> None: ...

    def delete(self) -> bool: ...

    def fingerprint(self) -> object:
        """Cheap change marker; a different value means another process may have changed the store."""
        ...


class FileStore:
    def __init__(self, codex_home: Path) -> None:
        self.path = auth_file_path(codex_home)

    def load(self) -> AuthDotJson | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AuthStorageError(f"failed to read {self.path}: {exc.strerror}") from None
        return AuthDotJson.loads(raw)

    def save(self, auth: AuthDotJson) -> None:
        try:
            # Always 0600, even if an older file had looser bits.
            atomic_write_bytes(self.path, auth.dumps(), mode=0o600)
        except OSError as exc:
            raise AuthStorageError(f"failed to write {self.path}: {exc.strerror}") from None

    def delete(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AuthStorageError(f"failed to remove {self.path}: {exc.strerror}") from None
        return True

    def fingerprint(self) -> object:
        try:
            st = os.stat(self.path)
        except OSError:
            return "missing"  # not None: None means "cannot tell" to the manager
        return (st.st_mtime_ns, st.st_size, st.st_ino)


def keyring_account(codex_home: Path) -> str:
    """The keyring entry name: stable per CODEX_HOME, as the reference derives it."""
    try:
        canonical = str(Path(codex_home).resolve(strict=True))
    except OSError:
        canonical = str(codex_home)
    import hashlib  # here: only the keyring stores need it

    return "cli|" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


class KeyringStore:
    def __init__(self, codex_home: Path, backend: KeyringBackend | None = None) -> None:
        self.codex_home = Path(codex_home)
        self._backend = backend
        self.account = keyring_account(self.codex_home)

    def _keyring(self) -> KeyringBackend:
        if self._backend is None:
            self._backend = system_keyring()
        if self._backend is None:
            raise AuthStorageError('no OS keyring is available (cli_auth_credentials_store = "keyring")')
        return self._backend

    def load(self) -> AuthDotJson | None:
        try:
            raw = self._keyring().get_password(KEYRING_SERVICE, self.account)
        except AuthStorageError:
            raise
        except Exception as exc:
            raise AuthStorageError(f"failed to read auth from keyring: {type(exc).__name__}") from None
        return AuthDotJson.loads(raw) if raw else None

    def save(self, auth: AuthDotJson) -> None:
        import json

        payload = json.dumps(auth.to_json(), separators=(",", ":"))
        try:
            self._keyring().set_password(KEYRING_SERVICE, self.account, payload)
        except AuthStorageError:
            raise
        except Exception as exc:
            raise AuthStorageError(f"failed to write auth to keyring: {type(exc).__name__}") from None
        # A stale auth.json would otherwise shadow the keyring entry for the other CLI.
        with contextlib.suppress(OSError):
            auth_file_path(self.codex_home).unlink()

    def delete(self) -> bool:
        removed = False
        try:
            backend = self._keyring()
            if backend.get_password(KEYRING_SERVICE, self.account) is not None:
                backend.delete_password(KEYRING_SERVICE, self.account)
                removed = True
        except AuthStorageError:
            raise
        except Exception as exc:
            raise AuthStorageError(f"failed to remove auth from keyring: {type(exc).__name__}") from None
        return FileStore(self.codex_home).delete() or removed

    def fingerprint(self) -> object:
        return None  # the keyring has no cheap change marker


class AutoStore:
    """Keyring when one is usable, else (or when it fails) auth.json."""

    def __init__(self, codex_home: Path, backend: KeyringBackend | None = None) -> None:
        self.file = FileStore(codex_home)
        usable = backend if backend is not None else system_keyring()
        self.keyring = KeyringStore(codex_home, usable) if usable is not None else None

    def load(self) -> AuthDotJson | None:
        if self.keyring is not None:
            try:
                found = self.keyring.load()
            except AuthStorageError as exc:
                _log().warning("%s; trying auth.json", exc)
            else:
                if found is not None:
                    return found
        return self.file.load()

    def save(self, auth: AuthDotJson) -> None:
        if self.keyring is not None:
            try:
                self.keyring.save(auth)
                return
            except AuthStorageError:
                _log().warning("failed to save auth to keyring, falling back to file storage")
        self.file.save(auth)

    def delete(self) -> bool:
        removed = False
        if self.keyring is not None:
            try:
                removed = self.keyring.delete()
            except AuthStorageError as exc:
                _log().warning("%s", exc)
        return self.file.delete() or removed

    def fingerprint(self) -> object:
        return self.file.fingerprint() if self.keyring is None else None


class EphemeralStore:
    """Process memory only: external ChatGPT tokens handed to us by the client."""

    def __init__(self) -> None:
        self._auth: AuthDotJson | None = None
        self._lock = _thread.allocate_lock()
        self._version = 0

    def load(self) -> AuthDotJson | None:
        with self._lock:
            return self._auth

    def save(self, auth: AuthDotJson) -> None:
        with self._lock:
            self._auth = auth
            self._version += 1

    def delete(self) -> bool:
        with self._lock:
            had = self._auth is not None
            self._auth = None
            self._version += 1
            return had

    def fingerprint(self) -> object:
        return self._version


def make_store(mode: StoreMode | None, codex_home: Path, backend: KeyringBackend | None = None) -> AuthStore:
    if mode == "keyring":
        return KeyringStore(codex_home, backend)
    if mode == "auto":
        return AutoStore(codex_home, backend)
    if mode == "ephemeral":
        return EphemeralStore()
    return FileStore(codex_home)
