"""mcpServerStatus/list and config/mcpServer/reload."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.mcp import ListMcpServerStatusParams, McpServerOauthLoginParams
    from app_server.protocol.results import (
        ListMcpServerStatusResponse,
        McpServerOauthLoginResponse,
        McpServerRefreshResponse,
    )
    from codex_core.mcp.manager import McpManager
    from codex_core.mcp.oauth import PendingLogin


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
        "authStatus": await asyncio.to_thread(manager.auth_status, name),
    }


@handler("mcpServerStatus/list")
async def mcp_server_status_list(
    ctx: RequestContext, params: ListMcpServerStatusParams
) -> ListMcpServerStatusResponse:
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
            params.cursor,
            params.limit,
            noun="servers",
        )
    except InvalidCursorError as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    data = await asyncio.gather(*(_server_status(manager, entry["name"]) for entry in page))
    return {"data": list(data), "nextCursor": next_cursor}


@handler("config/mcpServer/reload")
async def config_mcp_server_reload(ctx: RequestContext, params: None) -> McpServerRefreshResponse:
    """Re-read `mcp_servers`; loaded threads use the new servers from their next model request."""
    from codex_core.mcp.manager import reload_managers

    await reload_managers(ctx.state.load_config())
    return {}


@dataclass
class _OAuthLogins:
    """A server's background MCP OAuth logins (`ServerState.store`): the newest login of an MCP
    server replaces (cancels) an older one still waiting for its callback, and the tasks are held
    so they are not garbage-collected mid-flight."""

    pending: dict[str, PendingLogin] = field(default_factory=dict)
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


@handler("mcpServer/oauth/login")
async def mcp_server_oauth_login(
    ctx: RequestContext, params: McpServerOauthLoginParams
) -> McpServerOauthLoginResponse:
    """Start the OAuth browser flow of a streamable-HTTP server: answer with the authorization URL,
    then broadcast `mcpServer/oauthLogin/completed` once the callback arrives (or the login fails)."""
    import os

    from codex_core.mcp.oauth import CredentialStore, OAuthError, begin_login, resolve_headers

    name = params.name
    if not name:
        raise JsonRpcError.invalid_request("name is required")
    scopes = params.scopes
    timeout = params.timeout_secs
    loaded = ctx.state.load_config()
    server = loaded.typed.mcp_servers.get(name)
    if server is None:
        raise JsonRpcError.invalid_request(f"No MCP server named '{name}' found.")
    if server.transport == "stdio" or server.url is None:
        raise JsonRpcError.invalid_request("OAuth login is only supported for streamable HTTP servers.")
    env = ctx.state.options.env if ctx.state.options.env is not None else os.environ
    store = CredentialStore(loaded.codex_home, loaded.typed.mcp_oauth_credentials_store)
    try:
        pending = await begin_login(
            store,
            name,
            server.url,
            scopes=[str(s) for s in scopes] if isinstance(scopes, list) and scopes else None,
            headers=resolve_headers(server, env),
            timeout=float(timeout) if isinstance(timeout, int | float) and timeout > 0 else None,
        )
    except OAuthError as exc:
        raise JsonRpcError.internal(f"failed to start OAuth login for '{name}': {exc}") from None
    held = ctx.state.store("mcp_oauth_logins", _OAuthLogins)
    logins = held.pending
    previous = logins.get(name)
    if previous is not None:
        previous.cancel()
    logins[name] = pending
    state = ctx.state

    async def finish() -> None:
        payload: dict[str, Any] = {"name": name, "success": True}
        try:
            await pending.wait()
        except asyncio.CancelledError:
            payload = {"name": name, "success": False, "error": "login cancelled"}
        except OAuthError as exc:
            payload = {"name": name, "success": False, "error": str(exc)}
        except Exception as exc:
            payload = {"name": name, "success": False, "error": str(exc) or type(exc).__name__}
        finally:
            if logins.get(name) is pending:
                del logins[name]
        state.broadcast("mcpServer/oauthLogin/completed", payload)

    def launch() -> None:
        task = asyncio.create_task(finish(), name=f"mcp oauth login {name}")
        held.tasks.add(task)
        task.add_done_callback(held.tasks.discard)

    ctx.after.append(launch)  # the completion must follow the response
    return {"authorizationUrl": pending.authorization_url}
