"""Our mock server's own behaviours (default reply, strict mode, models, slow streams)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from mock_model import MockModelServer, message_response, slow

from codex_core.model.errors import InternalServerError
from codex_core.model.events import Completed, OutputTextDelta
from unit.model.helpers import collect, make_client


async def test_default_reply_and_models_route() -> None:
    with MockModelServer() as server:
        events = await collect(make_client(server.url))
        assert isinstance(events[-1], Completed)
        assert server.unexpected == 1
        async with httpx.AsyncClient() as http:
            response = await http.get(f"{server.url}/models")
        assert response.json()["data"] == []


async def test_strict_mode_fails_unscripted_requests(server: MockModelServer) -> None:
    with pytest.raises(InternalServerError):
        await collect(make_client(server.url))
    assert server.unexpected == 1


async def test_slow_stream_delivers_everything(server: MockModelServer) -> None:
    server.enqueue(slow(message_response("a b c", deltas=3), 0.01))
    events = await collect(make_client(server.url))
    assert "".join(e.delta for e in events if isinstance(e, OutputTextDelta)) == "a b c"
    requests = await asyncio.to_thread(server.wait_for_requests, 1, 1.0)
    assert requests[0].body["model"] == "mock-model"
