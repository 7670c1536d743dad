"""AuthManager: caching, other-process changes, forced restrictions, refresh, external tokens."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from mock_issuer import MockIssuer, make_jwt

from codex_core.model.errors import Unauthorized
from login.manager import (
    AuthManager,
    ExternalRefreshFailed,
    ExternalTokens,
    LoginRestricted,
)
from login.oauth import ExchangedTokens
from login.storage import AuthDotJson, FileStore, TokenData

MakeManager = Callable[..., AuthManager]


def write_chatgpt(
    codex_home: Path, issuer: MockIssuer, *, last_refresh: datetime, access_ttl: int = 3600
) -> TokenData:
    refresh = issuer.new_refresh_token()
    access = make_jwt(
        {
            "exp": int(time.time()) + access_ttl,
            "jti": refresh,  # unique per call
            "https://api.openai.com/auth": {"chatgpt_account_id": "acct-123"},
        }
    )
    tokens = TokenData(issuer.id_token(), access, refresh, "acct-123")
    FileStore(codex_home).save(AuthDotJson(auth_mode="chatgpt", tokens=tokens, last_refresh=last_refresh))
    return tokens


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


async def test_api_key_login_and_headers(make_manager: MakeManager, codex_home: Path) -> None:
    manager = make_manager()
    assert manager.current() is None
    manager.login_api_key("sk-test-123456789")
    assert json.loads((codex_home / "auth.json").read_text()) == {
        "auth_mode": "apikey",
        "OPENAI_API_KEY": "sk-test-123456789",
    }
    source = manager.auth_source()
    assert source.chatgpt_mode is False
    assert await source.headers() == {"authorization": "Bearer sk-test-123456789"}
    assert await source.on_unauthorized() is False  # same key: retrying cannot help


async def test_sees_login_and_logout_by_another_process(make_manager: MakeManager, codex_home: Path) -> None:
    manager = make_manager()
    assert manager.current() is None
    other = make_manager()  # stands in for a second CLI process
    other.login_api_key("sk-other-process-1")
    assert manager.current() is not None and manager.current().api_key == "sk-other-process-1"  # type: ignore[union-attr]
    FileStore(codex_home).save(AuthDotJson(auth_mode="apikey", openai_api_key="sk-other-process-2"))
    bump_mtime(codex_home / "auth.json")
    assert manager.current().api_key == "sk-other-process-2"  # type: ignore[union-attr]
    other.logout()
    assert manager.current() is None


async def test_401_picks_up_a_key_changed_on_disk(make_manager: MakeManager, codex_home: Path) -> None:
    manager = make_manager()
    manager.login_api_key("sk-old-key-000001")
    source = manager.auth_source()
    await source.headers()
    FileStore(codex_home).save(AuthDotJson(auth_mode="apikey", openai_api_key="sk-new-key-000002"))
    assert await source.on_unauthorized() is True
    assert await source.headers() == {"authorization": "Bearer sk-new-key-000002"}


def test_forced_login_method(make_manager: MakeManager) -> None:
    manager = make_manager(forced_login_method="chatgpt")
    with pytest.raises(LoginRestricted, match="API key login is disabled"):
        manager.login_api_key("sk-x")
    unrestricted = make_manager()
    unrestricted.login_api_key("sk-stored-elsewhere")
    assert manager.reload() is None  # a stored API key is ignored under forced ChatGPT login
    assert manager.restriction_error() == "API key login is disabled. Use ChatGPT login instead."

    api_only = make_manager(forced_login_method="api")
    with pytest.raises(LoginRestricted, match="ChatGPT login is disabled"):
        api_only.login_external(ExternalTokens(make_jwt({}), "acct"))


def test_forced_workspace(make_manager: MakeManager, issuer: MockIssuer) -> None:
    manager = make_manager(forced_chatgpt_workspace_id="ws-other")
    tokens = issuer.token_set()
    exchanged = ExchangedTokens(tokens["id_token"], tokens["access_token"], tokens["refresh_token"])
    with pytest.raises(LoginRestricted, match="restricted to workspace id ws-other"):
        manager.login_chatgpt(exchanged)
    make_manager().login_chatgpt(exchanged)
    assert manager.reload() is None  # stored login for another workspace is not used
    ok = make_manager(forced_chatgpt_workspace_id="acct-123")
    assert ok.current() is not None and ok.current().account_id == "acct-123"  # type: ignore[union-attr]


async def test_chatgpt_login_view_and_headers(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    manager = make_manager()
    tokens = issuer.token_set()
    manager.login_chatgpt(
        ExchangedTokens(tokens["id_token"], tokens["access_token"], tokens["refresh_token"]), "sk-ex"
    )
    auth = manager.current()
    assert auth is not None
    assert (auth.mode, auth.email, auth.plan_type, auth.account_id) == (
        "chatgpt",
        "user@example.com",
        "plus",
        "acct-123",
    )
    stored = json.loads((codex_home / "auth.json").read_text())
    assert stored["auth_mode"] == "chatgpt" and stored["OPENAI_API_KEY"] == "sk-ex"
    assert stored["tokens"]["account_id"] == "acct-123" and stored["last_refresh"].endswith("Z")
    source = manager.auth_source()
    assert source.chatgpt_mode is True
    assert await source.headers() == {
        "authorization": f"Bearer {tokens['access_token']}",
        "chatgpt-account-id": "acct-123",
    }


async def test_refresh_when_last_refresh_is_old(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    old = write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC) - timedelta(days=9))
    manager = make_manager()
    headers = await manager.auth_source().headers()
    assert issuer.refresh_count == 1
    assert headers["authorization"] != f"Bearer {old.access_token}"
    stored = AuthDotJson.loads((codex_home / "auth.json").read_bytes())
    assert stored.tokens is not None and stored.tokens.refresh_token != old.refresh_token
    assert stored.last_refresh is not None and datetime.now(UTC) - stored.last_refresh < timedelta(minutes=1)
    await manager.auth_source().headers()
    assert issuer.refresh_count == 1  # fresh now: no second refresh


async def test_refresh_when_access_token_expired(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC), access_ttl=-10)
    manager = make_manager()
    await manager.auth_source().headers()
    assert issuer.refresh_count == 1


async def test_refresh_on_401_and_concurrent_callers_share_it(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC))
    manager = make_manager()
    sources = [manager.auth_source() for _ in range(5)]
    first = [await s.headers() for s in sources]
    assert len({h["authorization"] for h in first}) == 1
    issuer.refresh_delay_s = 0.2  # keep the refresh in flight while the others arrive
    results = await asyncio.gather(*(s.on_unauthorized() for s in sources))
    assert results == [True] * 5
    assert issuer.refresh_count == 1
    after = await sources[0].headers()
    assert after["authorization"] != first[0]["authorization"]


async def test_permanent_refresh_failure_fails_the_request(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC))
    issuer.refresh_error = "refresh_token_expired"
    source = make_manager().auth_source()
    await source.headers()
    with pytest.raises(Unauthorized, match="refresh token has expired"):
        await source.on_unauthorized()


async def test_adopts_tokens_refreshed_by_another_process(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC))
    manager = make_manager()
    source = manager.auth_source()
    await source.headers()
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC))  # the other process's refresh
    assert await source.on_unauthorized() is True
    assert issuer.refresh_count == 0


async def test_forced_refresh(make_manager: MakeManager, issuer: MockIssuer, codex_home: Path) -> None:
    manager = make_manager()
    assert await manager.refresh() is False
    write_chatgpt(codex_home, issuer, last_refresh=datetime.now(UTC))
    assert await manager.refresh() is True
    assert issuer.refresh_count == 1


async def test_external_tokens_in_memory_and_refreshed_by_client(
    make_manager: MakeManager, codex_home: Path
) -> None:
    manager = make_manager()
    access = make_jwt(
        {"email": "ext@example.com", "https://api.openai.com/auth": {"chatgpt_plan_type": "team"}}
    )
    manager.login_external(ExternalTokens(access, "acct-ext", None))
    assert not (codex_home / "auth.json").exists()
    auth = manager.current()
    assert auth is not None and (auth.mode, auth.email, auth.plan_type) == (
        "chatgptAuthTokens",
        "ext@example.com",
        "team",
    )
    source = manager.auth_source()
    assert (await source.headers())["chatgpt-account-id"] == "acct-ext"

    calls: list[str | None] = []
    fresh = make_jwt({"n": 2})

    async def refresher(previous: str | None) -> ExternalTokens:
        calls.append(previous)
        return ExternalTokens(fresh, "acct-ext", "pro")

    manager.set_external_refresher(refresher)
    assert await source.on_unauthorized() is True
    assert calls == ["acct-ext"]
    assert await source.headers() == {"authorization": f"Bearer {fresh}", "chatgpt-account-id": "acct-ext"}
    assert manager.current().plan_type == "pro"  # type: ignore[union-attr]

    async def broken(previous: str | None) -> ExternalTokens:
        raise ExternalRefreshFailed("timed out waiting for the client to refresh ChatGPT auth tokens")

    manager.set_external_refresher(broken)
    with pytest.raises(Unauthorized, match="timed out waiting"):
        await source.on_unauthorized()
    assert manager.logout() is True and manager.current() is None


def test_external_workspace_mismatch(make_manager: MakeManager) -> None:
    manager = make_manager(forced_chatgpt_workspace_id="ws-1")
    with pytest.raises(LoginRestricted, match="must use workspace ws-1"):
        manager.login_external(ExternalTokens(make_jwt({}), "ws-2"))


def test_for_home_is_shared_per_process(codex_home: Path) -> None:
    assert AuthManager.for_home(codex_home) is AuthManager.for_home(codex_home)
