"""`codex mcp list/get` read server tables through a pydantic-free view; it must stay the typed
view's twin (same fields, same defaults), or the two commands would show another config."""

from __future__ import annotations

from codex_cli.commands.mcp_show import ServerView
from codex_core.config.typed import McpServerToml


def test_server_view_has_the_typed_views_fields_and_defaults() -> None:
    typed = McpServerToml.model_fields
    assert set(ServerView._fields) == set(typed)
    for name in ServerView._fields:
        assert ServerView._field_defaults.get(name) == typed[name].default, name
    table = {"command": "srv", "args": ["-x"], "enabled": False, "tool_timeout_sec": 3.0}
    view, model = ServerView(**table), McpServerToml.model_validate(table)
    assert all(getattr(view, name) == getattr(model, name) for name in ServerView._fields)
    assert view.transport == model.transport
