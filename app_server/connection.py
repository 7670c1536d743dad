"""Per-connection state: initialize, capabilities, opt-outs, thread subscriptions, outgoing queue."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app_server.outgoing import OutgoingQueue, QueueOverflow

if TYPE_CHECKING:
    from app_server.reconnect import ReconnectSession

log = logging.getLogger("codex.app_server")

_connection_ids = itertools.count(1)


@dataclass
class Connection:
    label: str  # "stdio" or the peer address, for logs
    queue: OutgoingQueue = field(default_factory=OutgoingQueue)
    id: int = field(default_factory=lambda: next(_connection_ids))
    initialized: bool = False
    experimental_api: bool = False
    opt_out_methods: frozenset[str] = frozenset()
    client_name: str | None = None
    client_version: str | None = None
    subscriptions: set[str] = field(default_factory=set)
    closed: bool = False
    # Set by the transport: how to drop the connection when it misbehaves (e.g. stops reading).
    abort: Callable[[str], None] | None = None
    # Reconnect extension (app_server/reconnect.py): offered on websocket connections only; the
    # session of a connection that opted in (its thread messages then carry `_seq`).
    reconnectable: bool = False
    resume: ReconnectSession | None = None

    def wants(self, method: str) -> bool:
        return method not in self.opt_out_methods

    def send(self, message: dict[str, Any], encoded: bytes | None = None) -> None:
        """Queue one message; never blocks. A client past the hard limit is disconnected."""
        if self.closed:
            return
        if "method" in message and log.isEnabledFor(logging.DEBUG):
            _log_outgoing(self.label, message)
        try:
            self.queue.put_message(message, encoded)
        except QueueOverflow as exc:
            log.warning("disconnecting %s: %s", self.label, exc)
            self.close(str(exc))

    def send_encoded(self, data: bytes) -> None:
        """Queue an already encoded message as it is (a reconnect's replay)."""
        if self.closed:
            return
        try:
            self.queue.put_bytes(data)
        except QueueOverflow as exc:
            log.warning("disconnecting %s: %s", self.label, exc)
            self.close(str(exc))

    def close(self, reason: str = "closed") -> None:
        if self.closed:
            return
        self.closed = True
        self.queue.close()
        if self.abort is not None:
            self.abort(reason)


def _log_outgoing(label: str, message: dict[str, Any]) -> None:
    """Notifications and server requests as they are queued: the method only (debug), streaming
    deltas only at trace level; never params, which carry the conversation."""
    from app_server.logging_setup import TRACE
    from app_server.outgoing import DELTA_METHODS

    method = message["method"]
    if "id" in message:
        log.debug("%s: -> request %s (id %r)", label, method, message["id"])
    elif method in DELTA_METHODS:
        log.log(TRACE, "%s: -> %s", label, method)
    else:
        log.debug("%s: -> %s", label, method)
