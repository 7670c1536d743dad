"""Websocket transport: one JSON-RPC message per text frame, per-connection state.

Beyond the reference: browsers' cross-site requests (an `Origin` header) are refused unless the
origin is allowed, and when a token is configured every upgrade must carry
`Authorization: Bearer <token>`. Loopback clients without an Origin need nothing, as before.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from app_server.connection import Connection
from app_server.dispatcher import Dispatcher
from app_server.transport.lines import MAX_LINE_BYTES

log = logging.getLogger("codex.app_server")


@dataclass(frozen=True)
class WebsocketSecurity:
    token: str | None = None
    allowed_origins: Sequence[str] = field(default_factory=tuple)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_upgrade(headers: Any, security: WebsocketSecurity) -> tuple[HTTPStatus, str] | None:
    """None when the upgrade may proceed, else the refusal to send."""
    origin = headers.get("Origin")
    if origin is not None and origin not in security.allowed_origins:
        return HTTPStatus.FORBIDDEN, f"Origin {origin!r} is not allowed (see --ws-allow-origin)\n"
    if security.token is not None:
        supplied = headers.get("Authorization") or ""
        expected = f"Bearer {security.token}"
        if not hmac.compare_digest(supplied.encode(), expected.encode()):
            return HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token\n"
    return None


HEALTH_PATHS = frozenset({"/readyz", "/healthz"})


def health_response(ws: Any, request: Any) -> Any:
    """`GET /readyz` and `GET /healthz` (plain HTTP, no upgrade): 200 with a small JSON body, as
    newer codex releases serve them for load balancers and clients that probe before connecting.
    They say only that the listener is up, so they need no token."""
    path = request.path.split("?", 1)[0]
    if path not in HEALTH_PATHS or "websocket" in request.headers.get("Upgrade", "").lower():
        return None
    response = ws.respond(HTTPStatus.OK, '{"status":"ok"}\n')
    del response.headers["Content-Type"]
    response.headers["Content-Type"] = "application/json"
    return response


async def serve_websocket(
    dispatcher: Dispatcher,
    host: str,
    port: int,
    security: WebsocketSecurity,
    stop: asyncio.Event,
    on_listening: Any = None,
) -> None:
    from websockets.asyncio.server import ServerConnection, serve
    from websockets.exceptions import ConnectionClosed
    from websockets.http11 import Request, Response

    def process_request(ws: ServerConnection, request: Request) -> Response | None:
        health: Response | None = health_response(ws, request)
        if health is not None:
            return health
        refusal = check_upgrade(request.headers, security)
        if refusal is None:
            return None
        status, body = refusal
        log.warning("refused websocket upgrade from %s: %s", ws.remote_address, body.strip())
        return ws.respond(status, body)

    async def handle(ws: ServerConnection) -> None:
        peer = ws.remote_address
        label = f"ws {peer[0]}:{peer[1]}" if isinstance(peer, tuple) else "ws"
        log.info("websocket client connected from %s", label[3:])
        connection = Connection(label=label, reconnectable=True)
        close_tasks: set[asyncio.Task[None]] = set()

        def abort(reason: str) -> None:
            # 1008: policy violation (the client stopped reading and its queue overflowed)
            task = asyncio.ensure_future(ws.close(1008, reason[:120]))
            close_tasks.add(task)
            task.add_done_callback(close_tasks.discard)

        connection.abort = abort
        dispatcher.open(connection)

        async def write_loop() -> None:
            try:
                while True:
                    batch = await connection.queue.next_batch()
                    if batch is None:
                        return
                    for data in batch:
                        await ws.send(data, text=True)
            finally:
                # The socket died under a send: a reader paused for room (backpressure) must not
                # wait for a queue nobody drains any more, or the drop would never be noticed.
                connection.queue.close()

        writer = asyncio.create_task(write_loop())
        try:
            async for frame in ws:
                if isinstance(frame, bytes):
                    log.warning("%s: ignoring a binary frame (messages are text frames)", label)
                    continue
                dispatcher.on_message(connection, frame)
                if connection.queue.full():
                    # Backpressure: the client is not reading its answers. Stop reading its
                    # frames (websockets then stops reading the socket, and TCP stops the
                    # client) until it has read the queue down; other connections go on.
                    log.debug("%s: not reading it until it reads its answers", label)
                    await connection.queue.wait_for_room()
        except ConnectionClosed:
            pass
        finally:
            connection.closed = True
            connection.queue.close()
            hub = dispatcher.state.reconnect
            if hub is not None and connection.resume is not None:
                hub.detach(connection)  # before its server requests are released
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            await dispatcher.close(connection)

    async with serve(
        handle,
        host,
        port,
        process_request=process_request,
        compression=None,
        max_size=MAX_LINE_BYTES,
        ping_interval=20,
        ping_timeout=20,
    ) as server:
        sockets = list(server.sockets)
        bound = sockets[0].getsockname() if sockets else (host, port)
        if on_listening is not None:
            on_listening(bound[0], bound[1])
        await stop.wait()
