"""Helpers to point Codex at the test servers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SERVER = Path(__file__).with_name("server.py")


def stdio_table(mode: str = "stdio", **extra: object) -> dict[str, object]:
    """An `[mcp_servers.<name>]` table running the test server over stdio."""
    return {"command": sys.executable, "args": [str(SERVER), mode], **extra}


@contextmanager
def http_server() -> Iterator[str]:
    """Run the test server over streamable HTTP; yields its URL."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER), "http"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"test MCP server did not start: {line!r}")
        yield f"http://127.0.0.1:{int(line.split()[1])}/mcp"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
