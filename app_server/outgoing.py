"""A bounded outgoing queue per connection, with the backpressure policy of docs/app-server.md.

- Requests, responses, item/started, item/completed, turn/* and every other message are never dropped.
- Streaming deltas (DELTA_METHODS) queued behind a lagging client are coalesced: a new delta for
  the same item and stream is appended to the one still waiting, so the text is complete, only
  delivered in fewer, larger pieces.
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
    __slots__ = ("data", "message")

    def __init__(self, data: bytes | None, message: dict[str, Any] | None) -> None:
        self.data = data
        self.message = message  # kept only for coalescable deltas

    def encode(self) -> bytes:
        if self.data is None:
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


def _append_delta(target: dict[str, Any], extra: dict[str, Any]) -> bool:
    params, more = target.get("params"), extra.get("params")
    if not isinstance(params, dict) or not isinstance(more, dict):
        return False
    if target["method"].startswith("codex/event/"):
        params, more = params.get("msg"), more.get("msg")
        if not isinstance(params, dict) or not isinstance(more, dict):
            return False
    if not isinstance(params.get("delta"), str) or not isinstance(more.get("delta"), str):
        return False
    params["delta"] += more["delta"]
    return True


class OutgoingQueue:
    def __init__(self, soft_limit: int = SOFT_LIMIT, hard_limit: int = HARD_LIMIT) -> None:
        self._entries: collections.deque[_Entry] = collections.deque()
        self._wakeup = asyncio.Event()
        self._soft = soft_limit
        self._hard = hard_limit
        self._closed = False
        self.coalesced = 0

    def __len__(self) -> int:
        return len(self._entries)

    def put_bytes(self, data: bytes) -> None:
        self._push(_Entry(data, None))

    def put_message(self, message: dict[str, Any], encoded: bytes | None = None) -> None:
        """Queue a message; deltas keep their dict form while they wait so they can still be merged."""
        method = message.get("method")
        if method in DELTA_METHODS and "id" not in message:
            if len(self._entries) >= self._soft and self._coalesce(message):
                return
            # A private copy: coalescing mutates it, and the same dict may be queued for other clients.
            self._push(_Entry(None, _copy_delta(message)))
            return
        self._push(_Entry(encoded if encoded is not None else orjson.dumps(message), None))

    def _coalesce(self, message: dict[str, Any]) -> bool:
        key = _stream_key(message)
        if key is None:
            return False
        if not self._entries:
            return False
        # Only the tail may be merged into: merging further back would reorder the stream.
        last = self._entries[-1]
        if last.message is None or _stream_key(last.message) != key:
            return False
        if _append_delta(last.message, message):
            self.coalesced += 1
            return True
        return False

    def _push(self, entry: _Entry) -> None:
        if self._closed:
            return
        if len(self._entries) >= self._hard:
            raise QueueOverflow(f"outgoing queue passed {self._hard} messages: the client is not reading")
        self._entries.append(entry)
        self._wakeup.set()

    def close(self) -> None:
        self._closed = True
        self._wakeup.set()

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
            data = self._entries.popleft().encode()
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
