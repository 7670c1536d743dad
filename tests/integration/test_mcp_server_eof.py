"""`codex mcp-server` answers every request read before end of input (issue 20)."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import anyio
import mcp_types as types
from mcp.shared._context_streams import create_context_streams
from mcp.shared.message import SessionMessage

from mcp_server.eof import answer_before_eof

INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "eof", "version": "1"},
    },
}


def test_piped_requests_are_all_answered_before_exit(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    lines: list[dict[str, Any]] = [INITIALIZE, {"jsonrpc": "2.0", "method": "notifications/initialized"}]
    lines += [{"jsonrpc": "2.0", "id": i, "method": "tools/list", "params": {}} for i in range(2, 30)]
    lines.append({"jsonrpc": "2.0", "id": "last", "method": "ping"})
    data = "".join(json.dumps(line) + "\n" for line in lines).encode()
    wanted = sorted(str(line["id"]) for line in lines if "id" in line)
    # The lost answer was a race (1 run in 6 with three lines, every run with thirty): a few runs.
    for _ in range(4):
        done = subprocess.run(
            [codex_bin, "mcp-server"],
            input=data,
            capture_output=True,
            env=isolated_env,
            cwd=tmp_path,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        answers = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        assert sorted(str(m["id"]) for m in answers if "id" in m) == wanted
        assert all("error" not in m for m in answers)


def _request(request_id: Any, method: str = "tools/list") -> SessionMessage:
    return SessionMessage(types.JSONRPCRequest(jsonrpc="2.0", id=request_id, method=method, params={}))


def _answer(request_id: Any) -> SessionMessage:
    return SessionMessage(types.JSONRPCResponse(jsonrpc="2.0", id=request_id, result={}))


async def test_eof_waits_for_the_answers_or_the_grace() -> None:
    events: list[str] = []

    async def fake_server(reads: Any, writes: Any, delay: float, answer: bool) -> None:
        """Like the SDK: each request handled in a task of its own, the ones in flight cancelled at EOF."""

        async def handle(request_id: Any) -> None:
            await anyio.sleep(delay)
            if answer:
                await writes.send(_answer(request_id))

        async with writes, anyio.create_task_group() as handlers:
            async for item in reads:
                events.append(f"got {item.message.id}")
                handlers.start_soon(handle, item.message.id)
            events.append("eof")
            handlers.cancel_scope.cancel()

    async def run(ids: list[Any], delay: float, answer: bool, grace: float) -> tuple[float, list[Any]]:
        stdin_writer, stdin = create_context_streams[SessionMessage | Exception](0)
        stdout, stdout_reader = anyio.create_memory_object_stream[SessionMessage](10)
        started = time.monotonic()
        with anyio.fail_after(10):
            async with (
                answer_before_eof(stdin, stdout, grace=grace) as (reads, writes),
                anyio.create_task_group() as group,
            ):
                group.start_soon(fake_server, reads, writes, delay, answer)
                async with stdin_writer:
                    for request_id in ids:
                        await stdin_writer.send(_request(request_id))
                # stdin is closed here, before the server has answered anything
        answered = []
        while True:
            try:
                answered.append(stdout_reader.receive_nowait().message.id)
            except (anyio.WouldBlock, anyio.EndOfStream):
                return time.monotonic() - started, answered

    # Answers that take a while: EOF reaches the server only after the last of them.
    elapsed, answered = await run(["a", "b"], 0.2, True, grace=5)
    assert events == ["got a", "got b", "eof"]
    assert answered == ["a", "b"] and elapsed < 3
    # A request never answered (a tool call waiting on a client that has gone): EOF after the grace.
    events.clear()
    elapsed, answered = await run([1], 0.0, False, grace=0.5)
    assert events == ["got 1", "eof"]
    assert answered == [] and elapsed >= 0.5
