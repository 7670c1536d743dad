"""Device-code login against the mock issuer."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from mock_issuer import MockIssuer

from login.device import NOT_ENABLED, complete_device_login, request_device_code
from login.manager import AuthManager, LoginRestricted
from login.oauth import OAuthError

MakeManager = Callable[..., AuthManager]


async def test_device_code_approved(make_manager: MakeManager, issuer: MockIssuer, codex_home: Path) -> None:
    code = await request_device_code(issuer.base_url)
    assert code.user_code == "ABCD-1234"
    assert code.verification_url == f"{issuer.base_url}/codex/device"
    polls = 0

    async def approve_on_third_poll(delay: float) -> None:
        nonlocal polls
        polls += 1
        if polls == 2:
            issuer.approve_device()

    manager = make_manager()
    await complete_device_login(manager, issuer.base_url, code, sleep=approve_on_third_poll)
    assert polls == 2
    stored = json.loads((codex_home / "auth.json").read_text())
    assert stored["auth_mode"] == "chatgpt" and stored["OPENAI_API_KEY"] is None
    assert manager.current() is not None


async def test_device_code_expired(make_manager: MakeManager, issuer: MockIssuer, codex_home: Path) -> None:
    code = await request_device_code(issuer.base_url)
    issuer.device_status_override = 410
    with pytest.raises(OAuthError, match="device auth failed with status 410"):
        await complete_device_login(make_manager(), issuer.base_url, code)
    assert not (codex_home / "auth.json").exists()


async def test_device_code_times_out(make_manager: MakeManager, issuer: MockIssuer) -> None:
    code = await request_device_code(issuer.base_url)
    with pytest.raises(OAuthError, match="timed out"):
        await complete_device_login(make_manager(), issuer.base_url, code, max_wait_s=0)


async def test_device_code_not_enabled(issuer: MockIssuer) -> None:
    issuer.device_enabled = False
    with pytest.raises(OAuthError, match="not enabled") as info:
        await request_device_code(issuer.base_url)
    assert str(info.value) == NOT_ENABLED


async def test_device_code_workspace_mismatch(
    make_manager: MakeManager, issuer: MockIssuer, codex_home: Path
) -> None:
    code = await request_device_code(issuer.base_url)
    issuer.approve_device()
    with pytest.raises(LoginRestricted, match="restricted to workspace id ws-9"):
        await complete_device_login(make_manager(forced_chatgpt_workspace_id="ws-9"), issuer.base_url, code)
    assert not (codex_home / "auth.json").exists()
