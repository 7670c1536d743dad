"""Connections to the configured MCP servers, one manager per distinct `mcp_servers` table.

* Every enabled server starts concurrently in its own asyncio task, which owns the SDK's
  transport and `ClientSession` for the connection's whole life (their anyio scopes must be
  entered and left in one task). stdio servers run through the SDK's stdio client, `url`
  servers through its streamable-HTTP client; a `url` server without a configured bearer token
  or Authorization header uses its stored OAuth tokens, if any (see `oauth.py`), which the
  SDK's auth provider refreshes when they expire.
* Start-up (initialize + tools/list) is bounded by `startup_timeout_sec` (default 10 s); a
  server that fails, times out or crashes is reported as `failed` with its error while the
  others keep working. Tool calls are bounded by `tool_timeout_sec` (default 60 s).
* `enabled_tools` / `disabled_tools` filter what the model sees; tools get their qualified
  `mcp__<server>__<tool>` names (see `names.py`).

A process keeps one manager per (CODEX_HOME, servers table): `manager_for_config` finds or
creates it, `reload_managers` drops them so the next use reads the new configuration.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from codex_core.mcp.auth_status import AuthStatus, auth_status
from codex_core.mcp.names import qualified_name

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.config.typed import McpServerToml
    from codex_core.events import Duration, McpStartupFailure, McpStartupSummary

log = logging.getLogger("codex.mcp")

DEFAULT_STARTUP_TIMEOUT_SEC = 10.0
DEFAULT_TOOL_TIMEOUT_SEC = 60.0
CLIENT_NAME = "codex-mcp-client"

State = Literal["starting", "ready", "failed", "cancelled"]


class McpCallError(Exception):
    """A tool call or resource request that produced no result (unknown server, timeout, crash)."""


def startup_timeout(config: McpServerToml) -> float:
    if config.startup_timeout_sec is not None:
        return float(config.startup_timeout_sec)
    if config.startup_timeout_ms is not None:
        return config.startup_timeout_ms / 1000.0
    return DEFAULT_STARTUP_TIMEOUT_SEC


def tool_timeout(config: McpServerToml) -> float:
    return float(config.tool_timeout_sec) if config.tool_timeout_sec is not None else DEFAULT_TOOL_TIMEOUT_SEC


def tool_allowed(config: McpServerToml, tool: str) -> bool:
    if config.enabled_tools is not None and tool not in config.enabled_tools:
        return False
    return not (config.disabled_tools is not None and tool in config.disabled_tools)


def to_wire(model: Any) -> dict[str, Any]:
    """An SDK (pydantic) object as its MCP wire JSON."""
    dumped: dict[str, Any] = model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


@dataclass
class McpTool:
    server: str
    name: str  # the server's own name for it
    qualified: str  # what the model calls it
    wire: dict[str, Any]  # the MCP Tool object (name, description, inputSchema, ...)


@dataclass
class ServerConnection:
    name: str
    config: McpServerToml
    env: Mapping[str, str]
    codex_home: Path | None = None
    oauth_store_mode: str | None = None
    state: State = "starting"
    error: str | None = None
    tools: list[dict[str, Any]] = field(default_factory=list)
    session: Any = None  # mcp.ClientSession once ready
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"mcp server {self.name}")

    async def stop(self) -> None:
        self._stop.set()
        task = self._task
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), timeout=5)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
            except Exception:
                log.debug("mcp server %s stopped with an error", self.name, exc_info=True)
        if self.state == "starting":
            self.state = "cancelled"
        self.ready.set()

    async def _run(self) -> None:
        from codex_core.mcp.sdk import load_sdk

        timeout = startup_timeout(self.config)
        try:
            await load_sdk()  # before the timeout: the server's start-up budget is its own
            async with AsyncExitStack() as stack:
                try:
                    async with asyncio.timeout(timeout):
                        session = await self._connect(stack)
                        await session.initialize()
                        self.tools = await _list_all(session, "list_tools", "tools")
                except TimeoutError:
                    raise McpCallError(
                        f"MCP client for `{self.name}` timed out after {_secs(timeout)} seconds. "
                        f"Add or adjust `startup_timeout_sec` in your config.toml:\n"
                        f"[mcp_servers.{self.name}]\nstartup_timeout_sec = XX"
                    ) from None
                self.session = session
                self.state = "ready"
                self.ready.set()
                await self._stop.wait()
        except asyncio.CancelledError:
            if self.state == "starting":
                self.state = "cancelled"
            raise
        except BaseException as exc:  # the SDK wraps failures in exception groups
            if not self._stop.is_set():
                self.state = "failed"
                if self.error is None:
                    message = _describe(exc)
                    if not message.startswith("MCP client for"):
                        message = f"MCP client for `{self.name}` failed to start: {message}"
                    self.error = message
                log.warning("MCP server %s failed: %s", self.name, self.error)
        finally:
            self.session = None
            if self.state == "ready":
                self.state = "cancelled" if self._stop.is_set() else "failed"
            self.ready.set()

    async def _connect(self, stack: AsyncExitStack) -> Any:
        from mcp import ClientSession
        from mcp.types import Implementation

        from codex_core.version import CLI_VERSION

        config = self.config
        if config.transport == "stdio":
            streams = await stack.enter_async_context(self._stdio())
        else:
            streams = await stack.enter_async_context(await self._http(stack))
        read, write = streams[0], streams[1]
        info = Implementation(name=CLIENT_NAME, version=CLI_VERSION)
        return await stack.enter_async_context(ClientSession(read, write, client_info=info))

    def _stdio(self) -> Any:
        from mcp.client.stdio import StdioServerParameters, stdio_client

        config = self.config
        env = dict(config.env or {})
        for key in config.env_vars or []:
            if key in self.env and key not in env:
                env[key] = self.env[key]
        assert config.command is not None
        params = StdioServerParameters(
            command=config.command,
            args=list(config.args or []),
            env=env or None,
            cwd=config.cwd,
        )
        return stdio_client(params)

    async def _http(self, stack: AsyncExitStack) -> Any:
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        from codex_core.mcp.oauth import resolve_headers

        config = self.config
        assert config.url is not None
        headers = resolve_headers(config, self.env)
        if config.bearer_token_env_var:
            token = self.env.get(config.bearer_token_env_var)
            if not token:
                raise McpCallError(
                    f"Environment variable {config.bearer_token_env_var} for MCP server '{self.name}' is not set"
                )
            headers["Authorization"] = f"Bearer {token}"
        auth = None
        if "authorization" not in {key.lower() for key in headers}:
            auth = await self._oauth(config.url)
        client = create_mcp_http_client(headers=headers, auth=auth)
        await stack.enter_async_context(client)
        return streamable_http_client(config.url, http_client=client)

    async def _oauth(self, url: str) -> Any:
        """The SDK auth provider over this server's stored OAuth tokens (refreshed as needed), if any."""
        from codex_core.mcp.oauth import CredentialStore, StoredCredentials, make_provider

        if self.codex_home is None:
            return None
        mode = self.oauth_store_mode if self.oauth_store_mode in ("auto", "file", "keyring") else None
        store = CredentialStore(self.codex_home, mode)  # type: ignore[arg-type]
        storage = StoredCredentials(store, self.name, url)
        if await storage.get_tokens() is None:
            return None
        return make_provider(storage)


def _secs(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _describe(exc: BaseException) -> str:
    """The innermost useful message of a (possibly grouped) exception."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    message = str(exc) or type(exc).__name__
    return message


async def _list_all(
    session: Any, method: str, attribute: str, cursor: str | None = None
) -> list[dict[str, Any]]:
    """Every page of a paginated list request, as wire dicts."""
    from mcp.types import PaginatedRequestParams

    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    while True:
        params = PaginatedRequestParams(cursor=cursor) if cursor else None
        result = await getattr(session, method)(params=params)
        items.extend(to_wire(entry) for entry in getattr(result, attribute))
        cursor = getattr(result, "next_cursor", None) or getattr(result, "nextCursor", None)
        if not cursor or cursor in seen:
            return items
        seen.add(cursor)


class McpManager:
    def __init__(
        self,
        servers: Mapping[str, McpServerToml],
        *,
        env: Mapping[str, str] | None = None,
        codex_home: Path | None = None,
        oauth_store_mode: str | None = None,
    ) -> None:
        self.servers = dict(servers)
        self.codex_home = codex_home
        self.oauth_store_mode = oauth_store_mode
        environ = dict(os.environ if env is None else env)
        self.env = environ
        self.connections: dict[str, ServerConnection] = {
            name: ServerConnection(name, config, environ, codex_home, oauth_store_mode)
            for name, config in sorted(self.servers.items())
            if config.enabled
        }
        self.started = False

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> None:
        """Start every enabled server (idempotent; needs a running event loop)."""
        if self.started:
            return
        self.started = True
        for connection in self.connections.values():
            connection.start()

    async def wait_ready(self) -> None:
        """Until every server is ready, failed or cancelled (start-up timeouts bound this)."""
        self.start()
        await asyncio.gather(*(c.ready.wait() for c in self.connections.values()))

    async def shutdown(self) -> None:
        await asyncio.gather(*(c.stop() for c in self.connections.values()), return_exceptions=True)

    def startup_summary(self) -> McpStartupSummary:
        """The `mcp_startup_complete` payload."""
        ready = [n for n, c in self.connections.items() if c.state == "ready"]
        failed: list[McpStartupFailure] = [
            {"server": n, "error": c.error or "failed"}
            for n, c in self.connections.items()
            if c.state == "failed"
        ]
        cancelled = [n for n, c in self.connections.items() if c.state == "cancelled"]
        return {"ready": ready, "failed": failed, "cancelled": cancelled}

    # -- tools -----------------------------------------------------------------------------
    def tools(self) -> list[McpTool]:
        """Tools of the ready servers the model may call, with unique qualified names."""
        result: list[McpTool] = []
        used: set[str] = set()
        for name, connection in self.connections.items():
            if connection.state != "ready":
                continue
            for wire in connection.tools:
                tool = str(wire.get("name", ""))
                if not tool_allowed(connection.config, tool):
                    continue
                qualified = qualified_name(name, tool)
                if qualified in used:
                    log.warning("skipping MCP tool %s/%s: its name %s is taken", name, tool, qualified)
                    continue
                used.add(qualified)
                result.append(McpTool(name, tool, qualified, wire))
        return result

    def find_tool(self, qualified: str) -> McpTool | None:
        return next((tool for tool in self.tools() if tool.qualified == qualified), None)

    def _session(self, server: str) -> tuple[ServerConnection, Any]:
        connection = self.connections.get(server)
        if connection is None:
            raise McpCallError(f"unknown MCP server '{server}'")
        if connection.session is None or connection.state != "ready":
            reason = connection.error or connection.state
            raise McpCallError(f"MCP server '{server}' is not available: {reason}")
        return connection, connection.session

    async def call_tool(
        self,
        server: str,
        tool: str,
        arguments: dict[str, Any] | None,
        *,
        timeout: float | None = None,
        on_progress: Any = None,
    ) -> dict[str, Any]:
        """The server's CallToolResult as wire JSON; McpCallError when there is none."""
        await self.wait_ready()
        connection, session = self._session(server)
        limit = tool_timeout(connection.config) if timeout is None else timeout

        async def progress(value: float, total: float | None, message: str | None) -> None:
            if on_progress is not None:
                on_progress(message if message else (f"{value}/{total}" if total else f"{value}"))

        try:
            async with asyncio.timeout(limit):
                result = await session.call_tool(tool, arguments or {}, progress_callback=progress)
        except TimeoutError:
            raise McpCallError(f"request timed out after {_secs(limit)} seconds") from None
        except McpCallError:
            raise
        except Exception as exc:
            if connection.session is None or _is_closed(exc):
                connection.state = "failed"
                connection.error = connection.error or f"connection closed: {_describe(exc)}"
            raise McpCallError(_describe(exc)) from None
        return to_wire(result)

    # -- resources -------------------------------------------------------------------------
    async def list_resources(self, server: str | None, cursor: str | None = None) -> dict[str, Any]:
        return await self._list(server, cursor, "list_resources", "resources")

    async def list_resource_templates(self, server: str | None, cursor: str | None = None) -> dict[str, Any]:
        return await self._list(server, cursor, "list_resource_templates", "resourceTemplates")

    async def _list(self, server: str | None, cursor: str | None, method: str, key: str) -> dict[str, Any]:
        await self.wait_ready()
        attribute = "resources" if key == "resources" else "resource_templates"
        if server is not None:
            _, session = self._session(server)
            params = None
            if cursor:
                from mcp.types import PaginatedRequestParams

                params = PaginatedRequestParams(cursor=cursor)
            try:
                result = await getattr(session, method)(params=params)
            except Exception as exc:
                raise McpCallError(_describe(exc)) from None
            entries = [to_wire(entry) for entry in getattr(result, attribute)]
            next_cursor = getattr(result, "next_cursor", None)
            payload: dict[str, Any] = {"server": server, key: entries}
            if next_cursor:
                payload["nextCursor"] = next_cursor
            return payload
        if cursor:
            raise McpCallError("cursor can only be used when a server is specified")
        merged: list[dict[str, Any]] = []
        for name in self.connections:
            try:
                entries = await self.list_all(name, method, attribute)
            except McpCallError:
                continue
            merged.extend({"server": name, **entry} for entry in entries)
        return {key: merged}

    async def list_all(self, server: str, method: str, attribute: str) -> list[dict[str, Any]]:
        _, session = self._session(server)
        try:
            return await _list_all(session, method, attribute)
        except Exception as exc:
            raise McpCallError(_describe(exc)) from None

    async def read_resource(self, server: str, uri: str) -> dict[str, Any]:
        await self.wait_ready()
        _, session = self._session(server)
        try:
            result = await session.read_resource(uri)
        except Exception as exc:
            raise McpCallError(_describe(exc)) from None
        return {"server": server, "uri": uri, **to_wire(result)}

    def auth_status(self, server: str) -> AuthStatus:
        return auth_status(
            self.servers[server],
            self.codex_home,
            name=server,
            store_mode=self.oauth_store_mode,
            env=self.env,
        )


def _is_closed(exc: BaseException) -> bool:
    text = _describe(exc).lower()
    return "closed" in text or "disconnect" in text or "eof" in text


# -- the per-process registry ------------------------------------------------------------------
_MANAGERS: dict[tuple[str, str], McpManager] = {}
# After config/mcpServer/reload: the freshly read `mcp_servers` table per CODEX_HOME, used in
# place of the table a thread loaded when it started.
_RELOADED: dict[str, dict[str, Any]] = {}


def _servers_key(raw: Mapping[str, Any]) -> str:
    return json.dumps(raw, sort_keys=True, default=str, separators=(",", ":"))


def manager_for_servers(
    raw: Mapping[str, Any],
    *,
    codex_home: Path,
    env: Mapping[str, str] | None = None,
    oauth_store_mode: str | None = None,
) -> McpManager:
    """The process's manager for this `mcp_servers` table (created, not yet started, on first use)."""
    from codex_core.config.typed import McpServerToml

    key = (str(codex_home), _servers_key({"servers": raw, "oauth_store": oauth_store_mode}))
    manager = _MANAGERS.get(key)
    if manager is None:
        servers: dict[str, McpServerToml] = {}
        for name, table in raw.items():
            try:
                servers[str(name)] = McpServerToml.model_validate(table)
            except Exception as exc:  # a bad entry must not hide the good ones
                log.warning("ignoring MCP server %s: %s", name, exc)
        manager = McpManager(servers, env=env, codex_home=codex_home, oauth_store_mode=oauth_store_mode)
        _MANAGERS[key] = manager
    return manager


def servers_table(loaded: LoadedConfig) -> dict[str, Any]:
    reloaded = _RELOADED.get(str(loaded.codex_home))
    if reloaded is not None:
        return reloaded
    raw = loaded.effective.get("mcp_servers")
    return dict(raw) if isinstance(raw, dict) else {}


def manager_for_config(loaded: LoadedConfig, env: Mapping[str, str] | None = None) -> McpManager:
    return manager_for_servers(
        servers_table(loaded),
        codex_home=loaded.codex_home,
        env=env,
        oauth_store_mode=loaded.typed.mcp_oauth_credentials_store,
    )


async def reload_managers(loaded: LoadedConfig) -> None:
    """Forget the managers of this CODEX_HOME; the next use starts servers from `loaded`."""
    home = str(loaded.codex_home)
    raw = loaded.effective.get("mcp_servers")
    _RELOADED[home] = dict(raw) if isinstance(raw, dict) else {}
    stale = [key for key in _MANAGERS if key[0] == home]
    managers = [_MANAGERS.pop(key) for key in stale]
    await asyncio.gather(*(m.shutdown() for m in managers), return_exceptions=True)


async def shutdown_all() -> None:
    managers = list(_MANAGERS.values())
    _MANAGERS.clear()
    await asyncio.gather(*(m.shutdown() for m in managers), return_exceptions=True)


def elapsed(started_ns: int) -> Duration:
    """Time since `started_ns` (time.monotonic_ns) as the `{secs, nanos}` Duration core events carry."""
    total = max(0, time.monotonic_ns() - started_ns)
    return {"secs": total // 1_000_000_000, "nanos": total % 1_000_000_000}
