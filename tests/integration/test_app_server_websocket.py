from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

import pytest
from support.appserver import WebsocketAppServer, WsClient

INVALID_REQUEST = -32600


def test_each_connection_initializes_on_its_own(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        a, b = server.connect(), server.connect()
        assert "userAgent" in a.initialize("wsA")["result"]
        assert b.request("getUserAgent")["error"] == {"code": INVALID_REQUEST, "message": "Not initialized"}
        agent_b = b.initialize("wsB")["result"]["userAgent"]
        # The originator is process-wide (first initialize); the suffix names the caller.
        assert agent_b.startswith("wsA/0.100.0 (") and agent_b.endswith("(wsB; 1.0.0)")
        a.close()
        b.close()


def test_equal_request_ids_do_not_leak_across_connections(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        a, b = server.connect(), server.connect()
        a.initialize("a")
        b.initialize("b")
        a.send({"id": 5, "method": "model/list", "params": {"limit": 1}})
        b.send({"id": 5, "method": "getUserAgent"})
        got_b = b.response(5)
        got_a = a.response(5)
        assert "userAgent" in got_b["result"]
        assert "data" in got_a["result"]
        # Nothing else arrives on either connection.
        b.send({"id": 6, "method": "getUserAgent"})
        assert b.wait_for(lambda m: True)["id"] == 6
        a.send({"id": 6, "method": "getUserAgent"})
        assert a.wait_for(lambda m: True)["id"] == 6


def test_origin_is_refused_unless_allowed(codex_bin: str, isolated_env: dict[str, str]) -> None:
    from websockets.exceptions import InvalidStatus

    with WebsocketAppServer(
        codex_bin, isolated_env, args=["--ws-allow-origin", "vscode-webview://ok"]
    ) as server:
        with pytest.raises(InvalidStatus) as info:
            server.connect(origin="https://evil.example")
        assert info.value.response.status_code == 403
        allowed = WsClient(server.url, origin="vscode-webview://ok")
        assert "userAgent" in allowed.initialize()["result"]
        plain = server.connect()  # no Origin header: a local tool, accepted as by the reference
        assert "userAgent" in plain.initialize()["result"]


def test_token_is_required_when_configured(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    from websockets.exceptions import InvalidStatus

    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token\n")
    with WebsocketAppServer(codex_bin, isolated_env, args=["--ws-token-file", str(token_file)]) as server:
        with pytest.raises(InvalidStatus) as info:
            server.connect()
        assert info.value.response.status_code == 401
        with pytest.raises(InvalidStatus):
            server.connect(additional_headers={"Authorization": "Bearer wrong"})
        good = server.connect(additional_headers={"Authorization": "Bearer s3cret-token"})
        assert "userAgent" in good.initialize()["result"]


def test_non_loopback_needs_a_token(codex_bin: str, isolated_env: dict[str, str]) -> None:
    result = subprocess.run(
        [codex_bin, "app-server", "--listen", "ws://0.0.0.0:0"],
        capture_output=True,
        text=True,
        env=isolated_env,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2
    assert "refusing to listen on non-loopback address" in result.stderr


def test_a_stalled_reader_does_not_delay_others(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        from websockets.sync.client import connect

        stalled = connect(server.url, compression=None, max_size=None, legacy=True)
        stalled.send(
            json.dumps(
                {"id": 0, "method": "initialize", "params": {"clientInfo": {"name": "slow", "version": "1"}}}
            )
        )
        # Shrink our receive buffer so the server's writes to this client back up quickly.
        stalled.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        for i in range(1, 1500):
            stalled.send(json.dumps({"id": i, "method": "model/list", "params": {}}))
        # The stalled client never reads again. Another client is still served.
        other = server.connect()
        other.initialize("other")
        for _ in range(20):
            assert "data" in other.request("model/list", {"limit": 1})["result"]
        stalled.close()


def test_health_endpoints_answer_plain_http(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    import urllib.error
    import urllib.request

    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token\n")
    # Even with a token configured: they only say the listener is up.
    with WebsocketAppServer(codex_bin, isolated_env, args=["--ws-token-file", str(token_file)]) as server:
        base = server.url.replace("ws://", "http://")
        for path in ("/readyz", "/healthz"):
            with urllib.request.urlopen(base + path, timeout=10) as answer:
                assert answer.status == 200 and answer.headers["Content-Type"] == "application/json"
                assert json.loads(answer.read()) == {"status": "ok"}
        with pytest.raises(urllib.error.HTTPError) as other:
            urllib.request.urlopen(base + "/other", timeout=10)
        assert other.value.code != 200  # any other plain request is answered as before


def test_a_v1_resume_announces_the_session_to_every_client(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    # 0.100.0 sends `sessionConfigured` to every initialized connection before it answers a v1
    # resume or fork, with the terminal UI's history file as its inode and line count.
    history = Path(isolated_env["CODEX_HOME"], "history.jsonl")
    history.write_text('{"a":1}\n{"b":2}\n{"c":3}\n')
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        a, b, late = server.connect(), server.connect(), server.connect()
        a.initialize("a")
        b.initialize("b")
        earlier = [
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "earlier"}]}
        ]
        a.send({"id": 7, "method": "resumeConversation", "params": {"history": earlier}})
        announced = a.wait_for(lambda m: m.get("method") == "sessionConfigured")
        answer = a.response(7)["result"]
        assert announced["params"] == {
            "sessionId": answer["conversationId"],
            "model": answer["model"],
            "reasoningEffort": None,
            "historyLogId": history.stat().st_ino,
            "historyEntryCount": 3,
            "initialMessages": [],
            "rolloutPath": answer["rolloutPath"],
        }
        assert b.wait_for(lambda m: m.get("method") == "sessionConfigured")["params"] == announced["params"]
        # A connection that has not initialized hears nothing.
        late.send({"id": 1, "method": "getUserAgent"})
        assert late.wait_for(lambda m: True)["id"] == 1
        for client in (a, b, late):
            client.close()
