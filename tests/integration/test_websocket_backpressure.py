"""Per-connection backpressure (issue 20): a websocket client that sends without reading is no
longer read (TCP stops it) instead of costing the server work and memory, nobody else waits,
and once it reads again it gets every answer, in order."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import time
from urllib.parse import urlparse

from support.appserver import WebsocketAppServer

CURSOR = "c" * 4000  # echoed in the error: ~4 KB in, ~4 KB out per request


class RawWs:
    """A websocket client that can stop reading (the websockets client always reads)."""

    def __init__(self, url: str) -> None:
        parsed = urlparse(url)
        assert parsed.hostname is not None and parsed.port is not None
        self.sock = socket.socket()
        # Small kernel buffers on our side, so that the server's pause shows quickly.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        self.sock.settimeout(10)
        self.sock.connect((parsed.hostname, parsed.port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET / HTTP/1.1\r\nHost: {parsed.hostname}:{parsed.port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        assert b" 101 " in head.split(b"\r\n")[0]
        self.buffer = b""

    def send(self, message: dict[str, object]) -> None:
        payload = json.dumps(message).encode()
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            head = struct.pack("!BB", 0x81, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x81, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
        key = (mask * (n // 4 + 1))[:n]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(n, "big")
        self.sock.sendall(head + mask + masked)

    def _exact(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("closed by the server")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv(self) -> dict[str, object]:
        while True:
            first, second = self._exact(2)
            n = second & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            data = self._exact(n)
            if first & 0x0F == 0x1:
                return json.loads(data)  # type: ignore[no-any-return]
            if first & 0x0F == 0x8:
                raise ConnectionError(f"closed by the server: {data[:2]!r}")


def test_a_client_that_does_not_read_is_paused_alone(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        other = server.connect()
        other.initialize("other")
        stalled = RawWs(server.url)
        stalled.send(
            {"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "a", "version": "1"}}}
        )
        stalled.send({"method": "initialized"})
        # Send until the socket stops taking more: the server no longer reads this connection.
        stalled.sock.settimeout(2)
        sent = 0
        blocked = False
        started = time.monotonic()
        while time.monotonic() - started < 60:
            try:
                stalled.send({"id": sent + 1, "method": "model/list", "params": {"cursor": CURSOR}})
            except TimeoutError:
                blocked = True  # a frame may be cut short here: it is never answered
                break
            sent += 1
            if sent % 50 == 0:  # meanwhile the other connection is served at once
                began = time.monotonic()
                assert "userAgent" in other.request("getUserAgent")["result"]
                assert time.monotonic() - began < 2
        assert blocked, f"the server kept reading: {sent} requests of ~4 KB taken"
        # Without backpressure the server read all of them (~80 MB of answers for 20,000)
        # and then dropped the connection; now it stops after a bounded amount.
        assert sent < 5000
        for _ in range(5):
            began = time.monotonic()
            assert "userAgent" in other.request("getUserAgent")["result"]
            assert time.monotonic() - began < 2
        # Reading again: every request fully sent is answered, in order, and the connection lives.
        stalled.sock.settimeout(30)
        assert stalled.recv()["id"] == 0
        for expected in range(1, sent + 1):
            answer = stalled.recv()
            assert answer["id"] == expected, answer
            assert isinstance(answer.get("error"), dict)
        assert server.proc.poll() is None
        assert not any("disconnecting" in line for line in server.stderr_lines)


def test_stdio_stops_reading_a_client_that_does_not_read(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    import subprocess
    import threading

    process = subprocess.Popen(
        [codex_bin, "app-server"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=isolated_env,
    )
    assert process.stdin is not None and process.stdout is not None
    writes = 0
    stop = threading.Event()

    def writer() -> None:
        nonlocal writes
        assert process.stdin is not None
        process.stdin.write(
            b'{"id":0,"method":"initialize","params":{"clientInfo":{"name":"a","version":"1"}}}\n'
        )
        while not stop.is_set() and writes < 20_000:
            line = json.dumps({"id": writes + 1, "method": "model/list", "params": {"cursor": CURSOR}})
            process.stdin.write(line.encode() + b"\n")
            process.stdin.flush()
            writes += 1

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    try:
        # The writer blocks on a full pipe: the server stopped reading (before: it read all
        # 20,000 and queued ~80 MB of answers nobody read).
        settled = -1
        while settled != writes:
            settled = writes
            time.sleep(1.0)
        assert thread.is_alive() and writes < 5000
        stop.set()
        # Reading stdout lets everything through, in order.
        for expected in range(0, writes + 1):
            answer = json.loads(process.stdout.readline())
            assert answer["id"] == expected
        thread.join(10)
        assert not thread.is_alive()
    finally:
        process.kill()
        process.wait()
