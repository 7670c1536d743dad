"""An httpcore network backend on plain asyncio transports, for the model stream's hot path.

httpx's default backend goes through anyio: every read of a streamed response enters a cancel
scope, pauses and resumes the transport, and TLS runs in Python over a memory BIO. For a model
streaming one small SSE event per packet that is most of the CPU a delta costs. This backend
keeps httpx and httpcore (HTTP/1.1 parsing, pooling, proxies) and only replaces the socket layer:
a protocol that buffers what arrives, asyncio's native TLS, and a timer only when a timeout is set.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable, Iterable
from typing import TYPE_CHECKING, Any

import httpcore

if TYPE_CHECKING:
    import httpx

__all__ = ["AsyncioBackend", "use_asyncio_network"]

_HIGH_WATER = 1 << 20  # stop reading the socket while this much is buffered and unread
_LOW_WATER = 1 << 18


class _BufferingProtocol(asyncio.Protocol):
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.reader: asyncio.Future[None] | None = None
        self.drainer: asyncio.Future[None] | None = None
        self.reading_paused = False
        self.writing_paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and self.transport is not None and not self.reading_paused:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake_reader()
        return None  # let the transport close itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake_reader()
        self._wake_drainer()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake_drainer()

    def _wake_reader(self) -> None:
        if self.reader is not None and not self.reader.done():
            self.reader.set_result(None)

    def _wake_drainer(self) -> None:
        if self.drainer is not None and not self.drainer.done():
            self.drainer.set_result(None)

    def take(self, max_bytes: int) -> bytes:
        if len(self.buffer) <= max_bytes:
            data = bytes(self.buffer)
            self.buffer.clear()
        else:
            data = bytes(self.buffer[:max_bytes])
            del self.buffer[:max_bytes]
        if self.reading_paused and len(self.buffer) < _LOW_WATER and self.transport is not None:
            self.reading_paused = False
            self.transport.resume_reading()
        return data


async def _wait(future: asyncio.Future[None], timeout: float | None) -> None:
    if timeout is None:
        await future
        return
    async with asyncio.timeout(timeout):
        await future


class AsyncioStream(httpcore.AsyncNetworkStream):
    def __init__(self, transport: asyncio.Transport, protocol: _BufferingProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            protocol.reader = protocol.loop.create_future()
            try:
                await _wait(protocol.reader, timeout)
            except TimeoutError:
                raise httpcore.ReadTimeout("timed out reading from the server") from None
            finally:
                protocol.reader = None
        if protocol.buffer:
            return protocol.take(max_bytes)
        if protocol.error is not None:
            raise httpcore.ReadError(str(protocol.error) or type(protocol.error).__name__)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if self._transport.is_closing():
            raise httpcore.WriteError("connection closed")
        self._transport.write(buffer)
        if protocol.writing_paused:
            protocol.drainer = protocol.loop.create_future()
            try:
                await _wait(protocol.drainer, timeout)
            except TimeoutError:
                raise httpcore.WriteTimeout("timed out writing to the server") from None
            finally:
                protocol.drainer = None
            if protocol.error is not None:
                raise httpcore.WriteError(str(protocol.error))

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = self._protocol.loop
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError:
            self._transport.abort()
            raise httpcore.ConnectTimeout("timed out during the TLS handshake") from None
        except (OSError, ssl.SSLError) as exc:
            self._transport.abort()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:
            raise httpcore.ConnectError("connection closed during the TLS handshake")
        assert isinstance(transport, asyncio.Transport)
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # An idle pooled connection with data or EOF waiting was closed (or broken) by the server.
            return bool(self._protocol.buffer) or self._protocol.eof
        if info == "client_addr":
            return self._transport.get_extra_info("sockname")
        if info == "server_addr":
            return self._transport.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._transport.get_extra_info(info)
        return None


async def _connect(
    opening: Awaitable[tuple[asyncio.BaseTransport, _BufferingProtocol]],
    where: str,
    timeout: float | None,
    socket_options: Iterable[Any] | None,
) -> httpcore.AsyncNetworkStream:
    try:
        async with asyncio.timeout(timeout):
            transport, protocol = await opening
    except TimeoutError:
        raise httpcore.ConnectTimeout(f"timed out connecting to {where}") from None
    except OSError as exc:
        raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
    assert isinstance(transport, asyncio.Transport)
    sock: socket.socket | None = transport.get_extra_info("socket")
    if sock is not None:
        for option in socket_options or ():
            sock.setsockopt(*option)
    return AsyncioStream(transport, protocol)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        local = (local_address, 0) if local_address else None
        opening = asyncio.get_running_loop().create_connection(
            _BufferingProtocol, host, port, local_addr=local
        )
        return await _connect(opening, f"{host}:{port}", timeout, socket_options)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        opening = asyncio.get_running_loop().create_unix_connection(_BufferingProtocol, path)
        return await _connect(opening, path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def use_asyncio_network(client: httpx.AsyncClient) -> None:
    """Move the client's direct (non-proxied) connections onto this backend.

    httpx has no switch for it, so its default pool is rebuilt with the same settings; proxied
    routes keep httpx's own backend.
    """
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if type(pool) is not httpcore.AsyncConnectionPool:
        return
    transport._pool = httpcore.AsyncConnectionPool(  # type: ignore[union-attr]
        ssl_context=pool._ssl_context,
        max_connections=pool._max_connections,
        max_keepalive_connections=pool._max_keepalive_connections,
        keepalive_expiry=pool._keepalive_expiry,
        http1=pool._http1,
        http2=pool._http2,
        retries=pool._retries,
        local_address=pool._local_address,
        uds=pool._uds,
        socket_options=pool._socket_options,
        network_backend=AsyncioBackend(),
    )
