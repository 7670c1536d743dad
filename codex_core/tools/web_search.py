"""The hosted `web_search` tool: the model provider runs the search, the turn only reports it.

Offered as the reference offers it: `web_search = "cached"` (the default) lets the model search
an index (`external_web_access: false`), `"live"` the web, `"disabled"` not at all. The deprecated
`[features] web_search_request` / `web_search_cached` and `[tools] web_search` still pick a mode
when `web_search` is unset.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.tools.base import ToolCall, ToolContext


def web_search_mode(typed: Any) -> str:
    mode = getattr(typed, "web_search", None)
    if isinstance(mode, str):
        return mode
    from codex_core.features import is_enabled

    features = getattr(typed, "features", None) or {}
    tools = getattr(typed, "tools", None)
    if is_enabled("web_search_request", features) or getattr(tools, "web_search", None) is True:
        return "live"
    if getattr(tools, "web_search", None) is False:
        return "disabled"
    return "cached"


def spec(context: ToolContext) -> dict[str, Any] | None:
    mode = web_search_mode(context.settings.config.typed)
    if mode == "disabled":
        return None
    return {"type": "web_search", "external_web_access": mode == "live"}


async def handle(call: ToolCall, context: ToolContext) -> dict[str, Any]:
    # Searches come back as web_search_call items the turn reports; none is ever a call to run.
    return call.output("web_search runs on the model provider's side")
