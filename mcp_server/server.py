"""`codex mcp-server`: Codex as an MCP server over stdio, on the official MCP SDK's low-level server.

Stdout carries protocol messages only (the SDK's stdio transport points fd 1 at stderr while it
serves); logs go to stderr. End of stdin ends the server with status 0, once every request read
before it has been answered (mcp_server.eof).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

log = logging.getLogger("codex.mcp_server")

SERVER_NAME = "codex-mcp-server"
SERVER_TITLE = "Codex"


@dataclass
class McpServerArgs:
    cli_overrides: list[str] = field(default_factory=list)
    codex_home: Path | None = None
    env: dict[str, str] | None = None


def _outbound(ctx: Any) -> Any:
    """The request-scoped channel of a call (raw requests and notifications, unvalidated).

    The reference's approval replies (`{"decision": ...}`) are not valid ElicitResults, and
    `codex/event` is not a spec notification, so both go through the SDK's raw channel.
    """
    channel = getattr(ctx.session, "_request_outbound", None)
    if channel is None:  # pragma: no cover - guards against SDK internals moving
        raise RuntimeError("the MCP SDK session exposes no request channel")
    return channel


def build_server(runner: Any) -> Any:
    import mcp_types as types
    from mcp.server.lowlevel.server import NotificationOptions, Server

    from codex_core.version import CLI_VERSION
    from mcp_server.runner import ActiveCall
    from mcp_server.tools import CODEX_REPLY_TOOL, CODEX_TOOL, tool_definitions

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[types.Tool.model_validate(spec) for spec in tool_definitions()])

    async def call_tool(
        ctx: Any, params: types.CallToolRequestParams
    ) -> types.CallToolResult | dict[str, Any]:
        channel = _outbound(ctx)
        request_id = ctx.request_id if ctx.request_id is not None else ""

        async def send_request(method: str, body: dict[str, Any]) -> dict[str, Any]:
            result = await channel.send_raw_request(method, body)
            return dict(result)

        async def notify(method: str, body: dict[str, Any]) -> None:
            await channel.notify(method, body)

        call = ActiveCall(request_id=request_id, send_request=send_request, notify=notify)
        try:
            if params.name == CODEX_TOOL:
                outcome = await runner.run_codex(params.arguments, call)
            elif params.name == CODEX_REPLY_TOOL:
                outcome = await runner.run_reply(params.arguments, call)
            else:
                return types.CallToolResult(
                    content=[types.TextContent(text=f"Unknown tool '{params.name}'")], is_error=True
                )
        except Exception as exc:  # a tool failure is the call's error result, never a dead server
            log.exception("tool %s failed", params.name)
            return types.CallToolResult(
                content=[types.TextContent(text=f"Codex error: {exc}")], is_error=True
            )
        result = types.CallToolResult(
            content=[types.TextContent(text=outcome.text)],
            structured_content=outcome.structured(),
            is_error=outcome.is_error,
        )
        wire = result.model_dump(by_alias=True, mode="json", exclude_none=True)
        if not outcome.is_error:
            wire.pop("isError", None)  # the reference leaves it out of a successful call's result
        return wire

    server: Any = Server(
        SERVER_NAME,
        version=CLI_VERSION,
        title=SERVER_TITLE,
        on_list_tools=list_tools,
        # A dict result goes out as it is (the SDK only dumps models): that is how a successful
        # call's result leaves out `isError`, as the reference's does.
        on_call_tool=cast(Any, call_tool),
    )
    server.middleware.append(_InitializeShape(runner))
    server.middleware.append(_unknown_method_shape)
    options = server.create_initialization_options(NotificationOptions(tools_changed=True))
    return server, options


async def _unknown_method_shape(ctx: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
    """A method this server does not serve gets the reference's error: -32601
    `method not found: <method>` with `{"method": ...}` as data (the SDK says `Method not found`)."""
    from mcp.shared.exceptions import MCPError
    from mcp_types import METHOD_NOT_FOUND

    try:
        return await call_next(ctx)
    except MCPError as exc:
        if exc.code != METHOD_NOT_FOUND:
            raise
        raise MCPError(METHOD_NOT_FOUND, f"method not found: {ctx.method}", {"method": ctx.method}) from None


class _InitializeShape:
    """Makes the `initialize` result the reference's: requested protocol version echoed,
    tools-only capabilities, and `serverInfo.user_agent` naming the client."""

    def __init__(self, runner: Any) -> None:
        self.runner = runner

    async def __call__(self, ctx: Any, call_next: Callable[[Any], Awaitable[Any]]) -> Any:
        result = await call_next(ctx)
        if ctx.method != "initialize" or not isinstance(result, dict):
            return result
        params = ctx.params if isinstance(ctx.params, dict) else {}
        raw_client = params.get("clientInfo")
        client: dict[str, Any] = raw_client if isinstance(raw_client, dict) else {}
        name = client.get("name") if isinstance(client.get("name"), str) else None
        version = client.get("version") if isinstance(client.get("version"), str) else None
        shaped = dict(result)
        requested = params.get("protocolVersion")
        if isinstance(requested, str) and requested:
            shaped["protocolVersion"] = requested
        shaped["capabilities"] = {"tools": {"listChanged": True}}
        info = dict(shaped.get("serverInfo") or {})
        info.update({"name": SERVER_NAME, "title": SERVER_TITLE})
        info["user_agent"] = self.runner.record_client(name, version)
        shaped["serverInfo"] = info
        return shaped


async def serve(args: McpServerArgs) -> int:
    from mcp.server.stdio import stdio_server

    from codex_core.config.home import find_codex_home
    from mcp_server.eof import answer_before_eof
    from mcp_server.runner import CodexRunner, RunnerOptions

    codex_home = args.codex_home or find_codex_home(args.env)
    runner = CodexRunner(RunnerOptions(codex_home=codex_home, cli_overrides=args.cli_overrides, env=args.env))
    server, options = build_server(runner)
    try:
        async with (
            stdio_server() as (stdin_stream, stdout_stream),
            answer_before_eof(stdin_stream, stdout_stream) as (read_stream, write_stream),
        ):
            await server.run(read_stream, write_stream, options)
    finally:
        await runner.shutdown()
    return 0


def run(args: McpServerArgs) -> int:
    """Serve until stdin closes; the process's exit status."""
    from login.provider import install as install_login

    install_login()  # the core reaches the AuthManager through this
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return asyncio.run(serve(args))
    except KeyboardInterrupt:
        return 0
