from __future__ import annotations

import orjson
import pytest

from app_server.outgoing import OutgoingQueue, QueueOverflow


def delta(item: str, text: str, method: str = "item/agentMessage/delta") -> dict[str, object]:
    return {"method": method, "params": {"threadId": "t", "turnId": "u", "itemId": item, "delta": text}}


async def drain(queue: OutgoingQueue) -> list[dict[str, object]]:
    queue.close()
    out: list[dict[str, object]] = []
    while (batch := await queue.next_batch()) is not None:
        out.extend(orjson.loads(b) for b in batch)
    return out


async def test_below_soft_limit_nothing_is_merged() -> None:
    queue = OutgoingQueue(soft_limit=100, hard_limit=1000)
    for i in range(10):
        queue.put_message(delta("a", str(i)))
    assert [m["params"]["delta"] for m in await drain(queue)] == [str(i) for i in range(10)]  # type: ignore[index]


async def test_lagging_client_gets_merged_deltas_and_every_other_message() -> None:
    queue = OutgoingQueue(soft_limit=3, hard_limit=1000)
    queue.put_message({"method": "item/started", "params": {"item": {"id": "a"}}})
    for i in range(50):
        queue.put_message(delta("a", f"{i},"))
    queue.put_message({"id": 7, "result": {}})
    for i in range(50, 60):
        queue.put_message(delta("a", f"{i},"))
    queue.put_message({"method": "item/completed", "params": {"item": {"id": "a"}}})
    messages = await drain(queue)
    deltas = "".join(m["params"]["delta"] for m in messages if m.get("method") == "item/agentMessage/delta")  # type: ignore[index]
    assert deltas == "".join(f"{i}," for i in range(60))  # complete and in order
    assert len(messages) < 20  # merged
    assert messages[0]["method"] == "item/started" and messages[-1]["method"] == "item/completed"
    assert {"id": 7, "result": {}} in messages
    assert queue.coalesced > 0


async def test_different_items_are_not_merged() -> None:
    queue = OutgoingQueue(soft_limit=0, hard_limit=1000)
    queue.put_message(delta("a", "x"))
    queue.put_message(delta("b", "y"))
    queue.put_message(delta("a", "z"))
    by_item = {m["params"]["itemId"]: m["params"]["delta"] for m in await drain(queue)}  # type: ignore[index]
    assert by_item == {"a": "xz", "b": "y"}


async def test_legacy_deltas_merge_inside_msg() -> None:
    queue = OutgoingQueue(soft_limit=0, hard_limit=1000)
    for text in ("a", "b", "c"):
        queue.put_message(
            {
                "method": "codex/event/agent_message_delta",
                "params": {
                    "id": "u",
                    "msg": {"type": "agent_message_delta", "delta": text},
                    "conversationId": "t",
                },
            }
        )
    (only,) = await drain(queue)
    assert only["params"]["msg"]["delta"] == "abc"  # type: ignore[index]


async def test_a_shared_message_is_not_mutated_by_merging() -> None:
    first = delta("a", "x")
    queue = OutgoingQueue(soft_limit=0, hard_limit=1000)
    queue.put_message(first)
    queue.put_message(delta("a", "y"))
    assert first["params"]["delta"] == "x"  # type: ignore[index]


def test_hard_limit_raises_instead_of_growing() -> None:
    queue = OutgoingQueue(soft_limit=1, hard_limit=5)
    for i in range(5):
        queue.put_message({"id": i, "result": {}})
    with pytest.raises(QueueOverflow):
        queue.put_message({"id": 99, "result": {}})


async def test_interleaved_v2_and_legacy_streams_are_merged_per_stream() -> None:
    queue = OutgoingQueue(soft_limit=5, hard_limit=200)
    for i in range(1000):  # three lines per delta, as the server sends them
        queue.put_message(delta("a", f"{i},"))
        queue.put_message(
            {
                "method": "codex/event/agent_message_delta",
                "params": {
                    "id": "u",
                    "msg": {"type": "agent_message_delta", "delta": f"{i},"},
                    "conversationId": "t",
                },
            }
        )
        queue.put_message(delta("a", f"{i},", method="item/reasoning/textDelta"))
    messages = await drain(queue)
    expected = "".join(f"{i}," for i in range(1000))
    v2 = "".join(m["params"]["delta"] for m in messages if m["method"] == "item/agentMessage/delta")  # type: ignore[index]
    legacy = "".join(
        m["params"]["msg"]["delta"] for m in messages if m["method"] == "codex/event/agent_message_delta"
    )  # type: ignore[index]
    assert v2 == expected and legacy == expected
    assert len(messages) < 30


async def test_a_barrier_stops_merging_across_it() -> None:
    queue = OutgoingQueue(soft_limit=0, hard_limit=100)
    queue.put_message(delta("a", "x"))
    queue.put_message({"method": "item/completed", "params": {"item": {"id": "a"}}})
    queue.put_message(delta("a", "y"))
    assert [m.get("method") for m in await drain(queue)] == [
        "item/agentMessage/delta",
        "item/completed",
        "item/agentMessage/delta",
    ]


async def test_input_pauses_past_the_bound_and_resumes_at_half() -> None:
    import asyncio

    queue = OutgoingQueue(pause_messages=10, pause_bytes=1 << 20)
    for i in range(10):
        queue.put_message({"id": i, "result": {}})
    assert not queue.full()
    queue.put_message({"id": 10, "result": {}})
    assert queue.full() and queue.pauses == 1
    waiter = asyncio.ensure_future(queue.wait_for_room())
    await asyncio.sleep(0)
    assert not waiter.done()
    # The writer takes everything at once here; room comes back once half the bound is reached.
    batch = await queue.next_batch()
    assert batch is not None and len(batch) == 11
    await asyncio.wait_for(waiter, 1)
    assert not queue.full() and queue.queued_bytes == 0


async def test_input_pauses_on_bytes_too_and_a_closed_queue_never_blocks() -> None:
    queue = OutgoingQueue(pause_messages=1000, pause_bytes=10_000)
    queue.put_message({"id": 1, "result": "x" * 6000})
    assert not queue.full()
    queue.put_message({"id": 2, "result": "x" * 6000})
    assert queue.full()
    queue.close()
    assert not queue.full()
    await queue.wait_for_room()


async def test_merged_deltas_count_their_bytes() -> None:
    queue = OutgoingQueue(soft_limit=0, hard_limit=1000, pause_messages=1000, pause_bytes=5_000)
    for _ in range(40):
        queue.put_message(delta("a", "y" * 200))
    assert len(queue) == 1  # all merged into one message...
    assert queue.full()  # ...that still holds 8 KB
    messages = await drain(queue)
    assert messages[0]["params"]["delta"] == "y" * 8000  # type: ignore[index]
    assert queue.queued_bytes == 0
