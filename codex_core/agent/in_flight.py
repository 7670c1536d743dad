"""Tool calls of one model response, run while the response still streams.

The reference starts each call as soon as its item is done instead of waiting for the response
to end: a tool that allows it runs beside the others, any other tool waits for every call before
it (and the calls after it wait for it), so calls still start in the order the model made them.
Their outputs join the history in that order once the response has ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.tools.base import ToolCall, ToolContext, ToolRouter


class InFlightCalls:
    def __init__(self, router: ToolRouter, context: ToolContext) -> None:
        self._router, self._context = router, context
        self._tasks: list[asyncio.Task[dict[str, Any]]] = []
        self._last_exclusive: asyncio.Task[dict[str, Any]] | None = None

    def __bool__(self) -> bool:
        return bool(self._tasks)

    async def start(self, call: ToolCall) -> None:
        """Start `call` now (it waits for the calls it must not overlap with)."""
        parallel = self._router.runs_in_parallel(call.name, self._context)
        if parallel:
            before = [self._last_exclusive] if self._last_exclusive is not None else []
        else:
            before = list(self._tasks)
        task = asyncio.create_task(self._run(call, before), name=f"tool call {call.call_id}")
        self._tasks.append(task)
        if not parallel:
            self._last_exclusive = task
        # Let it begin before the stream's next event, as it would on a thread of its own.
        await asyncio.sleep(0)

    async def _run(self, call: ToolCall, before: list[asyncio.Task[dict[str, Any]]]) -> dict[str, Any]:
        if before:
            await asyncio.wait(before)
        return await self._router.handle(call, self._context)

    async def drain(self, record: Callable[[list[dict[str, Any]]], None]) -> None:
        """Wait for each call in order and record its output as it comes."""
        try:
            for task in self._tasks:
                record([await task])
        except BaseException:
            await self.cancel()
            raise

    async def cancel(self) -> None:
        """Stop every call still running (an interrupted turn) and wait until they have."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
