"""stdio output: every line whole and in order, also when the client reads late and the pipe fills."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import orjson

from app_server.connection import Connection
from app_server.dispatcher import Dispatcher
from app_server.state import ServerOptions, ServerState
from app_server.transport.stdio import serve_stdio


async def _run(tmp_path: Path, total: int, size: int, read_delay: float) -> list[bytes]:
    in_read, in_write = os.pipe()
    out_read, out_write = os.pipe()
    connection = Connection(label="stdio")
    connection.initialized = True
    server = asyncio.create_task(
        serve_stdio(
            Dispatcher(ServerState(ServerOptions(codex_home=tmp_path))),
            connection,
            asyncio.Event(),
            in_fd=in_read,
            out_fd=out_write,
        )
    )

    def read_all() -> bytes:
        time.sleep(read_delay)  # a client busy elsewhere: the 64 KiB pipe fills up meanwhile
        chunks = []
        while chunk := os.read(out_read, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)

    reading = asyncio.get_running_loop().run_in_executor(None, read_all)
    payload = "x" * size
    for i in range(total):
        connection.send({"method": "item/agentMessage/delta", "params": {"n": i, "delta": payload}})
        if i % 50 == 0:
            await asyncio.sleep(0)  # let the writer run between bursts, as a stream does
    os.close(in_write)  # EOF on stdin: the server flushes and returns
    await asyncio.wait_for(server, 30)
    os.close(out_write)
    data = await asyncio.wait_for(reading, 30)
    os.close(in_read)
    os.close(out_read)
    return data.split(b"\n")


async def test_every_line_arrives_whole_and_in_order(tmp_path: Path) -> None:
    lines = await _run(tmp_path, total=2000, size=20, read_delay=0)
    assert lines[-1] == b""
    assert [orjson.loads(line)["params"]["n"] for line in lines[:-1]] == list(range(2000))


async def test_a_full_pipe_delays_but_never_breaks_or_drops_lines(tmp_path: Path) -> None:
    lines = await _run(tmp_path, total=3000, size=1000, read_delay=0.3)
    assert lines[-1] == b""
    assert [orjson.loads(line)["params"]["n"] for line in lines[:-1]] == list(range(3000))
