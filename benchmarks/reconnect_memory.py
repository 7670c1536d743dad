"""Memory the reconnect extension holds for a disconnected client, per 1,000 events (plain script:
prints figures, asserts nothing). The reference 0.100.0 keeps nothing (it has no reconnect), so
there is no ratio to print.

.venv/bin/python benchmarks/reconnect_memory.py

The events are a streaming turn as a client sees it: each model delta goes out three times
(`item/agentMessage/delta` and its two `codex/event/*` twins), with the thread's real-sized ids.
Measured with tracemalloc around the hub's log, after the session's connection dropped.
"""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

from app_server.connection import Connection
from app_server.reconnect import ReconnectHub, ReconnectSettings

THREAD = "019a0000-0000-7000-8000-000000000001"
TURN = "019a0000-0000-7000-8000-000000000002"


def events(n: int, delta: str) -> list[tuple[str, dict[str, object]]]:
    out: list[tuple[str, dict[str, object]]] = []
    kinds: tuple[tuple[str, dict[str, object]], ...] = (
        ("item/agentMessage/delta", {"threadId": THREAD, "turnId": TURN, "itemId": "msg_1", "delta": delta}),
        (
            "codex/event/agent_message_content_delta",
            {
                "id": TURN,
                "msg": {
                    "type": "agent_message_content_delta",
                    "thread_id": THREAD,
                    "turn_id": TURN,
                    "item_id": "msg_1",
                    "delta": delta,
                },
                "conversationId": THREAD,
            },
        ),
        (
            "codex/event/agent_message_delta",
            {"id": TURN, "msg": {"type": "agent_message_delta", "delta": delta}, "conversationId": THREAD},
        ),
    )
    while len(out) < n:
        out.extend(kinds)
    return out[:n]


async def held(n: int, delta: str) -> tuple[int, int]:
    """(bytes held per the allocator, bytes of encoded JSON) after n events with nobody attached."""
    hub = ReconnectHub(ReconnectSettings())
    connection = Connection(label="bench", reconnectable=True)
    connection.initialized = True
    connection.subscriptions.add(THREAD)
    hub.open(connection)
    hub.detach(connection)
    batch = events(n, delta)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for method, params in batch:
        hub.stamp(THREAD, {"method": method, "params": params})
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return after - before, hub.memory_bytes()


def main() -> None:
    for delta, label in (("Hello, wo", "short deltas (9 chars)"), ("x" * 80, "long deltas (80 chars)")):
        total, encoded = asyncio.run(held(10_000, delta))
        print(
            f"{label}: {total / 10 / 1024:,.1f} KiB held per 1,000 events "
            f"({encoded / 10 / 1024:,.1f} KiB of it encoded JSON); reference: nothing kept (no reconnect)"
        )
    settings = ReconnectSettings()
    print(
        f"bounds per followed thread: {settings.max_events:,} events, {settings.max_bytes / (1 << 20):.0f} MiB, "
        f"{settings.window_seconds:g} s"
    )


if __name__ == "__main__":
    main()
