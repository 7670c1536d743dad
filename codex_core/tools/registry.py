"""The one place that names the concrete tools every thread gets, and the order they are offered in."""

from __future__ import annotations

from codex_core.tools.base import Tool, ToolRouter


def default_router() -> ToolRouter:
    """The tools every thread gets, in the reference's order."""
    router = ToolRouter()
    from codex_core.tools import register_exec_tools

    register_exec_tools(router)
    from codex_core.tools.patch_tools import register_patch_tools

    register_patch_tools(router)
    from codex_core.mcp.tools import register_mcp_tools

    register_mcp_tools(router)
    from codex_core.tools import web_search

    router.register(Tool("web_search", web_search.spec, web_search.handle))
    # Requests list the tools in the reference's order (models see them as its models do).
    rank = {name: n for n, name in enumerate(TOOL_ORDER)}
    router.tools = dict(sorted(router.tools.items(), key=lambda entry: rank.get(entry[0], len(rank))))
    return router


TOOL_ORDER = (
    "exec_command",
    "write_stdin",
    "shell",
    "shell_command",
    "list_mcp_resources",
    "list_mcp_resource_templates",
    "read_mcp_resource",
    "update_plan",
    "request_user_input",
    "search_tool_bm25",
    "apply_patch",
    "web_search",
    "view_image",
)
