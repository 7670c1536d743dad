"""The SDK phase of `codex mcp-server`: the official MCP SDK's low-level server, once loaded.

`mcp_server.server` starts the process and answers the handshake before this module is
imported (mcp_server.light); the lines it read are replayed here first, in order.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

from mcp_server.light import REPLAY_ID
from mcp_server.tool_specs import SERVER_NAME, SERVER_TITLE

if TYPE_CHECKING:
    from mcp_server.server import McpServerArgs, Stdio

log = logging.getLogger("codex.mcp_server")


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


async def serve(args: McpServerArgs, stdio: Stdio, replay: list[str], eof: bool) -> int:
    """The SDK phase: the server runs on the rest of stdin, after the lines in `replay`."""
    from codex_core.config.home import find_codex_home
    from mcp_server.eof import answer_before_eof
    from mcp_server.runner import CodexRunner, RunnerOptions

    codex_home = args.codex_home or find_codex_home(args.env)
    runner = CodexRunner(RunnerOptions(codex_home=codex_home, cli_overrides=args.cli_overrides, env=args.env))
    server, options = build_server(runner)
    try:
        async with (
            _transport(stdio, replay, eof) as (stdin_stream, stdout_stream),
            answer_before_eof(stdin_stream, stdout_stream) as (read_stream, write_stream),
        ):
            await server.run(read_stream, write_stream, options)
    finally:
        await runner.shutdown()
    return 0


@asynccontextmanager
async def _transport(stdio: Stdio, replay: list[str], eof: bool) -> AsyncIterator[tuple[Any, Any]]:
    """The SDK's stdio transport over `stdio`, the `replay` lines first: the same parsing and
    dumping, and the answer to a replayed `initialize` (REPLAY_ID) dropped."""
    import anyio
    import anyio.lowlevel
    import mcp_types as types
    from mcp.shared._context_streams import create_context_streams
    from mcp.shared.message import SessionMessage

    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()
    for line in replay:
        lines.put_nowait(line)
    if eof:
        lines.put_nowait(None)
    else:
        threading.Thread(target=_read_lines, args=(stdio, loop, lines), name="mcp-stdin", daemon=True).start()

    read_stream_writer, read_stream = create_context_streams[SessionMessage | Exception](0)
    write_stream, write_stream_reader = create_context_streams[SessionMessage](0)

    async def stdin_reader() -> None:
        try:
            async with read_stream_writer:
                while (line := await lines.get()) is not None:
                    try:
                        message = types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                    except Exception as exc:
                        await read_stream_writer.send(exc)
                        continue
                    await read_stream_writer.send(SessionMessage(message))
        except anyio.ClosedResourceError:  # pragma: no cover
            await anyio.lowlevel.checkpoint()

    async def stdout_writer() -> None:
        try:
            async with write_stream_reader:
                async for session_message in write_stream_reader:
                    message = session_message.message
                    if (
                        isinstance(message, types.JSONRPCResponse | types.JSONRPCError)
                        and message.id == REPLAY_ID
                    ):
                        continue  # answered already, by the light layer
                    text = message.model_dump_json(by_alias=True, exclude_unset=True)
                    await anyio.to_thread.run_sync(stdio.write, (text + "\n").encode())
        except anyio.ClosedResourceError:  # pragma: no cover
            await anyio.lowlevel.checkpoint()

    async with anyio.create_task_group() as group:
        group.start_soon(stdin_reader)
        group.start_soon(stdout_writer)
        yield read_stream, write_stream


def _read_lines(stdio: Stdio, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]) -> None:
    """The stdin thread of the SDK phase: lines to the loop, then None at end of input."""
    try:
        while True:
            try:
                chunk = os.read(stdio.in_fd, 65536)
            except OSError:
                chunk = b""
            batch: list[str | None] = list(stdio.decoder.feed(chunk) if chunk else stdio.decoder.finish())
            if not chunk:
                batch.append(None)
            for line in batch:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            if not chunk:
                return
    except RuntimeError:  # the loop is closed: the server has stopped
        return
