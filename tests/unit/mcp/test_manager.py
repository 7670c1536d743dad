"""The manager against real SDK servers: stdio, streamable HTTP, failures, timeouts, filters."""

from __future__ import annotations

import pytest
from mcp_servers.fixtures import http_server, stdio_table

from codex_core.config.typed import McpServerToml
from codex_core.mcp.manager import McpCallError, McpManager


def _manager(**tables: dict[str, object]) -> McpManager:
    return McpManager({name: McpServerToml.model_validate(table) for name, table in tables.items()})


async def test_stdio_and_http_servers_with_a_failing_one() -> None:
    with http_server() as url:
        manager = _manager(
            t=stdio_table(disabled_tools=["crash"]),
            h={"url": url, "enabled_tools": ["add", "echo"]},
            bad=stdio_table("crash-on-start"),
        )
        try:
            await manager.wait_ready()
            summary = manager.startup_summary()
            assert summary["ready"] == ["h", "t"]
            assert [entry["server"] for entry in summary["failed"]] == ["bad"]
            names = {tool.qualified for tool in manager.tools()}
            assert {"mcp__t__echo", "mcp__t__image", "mcp__h__add", "mcp__h__echo"} <= names
            assert "mcp__t__crash" not in names and "mcp__h__image" not in names

            echoed = await manager.call_tool("t", "echo", {"text": "hi"})
            assert echoed["content"] == [{"type": "text", "text": "echo: hi"}]
            added = await manager.call_tool("h", "add", {"a": 2, "b": 3})
            assert added["structuredContent"] == {"sum": 5}
            failed = await manager.call_tool("t", "fail", {})
            assert failed["isError"] is True
            messages: list[str] = []
            await manager.call_tool("t", "progress", {}, on_progress=messages.append)
            assert messages == ["halfway there"]
            with pytest.raises(McpCallError, match="timed out"):
                await manager.call_tool("t", "slow", {"seconds": 30}, timeout=0.3)
            with pytest.raises(McpCallError, match="not available"):
                await manager.call_tool("bad", "echo", {"text": "x"})

            listed = await manager.list_resources(None)
            assert {(r["server"], r["uri"]) for r in listed["resources"]} == {
                ("h", "note://hello"),
                ("t", "note://hello"),
            }
            templates = await manager.list_resource_templates("t")
            assert templates["resourceTemplates"][0]["uriTemplate"] == "note://{name}"
            read = await manager.read_resource("t", "note://x")
            assert read["contents"][0]["text"] == "note x"
        finally:
            await manager.shutdown()


async def test_crash_mid_call_is_an_error_and_marks_the_server_failed() -> None:
    manager = _manager(t=stdio_table())
    try:
        await manager.wait_ready()
        with pytest.raises(McpCallError):
            await manager.call_tool("t", "crash", {})
        assert manager.connections["t"].state == "failed"
        with pytest.raises(McpCallError, match="not available"):
            await manager.call_tool("t", "echo", {"text": "x"})
    finally:
        await manager.shutdown()


async def test_startup_timeout_is_reported() -> None:
    manager = _manager(slow={"command": "sleep", "args": ["30"], "startup_timeout_sec": 0.3})
    try:
        await manager.wait_ready()
        failed = manager.startup_summary()["failed"]
        assert failed[0]["server"] == "slow" and "timed out" in failed[0]["error"]
    finally:
        await manager.shutdown()


async def test_env_and_env_vars_reach_stdio_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    manager = McpManager(
        {"t": McpServerToml.model_validate(stdio_table(env={"A": "1"}, env_vars=["PASS_ME"]))},
        env={"PASS_ME": "yes", "NOT_ME": "no"},
    )
    monkeypatch.setenv("NOT_ME", "no")
    try:
        for name, expected in (("A", "1"), ("PASS_ME", "yes"), ("NOT_ME", "<unset>")):
            result = await manager.call_tool("t", "env", {"name": name})
            assert result["content"][0]["text"] == expected
    finally:
        await manager.shutdown()
