"""The shared HTTP client can be built ahead of time, off the loop, and is then taken by the first turn."""

from __future__ import annotations

import threading
import weakref
from typing import Any

import codex_core.model.client as client_module


async def test_a_client_prepared_in_another_thread_serves_the_loop(monkeypatch: Any) -> None:
    monkeypatch.setattr(client_module, "_clients", weakref.WeakKeyDictionary())
    monkeypatch.setattr(client_module, "_spare_clients", [])
    worker = threading.Thread(target=client_module.prepare_shared_http_client)
    worker.start()
    worker.join()
    [spare] = client_module._spare_clients
    client = client_module.shared_http_client()
    assert client is spare and client_module._spare_clients == []
    assert client_module.shared_http_client() is client  # one per loop from then on
    client_module.prepare_shared_http_client()  # the loop has its client: nothing more is built
    assert client_module._spare_clients == []
    await client_module.close_shared_http_client()
    assert client.is_closed
