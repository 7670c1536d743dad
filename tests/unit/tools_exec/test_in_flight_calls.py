"""InFlightCalls: which calls may overlap, the order outputs are recorded in, and cancellation."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from codex_core.agent.in_flight import InFlightCalls
from codex_core.tools.base import ToolCall, ToolContext


class ScriptedRouter:
    """Each call's handler waits for its own gate; records when calls start and which run at once."""

    def __init__(self, parallel: set[str]) -> None:
        self.parallel = parallel
        self.gates: dict[str, asyncio.Event] = {}
        self.started: list[str] = []
        self.running: set[str] = set()
        self.overlaps: list[set[str]] = []

    def release(self, call_id: str) -> None:
        self.gates.setdefault(call_id, asyncio.Event()).set()

    def runs_in_parallel(self, name: str, context: ToolContext) -> bool:
        return name in self.parallel

    async def handle(self, call: ToolCall, context: ToolContext) -> dict[str, Any]:
        self.started.append(call.call_id)
        self.running.add(call.call_id)
        self.overlaps.append(set(self.running))
        try:
            await self.gates.setdefault(call.call_id, asyncio.Event()).wait()
        finally:
            self.running.discard(call.call_id)
        return call.output(f"done {call.call_id}")


def call(name: str, call_id: str) -> ToolCall:
    return ToolCall("function_call", name, call_id, "{}", {})


def calls_for(router: ScriptedRouter) -> InFlightCalls:
    return InFlightCalls(cast(Any, router), cast(ToolContext, None))


def test_parallel_calls_overlap_and_outputs_keep_call_order() -> None:
    async def scenario() -> None:
        router = ScriptedRouter(parallel={"exec"})
        calls = calls_for(router)
        await calls.start(call("exec", "a"))
        await calls.start(call("exec", "b"))
        assert router.started == ["a", "b"] and router.running == {"a", "b"}
        recorded: list[dict[str, Any]] = []
        router.release("b")  # the second finishes first
        await asyncio.sleep(0)
        router.release("a")
        await calls.drain(recorded.extend)
        assert [item["call_id"] for item in recorded] == ["a", "b"]

    asyncio.run(scenario())


def test_an_exclusive_call_waits_for_earlier_calls_and_later_ones_wait_for_it() -> None:
    async def scenario() -> None:
        router = ScriptedRouter(parallel={"exec"})
        calls = calls_for(router)
        await calls.start(call("exec", "a"))
        await calls.start(call("patch", "b"))  # runs alone
        await calls.start(call("exec", "c"))
        assert router.started == ["a"]
        router.release("a")
        for _ in range(5):
            await asyncio.sleep(0)
        assert router.started == ["a", "b"]
        router.release("b")
        router.release("c")
        recorded: list[dict[str, Any]] = []
        await calls.drain(recorded.extend)
        assert router.started == ["a", "b", "c"]
        assert [item["call_id"] for item in recorded] == ["a", "b", "c"]
        assert all(len(running) == 1 for running in router.overlaps)

    asyncio.run(scenario())


def test_cancel_stops_running_and_waiting_calls() -> None:
    async def scenario() -> None:
        router = ScriptedRouter(parallel=set())
        calls = calls_for(router)
        await calls.start(call("patch", "a"))
        await calls.start(call("patch", "b"))
        await calls.cancel()
        assert router.started == ["a"] and router.running == set()

    asyncio.run(scenario())


def test_no_calls_is_falsy_and_drains_to_nothing() -> None:
    async def scenario() -> None:
        calls = calls_for(ScriptedRouter(parallel=set()))
        recorded: list[dict[str, Any]] = []
        await calls.drain(recorded.extend)
        assert not calls and recorded == []

    asyncio.run(scenario())
