"""Server -> client requests (approvals, token refresh, dynamic tools): ids, futures, timeouts, cleanup.

Ids come from one counter per process starting at 0, as the reference allocates them. A request
goes to every connection that can answer it; the first answer wins. When the last of those
connections closes, the waiter gets ConnectionLost and decides (an approval then counts as
declined or cancelled, like the reference).

Reconnect extension (app_server/reconnect.py): a thread's request to a connection that opted in
is not given up when that connection drops. It waits while the dropped session is kept, at most
the approval timeout, and is sent again to the client that reconnects with the session's token.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app_server.connection import Connection
from app_server.jsonrpc import RequestId, request_message

if TYPE_CHECKING:
    from app_server.reconnect import ReconnectHub

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
    # Reconnect extension: the thread, the request as sent to opted-in clients (with its seq),
    # the dropped sessions that may still answer, and the timer that gives up on them.
    thread_id: str | None = None
    seq: int = 0
    data: bytes = b""
    held: set[str] = field(default_factory=set)
    timer: asyncio.TimerHandle | None = None


class ServerRequests:
    def __init__(self) -> None:
        self._ids = itertools.count(0)
        self._pending: dict[RequestId, _Pending] = {}
        self.reconnect: ReconnectHub | None = None  # set on websocket listeners

    def pending_count(self) -> int:
        return len(self._pending)

    async def request(
        self,
        method: str,
        params: Any,
        connections: Iterable[Connection],
        *,
        timeout: float | None = None,
        thread_id: str | None = None,
    ) -> Any:
        """Send the request and wait for the first answer; raises ConnectionLost, ClientError or TimeoutError.

        `thread_id` names the thread the request belongs to, for clients that reconnect."""
        targets = [c for c in connections if not c.closed and c.initialized]
        hub = self.reconnect
        held = hub.detached_holders(thread_id) if hub is not None and thread_id is not None else set()
        if not targets and not held:
            raise ConnectionLost(f"no client connected to answer {method}")
        request_id = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        pending = _Pending(method, future, {c.id for c in targets}, thread_id, held=held)
        self._pending[request_id] = pending
        message = request_message(request_id, method, params)
        stamped = (
            hub.stamp(thread_id, message, request=True) if hub is not None and thread_id is not None else None
        )
        if stamped is not None:
            pending.seq, pending.data = stamped.seq, stamped.data
        for connection in targets:
            if stamped is not None and connection.resume is not None:
                connection.send(stamped.message, stamped.data)
            else:
                connection.send(message)
        if not targets:
            self._hold(request_id, pending)
        try:
            if timeout is None:
                return await future
            return await asyncio.wait_for(future, timeout)
        finally:
            if pending.timer is not None:
                pending.timer.cancel()
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
        session = connection.resume
        keep = session is not None and self.reconnect is not None and session.token in self.reconnect.sessions
        for request_id, pending in list(self._pending.items()):
            if connection.id in pending.connections:
                pending.connections.discard(connection.id)
                if keep and session is not None and pending.thread_id is not None and pending.data:
                    pending.held.add(session.token)
            if pending.connections or pending.future.done():
                continue
            if pending.held:
                self._hold(request_id, pending)
            else:
                pending.future.set_exception(
                    ConnectionLost(f"client disconnected before answering {pending.method}")
                )

    # -- reconnect extension ---------------------------------------------------------------------
    def _hold(self, request_id: RequestId, pending: _Pending) -> None:
        """Nobody attached can answer: wait for a reconnect, at most the approval timeout."""
        if pending.timer is not None or self.reconnect is None:
            return
        timeout = self.reconnect.settings.approval_timeout_seconds

        def give_up() -> None:
            pending.timer = None
            if not pending.future.done() and not pending.connections:
                log.info(
                    "server request %r: nobody reconnected to answer it within %g s", request_id, timeout
                )
                pending.future.set_exception(
                    ConnectionLost(
                        f"no client answered {pending.method} within {timeout:g} s of the disconnect"
                    )
                )

        pending.timer = asyncio.get_running_loop().call_later(timeout, give_up)

    def session_gone(self, token: str) -> None:
        """A dropped session expired: requests only it could answer are given up."""
        for pending in list(self._pending.values()):
            pending.held.discard(token)
            if not pending.held and not pending.connections and not pending.future.done():
                pending.future.set_exception(
                    ConnectionLost(f"the client that was asked {pending.method} did not reconnect in time")
                )

    def reattach(self, connection: Connection, token: str, last_seq: Mapping[str, int]) -> list[bytes]:
        """A session resumed on `connection`: it may answer the requests it held. Returns those to
        send again first (the ones the client saw before it dropped; later ones are in the replay)."""
        again: list[bytes] = []
        for pending in self._pending.values():
            if token not in pending.held or pending.future.done():
                continue
            thread_id = pending.thread_id
            if thread_id is None or thread_id not in last_seq:
                continue
            pending.held.discard(token)
            pending.connections.add(connection.id)
            if pending.timer is not None:
                pending.timer.cancel()
                pending.timer = None
            if pending.seq <= last_seq[thread_id]:
                again.append(pending.data)
        return again
