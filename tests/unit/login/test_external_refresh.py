"""The app-server side of external tokens: `account/chatgptAuthTokens/refresh` answered, refused, unanswered."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from app_server.handlers import account
from app_server.server_requests import ServerRequests
from login.manager import ExternalRefreshFailed


class FakeConnection:
    id = 1
    closed = False
    initialized = True
    label = "fake"

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    def send(self, message: dict[str, Any], encoded: bytes | None = None) -> None:
        self.sent.append(message)


class FakeState:
    def __init__(self) -> None:
        self.server_requests = ServerRequests()
        self.connection = FakeConnection()
        self.connections = {1: self.connection}


async def _answer(state: FakeState, reply: dict[str, Any]) -> None:
    while not state.connection.sent:
        await asyncio.sleep(0)
    request = state.connection.sent[-1]
    assert request["method"] == "account/chatgptAuthTokens/refresh"
    assert request["params"] == {"reason": "unauthorized", "previousAccountId": "acct-1"}
    state.server_requests.resolve(state.connection, {"id": request["id"], **reply})  # type: ignore[arg-type]


async def test_client_answers() -> None:
    state = FakeState()
    refresh = account._external_refresher(state)  # type: ignore[arg-type]
    answer = asyncio.create_task(
        _answer(
            state, {"result": {"accessToken": "tok", "chatgptAccountId": "acct-1", "chatgptPlanType": "plus"}}
        )
    )
    tokens = await refresh("acct-1")
    await answer
    assert (tokens.access_token, tokens.account_id, tokens.plan_type) == ("tok", "acct-1", "plus")


async def test_client_error_and_bad_result() -> None:
    state = FakeState()
    refresh = account._external_refresher(state)  # type: ignore[arg-type]
    answer = asyncio.create_task(_answer(state, {"error": {"code": -1, "message": "user signed out"}}))
    with pytest.raises(ExternalRefreshFailed, match="user signed out"):
        await refresh("acct-1")
    await answer
    answer = asyncio.create_task(_answer(state, {"result": {"accessToken": ""}}))
    with pytest.raises(ExternalRefreshFailed, match="invalid result"):
        await refresh("acct-1")
    await answer


async def test_client_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(account, "EXTERNAL_REFRESH_TIMEOUT_S", 0.05)
    state = FakeState()
    with pytest.raises(ExternalRefreshFailed, match="timed out"):
        await account._external_refresher(state)("acct-1")  # type: ignore[arg-type]
    assert state.server_requests.pending_count() == 0
