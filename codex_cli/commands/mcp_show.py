"""`codex mcp list` and `codex mcp get`, without Typer: the Typer commands and the fast path
(fast_path.py) both call these, so the two cannot drift.

Output, messages and exit codes follow the reference (mcp-and-cli.md §5). Servers are read
from the raw table of a config that already loaded (so validated): no pydantic on this path.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig

_AUTH_LABELS = {
    "unsupported": "Unsupported",
    "bearerToken": "Bearer token",
    "oAuth": "OAuth",
    "notLoggedIn": "Not logged in",
}
_AUTH_JSON = {
    "unsupported": "unsupported",
    "bearerToken": "bearer_token",
    "oAuth": "o_auth",
    "notLoggedIn": "not_logged_in",
}


class ServerView(NamedTuple):
    """One `[mcp_servers.NAME]` table read as `McpServerToml` reads it (same names, defaults).
    A NamedTuple: the `dataclasses` import alone costs this command a tenth of its start-up."""

    command: str | None = None
    args: list[str] | None = None
    env: dict[str, str] | None = None
    env_vars: list[str] | None = None
    cwd: str | None = None
    url: str | None = None
    bearer_token_env_var: str | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    enabled: bool = True
    startup_timeout_sec: float | None = None
    startup_timeout_ms: int | None = None
    tool_timeout_sec: float | None = None
    enabled_tools: list[str] | None = None
    disabled_tools: list[str] | None = None

    @property
    def transport(self) -> Literal["stdio", "streamable_http"]:
        return "stdio" if self.command is not None else "streamable_http"


_SERVER_KEYS = frozenset(ServerView._fields)


def configured_servers(loaded: LoadedConfig) -> dict[str, ServerView]:
    """The effective `mcp_servers`, by name. The config loaded, so each table has the types the
    typed view demands; keys it does not know are left out, as they are of no use here."""
    raw = loaded.effective.get("mcp_servers") or {}
    return {
        name: ServerView(**{key: value for key, value in table.items() if key in _SERVER_KEYS})
        for name, table in sorted(raw.items())
    }


def load(specs: Sequence[str]) -> LoadedConfig:
    from codex_core.config.loader import load_config

    return load_config(cli_overrides=specs)


def _secs(value: float | None) -> float | None:
    return None if value is None else float(value)


def _startup_secs(server: ServerView) -> float | None:
    if server.startup_timeout_sec is not None:
        return float(server.startup_timeout_sec)
    if server.startup_timeout_ms is not None:
        return server.startup_timeout_ms / 1000.0
    return None


def _transport(server: ServerView) -> dict[str, Any]:
    if server.transport == "stdio":
        return {
            "type": "stdio",
            "command": server.command,
            "args": list(server.args or []),
            "env": dict(server.env) if server.env else None,
            "env_vars": list(server.env_vars or []),
            "cwd": server.cwd,
        }
    return {
        "type": "streamable_http",
        "url": server.url,
        "bearer_token_env_var": server.bearer_token_env_var,
        "http_headers": dict(server.http_headers) if server.http_headers else None,
        "env_http_headers": dict(server.env_http_headers) if server.env_http_headers else None,
    }


def _masked_env(env: dict[str, str] | None) -> str:
    if not env:
        return "-"
    return ", ".join(f"{key}=*****" for key in sorted(env))


def _pairs(values: dict[str, str] | None) -> str:
    if not values:
        return "-"
    return ", ".join(f"{key}={value}" for key, value in sorted(values.items()))


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    """Plain columns, as the reference prints them: each as wide as its widest cell (in UTF-8
    bytes, as Rust measures a String), two spaces between, the last one padded too."""
    table = [headers, *rows]
    widths = [max(len(row[i].encode("utf-8")) for row in table) for i in range(len(headers))]
    for row in table:
        print("  ".join(cell + " " * (width - len(cell)) for cell, width in zip(row, widths, strict=True)))


def _auth_statuses(loaded: LoadedConfig, servers: dict[str, ServerView]) -> dict[str, str]:
    """Every server's auth status, asked of the servers at once (an http server without a
    token is asked whether it offers OAuth login, which may take a few seconds to fail)."""
    from codex_core.mcp.auth_status import auth_status

    store_mode = loaded.effective.get("mcp_oauth_credentials_store")

    def status(name: str) -> str:
        return auth_status(servers[name], loaded.codex_home, name=name, store_mode=store_mode)

    if len(servers) < 2:
        return {name: status(name) for name in servers}
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(servers))) as pool:
        return dict(zip(servers, pool.map(status, servers), strict=True))


def list_servers(specs: Sequence[str], as_json: bool) -> int:
    loaded = load(specs)
    servers = configured_servers(loaded)
    statuses = _auth_statuses(loaded, servers)
    if as_json:
        _print_json(
            [
                {
                    "name": name,
                    "enabled": server.enabled,
                    "disabled_reason": None,
                    "transport": _transport(server),
                    "startup_timeout_sec": _startup_secs(server),
                    "tool_timeout_sec": _secs(server.tool_timeout_sec),
                    "auth_status": _AUTH_JSON[statuses[name]],
                }
                for name, server in servers.items()
            ]
        )
        return 0
    if not servers:
        print("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.")
        return 0
    stdio_rows: list[list[str]] = []
    http_rows: list[list[str]] = []
    for name, server in servers.items():
        status = "enabled" if server.enabled else "disabled"
        auth = _AUTH_LABELS[statuses[name]]
        if server.transport == "stdio":
            args = " ".join(server.args or []) or "-"
            row = [
                name,
                server.command or "-",
                args,
                _masked_env(server.env),
                server.cwd or "-",
                status,
                auth,
            ]
            stdio_rows.append(row)
        else:
            http_rows.append([name, server.url or "-", server.bearer_token_env_var or "-", status, auth])
    if stdio_rows:
        _print_table(["Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"], stdio_rows)
    if stdio_rows and http_rows:
        print()
    if http_rows:
        _print_table(["Name", "Url", "Bearer Token Env Var", "Status", "Auth"], http_rows)
    return 0


def get_server(specs: Sequence[str], name: str, as_json: bool) -> int:
    server = configured_servers(load(specs)).get(name)
    if server is None:
        print(f"Error: No MCP server named '{name}' found.", file=sys.stderr)
        return 1
    if as_json:
        _print_json(
            {
                "name": name,
                "enabled": server.enabled,
                "disabled_reason": None,
                "transport": _transport(server),
                "enabled_tools": server.enabled_tools,
                "disabled_tools": server.disabled_tools,
                "startup_timeout_sec": _startup_secs(server),
                "tool_timeout_sec": _secs(server.tool_timeout_sec),
            }
        )
        return 0
    lines = [name, f"  enabled: {'true' if server.enabled else 'false'}"]
    if server.transport == "stdio":
        lines += [
            "  transport: stdio",
            f"  command: {server.command}",
            f"  args: {' '.join(server.args or []) or '-'}",
            f"  cwd: {server.cwd or '-'}",
            f"  env: {_masked_env(server.env)}",
        ]
    else:
        lines += [
            "  transport: streamable_http",
            f"  url: {server.url}",
            f"  bearer_token_env_var: {server.bearer_token_env_var or '-'}",
            f"  http_headers: {_pairs(server.http_headers)}",
            f"  env_http_headers: {_pairs(server.env_http_headers)}",
        ]
    if server.enabled_tools is not None:
        lines.append(f"  enabled_tools: {', '.join(server.enabled_tools) or '-'}")
    if server.disabled_tools is not None:
        lines.append(f"  disabled_tools: {', '.join(server.disabled_tools) or '-'}")
    if server.startup_timeout_sec is not None or server.startup_timeout_ms is not None:
        lines.append(f"  startup_timeout_sec: {_startup_secs(server)}")
    if server.tool_timeout_sec is not None:
        lines.append(f"  tool_timeout_sec: {float(server.tool_timeout_sec)}")
    lines.append(f"  remove: codex mcp remove {name}")
    print("\n".join(lines))
    return 0
