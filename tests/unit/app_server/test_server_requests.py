from __future__ import annotations

import asyncio

import orjson
import pytest

from app_server.connection import Connection
from app_server.server_requests import ClientError, ConnectionLost, ServerRequests


def connection(name: str) -> Connection:
    conn = Connection(label=name)
    conn.initialized = True
    return conn


async def sent(conn: Connection) -> list[dict[str, object]]:
    batch = await conn.queue.next_batch()
    assert batch is not None
    return [orjson.loads(b) for b in batch]


async def test_ids_count_from_zero_and_first_answer_wins() -> None:
    requests = ServerRequests()
    a, b = connection("a"), connection("b")
    task = asyncio.create_task(requests.request("item/commandExecution/requestApproval", {"x": 1}, [a, b]))
    await asyncio.sleep(0)
    (to_a,) = await sent(a)
    (to_b,) = await sent(b)
    assert to_a == to_b == {"method": "item/commandExecution/requestApproval", "id": 0, "params": {"x": 1}}
    assert requests.resolve(b, {"id": 0, "result": {"decision": "accept"}})
    assert requests.resolve(a, {"id": 0, "result": {"decision": "decline"}})  # late: ignored
    assert await task == {"decision": "accept"}
    second = asyncio.create_task(requests.request("m", {}, [a]))
    await asyncio.sleep(0)
    assert (await sent(a))[0]["id"] == 1
    requests.resolve(a, {"id": 1, "error": {"code": -1, "message": "nope"}})
    with pytest.raises(ClientError, match="nope"):
        await second
    assert requests.pending_count() == 0


async def test_answer_from_a_connection_that_was_not_asked_is_ignored() -> None:
    requests = ServerRequests()
    a, other = connection("a"), connection("other")
    task = asyncio.create_task(requests.request("m", {}, [a]))
    await asyncio.sleep(0)
    assert not requests.resolve(other, {"id": 0, "result": {}})
    requests.resolve(a, {"id": 0, "result": {"ok": True}})
    assert await task == {"ok": True}


async def test_closing_every_asked_connection_fails_the_wait() -> None:
    requests = ServerRequests()
    a, b = connection("a"), connection("b")
    task = asyncio.create_task(requests.request("m", {}, [a, b]))
    await asyncio.sleep(0)
    requests.connection_closed(a)
    assert not task.done()
    requests.connection_closed(b)
    with pytest.raises(ConnectionLost):
        await task


async def test_no_connection_and_timeout() -> None:
    requests = ServerRequests()
    with pytest.raises(ConnectionLost):
        await requests.request("m", {}, [])
    with pytest.raises(TimeoutError):
        await requests.request("m", {}, [connection("a")], timeout=0.01)
    assert requests.pending_count() == 0
