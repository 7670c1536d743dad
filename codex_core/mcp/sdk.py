"""The MCP SDK, imported off the event loop.

Importing it takes most of a second (it builds the models of several protocol versions, its
client and its HTTP stack); done on the loop, that stalls every connection and every streaming
turn of the process for as long. Callers await `load_sdk()` before their first SDK import.
"""

from __future__ import annotations

import asyncio
from importlib import import_module

SDK_MODULES = (
    "mcp",
    "mcp.types",
    "mcp.client.stdio",
    "mcp.client.streamable_http",
    "mcp.client.auth",
    "mcp.shared.auth",
    "mcp.shared._httpx_utils",
)

_loaded = False


def _import_all() -> None:
    global _loaded
    for name in SDK_MODULES:
        import_module(name)
    _loaded = True  # only once every module finished: a half-imported one would block the loop


async def load_sdk() -> None:
    if not _loaded:
        await asyncio.to_thread(_import_all)
