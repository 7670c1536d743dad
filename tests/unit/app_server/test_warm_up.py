"""The background warm-up holds back while the server has work: requests in flight or a running turn."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app_server.connection import Connection
from app_server.dispatcher import Dispatcher
from app_server.protocol import registry
from app_server.startup_policy import FIRST_METHODS, warm_up, warm_up_rest
from app_server.state import ServerOptions, ServerState


def test_the_rest_of_the_warm_up_asks_before_every_model() -> None:
    warm_up()
    calls: list[int] = []
    warm_up_rest(lambda: calls.append(1))
    models = len(FIRST_METHODS) + len(registry.CLIENT_REQUESTS) + len(registry.SERVER_REQUESTS)
    assert len(calls) == models + 1  # and once before the turn path (httpx, the shared client)


async def test_busy_while_a_request_is_handled(tmp_path: Path) -> None:
    dispatcher = Dispatcher(ServerState(ServerOptions(codex_home=tmp_path)))
    sent: list[dict[str, Any]] = []
    connection = Connection(label="test")
    connection.send = sent.append  # type: ignore[method-assign]
    dispatcher.open(connection)
    held: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    dispatcher.startup.ready = held  # requests wait for the warm-up's first part: hold them there
    assert not dispatcher.busy()
    dispatcher.on_message(
        connection, b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"t","version":"1"}}}'
    )
    while not dispatcher.busy():
        await asyncio.sleep(0)
    held.set_result(None)
    await asyncio.wait_for(dispatcher.drain(connection), 10)
    assert [m.get("id") for m in sent] == [1]
    assert not dispatcher.busy()
    await dispatcher.close(connection)


def test_busy_while_a_turn_runs(tmp_path: Path) -> None:
    state = ServerState(ServerOptions(codex_home=tmp_path))
    dispatcher = Dispatcher(state)
    assert not state.any_turn_running()
    session = SimpleNamespace(running=False)
    state._threads = SimpleNamespace(threads={"t": session})  # type: ignore[assignment]
    assert not dispatcher.busy()
    session.running = True
    assert state.any_turn_running()
    assert dispatcher.busy()


def test_protocol_models_keep_real_annotations() -> None:
    """Postponed annotations make pydantic compile and evaluate every field's annotation string
    when a class is built; the protocol's ~550 classes took 3x longer to build that way."""
    protocol = Path(__file__).parents[3] / "app_server" / "protocol"
    with_models = [
        p for p in protocol.glob("*.py") if re.search(r"^class \w+\(\w*Model\):", p.read_text(), re.M)
    ]
    assert len(with_models) > 10
    postponed = [p.name for p in with_models if "from __future__ import annotations" in p.read_text()]
    assert postponed == []


def test_the_warm_up_waits_for_a_quiet_spell_after_a_request(tmp_path: Path, monkeypatch: Any) -> None:
    import time

    import app_server.startup_policy as policy_module

    monkeypatch.setattr(policy_module, "QUIET_AFTER_SECONDS", 0.2)
    monkeypatch.setattr(policy_module, "QUIET_POLL_SECONDS", 0.01)
    dispatcher = Dispatcher(ServerState(ServerOptions(codex_home=tmp_path)))
    started = time.monotonic()
    dispatcher.startup.wait_quiet()  # nothing happened yet: no wait
    assert time.monotonic() - started < 0.2
    dispatcher.startup.last_active = started = time.monotonic()  # a request just finished
    dispatcher.startup.wait_quiet()
    assert time.monotonic() - started >= 0.2


def test_the_heap_is_frozen_once_the_first_thread_exists(tmp_path: Path) -> None:
    """Everything the first thread brought in (agent, config, models) is long-lived: frozen out of
    later collections, which otherwise stalled a first turn's stream for 30-40 ms."""
    import gc

    state = ServerState(ServerOptions(codex_home=tmp_path))
    dispatcher = Dispatcher(state)
    gc.unfreeze()
    try:
        dispatcher._in_flight = 1
        dispatcher._request_done()  # no thread yet: nothing frozen
        assert gc.get_freeze_count() == 0
        state._threads = SimpleNamespace(threads={"t": SimpleNamespace(running=False)})  # type: ignore[assignment]
        dispatcher._in_flight = 1
        dispatcher._request_done()
        frozen = gc.get_freeze_count()
        assert frozen > 0
        dispatcher._in_flight = 1
        dispatcher._request_done()  # once only
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
