"""The narrow tool interface: base.py stands without the agent, tools use only the ToolContext."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from codex_core.tools.base import ToolContext

ROOT = Path(__file__).resolve().parents[3]
T = TypeVar("T")


def _imported_modules(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return names


def test_base_imports_nothing_from_the_agent() -> None:
    # Counted everywhere in the file, TYPE_CHECKING blocks and function bodies included.
    imported = _imported_modules(ROOT / "codex_core/tools/base.py")
    assert not [name for name in imported if name.startswith("codex_core.agent")]


def test_tools_do_not_reach_for_the_session() -> None:
    files = [*sorted((ROOT / "codex_core/tools").rglob("*.py")), ROOT / "codex_core/mcp/tools.py"]
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if re.search(r"context\.(session|turn)\b", path.read_text())
    ]
    assert offenders == []


class _Thread:
    """A stand-in for the agent's Session, with only what ToolThread asks for."""

    def __init__(self) -> None:
        self.thread_id = "thread-1"
        self.settings: Any = None
        self.env: dict[str, str] | None = {"A": "1"}
        self.approver: Any = object()
        self.events: list[tuple[str, Any]] = []
        self.recorded: list[dict[str, Any]] = []
        self.stores: dict[str, Any] = {}

    def emit(self, turn_id: str, msg: Any) -> None:
        self.events.append((turn_id, msg))

    def record(self, items: list[dict[str, Any]]) -> None:
        self.recorded.extend(items)

    def store(self, name: str, factory: Callable[[], T]) -> T:
        if self.stores.get(name) is None:
            self.stores[name] = factory()
        value: T = self.stores[name]
        return value


def test_context_routes_to_its_thread_and_turn() -> None:
    thread = _Thread()
    turn_store: dict[str, Any] = {}
    context = ToolContext(thread, "turn-7", thread.settings, turn_store, lambda: None)  # type: ignore[arg-type,return-value]
    context.emit({"type": "plan_update", "explanation": None, "plan": []})
    assert thread.events == [("turn-7", {"type": "plan_update", "explanation": None, "plan": []})]
    context.record([{"type": "message"}])
    assert thread.recorded == [{"type": "message"}]
    assert context.thread_store("exec", list) is context.thread_store("exec", list)
    assert "exec" in thread.stores
    assert context.turn_local("diff") is None and "diff" not in turn_store
    created: dict[str, Any] | None = context.turn_local("diff", dict)
    assert turn_store["diff"] is created
    assert (context.thread_id, context.env, context.approver) == ("thread-1", {"A": "1"}, thread.approver)
