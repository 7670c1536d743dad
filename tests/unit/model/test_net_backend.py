"""The asyncio network backend under httpx: plain HTTP, TLS, pooling, timeouts and errors."""

from __future__ import annotations

import asyncio
import datetime
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from codex_core.model.net_backend import AsyncioBackend, use_asyncio_network

CHUNKS = [b"event: a\ndata: 1\n\n", b"event: b\ndata: 2\n\n", b"event: c\ndata: 3\n\n"]


async def _respond(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, close: bool) -> None:
    """Answer each request on the connection with a chunked body, one chunk per write."""
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        if b"/stall" in head.split(b"\r\n", 1)[0]:
            writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
            await writer.drain()
            await asyncio.sleep(30)
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        for chunk in CHUNKS:
            writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        if close:
            writer.close()
            return


async def _serve(*, close: bool = False, tls: ssl.SSLContext | None = None) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _respond(reader, writer, close=close)

    return await asyncio.start_server(handle, "127.0.0.1", 0, ssl=tls)


def _url(server: asyncio.Server, scheme: str = "http", path: str = "/") -> str:
    port = server.sockets[0].getsockname()[1]
    host = "localhost" if scheme == "https" else "127.0.0.1"
    return f"{scheme}://{host}:{port}{path}"


async def _client(**kwargs: object) -> httpx.AsyncClient:
    client = httpx.AsyncClient(timeout=httpx.Timeout(None, connect=5.0), **kwargs)  # type: ignore[arg-type]
    use_asyncio_network(client)
    assert isinstance(client._transport._pool._network_backend, AsyncioBackend)  # type: ignore[attr-defined]
    return client


async def _chunks(client: httpx.AsyncClient, url: str) -> AsyncIterator[bytes]:
    async with client.stream("GET", url) as response:
        async for chunk in response.aiter_bytes():
            yield chunk


async def test_streams_over_plain_http_and_reuses_the_connection() -> None:
    server = await _serve()
    async with server, await _client() as client:
        for _ in range(3):
            body = b"".join([c async for c in _chunks(client, _url(server))])
            assert body == b"".join(CHUNKS)
        pool = client._transport._pool  # type: ignore[attr-defined]
        assert len(pool.connections) == 1


async def test_a_connection_the_server_closed_is_not_reused() -> None:
    server = await _serve(close=True)
    async with server, await _client() as client:
        for _ in range(3):
            response = await client.get(_url(server))
            assert response.content == b"".join(CHUNKS)


async def test_read_timeout_and_connect_error_map_to_httpx_errors() -> None:
    server = await _serve()
    closed_url = _url(server)
    async with server, await _client() as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(_url(server, path="/stall"), timeout=httpx.Timeout(5.0, read=0.2))
    async with await _client() as client:  # nobody listens on the port any more
        with pytest.raises(httpx.ConnectError):
            await client.get(closed_url)


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    crypto = pytest.importorskip("cryptography")
    del crypto
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


async def test_tls_uses_asyncio_native_ssl_and_verifies_the_peer(tmp_path: Path) -> None:
    cert_path, key_path = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_path, key_path)
    server = await _serve(tls=server_tls)
    trusting = ssl.create_default_context(cafile=str(cert_path))
    async with server:
        async with (
            await _client(verify=trusting) as client,
            client.stream("GET", _url(server, "https")) as response,
        ):
            assert response.extensions["network_stream"].get_extra_info("ssl_object") is not None
            assert b"".join([c async for c in response.aiter_bytes()]) == b"".join(CHUNKS)
        async with await _client() as client:  # the system trust store does not know this cert
            with pytest.raises(httpx.ConnectError):
                await client.get(_url(server, "https"))
