"""Every request read before end of input is answered before the server stops.

The MCP SDK ends its receive loop at EOF and cancels the handlers still in flight; one that was
scheduled but had not started yet is never answered (a piped initialize + tools/list lost the
tools/list answer about one run in six). `answer_before_eof` sits between the stdio transport
and the server: it forwards both directions, counts the requests it passes in and the answers
that pass out, and only hands EOF on once every request has its answer, or after `grace`
seconds (a tool call waiting on a client that has gone; the SDK then answers it
"Connection closed").
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio

log = logging.getLogger("codex.mcp_server")

EOF_GRACE_SECONDS = 30.0


class _Pending:
    def __init__(self) -> None:
        self.ids: Counter[tuple[str, Any]] = Counter()
        self.drained = anyio.Event()
        self.drained.set()

    @staticmethod
    def key(request_id: Any) -> tuple[str, Any]:
        return (type(request_id).__name__, request_id)

    def add(self, request_id: Any) -> None:
        self.ids[self.key(request_id)] += 1
        if self.drained.is_set():
            self.drained = anyio.Event()

    def done(self, request_id: Any) -> None:
        key = self.key(request_id)
        if self.ids[key] > 0:
            self.ids[key] -= 1
            if self.ids[key] == 0:
                del self.ids[key]
        if not self.ids:
            self.drained.set()


@asynccontextmanager
async def answer_before_eof(
    read_stream: Any, write_stream: Any, grace: float = EOF_GRACE_SECONDS
) -> AsyncIterator[tuple[Any, Any]]:
    """(read, write) streams for the server, in front of the transport's."""
    import mcp_types as types
    from mcp.shared._context_streams import create_context_streams
    from mcp.shared.message import SessionMessage

    pending = _Pending()
    to_server, server_reads = create_context_streams[SessionMessage | Exception](0)
    server_writes, from_server = create_context_streams[SessionMessage](0)

    async def inbound() -> None:
        async with to_server:
            async for item in read_stream:
                if isinstance(item, SessionMessage):
                    message = item.message
                    if isinstance(message, types.JSONRPCRequest):
                        pending.add(message.id)
                    elif isinstance(message, types.JSONRPCNotification) and message.method == (
                        "notifications/cancelled"
                    ):
                        # A request the client cancelled gets no answer (the spec's rule).
                        params = message.params or {}
                        if "requestId" in params:
                            pending.done(params["requestId"])
                await to_server.send(item)
            with anyio.move_on_after(grace) as scope:
                await pending.drained.wait()
            if scope.cancelled_caught:
                log.warning("end of input with %d request(s) still running; stopping them", len(pending.ids))

    async def outbound() -> None:
        try:
            async with from_server:
                async for item in from_server:
                    message = item.message
                    if (
                        isinstance(message, types.JSONRPCResponse | types.JSONRPCError)
                        and message.id is not None
                    ):
                        pending.done(message.id)
                    await write_stream.send(item)
        finally:
            await write_stream.aclose()

    async with anyio.create_task_group() as group:
        group.start_soon(inbound)
        group.start_soon(outbound)
        yield server_reads, server_writes
