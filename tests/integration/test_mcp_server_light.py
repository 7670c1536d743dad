"""`codex mcp-server` answers the handshake before the MCP SDK is loaded (issue 21 item 2), and
what it answers there is byte for byte what the SDK path answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mcp_server.light import LineDecoder

pytestmark = pytest.mark.timeout(60)

RUN = "import sys; from mcp_server.server import McpServerArgs, run; sys.exit(run(McpServerArgs(), light={light}))"


def _initialize(request_id: Any = 0, version: str = "2025-06-18", **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "protocolVersion": version,
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    }
    body.update(params)
    return {"jsonrpc": "2.0", "id": request_id, "method": "initialize", "params": body}


INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}


def _line(message: Any) -> str:
    return (message if isinstance(message, str) else json.dumps(message)) + "\n"


CASES: dict[str, str] = {
    "plain": _line(_initialize())
    + _line(INITIALIZED)
    + _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    "versions and ids": "".join(
        _line(_initialize("a-é", version))
        + _line({"jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": {}})
        for version in ("2024-11-05",)
    )
    + _line(_initialize(3, "2099-01-01")),
    "old and future versions": _line(_initialize(5, "1999"))
    + _line({"jsonrpc": "2.0", "id": 6, "method": "ping"}),
    "official client capabilities": _line(
        _initialize(
            0,
            "2025-11-25",
            capabilities={"elicitation": {"form": {}}, "roots": {"listChanged": True}, "sampling": {}},
            clientInfo={"name": "mcp", "version": "0.1.0", "title": "Client ü"},
        )
    )
    + _line(INITIALIZED)
    + _line({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    "capabilities the SDK refuses": _line(_initialize(0, capabilities={"roots": {"listChanged": "yes"}}))
    + _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
    "odd params and envelopes": _line(_initialize(0, _meta={"x": 1}))
    + _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"cursor": 5}})
    + _line({"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {"cursor": "x"}})
    + _line({"jsonrpc": "2.0", "id": 3.0, "method": "tools/list"}),
    "tools/list before initialize, then two": _line({"jsonrpc": "2.0", "id": 9, "method": "tools/list"})
    + _line(_initialize(1))
    + _line(_initialize(2))
    + _line({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
    "broken lines and line ends": "not json\n"
    + _line(_initialize(1)).replace("\n", "\r\n")
    + _line({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}).replace("\n", "\r")
    + '{"jsonrpc":"2.0","id":NaN,"method":"tools/list"}\n'
    + '{"jsonrpc":"2.0","id":4,"method":"tools/list"}',
    "the replay id itself": _line(_initialize("codex-mcp-server/light-initialize"))
    + _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}),
}


def _serve(light: bool, data: bytes, env: dict[str, str], cwd: Path) -> list[bytes]:
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(light=light)],
        input=data,
        capture_output=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return sorted(done.stdout.splitlines(keepends=True))


@pytest.mark.parametrize("case", sorted(CASES))
def test_light_answers_are_the_sdk_answers(case: str, isolated_env: dict[str, str], tmp_path: Path) -> None:
    data = CASES[case].encode()
    sdk = _serve(False, data, isolated_env, tmp_path)
    light = _serve(True, data, isolated_env, tmp_path)
    assert light == sdk
    assert sdk  # every case gets some answer


GATED = """
import os, sys
import mcp_server.server as server

gate = int(sys.argv[1])
original = server._Loader.run

def gated(self):
    os.read(gate, 1)
    loaded = sorted(name for name in ("mcp", "mcp_types", "pydantic", "asyncio") if name in sys.modules)
    print("loaded before the gate:", loaded, file=sys.stderr, flush=True)
    original(self)

server._Loader.run = gated
sys.exit(server.run(server.McpServerArgs()))
"""


def test_handshake_answered_before_the_sdk_loads(isolated_env: dict[str, str], tmp_path: Path) -> None:
    gate_read, gate_write = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-c", GATED, str(gate_read)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=isolated_env,
        cwd=tmp_path,
        pass_fds=(gate_read,),
    )
    os.close(gate_read)
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    try:
        process.stdin.write(
            (
                _line(_initialize(0))
                + _line(INITIALIZED)
                + _line({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
                + _line({"jsonrpc": "2.0", "id": 2, "method": "ping"})
            ).encode()
        )
        process.stdin.flush()
        # The loader is held at its gate: these two come from the light layer.
        first = json.loads(process.stdout.readline())
        second = json.loads(process.stdout.readline())
        assert (first["id"], second["id"]) == (0, 1)
        assert first["result"]["serverInfo"]["name"] == "codex-mcp-server"
        assert [tool["name"] for tool in second["result"]["tools"]] == ["codex", "codex-reply"]
        os.write(gate_write, b"!")
        # The ping waited for the SDK.
        assert json.loads(process.stdout.readline()) == {"jsonrpc": "2.0", "id": 2, "result": {}}
        process.stdin.close()
        assert process.wait(timeout=30) == 0
        assert "loaded before the gate: []" in process.stderr.read().decode()
    finally:
        os.close(gate_write)
        if process.poll() is None:
            process.kill()
            process.wait()


def test_line_decoder_splits_as_the_text_layer_does() -> None:
    import io

    data = "a\r\nb\rc\nd\xe9\n".encode() + b"\xff\xfe tail"
    expected = list(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace"))
    for size in (1, 2, 3, 64):
        decoder = LineDecoder()
        lines: list[str] = []
        for start in range(0, len(data), size):
            lines += decoder.feed(data[start : start + size])
        lines += decoder.finish()
        assert lines == expected, size
