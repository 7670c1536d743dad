"""`codex login` and `codex mcp login` share one loopback callback server
(codex_core/oauth_callback.py): each keeps its own routes, pages and status codes, and both end
cleanly when the browser step ends without a code."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

MOCK = Path(__file__).parents[1] / "mcp_oauth_server.py"


def _raw(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(4096):
            chunks.append(chunk)
    return b"".join(chunks)


def _answer(status: str, body: str) -> bytes:
    data = body.encode()
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    ).encode() + data


def _read_until(stream: object, pattern: str) -> re.Match[str]:
    seen = ""
    while True:
        line = stream.readline()  # type: ignore[attr-defined]
        assert line, seen
        seen += line
        found = re.search(pattern, line)
        if found:
            return found


def test_codex_login_callback_server(codex_bin: str, env: dict[str, str]) -> None:
    proc = subprocess.Popen(
        [codex_bin, "login"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        port = int(_read_until(proc.stderr, r"login server on http://localhost:(\d+)\.").group(1))
        assert _raw(port, b"GET /nope HTTP/1.1\r\n\r\n") == _answer("404 Not Found", "Not Found")
        assert _raw(port, b"POST /auth/callback HTTP/1.1\r\n\r\n") == _answer(
            "405 Method Not Allowed", "Method Not Allowed"
        )
        assert _raw(port, b"GET /auth/callback?state=forged&code=c HTTP/1.1\r\n\r\n") == _answer(
            "400 Bad Request", "State mismatch"
        )
        # A head with bare LF line ends is read too.
        assert _raw(port, b"GET /nope HTTP/1.1\nHost: x\n\n") == _answer("404 Not Found", "Not Found")
        assert _raw(port, b"GET /cancel HTTP/1.1\r\n\r\n") == _answer("200 OK", "Login cancelled")
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1
    assert err.strip().endswith("Error logging in: Login cancelled")
    assert "Traceback" not in err


@pytest.fixture
def oauth_server() -> Iterator[str]:
    process = subprocess.Popen([sys.executable, str(MOCK)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_codex_mcp_login_callback_server(
    codex_bin: str, isolated_env: dict[str, str], oauth_server: str
) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text(
        f'mcp_oauth_credentials_store = "file"\n[mcp_servers.secure]\nurl = "{oauth_server}/mcp"\n'
    )
    proc = subprocess.Popen(
        [codex_bin, "mcp", "login", "secure"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=isolated_env,
    )
    try:
        url = _read_until(proc.stdout, r"^(http://\S+)").group(1)
        redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        assert (redirect.hostname, redirect.path) == ("127.0.0.1", "/callback")
        port = redirect.port
        assert port is not None
        assert _raw(port, b"GET /nope HTTP/1.1\r\n\r\n") == _answer("404 Not Found", "Not found")
        assert _raw(port, b"GET /callback?state=s HTTP/1.1\r\n\r\n") == _answer(
            "400 Bad Request", "Missing authorization code"
        )
        assert _raw(
            port, b"GET /callback?error=access_denied&error_description=denied HTTP/1.1\r\n\r\n"
        ) == _answer("400 Bad Request", "OAuth error: denied")
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, err
    assert "OAuth error: denied" in err and "Traceback" not in err
    listed = subprocess.run(
        [codex_bin, "mcp", "list", "--json"], env=isolated_env, capture_output=True, text=True, timeout=60
    )
    assert json.loads(listed.stdout)[0]["auth_status"] == "not_logged_in"  # no token was stored
