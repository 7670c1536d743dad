"""The MCP SDK is imported in a worker thread, never on the event loop (it takes most of a second)."""

from __future__ import annotations

import importlib
import sys
import threading
from typing import Any

import codex_core.mcp.sdk as sdk


async def test_the_sdk_is_imported_off_the_loop(monkeypatch: Any) -> None:
    loop_thread = threading.get_ident()
    importing_threads: set[int] = set()
    real_import = importlib.import_module

    def recording_import(name: str) -> Any:
        importing_threads.add(threading.get_ident())
        return real_import(name)

    monkeypatch.setattr(sdk, "_loaded", False)
    monkeypatch.setattr(sdk, "import_module", recording_import)
    await sdk.load_sdk()
    assert importing_threads and loop_thread not in importing_threads
    assert all(name in sys.modules for name in sdk.SDK_MODULES)
    importing_threads.clear()
    await sdk.load_sdk()  # loaded once: later calls do not hop to a thread
    assert importing_threads == set()
