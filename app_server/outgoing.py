"""A bounded outgoing queue per connection, with the backpressure policy of docs/app-server.md.

- Requests, responses, item/started, item/completed, turn/* and every other message are never dropped.
- Streaming deltas (DELTA_METHODS) queued behind a lagging client are coalesced: a new delta for
  the same item and stream is appended to the one still waiting, so the text is complete, only
  delivered in fewer, larger pieces.
- While a connection's queue holds more than PAUSE_MESSAGES messages or PAUSE_BYTES bytes, its
  transport stops reading that connection's input and its requests wait (`wait_for_room`), until
  the client has read the queue down to half of that: a client that sends without reading gets
  TCP backpressure instead of server work and memory spent on answers it never reads. Nothing
  else pauses: the agent's events for that client keep being queued (deltas merged, as above).
- A client whose queue passes HARD_LIMIT messages is disconnected with a logged reason: holding
  unbounded memory for a reader that never reads would hurt every other client.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any

import orjson

SOFT_LIMIT = 1_000  # past this, deltas are coalesced
HARD_LIMIT = 20_000  # past this, the client is disconnected
PAUSE_MESSAGES = 256  # past this many queued messages, stop taking input from the connection
PAUSE_BYTES = 1 << 20  # or past this many queued bytes (about); resume below half of both
_DELTA_OVERHEAD = 160  # what a delta's envelope adds to its text, for the byte count
_COMPACT_AFTER = 16  # queued messages past which a new one's bytes are copied to their own size

DELTA_METHODS = frozenset(
    {
        "item/agentMessage/delta",
        "item/reasoning/summaryTextDelta",
        "item/reasoning/textDelta",
        "item/commandExecution/outputDelta",
        "item/fileChange/outputDelta",
        "item/plan/delta",
        "codex/event/agent_message_delta",
        "codex/event/agent_message_content_delta",
        "codex/event/agent_reasoning_delta",
        "codex/event/reasoning_content_delta",
        "codex/event/agent_reasoning_raw_content_delta",
        "codex/event/reasoning_raw_content_delta",
    }
)
# Keys that identify one stream of deltas; messages differing in any other key are not merged.
_DELTA_TEXT_KEYS = ("delta",)


class QueueOverflow(Exception):
    pass


class _Entry:
    __slots__ = ("data", "extra", "key", "message", "size")

    def __init__(self, data: bytes | None, message: dict[str, Any] | None, size: int) -> None:
        self.data = data
        self.message = message  # kept only for coalescable deltas
        self.extra: list[str] = []  # deltas merged into this one, joined once when encoded
        self.key: tuple[Any, ...] | None = None
        self.size = size  # bytes counted against PAUSE_BYTES while queued

    def encode(self) -> bytes:
        if self.data is None:
            if self.extra:
                target = _delta_holder(self.message)
                if target is not None:
                    target["delta"] = target["delta"] + "".join(self.extra)
            self.data = orjson.dumps(self.message)
            self.message = None
        return self.data


def _stream_key(message: dict[str, Any]) -> tuple[Any, ...] | None:
    params = message.get("params")
    if not isinstance(params, dict):
        return None
    if message.get("method", "").startswith("codex/event/"):
        msg = params.get("msg")
        if not isinstance(msg, dict):
            return None
        rest = tuple(
            sorted((k, v) for k, v in msg.items() if k != "delta" and not isinstance(v, dict | list))
        )
        return (message["method"], params.get("conversationId"), params.get("id"), rest)
    rest = tuple(
        sorted(
            (k, v) for k, v in params.items() if k not in _DELTA_TEXT_KEYS and not isinstance(v, dict | list)
        )
    )
    return (message["method"], rest)


def _delta_holder(message: dict[str, Any] | None) -> dict[str, Any] | None:
    """The dict whose `delta` carries the text: params, or params.msg for codex/event/*."""
    params = message.get("params") if message else None
    if not isinstance(params, dict):
        return None
    if str(message.get("method", "")).startswith("codex/event/") if message else False:
        params = params.get("msg")
        if not isinstance(params, dict):
            return None
    return params if isinstance(params.get("delta"), str) else None


class OutgoingQueue:
    def __init__(
        self,
        soft_limit: int = SOFT_LIMIT,
        hard_limit: int = HARD_LIMIT,
        pause_messages: int = PAUSE_MESSAGES,
        pause_bytes: int = PAUSE_BYTES,
    ) -> None:
        self._entries: collections.deque[_Entry] = collections.deque()
        self._wakeup = asyncio.Event()
        self._soft = soft_limit
        self._hard = hard_limit
        self._pause_messages = pause_messages
        self._pause_bytes = pause_bytes
        self._bytes = 0
        self._room = asyncio.Event()  # set while the connection's input may be read
        self._room.set()
        self._closed = False
        self._open_streams: dict[tuple[Any, ...], _Entry] = {}
        self.coalesced = 0
        self.pauses = 0  # how often input was paused (for tests and logs)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def queued_bytes(self) -> int:
        return self._bytes

    def full(self) -> bool:
        """Over the pause bound: stop reading this connection's input (see `wait_for_room`)."""
        return not self._room.is_set()

    async def wait_for_room(self) -> None:
        """Return once the client has read the queue down to half the pause bound (or it closed)."""
        while not self._room.is_set():
            await self._room.wait()

    def put_bytes(self, data: bytes) -> None:
        self._push(_Entry(data, None, len(data)))

    def put_message(self, message: dict[str, Any], encoded: bytes | None = None) -> None:
        """Queue a message; deltas keep their dict form while they wait so they can still be merged."""
        method = message.get("method")
        if method in DELTA_METHODS and "id" not in message:
            if len(self._entries) < self._soft:
                # The client keeps up: no merging, so skip the stream bookkeeping (the hot path).
                data = encoded if encoded is not None else orjson.dumps(message)
                self._push(_Entry(data, None, len(data)))
                return
            key = _stream_key(message)
            if key is not None and self._coalesce(key, message, "_seq" in message):
                return
            # A private copy: coalescing mutates it, and the same dict may be queued for other clients.
            holder = _delta_holder(message)
            size = _DELTA_OVERHEAD + (len(holder["delta"]) if holder is not None else 0)
            entry = _Entry(None, _copy_delta(message), size)
            entry.key = key
            self._push(entry)
            if key is not None:
                self._open_streams[key] = entry
            return
        # Anything else is a barrier: later deltas must not be merged into ones queued before it.
        self._open_streams.clear()
        data = encoded if encoded is not None else orjson.dumps(message)
        self._push(_Entry(data, None, len(data)))

    def _coalesce(self, key: tuple[Any, ...], message: dict[str, Any], numbered: bool = False) -> bool:
        """Append to the newest waiting delta of the same stream (item and kind), if no barrier followed it.

        Each stream stays in order and complete; only the interleaving between the v2 and legacy
        copies of a delta changes, and each client reads those streams independently.
        Numbered deltas (`_seq`, reconnect extension) merge only into the newest entry, which then
        takes the newest number: the numbers a client reads keep growing, so the last one it saw
        tells exactly what it has.
        """
        target = self._open_streams.get(key)
        extra = _delta_holder(message)
        if (
            target is None
            or target.data is not None
            or extra is None
            or _delta_holder(target.message) is None
            or (numbered and self._entries[-1] is not target)
        ):
            return False
        if numbered and target.message is not None:
            target.message["_seq"] = message["_seq"]
        target.extra.append(extra["delta"])
        target.size += len(extra["delta"])
        self._bytes += len(extra["delta"])
        self.coalesced += 1
        if self._room.is_set() and self._bytes > self._pause_bytes:
            self._pause()
        return True

    def _push(self, entry: _Entry) -> None:
        if self._closed:
            return
        if entry.data is not None and len(self._entries) >= _COMPACT_AFTER:
            # It will wait: keep a copy of its own size (orjson's result holds ~4 KiB whatever
            # its length, so 20,000 waiting deltas held ~80 MB instead of ~4 MB).
            entry.data = bytes(memoryview(entry.data))
        if len(self._entries) >= self._hard:
            raise QueueOverflow(f"outgoing queue passed {self._hard} messages: the client is not reading")
        self._entries.append(entry)
        self._bytes += entry.size
        self._wakeup.set()
        if self._room.is_set() and (
            len(self._entries) > self._pause_messages or self._bytes > self._pause_bytes
        ):
            self._pause()

    def _pause(self) -> None:
        self._room.clear()
        self.pauses += 1

    def _taken(self, entry: _Entry) -> None:
        self._bytes -= entry.size
        if (
            not self._room.is_set()
            and len(self._entries) <= self._pause_messages // 2
            and self._bytes <= self._pause_bytes // 2
        ):
            self._room.set()

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()
        self._room.set()  # nobody waits for a closed connection

    async def next_batch(self, max_bytes: int = 1 << 20) -> list[bytes] | None:
        """Wait for messages; None once closed and drained."""
        while not self._entries:
            if self._closed:
                return None
            self._wakeup.clear()
            await self._wakeup.wait()
        batch: list[bytes] = []
        size = 0
        while self._entries and size < max_bytes:
            entry = self._entries.popleft()
            self._taken(entry)
            if entry.key is not None and self._open_streams.get(entry.key) is entry:
                del self._open_streams[entry.key]
            data = entry.encode()
            batch.append(data)
            size += len(data)
        return batch


def _copy_delta(message: dict[str, Any]) -> dict[str, Any]:
    params = message.get("params")
    if not isinstance(params, dict):
        return dict(message)
    copied = dict(params)
    if isinstance(copied.get("msg"), dict):
        copied["msg"] = dict(copied["msg"])
    return {**message, "params": copied}
