"""Browser (PKCE) login against the mock issuer, with httpx playing the browser."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import socket
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from mock_issuer import MockIssuer

from login.manager import AuthManager, LoginRestricted
from login.oauth import Pkce, challenge_for
from login.server import LoginFailed, LoginOptions, start_login_server

MakeManager = Callable[..., AuthManager]


def options(issuer: MockIssuer, **kwargs: object) -> LoginOptions:
    base: dict[str, object] = {
        "issuer": issuer.base_url,
        "port": 0,
        "fallback_port": None,
        "cancel_timeout_s": 0.1,
    }
    base.update(kwargs)
    return LoginOptions(**base)  # type: ignore[arg-type]


async def test_full_browser_flow(make_manager: MakeManager, issuer: MockIssuer, codex_home: Path) -> None:
    manager = make_manager()
    server = await start_login_server(manager, options(issuer, originator="pytest"))
    query = parse_qs(urlsplit(server.auth_url).query)
    assert server.auth_url.startswith(f"{issuer.base_url}/oauth/authorize?response_type=code&client_id=")
    assert "scope=openid%20profile%20email%20offline_access" in server.auth_url
    assert query["redirect_uri"] == [f"http://localhost:{server.actual_port}/auth/callback"]
    assert query["code_challenge_method"] == ["S256"] and query["originator"] == ["pytest"]
    assert len(query["state"][0]) == 43 and len(query["code_challenge"][0]) == 43

    async with httpx.AsyncClient(follow_redirects=True) as browser:
        page = await browser.get(server.auth_url)
    assert page.status_code == 200 and "Signed in to Codex" in page.text
    assert page.url.path == "/success"
    await asyncio.wait_for(server.wait(), 5)

    stored = json.loads((codex_home / "auth.json").read_text())
    assert stored["auth_mode"] == "chatgpt"
    assert stored["OPENAI_API_KEY"].startswith("sk-exchanged-")
    assert stored["tokens"]["account_id"] == "acct-123"
    auth = manager.current()
    assert auth is not None and (auth.email, auth.plan_type) == ("user@example.com", "plus")


async def test_state_mismatch_is_rejected(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    server = await start_login_server(make_manager(), options(issuer))
    async with httpx.AsyncClient() as browser:
        bad = await browser.get(f"http://127.0.0.1:{server.actual_port}/auth/callback?code=x&state=forged")
        assert bad.status_code == 400 and bad.text == "State mismatch"
        assert not server.done  # still waiting for the real callback
        missing = await browser.get(f"http://127.0.0.1:{server.actual_port}/nope")
        assert missing.status_code == 404
    server.cancel()
    with pytest.raises(LoginFailed, match="Login was not completed"):
        await server.wait()
    assert not (codex_home / "auth.json").exists()


async def test_missing_code_and_oauth_error(make_manager: MakeManager, issuer: MockIssuer) -> None:
    server = await start_login_server(make_manager(), options(issuer, force_state="s1"))
    async with httpx.AsyncClient() as browser:
        await browser.get(f"http://127.0.0.1:{server.actual_port}/auth/callback?state=s1")
    with pytest.raises(LoginFailed, match="Missing authorization code"):
        await server.wait()
    server = await start_login_server(make_manager(), options(issuer, force_state="s2"))
    async with httpx.AsyncClient() as browser:
        page = await browser.get(
            f"http://127.0.0.1:{server.actual_port}/auth/callback?state=s2&error=access_denied&error_description=nope"
        )
    assert "Sign-in failed: nope" in page.text
    with pytest.raises(LoginFailed, match="Sign-in failed: nope"):
        await server.wait()


async def test_bad_code_fails_the_exchange(make_manager: MakeManager, issuer: MockIssuer) -> None:
    server = await start_login_server(make_manager(), options(issuer, force_state="s"))
    async with httpx.AsyncClient() as browser:
        await browser.get(f"http://127.0.0.1:{server.actual_port}/auth/callback?state=s&code=forged")
    with pytest.raises(LoginFailed, match="Token exchange failed: token endpoint returned status 400"):
        await server.wait()


async def test_cancel_route_and_cancel(make_manager: MakeManager, issuer: MockIssuer) -> None:
    server = await start_login_server(make_manager(), options(issuer))
    async with httpx.AsyncClient() as browser:
        await browser.get(f"http://127.0.0.1:{server.actual_port}/cancel")
    with pytest.raises(LoginFailed, match="Login cancelled"):
        await server.wait()
    # The listener is gone once the login ends.
    await asyncio.sleep(0)
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.actual_port), timeout=2).close()


async def test_workspace_mismatch_is_a_clear_error(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    manager = make_manager(forced_chatgpt_workspace_id="ws-required")
    server = await start_login_server(manager, options(issuer))
    assert "allowed_workspace_id=ws-required" in server.auth_url
    async with httpx.AsyncClient(follow_redirects=True) as browser:
        page = await browser.get(server.auth_url)
    assert "Login is restricted to workspace id ws-required." in page.text
    with pytest.raises(LoginFailed, match="restricted to workspace id ws-required"):
        await server.wait()
    assert not (codex_home / "auth.json").exists()


async def test_forced_api_login_refuses_browser_login(make_manager: MakeManager, issuer: MockIssuer) -> None:
    with pytest.raises(LoginRestricted, match="ChatGPT login is disabled"):
        await start_login_server(make_manager(forced_login_method="api"), options(issuer))


async def test_busy_port_cancels_a_previous_login_server(
    make_manager: MakeManager, issuer: MockIssuer
) -> None:
    first = await start_login_server(make_manager(), options(issuer))
    second = await start_login_server(
        make_manager(), options(issuer, port=first.actual_port, retry_delay_s=0.02, bind_attempts=50)
    )
    assert second.actual_port == first.actual_port
    with pytest.raises(LoginFailed, match="Login cancelled"):
        await first.wait()
    second.cancel()


async def test_busy_port_falls_back(make_manager: MakeManager, issuer: MockIssuer) -> None:
    with socket.socket() as squatter:  # not a login server: /cancel cannot free it
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        fallback = await start_login_server(
            make_manager(),
            options(issuer, port=busy, fallback_port=0, bind_attempts=2, retry_delay_s=0.01),
        )
        assert fallback.actual_port != busy
        assert f"localhost%3A{fallback.actual_port}%2Fauth%2Fcallback" in fallback.auth_url
        fallback.cancel()
        with pytest.raises(LoginFailed, match="already in use"):
            await start_login_server(
                make_manager(),
                options(issuer, port=busy, fallback_port=None, bind_attempts=2, retry_delay_s=0.01),
            )


async def test_default_port_1455(make_manager: MakeManager, issuer: MockIssuer) -> None:
    # 1455 (or its fallback 1457) may be taken on a developer machine: that is what the fallback is for.
    try:
        server = await start_login_server(
            make_manager(),
            LoginOptions(issuer=issuer.base_url, bind_attempts=2, retry_delay_s=0.01, cancel_timeout_s=0.1),
        )
    except LoginFailed as exc:
        pytest.skip(f"both login ports are busy: {exc}")
    try:
        assert server.actual_port in (1455, 1457)
        assert f"localhost%3A{server.actual_port}%2Fauth%2Fcallback" in server.auth_url
    finally:
        server.cancel()


def test_pkce_challenge() -> None:
    pkce = Pkce.generate()
    assert len(pkce.verifier) == 86  # 64 random bytes, base64url without padding
    digest = hashlib.sha256(pkce.verifier.encode()).digest()
    assert pkce.challenge == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert challenge_for(pkce.verifier) == pkce.challenge
