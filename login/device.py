"""Device-code login: show a code, poll the issuer until the user approved it, then swap for tokens."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from login.oauth import CLIENT_ID, HTTP_TIMEOUT_S, OAuthError, exchange_code

if TYPE_CHECKING:
    from login.manager import AuthManager

MAX_WAIT_S = 15 * 60
NOT_ENABLED = (
    "device code login is not enabled for this Codex server. Use the browser login or verify the server URL."
)


@dataclass(frozen=True)
class DeviceCode:
    verification_url: str
    user_code: str
    device_auth_id: str
    interval_s: float


def _interval(value: Any) -> float:
    # The issuer sends the interval as a string ("5"); accept numbers too.
    try:
        return max(0.0, float(str(value).strip()))
    except ValueError:
        return 5.0


def http_cause(exc: BaseException) -> str:
    """Why a request failed, in a person's words: the innermost OS error when there is one
    (`Connection refused`), else httpx's message, else the kind of failure."""
    import httpx

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            if isinstance(cause.errno, int) and cause.errno > 0:
                return os.strerror(cause.errno)  # asyncio's "Connect call failed (...)" says less
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return str(exc) or type(exc).__name__


async def request_device_code(issuer: str, client_id: str = CLIENT_ID) -> DeviceCode:
    import httpx

    base = issuer.rstrip("/")
    url = f"{base}/api/accounts/deviceauth/usercode"
    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.post(url, json={"client_id": client_id})
    except httpx.HTTPError as exc:
        raise OAuthError(f"error sending request for url ({url}): {http_cause(exc)}") from None
    if response.status_code == 404:
        raise OAuthError(NOT_ENABLED)
    if response.status_code // 100 != 2:
        raise OAuthError(f"device code request failed with status {response.status_code}")
    try:
        data = response.json()
        user_code = data.get("user_code") or data.get("usercode")
        device_auth_id = data["device_auth_id"]
    except (ValueError, KeyError, AttributeError):
        raise OAuthError("device code response is malformed") from None
    if not isinstance(user_code, str) or not isinstance(device_auth_id, str):
        raise OAuthError("device code response is malformed")
    return DeviceCode(f"{base}/codex/device", user_code, device_auth_id, _interval(data.get("interval", 5)))


async def complete_device_login(
    manager: AuthManager,
    issuer: str,
    code: DeviceCode,
    *,
    client_id: str = CLIENT_ID,
    max_wait_s: float = MAX_WAIT_S,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Poll until approved, exchange the code and persist the tokens (raises OAuthError / LoginRestricted)."""
    import httpx

    from login.manager import LoginRestricted
    from login.oauth import workspace_error

    base = issuer.rstrip("/")
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
        while True:
            try:
                response = await client.post(
                    f"{base}/api/accounts/deviceauth/token",
                    json={"device_auth_id": code.device_auth_id, "user_code": code.user_code},
                )
            except httpx.HTTPError as exc:
                raise OAuthError(f"device auth failed: {http_cause(exc)}") from None
            if response.status_code // 100 == 2:
                break
            if response.status_code in (403, 404):  # not approved yet
                elapsed = time.monotonic() - started
                if elapsed >= max_wait_s:
                    raise OAuthError("device auth timed out after 15 minutes")
                await sleep(min(code.interval_s, max_wait_s - elapsed))
                continue
            raise OAuthError(f"device auth failed with status {response.status_code}")
    try:
        data = response.json()
        authorization_code, verifier = data["authorization_code"], data["code_verifier"]
    except (ValueError, KeyError, TypeError):
        raise OAuthError("device auth response is malformed") from None
    try:
        tokens = await exchange_code(
            base,
            client_id=client_id,
            redirect_uri=f"{base}/deviceauth/callback",
            verifier=verifier,
            code=authorization_code,
        )
    except OAuthError as exc:
        raise OAuthError(f"device code exchange failed: {exc}") from None
    problem = workspace_error(manager.forced_chatgpt_workspace_id, tokens.id_token)
    if problem:
        raise LoginRestricted(problem)
    await asyncio.to_thread(manager.login_chatgpt, tokens, None)
