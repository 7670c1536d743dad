"""MCP tools in the tool router: `mcp__<server>__<tool>` functions and the three resource tools.

`register_mcp_tools(router)` (called by `default_router()`) registers `list_mcp_resources`,
`list_mcp_resource_templates` and `read_mcp_resource`, and extends that router instance so its
`specs` also offer the tools of the session's MCP servers and its `handle` routes calls to them.
The MCP tool set is only known once the servers answer, so it cannot be registered up front.

Which servers: `session_manager(session)` is the process-wide manager for the session's
`mcp_servers` table (see `manager.manager_for_config`); the first turn that asks starts it.
Each call emits `mcp_tool_call_begin` / `mcp_tool_call_end` (and `mcp_tool_call_progress`);
images in a result reach the model as `input_image` content of the function output.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING, Any

from codex_core.mcp.names import DELIMITER, PREFIX
from codex_core.mcp.tool_search import SELECTED_KEY, TOOL_NAME, apps_enabled
from codex_core.mcp.tool_search import SPEC as SEARCH_SPEC

if TYPE_CHECKING:
    from codex_core.events import McpInvocation, McpStartupStatus
    from codex_core.mcp.manager import McpManager
    from codex_core.tools.base import ToolCall, ToolContext, ToolRouter, ToolThread

RESOURCE_TOOLS = ("list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource")


def thread_servers(session: ToolThread) -> dict[str, Any]:
    """The thread's `mcp_servers` table: the configured servers, and with the `apps` feature on the
    `codex_apps` server of the backend (signed in with the ChatGPT login, when there is one)."""
    from codex_core.mcp.manager import servers_table
    from codex_core.mcp.tool_search import apps_enabled

    config = session.settings.config
    table = dict(servers_table(config))
    if apps_enabled(config):
        from codex_core.apps import APPS_MCP_SERVER_NAME

        table.setdefault(APPS_MCP_SERVER_NAME, _apps_server_table(session))
    return table


def _apps_server_table(session: ToolThread) -> dict[str, Any]:
    from codex_core.apps import apps_mcp_server
    from codex_core.backend_client import DEFAULT_CHATGPT_BASE_URL, BackendAuth
    from codex_core.login_hooks import login_provider

    config = session.settings.config
    env = session.env if session.env is not None else {}
    provider = login_provider()
    login = provider.current(config.codex_home, session.env) if provider is not None else None
    token = (getattr(login, "bearer_token", None) or "") if getattr(login, "is_chatgpt", False) else ""
    auth = BackendAuth(token, getattr(login, "account_id", None) if token else None)
    base_url = config.typed.chatgpt_base_url or DEFAULT_CHATGPT_BASE_URL
    return apps_mcp_server(base_url, auth, env).model_dump(exclude_none=True)


def session_manager(session: ToolThread) -> McpManager:
    """The MCP manager serving `session` (started on first use)."""
    from codex_core.mcp.manager import manager_for_servers

    config = session.settings.config
    manager = manager_for_servers(
        thread_servers(session),
        codex_home=config.codex_home,
        env=session.env,
        oauth_store_mode=config.typed.mcp_oauth_credentials_store,
    )
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop (a synchronous caller): report what is known, start nothing
        return manager
    manager.start()
    # The managers this thread was already told about (start-up is reported once per manager).
    reported: set[int] = session.store("mcp_startup_reported", set)
    if id(manager) not in reported and manager.connections:
        reported.add(id(manager))
        task = loop.create_task(_report_startup(session, manager))
        tasks: set[asyncio.Task[None]] = session.store("mcp_startup_tasks", set)
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    return manager


def start_servers_for(session: ToolThread) -> None:
    """Start the thread's MCP servers as the thread starts (the reference reports them starting
    and ready right after `thread/started`, before any turn); nothing to do without servers."""
    if thread_servers(session):
        session_manager(session)


async def _report_startup(session: ToolThread, manager: McpManager) -> None:
    """mcp_startup_update per server, then mcp_startup_complete, as the servers settle."""
    for name in manager.connections:
        session.emit("", {"type": "mcp_startup_update", "server": name, "status": {"state": "starting"}})
    await manager.wait_ready()
    for name, connection in manager.connections.items():
        status: McpStartupStatus = {"state": connection.state}
        if connection.state == "failed":
            status["error"] = connection.error or "failed"
            session.emit("", {"type": "warning", "message": status["error"]})
        session.emit("", {"type": "mcp_startup_update", "server": name, "status": status})
    session.emit("", {"type": "mcp_startup_complete", **manager.startup_summary()})


def tool_spec(qualified: str, wire: dict[str, Any]) -> dict[str, Any]:
    """An MCP tool as a Responses API function tool."""
    schema = wire.get("inputSchema")
    parameters: dict[str, Any] = dict(schema) if isinstance(schema, dict) else {}
    parameters.setdefault("type", "object")
    if parameters.get("type") == "object":
        parameters.setdefault("properties", {})
    description = wire.get("description") or wire.get("title") or ""
    return {
        "type": "function",
        "name": qualified,
        "description": str(description),
        "strict": False,
        "parameters": parameters,
    }


def register_mcp_tools(router: ToolRouter) -> None:
    from codex_core.tools.base import Tool

    # Reading resources changes nothing: these may run beside other calls.
    router.register(
        Tool("list_mcp_resources", _list_spec("list_mcp_resources"), _handle_list_resources, parallel=True)
    )
    router.register(
        Tool(
            "list_mcp_resource_templates",
            _list_spec("list_mcp_resource_templates"),
            _handle_list_templates,
            parallel=True,
        )
    )
    router.register(Tool("read_mcp_resource", _read_spec, _handle_read_resource, parallel=True))
    router.register(Tool(TOOL_NAME, _search_spec, _handle_search))

    static_specs = router.specs
    static_handle = router.handle

    def specs(context: ToolContext) -> list[dict[str, Any]]:
        offered = static_specs(context)
        taken = {spec.get("name") for spec in offered}
        manager = session_manager(context.thread)
        # Sorted by name, as the reference lists them; with apps on only what a search selected.
        tools = sorted(manager.tools(), key=lambda tool: tool.qualified)
        if apps_enabled(context.settings.config):
            chosen: set[str] = set(context.turn_local(SELECTED_KEY) or ())
            tools = [tool for tool in tools if tool.qualified in chosen]
        for tool in tools:
            if tool.qualified not in taken:
                offered.append(tool_spec(tool.qualified, tool.wire))
        return offered

    async def handle(call: ToolCall, context: ToolContext) -> dict[str, Any]:
        if call.name not in router.tools and call.name.startswith(PREFIX + DELIMITER):
            return await handle_mcp_call(call, context)
        return await static_handle(call, context)

    # Instance attributes shadow the class's methods for this router only.
    setattr(router, "specs", specs)  # noqa: B010
    setattr(router, "handle", handle)  # noqa: B010


# ---- the tool search (apps) --------------------------------------------------------------------


def _search_spec(context: ToolContext) -> dict[str, Any] | None:
    return dict(SEARCH_SPEC) if apps_enabled(context.settings.config) else None


async def _handle_search(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    from codex_core.mcp.tool_search import parse_arguments, search_output

    try:
        query, limit = parse_arguments(call.arguments)
    except ValueError as exc:
        return call.output(str(exc))
    manager = session_manager(context.thread)
    await manager.wait_ready()
    selected: list[str] | None = context.turn_local(SELECTED_KEY, list)
    assert selected is not None  # created by the factory
    return call.output(search_output(query, limit, manager.tools(), selected))


# ---- calling MCP tools -------------------------------------------------------------------------


async def handle_mcp_call(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    from codex_core.mcp.manager import McpCallError, elapsed

    manager = session_manager(context.thread)
    await manager.wait_ready()
    tool = manager.find_tool(call.name)
    if tool is None:
        return call.output(f"unsupported call: {call.name}")
    try:
        arguments: Any = json.loads(call.arguments) if call.arguments.strip() else None
    except ValueError as exc:
        return call.output(f"failed to parse function arguments: {exc}")
    if arguments is not None and not isinstance(arguments, dict):
        return call.output("failed to parse function arguments: expected a JSON object")
    invocation: McpInvocation = {"server": tool.server, "tool": tool.name, "arguments": arguments}
    context.emit({"type": "mcp_tool_call_begin", "call_id": call.call_id, "invocation": invocation})
    started = time.monotonic_ns()

    def progress(message: str) -> None:
        context.emit({"type": "mcp_tool_call_progress", "call_id": call.call_id, "message": message})

    result: dict[str, Any]
    try:
        raw = await manager.call_tool(tool.server, tool.name, arguments, on_progress=progress)
        result = {"Ok": call_tool_result(raw)}
    except McpCallError as exc:
        result = {"Err": f"tool call error: {exc}"}
    context.emit(
        {
            "type": "mcp_tool_call_end",
            "call_id": call.call_id,
            "invocation": invocation,
            "duration": elapsed(started),
            "result": result,
        },
    )
    return function_output(call.call_id, result)


def call_tool_result(raw: dict[str, Any]) -> dict[str, Any]:
    """The CallToolResult fields the core events carry (SDK-specific extras dropped)."""
    result: dict[str, Any] = {"content": list(raw.get("content") or [])}
    if raw.get("structuredContent") is not None:
        result["structuredContent"] = raw["structuredContent"]
    if raw.get("isError") is not None:
        result["isError"] = bool(raw["isError"])
    if raw.get("_meta") is not None:
        result["_meta"] = raw["_meta"]
    return result


def function_output(call_id: str, result: dict[str, Any]) -> dict[str, Any]:
    """The function_call_output answering an MCP call.

    Structured content wins when present (as JSON text); otherwise the content list as JSON,
    or, when it holds images, as input_text / input_image items the model can see.
    """
    if "Err" in result:
        return {"type": "function_call_output", "call_id": call_id, "output": f"err: {result['Err']}"}
    ok: dict[str, Any] = result["Ok"]
    structured = ok.get("structuredContent")
    if structured is not None:
        return {"type": "function_call_output", "call_id": call_id, "output": _json(structured)}
    content: list[Any] = ok.get("content") or []
    if any(isinstance(part, dict) and part.get("type") == "image" for part in content):
        items = [_content_item(part) for part in content]
        return {"type": "function_call_output", "call_id": call_id, "output": items}
    return {"type": "function_call_output", "call_id": call_id, "output": _json(content)}


def _content_item(part: Any) -> dict[str, Any]:
    if isinstance(part, dict) and part.get("type") == "text":
        return {"type": "input_text", "text": str(part.get("text", ""))}
    if isinstance(part, dict) and part.get("type") == "image":
        mime = part.get("mimeType") or "image/png"
        return {"type": "input_image", "image_url": f"data:{mime};base64,{part.get('data', '')}"}
    return {"type": "input_text", "text": _json(part)}


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ---- resource tools ----------------------------------------------------------------------------

_LIST_DESCRIPTIONS = {
    "list_mcp_resources": (
        "Lists resources provided by MCP servers. Resources give context such as files, database "
        "schemas or application data. Prefer resources over web search when possible."
    ),
    "list_mcp_resource_templates": (
        "Lists resource templates provided by MCP servers: parameterized resources whose URIs "
        "you fill in. Prefer resource templates over web search when possible."
    ),
}


def _list_spec(name: str) -> Any:
    def spec(context: ToolContext) -> dict[str, Any]:
        return {
            "type": "function",
            "name": name,
            "description": _LIST_DESCRIPTIONS[name],
            "strict": False,
            "parameters": {
                "type": "object",
                "properties": {
                    "server": {
                        "type": "string",
                        "description": "Optional MCP server name. When omitted, lists from every configured server.",
                    },
                    "cursor": {
                        "type": "string",
                        "description": "Opaque cursor returned by a previous call for the same server.",
                    },
                },
                "additionalProperties": False,
            },
        }

    return spec


def _read_spec(context: ToolContext) -> dict[str, Any]:
    return {
        "type": "function",
        "name": "read_mcp_resource",
        "description": (
            "Read a specific resource from an MCP server given the server name and resource URI."
        ),
        "strict": False,
        "parameters": {
            "type": "object",
            "properties": {
                "server": {
                    "type": "string",
                    "description": "MCP server name exactly as configured; must match the `server` field returned by list_mcp_resources.",
                },
                "uri": {"type": "string", "description": "Resource URI to read."},
            },
            "required": ["server", "uri"],
            "additionalProperties": False,
        },
    }


def _args(call: ToolCall) -> dict[str, Any]:
    text = call.arguments.strip()
    if not text:
        return {}
    parsed = json.loads(text)
    if not isinstance(parsed, dict):
        raise ValueError("expected a JSON object")
    return parsed


def _optional_str(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"`{key}` must be a string")
    return value.strip() or None


async def _resource_call(call: ToolCall, context: ToolContext, action: str) -> dict[str, Any]:
    from codex_core.mcp.manager import McpCallError

    try:
        args = _args(call)
        server = _optional_str(args, "server")
        cursor = _optional_str(args, "cursor")
        uri = _optional_str(args, "uri")
    except ValueError as exc:
        return call.output(f"failed to parse function arguments: {exc}")
    manager = session_manager(context.thread)
    try:
        if action == "read":
            if server is None or uri is None:
                return call.output("failed to parse function arguments: `server` and `uri` are required")
            payload = await manager.read_resource(server, uri)
            payload = {"server": server, "uri": uri, "contents": payload.get("contents", [])}
        elif action == "templates":
            payload = await manager.list_resource_templates(server, cursor)
        else:
            payload = await manager.list_resources(server, cursor)
    except McpCallError as exc:
        return call.output(f"resources/{action} failed: {exc}")
    return call.output(_json(payload))


async def _handle_list_resources(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    return await _resource_call(call, context, "list")


async def _handle_list_templates(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    return await _resource_call(call, context, "templates")


async def _handle_read_resource(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    return await _resource_call(call, context, "read")
