"""mcpServerStatus/list and config/mcpServer/reload."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from codex_core.mcp.manager import McpManager


async def _server_status(manager: McpManager, name: str) -> dict[str, Any]:
    from codex_core.mcp.manager import McpCallError, tool_allowed

    connection = manager.connections.get(name)
    tools: dict[str, Any] = {}
    resources: list[dict[str, Any]] = []
    templates: list[dict[str, Any]] = []
    if connection is not None and connection.state == "ready":
        for wire in connection.tools:
            tool = str(wire.get("name", ""))
            if tool_allowed(connection.config, tool):
                tools[tool] = wire
        try:
            resources = await manager.list_all(name, "list_resources", "resources")
        except McpCallError:
            resources = []
        try:
            templates = await manager.list_all(name, "list_resource_templates", "resource_templates")
        except McpCallError:
            templates = []
    return {
        "name": name,
        "tools": tools,
        "resources": resources,
        "resourceTemplates": templates,
        "authStatus": manager.auth_status(name),
    }


@handler("mcpServerStatus/list")
async def mcp_server_status_list(ctx: RequestContext, params: Any) -> dict[str, Any]:
    """Every configured server (starting them if needed) with its tools, resources and auth status."""
    from codex_core.mcp.manager import manager_for_config
    from codex_core.models_catalog import InvalidCursorError, paginate

    loaded = ctx.state.load_config()
    manager = manager_for_config(loaded, ctx.state.options.env)
    await manager.wait_ready()
    names = sorted(manager.servers)
    try:
        page, next_cursor = paginate(
            [{"name": name} for name in names],
            getattr(params, "cursor", None),
            getattr(params, "limit", None),
            noun="servers",
        )
    except InvalidCursorError as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    data = await asyncio.gather(*(_server_status(manager, entry["name"]) for entry in page))
    return {"data": list(data), "nextCursor": next_cursor}


@handler("config/mcpServer/reload")
async def mcp_server_reload(ctx: RequestContext, params: Any) -> dict[str, Any]:
    """Re-read `mcp_servers`; loaded threads use the new servers from their next model request."""
    from codex_core.mcp.manager import reload_managers

    await reload_managers(ctx.state.load_config())
    return {}
