"""The reconnect extension's hub (app_server/reconnect.py): numbering, logs and their bounds,
resume checks, replay order, and server requests that wait for a reconnect."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from app_server.connection import Connection
from app_server.outgoing import OutgoingQueue
from app_server.reconnect import (
    ENV_APPROVAL_TIMEOUT,
    ENV_MAX_EVENTS,
    ENV_WINDOW,
    ReconnectError,
    ReconnectHub,
    ReconnectSettings,
    settings_from_env,
)
from app_server.server_requests import ConnectionLost, ServerRequests

THREAD = "t1"


def connection(name: str) -> Connection:
    conn = Connection(label=name, reconnectable=True)
    conn.initialized = True
    conn.subscriptions.add(THREAD)
    return conn


async def drained(conn: Connection) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while len(conn.queue):
        batch = await conn.queue.next_batch()
        assert batch is not None
        out += [orjson.loads(b) for b in batch]
    return out


def note(hub: ReconnectHub, conn: Connection, n: int, method: str = "item/started") -> None:
    message = {"method": method, "params": {"threadId": THREAD, "n": n}}
    stamped = hub.stamp(THREAD, message)
    assert stamped is not None
    conn.send(stamped.message, stamped.data)


def test_settings_from_env() -> None:
    assert settings_from_env({}) == ReconnectSettings()
    settings = settings_from_env({ENV_WINDOW: "2.5", ENV_MAX_EVENTS: "10"})
    assert settings.window_seconds == 2.5 and settings.approval_timeout_seconds == 2.5
    assert settings.max_events == 10
    assert settings_from_env({ENV_APPROVAL_TIMEOUT: "1"}).approval_timeout_seconds == 1
    for bad in ("0", "-1", "soon", "nan", "inf"):
        with pytest.raises(ValueError, match=ENV_WINDOW):
            settings_from_env({ENV_WINDOW: bad})
    with pytest.raises(ValueError, match="whole number"):
        settings_from_env({ENV_MAX_EVENTS: "1.5"})


async def test_nothing_is_numbered_or_kept_without_an_opted_in_follower() -> None:
    hub = ReconnectHub(ReconnectSettings())
    assert hub.stamp(THREAD, {"method": "m"}) is None
    conn = connection("a")
    hub.open(conn)
    assert hub.stamp("other-thread", {"method": "m"}) is None
    stamped = hub.stamp(THREAD, {"method": "m", "params": {}})
    assert stamped is not None and stamped.message["_seq"] == {"threadId": THREAD, "seq": 1}
    assert orjson.loads(stamped.data) == stamped.message
    assert set(hub.logs) == {THREAD}


async def test_log_bounds_by_count_bytes_and_age() -> None:
    hub = ReconnectHub(ReconnectSettings(max_events=3))
    hub.open(connection("a"))
    for n in range(5):
        hub.stamp(THREAD, {"method": "m", "params": {"n": n}})
    assert [e.seq for e in hub.logs[THREAD].events] == [3, 4, 5]
    small = ReconnectHub(ReconnectSettings(max_bytes=300))
    small.open(connection("b"))
    for n in range(10):
        small.stamp(THREAD, {"method": "m", "params": {"n": n, "pad": "x" * 50}})  # ~124 bytes each
    assert small.logs[THREAD].bytes <= 300 and len(small.logs[THREAD].events) == 2
    # Older than the window: dropped as the next event comes.
    aged = ReconnectHub(ReconnectSettings(window_seconds=60))
    aged.open(connection("c"))
    aged.stamp(THREAD, {"method": "m"})
    aged.logs[THREAD].events[0].at -= 61
    aged.stamp(THREAD, {"method": "m"})
    assert [e.seq for e in aged.logs[THREAD].events] == [2]


async def test_resume_replays_in_order_after_the_last_seq_then_goes_live() -> None:
    hub = ReconnectHub(ReconnectSettings())
    first = connection("a")
    token = hub.open(first).token
    for n in range(1, 6):
        note(hub, first, n)
    first.opt_out_methods = frozenset()
    hub.detach(first)
    note(hub, first, 6)  # while nobody is attached: kept, not sent
    second = Connection(label="b", reconnectable=True)
    second.initialized = True
    second.opt_out_methods = frozenset({"item/skipped"})
    hub.stamp(THREAD, {"method": "item/skipped", "params": {}})  # seq 7, opted out by the new client
    plan = hub.check(token, {THREAD: 3})
    assert plan.current == {THREAD: 7}
    hub.resume(second, plan)
    assert THREAD in second.subscriptions and second.resume is plan.session
    note(hub, second, 8)
    got = await drained(second)
    assert [m["_seq"]["seq"] for m in got] == [4, 5, 6, 8]
    assert [m["params"]["n"] for m in got] == [4, 5, 6, 8]


async def test_resume_errors() -> None:
    hub = ReconnectHub(ReconnectSettings(window_seconds=0.01, max_events=2))
    conn = connection("a")
    token = hub.open(conn).token
    for n in range(5):
        note(hub, conn, n)
    with pytest.raises(ReconnectError) as lost:
        hub.check(token, {THREAD: 1})
    assert lost.value.data == {"reason": "eventsLost", "threadId": THREAD}
    hub.check(token, {THREAD: 3})  # 4 and 5 are still kept
    hub.check(token, {THREAD: 5})  # nothing missed
    with pytest.raises(ReconnectError, match="past the newest"):
        hub.check(token, {THREAD: 6})
    with pytest.raises(ReconnectError) as other:
        hub.check(token, {"not-followed": 0})
    assert other.value.reason == "unknownThread"
    with pytest.raises(ReconnectError) as unknown:
        hub.check("nope", {})
    assert unknown.value.reason == "unknownToken"
    hub.detach(conn)
    while token in hub.sessions:  # the window passes
        await asyncio.sleep(0.005)
    with pytest.raises(ReconnectError) as expired:
        hub.check(token, {THREAD: 5})
    assert expired.value.reason == "expired" and "thread/resume" in expired.value.message
    assert hub.logs == {}  # nobody follows the thread any more


async def test_a_takeover_closes_the_old_connection() -> None:
    hub = ReconnectHub(ReconnectSettings())
    old = connection("old")
    closed: list[str] = []
    old.abort = closed.append
    token = hub.open(old).token
    new = Connection(label="new", reconnectable=True)
    new.initialized = True
    hub.open(new)  # its own fresh session, replaced by the resumed one
    hub.resume(new, hub.check(token, {THREAD: 0}))
    assert old.closed and closed == ["taken over by a reconnecting client"] and old.resume is None
    assert list(hub.sessions) == [token] and new.resume is not None and new.resume.token == token


async def test_pending_request_waits_for_the_reconnect_and_is_sent_again() -> None:
    requests = ServerRequests()
    hub = ReconnectHub(ReconnectSettings(), requests)
    first = connection("a")
    token = hub.open(first).token
    task = asyncio.create_task(
        requests.request("item/commandExecution/requestApproval", {"x": 1}, [first], thread_id=THREAD)
    )
    await asyncio.sleep(0)
    (asked,) = await drained(first)
    assert asked["_seq"]["seq"] == 1 and asked["id"] == 0
    hub.detach(first)
    requests.connection_closed(first)
    await asyncio.sleep(0)
    assert not task.done()
    second = connection("b")
    hub.resume(second, hub.check(token, {THREAD: 1}))
    assert await drained(second) == [asked]  # the same request, id and number
    assert requests.resolve(second, {"id": 0, "result": {"decision": "accept"}})
    assert await task == {"decision": "accept"}


async def test_pending_request_declined_when_nobody_reconnects_in_time() -> None:
    requests = ServerRequests()
    hub = ReconnectHub(ReconnectSettings(approval_timeout_seconds=0.01), requests)
    first = connection("a")
    hub.open(first)
    task = asyncio.create_task(requests.request("m", {}, [first], thread_id=THREAD))
    await asyncio.sleep(0)
    hub.detach(first)
    requests.connection_closed(first)
    with pytest.raises(ConnectionLost, match=r"within 0\.01 s"):
        await task


async def test_a_request_made_while_detached_arrives_in_the_replay() -> None:
    requests = ServerRequests()
    hub = ReconnectHub(ReconnectSettings(), requests)
    first = connection("a")
    token = hub.open(first).token
    note(hub, first, 1)
    hub.detach(first)
    requests.connection_closed(first)
    task = asyncio.create_task(requests.request("m", {"y": 2}, [], thread_id=THREAD))
    await asyncio.sleep(0)
    second = connection("b")
    hub.resume(second, hub.check(token, {THREAD: 1}))
    (replayed,) = await drained(second)
    assert replayed["method"] == "m" and replayed["_seq"]["seq"] == 2
    requests.resolve(second, {"id": replayed["id"], "result": {"ok": 1}})
    assert await task == {"ok": 1}


async def test_session_expiry_gives_up_its_requests() -> None:
    requests = ServerRequests()
    hub = ReconnectHub(ReconnectSettings(window_seconds=0.01), requests)
    first = connection("a")
    hub.open(first)
    task = asyncio.create_task(requests.request("m", {}, [first], thread_id=THREAD))
    await asyncio.sleep(0)
    hub.detach(first)
    requests.connection_closed(first)
    with pytest.raises(ConnectionLost, match="did not reconnect"):
        await task


def test_numbered_deltas_merge_only_into_the_newest_entry() -> None:
    queue = OutgoingQueue(soft_limit=0)

    def delta(method: str, seq: int, text: str) -> dict[str, Any]:
        return {
            "method": method,
            "params": {"itemId": "i", "delta": text},
            "_seq": {"threadId": THREAD, "seq": seq},
        }

    queue.put_message(delta("item/agentMessage/delta", 1, "a"))
    queue.put_message(delta("item/agentMessage/delta", 2, "b"))  # merged: newest entry
    queue.put_message(delta("item/reasoning/textDelta", 3, "x"))
    queue.put_message(delta("item/agentMessage/delta", 4, "c"))  # not merged into seq 2's entry
    assert len(queue) == 3 and queue.coalesced == 1

    async def read() -> list[dict[str, Any]]:
        batch = await queue.next_batch()
        assert batch is not None
        return [orjson.loads(b) for b in batch]

    got = asyncio.run(read())
    assert [(m["_seq"]["seq"], m["params"]["delta"]) for m in got] == [(2, "ab"), (3, "x"), (4, "c")]


def test_schema_shows_the_extension_only_when_experimental() -> None:
    from app_server.protocol.export import build_json_bundle
    from app_server.protocol.export.typescript import render_all

    plain, experimental = build_json_bundle(), build_json_bundle(experimental=True)
    for bundle, shown in ((plain, False), (experimental, True)):
        definitions = bundle["definitions"]
        assert ("reconnect" in definitions["InitializeCapabilities"]["properties"]) is shown
        assert ("reconnect" in definitions["InitializeResponse"]["properties"]) is shown
    assert "reconnect?" in render_all(experimental=True)["InitializeResponse.ts"]
    assert "reconnect" not in render_all()["InitializeResponse.ts"]


def test_waiting_messages_keep_bytes_of_their_own_size() -> None:
    queue = OutgoingQueue()
    encoded = [orjson.dumps({"method": "m", "params": {"n": n}}) for n in range(40)]
    for data in encoded:
        queue.put_bytes(data)
    kept = [entry.data for entry in queue._entries]
    assert kept == encoded
    assert all(a is b for a, b in zip(kept[:16], encoded[:16], strict=True))  # the first ones as given
    assert not any(a is b for a, b in zip(kept[16:], encoded[16:], strict=True))  # later: copies


async def test_dropped_sessions_are_bounded() -> None:
    from app_server import reconnect

    hub = ReconnectHub(ReconnectSettings())
    tokens = []
    for n in range(reconnect.MAX_DETACHED + 2):
        conn = connection(f"c{n}")
        tokens.append(hub.open(conn).token)
        hub.detach(conn)
    assert len(hub.sessions) == reconnect.MAX_DETACHED
    for token in tokens[:2]:  # the longest-dropped ones went first
        with pytest.raises(ReconnectError) as expired:
            hub.check(token, {})
        assert expired.value.reason == "expired"
    hub.check(tokens[2], {})
