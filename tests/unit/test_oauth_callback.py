"""The loopback OAuth callback server shared by `codex login` and MCP OAuth, on raw sockets."""

from __future__ import annotations

import asyncio
import socket

import pytest

from codex_core.oauth_callback import (
    MAX_REQUEST_HEAD,
    CallbackRequest,
    CallbackResponse,
    CallbackServer,
    CallbackServerError,
    start_callback_server,
)


async def _exchange(port: int, raw: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(raw)
    await writer.drain()
    data = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    return data


async def test_routes_query_and_response_shape() -> None:
    seen: list[CallbackRequest] = []

    async def handler(request: CallbackRequest) -> CallbackResponse:
        seen.append(request)
        return CallbackResponse(302, headers={"Location": "http://localhost/success"})

    server = await start_callback_server(handler)
    try:
        raw = await _exchange(server.port, b"GET /cb?code=a%20b&state=&x=1&x=2 HTTP/1.1\r\nHost: h\r\n\r\n")
    finally:
        server.close()
    assert raw == (
        b"HTTP/1.1 302 Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Location: http://localhost/success\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    assert seen == [CallbackRequest("GET", "/cb", {"code": "a b", "state": "", "x": "1"})]


async def test_bare_lf_head_head_method_and_bad_request_line() -> None:
    async def handler(request: CallbackRequest) -> CallbackResponse:
        return CallbackResponse(200, f"{request.method} {request.path}")

    server = await start_callback_server(handler)
    try:
        lf = await _exchange(server.port, b"GET /x HTTP/1.1\nHost: h\n\n")
        head = await _exchange(server.port, b"HEAD /x HTTP/1.1\r\n\r\n")
        bad = await _exchange(server.port, b"garbage\r\n\r\n")
    finally:
        server.close()
    assert lf.endswith(b"Content-Length: 6\r\nConnection: close\r\n\r\nGET /x")
    # HEAD: the GET's headers, no body.
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and head.endswith(
        b"Content-Length: 7\r\nConnection: close\r\n\r\n"
    )
    assert bad.startswith(b"HTTP/1.1 400 Bad Request\r\n") and bad.endswith(b"\r\n\r\nBad Request")


async def test_oversized_head_and_no_handler_answer_close_silently() -> None:
    calls = 0

    async def handler(request: CallbackRequest) -> CallbackResponse | None:
        nonlocal calls
        calls += 1
        return None

    server = await start_callback_server(handler)
    try:
        huge = b"GET /x HTTP/1.1\r\nX: " + b"a" * MAX_REQUEST_HEAD + b"\r\n\r\n"
        assert await _exchange(server.port, huge) == b""
        assert await _exchange(server.port, b"GET /x HTTP/1.1\r\n\r\n") == b""
    finally:
        server.close()
    assert calls == 1


async def test_then_runs_after_the_response_is_written() -> None:
    client = socket.socket()
    on_the_wire: list[bytes] = []
    done = asyncio.Event()

    def finish() -> None:
        # Ending a login may end the process: the page must already be in the client's buffer.
        on_the_wire.append(client.recv(4096, socket.MSG_PEEK | socket.MSG_DONTWAIT))
        done.set()

    async def handler(request: CallbackRequest) -> CallbackResponse:
        return CallbackResponse(200, "bye", then=finish)

    server = await start_callback_server(handler)
    try:
        client.connect(("127.0.0.1", server.port))
        client.sendall(b"GET / HTTP/1.1\r\n\r\n")
        await asyncio.wait_for(done.wait(), 10)
    finally:
        server.close()
        client.close()
    assert on_the_wire[0].startswith(b"HTTP/1.1 200 OK\r\n") and on_the_wire[0].endswith(b"bye")


async def test_busy_port_asks_the_holder_to_cancel() -> None:
    holder: list[CallbackServer] = []

    async def first(request: CallbackRequest) -> CallbackResponse:
        # An earlier login: /cancel makes it let go of the port.
        return CallbackResponse(200, "bye", then=holder[0].close if request.path == "/cancel" else None)

    async def second(request: CallbackRequest) -> CallbackResponse:
        return CallbackResponse(200, "second")

    holder.append(await start_callback_server(first))
    port = holder[0].port
    taken = await start_callback_server(
        second, port=port, cancel_path="/cancel", retry_delay_s=0.02, bind_attempts=200
    )
    try:
        assert taken.port == port and holder[0].closed
        assert (await _exchange(port, b"GET / HTTP/1.1\r\n\r\n")).endswith(b"second")
    finally:
        taken.close()


async def test_busy_port_falls_back_then_fails() -> None:
    async def handler(request: CallbackRequest) -> CallbackResponse:
        return CallbackResponse(404, "Not Found")

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        busy = squatter.getsockname()[1]
        fallback = await start_callback_server(
            handler,
            port=busy,
            fallback_port=0,
            bind_attempts=2,
            retry_delay_s=0.01,
            cancel_path="/cancel",
            cancel_timeout_s=0.1,
        )
        assert fallback.port != busy
        fallback.close()
        with pytest.raises(CallbackServerError, match=rf"Port 127.0.0.1:{busy} is already in use"):
            await start_callback_server(handler, port=busy, bind_attempts=2, retry_delay_s=0.01)
