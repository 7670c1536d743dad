"""The loopback HTTP server that receives an OAuth redirect, shared by `codex login` and MCP OAuth.

A browser sends one or two GET requests to it, so the HTTP is deliberately small: read the request
head (CRLF or bare LF lines, bounded in size and time), hand the method, path and query to the
caller's handler, write its answer with ``Connection: close``. What the paths mean, which pages
they get and when the flow is over is the caller's business (``login.server``,
``codex_core.mcp.oauth``).

Port choice: ``port`` (0 = any free port). When it is busy the server can ask whoever holds it to
let go (``cancel_path``, an earlier `codex login` answers ``/cancel``), retries ``bind_attempts``
times ``retry_delay_s`` apart, then tries ``fallback_port`` the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "CallbackRequest",
    "CallbackResponse",
    "CallbackServer",
    "CallbackServerError",
    "start_callback_server",
]

log = logging.getLogger("codex.oauth_callback")

MAX_REQUEST_HEAD = 16 * 1024
HEAD_TIMEOUT_S = 10.0


class CallbackServerError(Exception):
    """The server could not listen; the message is user-facing."""


@dataclass(frozen=True, slots=True)
class CallbackRequest:
    method: str
    path: str
    # The first value of each query parameter; blank values kept.
    query: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CallbackResponse:
    status: int
    body: str = ""
    content_type: str = "text/plain; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    # Run once the response is on the wire: ending the flow first could let the process exit
    # before the browser got its page.
    then: Callable[[], None] | None = None


# None: close the connection without an answer (nobody is listening yet).
Handler = Callable[[CallbackRequest], Awaitable[CallbackResponse | None]]


class CallbackServer:
    def __init__(self, server: asyncio.Server, host: str, port: int) -> None:
        self._server = server
        self.host = host
        self.port = port

    def close(self) -> None:
        """Stop listening (idempotent); a response being written still completes."""
        self._server.close()

    @property
    def closed(self) -> bool:
        return not self._server.is_serving()


async def start_callback_server(
    handler: Handler,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    fallback_port: int | None = None,
    bind_attempts: int = 10,
    retry_delay_s: float = 0.2,
    cancel_path: str | None = None,
    cancel_timeout_s: float = 2.0,
) -> CallbackServer:
    """Listen on ``host:port`` (see the module docstring for a busy port)."""

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _serve_one(handler, reader, writer)

    server = await _bind(
        serve,
        host,
        port,
        fallback_port,
        bind_attempts=bind_attempts,
        retry_delay_s=retry_delay_s,
        cancel_path=cancel_path,
        cancel_timeout_s=cancel_timeout_s,
    )
    return CallbackServer(server, host, int(server.sockets[0].getsockname()[1]))


async def _bind(
    serve: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
    host: str,
    port: int,
    fallback_port: int | None,
    *,
    bind_attempts: int,
    retry_delay_s: float,
    cancel_path: str | None,
    cancel_timeout_s: float,
) -> asyncio.Server:
    cancel_sent = False
    attempts = 0
    using_fallback = False
    while True:
        try:
            return await asyncio.start_server(serve, host, port, reuse_address=True)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise CallbackServerError(f"could not start the login server: {exc.strerror}") from None
            attempts += 1
            if cancel_path is not None and not cancel_sent and not using_fallback:
                cancel_sent = True
                await _send_cancel(host, port, cancel_path, cancel_timeout_s)
            if attempts >= bind_attempts:
                if fallback_port is not None and not using_fallback:
                    log.warning("login port %s is busy; falling back to %s", port, fallback_port)
                    port, attempts, using_fallback = fallback_port, 0, True
                    continue
                raise CallbackServerError(f"Port {host}:{port} is already in use") from None
            await asyncio.sleep(retry_delay_s)


async def _send_cancel(host: str, port: int, path: str, timeout: float) -> None:
    """Ask a server left over on the port (an earlier login) to stop."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout=timeout)
    except (OSError, TimeoutError):
        return
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        with contextlib.suppress(TimeoutError, OSError):
            await asyncio.wait_for(reader.read(64), timeout=timeout)
    except OSError:
        pass
    finally:
        writer.close()


async def _read_head(reader: asyncio.StreamReader) -> str | None:
    """The request line, once the whole head is in; None when the client gave up or sent too much."""
    first: bytes | None = None
    size = 0
    try:
        async with asyncio.timeout(HEAD_TIMEOUT_S):
            while True:
                line = await reader.readline()
                size += len(line)
                if not line or size > MAX_REQUEST_HEAD:
                    return None
                if first is None:
                    first = line
                elif line in (b"\r\n", b"\n"):
                    return first.decode("latin-1").strip()
    except (TimeoutError, ValueError, ConnectionError):
        return None


async def _serve_one(handler: Handler, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    response: CallbackResponse | None = None
    method = ""
    try:
        request_line = await _read_head(reader)
        if request_line is None:
            return
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[1]:
            response = CallbackResponse(400, "Bad Request")
        else:
            method, target = parts[0], urlsplit(parts[1])
            query = {k: v[0] for k, v in parse_qs(target.query, keep_blank_values=True).items()}
            response = await handler(CallbackRequest(method, target.path, query))
        if response is not None:
            await _write(writer, response, with_body=method != "HEAD")
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        if response is not None and response.then is not None:
            response.then()


async def _write(writer: asyncio.StreamWriter, response: CallbackResponse, *, with_body: bool) -> None:
    data = response.body.encode("utf-8")
    try:
        phrase = HTTPStatus(response.status).phrase
    except ValueError:
        phrase = "OK"
    lines = [f"HTTP/1.1 {response.status} {phrase}", f"Content-Type: {response.content_type}"]
    lines += [f"{name}: {value}" for name, value in response.headers.items()]
    # Always close: a kept-alive browser socket would otherwise pin the next login's port.
    lines += [f"Content-Length: {len(data)}", "Connection: close", "", ""]
    with contextlib.suppress(ConnectionError):
        writer.write("\r\n".join(lines).encode("latin-1") + (data if with_body else b""))
        await writer.drain()
