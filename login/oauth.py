"""OAuth pieces shared by the browser and device-code logins and by token refresh.

httpx is imported inside the functions: `codex --help` and app-server start-up never pay for it.
Error messages here never contain token values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from login.values import Value

DEFAULT_ISSUER = "https://auth.openai.com"
CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann"
ISSUER_ENV = "CODEX_AUTH_ISSUER"  # ours: points every flow at another issuer (tests, staging)
REFRESH_URL_ENV = "CODEX_REFRESH_TOKEN_URL_OVERRIDE"  # the reference's name
SCOPES = "openid profile email offline_access"
REFRESH_SCOPE = "openid profile email"
HTTP_TIMEOUT_S = 30.0

REFRESH_TOKEN_EXPIRED_MESSAGE = (
    "Your access token could not be refreshed because your refresh token has expired. "
    "Please log out and sign in again."
)
REFRESH_TOKEN_REUSED_MESSAGE = (
    "Your access token could not be refreshed because your refresh token was already used. "
    "Please log out and sign in again."
)
REFRESH_TOKEN_INVALIDATED_MESSAGE = (
    "Your access token could not be refreshed because your refresh token was revoked. "
    "Please log out and sign in again."
)
REFRESH_TOKEN_UNKNOWN_MESSAGE = "Your access token could not be refreshed. Please log out and sign in again."


class OAuthError(Exception):
    """A login or refresh step failed; the message is safe to show and log."""


class RefreshFailed(OAuthError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


def issuer_url(env: Mapping[str, str] | None = None, override: str | None = None) -> str:
    environ = os.environ if env is None else env
    return (override or environ.get(ISSUER_ENV) or DEFAULT_ISSUER).rstrip("/")


def refresh_url(issuer: str, env: Mapping[str, str] | None = None) -> str:
    environ = os.environ if env is None else env
    override = environ.get(REFRESH_URL_ENV, "").strip()
    return override or f"{issuer.rstrip('/')}/oauth/token"


# base64, hashlib and secrets are imported where used: `codex login status` never needs them.
def _b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Pkce(Value):
    _fields = ("verifier", "challenge")
    __slots__ = _fields
    verifier: Final[str]
    challenge: Final[str]

    def __init__(self, verifier: str, challenge: str) -> None:
        self.verifier = verifier
        self.challenge = challenge

    @classmethod
    def generate(cls) -> Pkce:
        import secrets

        verifier = _b64url(secrets.token_bytes(64))
        return cls(verifier, challenge_for(verifier))


def challenge_for(verifier: str) -> str:
    import hashlib

    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


def generate_state() -> str:
    import secrets

    return _b64url(secrets.token_bytes(32))


def authorize_url(
    issuer: str,
    *,
    client_id: str,
    redirect_uri: str,
    pkce: Pkce,
    state: str,
    originator: str,
    workspace_id: str | None = None,
) -> str:
    query = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("scope", SCOPES),
        ("code_challenge", pkce.challenge),
        ("code_challenge_method", "S256"),
        ("id_token_add_organizations", "true"),
        ("codex_cli_simplified_flow", "true"),
        ("state", state),
        ("originator", originator),
    ]
    if workspace_id:
        query.append(("allowed_workspace_id", workspace_id))
    # Percent-encode everything but unreserved characters (spaces as %20), as the reference does.
    encoded = "&".join(f"{k}={quote(v, safe='-_.~')}" for k, v in query)
    return f"{issuer.rstrip('/')}/oauth/authorize?{encoded}"


class ExchangedTokens(Value):
    _fields = ("id_token", "access_token", "refresh_token")
    __slots__ = _fields
    id_token: Final[str]
    access_token: Final[str]
    refresh_token: Final[str]

    def __init__(self, id_token: str, access_token: str, refresh_token: str) -> None:
        self.id_token = id_token
        self.access_token = access_token
        self.refresh_token = refresh_token


def _error_detail(body: bytes) -> str:
    """A short, secret-free reason from a token endpoint error body."""
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return "unknown error"
    if not isinstance(data, dict):
        return "unknown error"
    description = data.get("error_description")
    if isinstance(description, str) and description.strip():
        return description.strip()[:200]
    error = data.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("code")
        if isinstance(message, str) and message.strip():
            return message.strip()[:200]
    if isinstance(error, str) and error.strip():
        return error.strip()[:200]
    return "unknown error"


def _refresh_error_code(body: bytes) -> str | None:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    error = data.get("error")
    if isinstance(error, dict):
        code = error.get("code")
        return code if isinstance(code, str) else None
    if isinstance(error, str):
        return error
    code = data.get("code")
    return code if isinstance(code, str) else None


async def exchange_code(
    issuer: str, *, client_id: str, redirect_uri: str, verifier: str, code: str
) -> ExchangedTokens:
    import httpx

    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "code_verifier": verifier,
    }
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.post(f"{issuer.rstrip('/')}/oauth/token", data=form)
    except httpx.HTTPError as exc:
        raise OAuthError(f"token exchange failed: {type(exc).__name__}") from None
    if response.status_code // 100 != 2:
        raise OAuthError(
            f"token endpoint returned status {response.status_code}: {_error_detail(response.content)}"
        )
    data = _json_object(response.content)
    tokens = [data.get(k) for k in ("id_token", "access_token", "refresh_token")]
    if not all(isinstance(t, str) and t for t in tokens):
        raise OAuthError("token endpoint response is missing tokens")
    return ExchangedTokens(str(tokens[0]), str(tokens[1]), str(tokens[2]))


async def obtain_api_key(issuer: str, *, client_id: str, id_token: str) -> str | None:
    """Best effort: an API key minted from the id token (None when the issuer declines)."""
    import httpx

    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "client_id": client_id,
        "requested_token": "openai-api-key",
        "subject_token": id_token,
        "subject_token_type": "urn:ietf:params:oauth:token-type:id_token",
    }
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.post(f"{issuer.rstrip('/')}/oauth/token", data=form)
    except httpx.HTTPError:
        return None
    if response.status_code // 100 != 2:
        return None
    key = _json_object(response.content).get("access_token")
    return key if isinstance(key, str) and key else None


class RefreshedTokens(Value):
    _fields = ("id_token", "access_token", "refresh_token")
    __slots__ = _fields
    id_token: Final[str | None]
    access_token: Final[str | None]
    refresh_token: Final[str | None]

    def __init__(self, id_token: str | None, access_token: str | None, refresh_token: str | None) -> None:
        self.id_token = id_token
        self.access_token = access_token
        self.refresh_token = refresh_token


async def refresh_tokens(url: str, *, client_id: str, refresh_token: str) -> RefreshedTokens:
    import httpx

    body = {
        "client_id": client_id,
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "scope": REFRESH_SCOPE,
    }
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.post(url, json=body)
    except httpx.HTTPError as exc:
        raise RefreshFailed(f"failed to refresh token: {type(exc).__name__}", permanent=False) from None
    if response.status_code == 401:
        code = _refresh_error_code(response.content)
        message = {
            "refresh_token_expired": REFRESH_TOKEN_EXPIRED_MESSAGE,
            "refresh_token_reused": REFRESH_TOKEN_REUSED_MESSAGE,
            "refresh_token_invalidated": REFRESH_TOKEN_INVALIDATED_MESSAGE,
        }.get(code or "", REFRESH_TOKEN_UNKNOWN_MESSAGE)
        raise RefreshFailed(message, permanent=True)
    if response.status_code // 100 != 2:
        raise RefreshFailed(
            f"failed to refresh token: status {response.status_code}: {_error_detail(response.content)}",
            permanent=False,
        )
    data = _json_object(response.content)

    def pick(key: str) -> str | None:
        value = data.get(key)
        return value if isinstance(value, str) and value else None

    return RefreshedTokens(pick("id_token"), pick("access_token"), pick("refresh_token"))


def _json_object(raw: bytes) -> dict[str, Any]:
    import json

    try:
        data = json.loads(raw)
    except ValueError:
        raise OAuthError("the issuer answered with invalid JSON") from None
    if not isinstance(data, dict):
        raise OAuthError("the issuer answered with an unexpected JSON value")
    return data


def workspace_error(expected: str | None, id_token: str) -> str | None:
    """None when the id token's workspace is allowed, else the message to show."""
    if not expected:
        return None
    from login.tokens import IdTokenInfo

    actual = IdTokenInfo.parse(id_token).account_id
    if actual is None:
        return (
            "Login is restricted to a specific workspace, but the token did not include "
            "a chatgpt_account_id claim."
        )
    allowed = [w.strip() for w in expected.split(",") if w.strip()]
    if actual in allowed:
        return None
    return f"Login is restricted to workspace id {expected}."
