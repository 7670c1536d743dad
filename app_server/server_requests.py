"""Server -> client requests (approvals, token refresh, dynamic tools): ids, futures, timeouts, cleanup.

Ids come from one counter per process starting at 0, as the reference allocates them. A request
goes to every connection that can answer it; the first answer wins. When the last of those
connections closes, the waiter gets ConnectionLost and decides (an approval then counts as
declined or cancelled, like the reference).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app_server.connection import Connection
from app_server.jsonrpc import RequestId, request_message

log = logging.getLogger("codex.app_server")


class ConnectionLost(Exception):
    """No connection that received the request is left to answer it."""


class ClientError(Exception):
    """The client answered the request with a JSON-RPC error."""

    def __init__(self, error: Any) -> None:
        message = error.get("message") if isinstance(error, dict) else None
        super().__init__(message or "client returned an error")
        self.error = error


@dataclass
class _Pending:
    method: str
    future: asyncio.Future[Any]
    connections: set[int] = field(default_factory=set)


class ServerRequests:
    def __init__(self) -> None:
        self._ids = itertools.count(0)
        self._pending: dict[RequestId, _Pending] = {}

    def pending_count(self) -> int:
        return len(self._pending)

    async def request(
        self,
        method: str,
        params: Any,
        connections: Iterable[Connection],
        *,
        timeout: float | None = None,
    ) -> Any:
        """Send the request and wait for the first answer; raises ConnectionLost, ClientError or TimeoutError."""
        targets = [c for c in connections if not c.closed and c.initialized]
        if not targets:
            raise ConnectionLost(f"no client connected to answer {method}")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = _Pending(method, future, {c.id for c in targets})
        message = request_message(request_id, method, params)
        for connection in targets:
            connection.send(message)
        try:
            if timeout is None:
                return await future
            return await asyncio.wait_for(future, timeout)
        finally:
            self._pending.pop(request_id, None)

    def resolve(self, connection: Connection, message: dict[str, Any]) -> bool:
        """Route a client's response; False when nothing was waiting for that id."""
        request_id = message.get("id")
        pending = self._pending.get(request_id) if isinstance(request_id, int | str) else None
        if pending is None or connection.id not in pending.connections:
            log.warning("response from %s for unknown server request id %r", connection.label, request_id)
            return False
        if pending.future.done():
            return True
        if "error" in message:
            pending.future.set_exception(ClientError(message["error"]))
        else:
            pending.future.set_result(message.get("result"))
        return True

    def connection_closed(self, connection: Connection) -> None:
        for pending in list(self._pending.values()):
            pending.connections.discard(connection.id)
            if not pending.connections and not pending.future.done():
                pending.future.set_exception(
                    ConnectionLost(f"client disconnected before answering {pending.method}")
                )
