"""`codex mcp list|get|add|remove`: manage the `[mcp_servers]` of the user config.toml.

Output, messages and exit codes follow the reference (mcp-and-cli.md §5). Writes go through
the one config editor, so comments and untouched lines survive. Rich and the config machinery
are imported inside the commands; the MCP SDK is never needed here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codex_cli.errors import EXIT_USAGE, fail, guarded
from codex_cli.help import OrderedGroup
from codex_cli.options import (
    ConfigOption,
    DisableOption,
    EnableOption,
    load_cli_config,
    remember_overrides,
)

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.config.typed import McpServerToml

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


def _load(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> LoadedConfig:
    return load_cli_config(ctx, config, enable, disable)


def _servers(loaded: LoadedConfig) -> dict[str, McpServerToml]:
    return dict(sorted(loaded.typed.mcp_servers.items()))


def _secs(value: float | None) -> float | None:
    return None if value is None else float(value)


def _startup_secs(server: McpServerToml) -> float | None:
    if server.startup_timeout_sec is not None:
        return float(server.startup_timeout_sec)
    if server.startup_timeout_ms is not None:
        return server.startup_timeout_ms / 1000.0
    return None


def _transport(server: McpServerToml) -> dict[str, Any]:
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


def _parse_env(pairs: list[str] | None) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            print(
                f"error: invalid value '{pair}' for '--env <KEY=VALUE>': environment entries must be KEY=VALUE",
                file=sys.stderr,
            )
            raise typer.Exit(EXIT_USAGE)
        env[key] = value
    return env


def _auth_statuses(loaded: LoadedConfig, servers: dict[str, McpServerToml]) -> dict[str, str]:
    """Every server's auth status, asked of the servers at once (an http server without a
    token is asked whether it offers OAuth login, which may take a few seconds to fail)."""
    from concurrent.futures import ThreadPoolExecutor

    from codex_core.mcp.manager import auth_status

    store_mode = loaded.typed.mcp_oauth_credentials_store

    def status(name: str) -> str:
        return auth_status(servers[name], loaded.codex_home, name=name, store_mode=store_mode)

    if len(servers) < 2:
        return {name: status(name) for name in servers}
    with ThreadPoolExecutor(max_workers=min(8, len(servers))) as pool:
        return dict(zip(servers, pool.map(status, servers), strict=True))


def _user_servers(loaded: LoadedConfig) -> dict[str, dict[str, Any]]:
    """The servers of the user's own config.toml (the ones `add` and `remove` rewrite)."""
    raw = loaded.user_layer.config.get("mcp_servers")
    if not isinstance(raw, dict):
        return {}
    return {str(name): dict(table) for name, table in raw.items() if isinstance(table, dict)}


def _write_servers(path: Path, servers: dict[str, dict[str, Any]]) -> None:
    """As the reference: every server written back in its canonical form, in name order."""
    from codex_core.config.editor import mcp_server_table, replace_mcp_servers

    replace_mcp_servers(path, {name: mcp_server_table(table) for name, table in servers.items()})


def register(app: typer.Typer) -> None:
    mcp_app = typer.Typer(
        cls=OrderedGroup,
        help="Manage external MCP servers for Codex.",
        no_args_is_help=True,
        rich_markup_mode=None,
        add_completion=False,
    )

    @mcp_app.callback()
    @guarded
    def mcp(
        ctx: typer.Context,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        remember_overrides(ctx, config, enable, disable)

    @mcp_app.command("list", help="List configured MCP servers.")
    @guarded
    def list_servers(
        ctx: typer.Context,
        as_json: Annotated[
            bool, typer.Option("--json", help="Output the configured servers as JSON.")
        ] = False,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        loaded = _load(ctx, config, enable, disable)
        servers = _servers(loaded)
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
            return
        if not servers:
            print("No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.")
            return
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

    @mcp_app.command("get", help="Show details for a configured MCP server.")
    @guarded
    def get_server(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="Name of the MCP server.")],
        as_json: Annotated[
            bool, typer.Option("--json", help="Output the server configuration as JSON.")
        ] = False,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        loaded = _load(ctx, config, enable, disable)
        server = _servers(loaded).get(name)
        if server is None:
            raise fail(f"No MCP server named '{name}' found.")
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
            return
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

    @mcp_app.command(
        "add",
        help="Add a global MCP server entry: `codex mcp add NAME -- COMMAND ARGS...` or `codex mcp add NAME --url URL`.",
    )
    @guarded
    def add_server(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="Name for the MCP server configuration.")],
        command: Annotated[
            list[str] | None,
            typer.Argument(
                metavar="-- COMMAND...",
                help="Command (and arguments) that starts a stdio MCP server, after `--`.",
            ),
        ] = None,
        env: Annotated[
            list[str] | None,
            typer.Option(
                "--env", metavar="KEY=VALUE", help="Environment variable for a stdio server (repeatable)."
            ),
        ] = None,
        url: Annotated[
            str | None, typer.Option("--url", metavar="URL", help="URL of a streamable HTTP MCP server.")
        ] = None,
        bearer_token_env_var: Annotated[
            str | None,
            typer.Option(
                "--bearer-token-env-var",
                metavar="ENV_VAR",
                help="Environment variable holding a bearer token for --url.",
            ),
        ] = None,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_core.config.home import user_config_path
        from codex_core.mcp.names import is_valid_server_name

        argv = list(command or [])
        if bool(argv) == bool(url):
            print(
                "error: exactly one of `--url <URL>` or `-- <COMMAND>...` must be given\n\n"
                "Usage: codex mcp add [OPTIONS] NAME (--url <URL> | -- <COMMAND>...)",
                file=sys.stderr,
            )
            raise typer.Exit(EXIT_USAGE)
        if url is None and bearer_token_env_var is not None:
            print("error: --bearer-token-env-var requires --url", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE)
        if url is not None and env:
            print("error: --env can only be used with a stdio server (`-- <COMMAND>...`)", file=sys.stderr)
            raise typer.Exit(EXIT_USAGE)
        if not is_valid_server_name(name):
            raise fail(f"invalid server name '{name}' (use letters, numbers, '-', '_')")
        loaded = _load(ctx, config, enable, disable)
        table: dict[str, Any]
        if url is not None:
            table = {"url": url}
            if bearer_token_env_var:
                table["bearer_token_env_var"] = bearer_token_env_var
        else:
            table = {"command": argv[0], "args": argv[1:]}
            variables = _parse_env(env)
            if variables:
                table["env"] = variables
        servers = _user_servers(loaded)
        servers[name] = table
        _write_servers(user_config_path(loaded.codex_home), servers)
        print(f"Added global MCP server '{name}'.")

    @mcp_app.command("remove", help="Remove a global MCP server entry.")
    @guarded
    def remove_server(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="Name of the MCP server to remove.")],
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_core.config.home import user_config_path
        from codex_core.mcp.names import is_valid_server_name

        if not is_valid_server_name(name):
            raise fail(f"invalid server name '{name}' (use letters, numbers, '-', '_')")
        loaded = _load(ctx, config, enable, disable)
        servers = _user_servers(loaded)
        if servers.pop(name, None) is None:
            print(f"No MCP server named '{name}' found.")
            return
        _write_servers(user_config_path(loaded.codex_home), servers)
        print(f"Removed global MCP server '{name}'.")

    @mcp_app.command("login", help="Authenticate with a configured MCP server using OAuth.")
    @guarded
    def login_server(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="Name of the MCP server.")],
        scopes: Annotated[
            str | None,
            typer.Option("--scopes", metavar="SCOPES", help="Comma-separated OAuth scopes to request."),
        ] = None,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        import asyncio
        import os

        from codex_core.mcp.oauth import CredentialStore, OAuthError, resolve_headers

        loaded = _load(ctx, config, enable, disable)
        server = _servers(loaded).get(name)
        if server is None:
            raise fail(f"No MCP server named '{name}' found.")
        if server.transport == "stdio" or server.url is None:
            raise fail("OAuth login is only supported for streamable HTTP servers.")
        if server.bearer_token_env_var:
            raise fail(
                "OAuth login is not supported when a bearer token is configured. "
                "Remove bearer_token_env_var from the server config first."
            )
        wanted = [scope.strip() for scope in (scopes or "").split(",") if scope.strip()]
        store = CredentialStore(loaded.codex_home, loaded.typed.mcp_oauth_credentials_store)
        headers = resolve_headers(server, os.environ)
        try:
            asyncio.run(_login(store, name, server.url, wanted, headers))
        except OAuthError as exc:
            raise fail(str(exc)) from None
        print(f"Successfully logged in to MCP server '{name}'.")

    @mcp_app.command("logout", help="Remove stored OAuth credentials for a configured MCP server.")
    @guarded
    def logout_server(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(metavar="NAME", help="Name of the MCP server.")],
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_core.mcp.oauth import CredentialStore, OAuthError

        loaded = _load(ctx, config, enable, disable)
        server = _servers(loaded).get(name)
        if server is None:
            raise fail(f"No MCP server named '{name}' found in configuration.")
        if server.transport == "stdio" or server.url is None:
            raise fail("OAuth logout is only supported for streamable_http transports.")
        store = CredentialStore(loaded.codex_home, loaded.typed.mcp_oauth_credentials_store)
        try:
            removed = store.delete(name, server.url)
        except (OAuthError, OSError) as exc:
            raise fail(f"failed to delete OAuth credentials: {exc}") from None
        if removed:
            print(f"Removed OAuth credentials for '{name}'.")
        else:
            print(f"No OAuth credentials stored for '{name}'.")

    app.add_typer(mcp_app, name="mcp")


async def _login(store: Any, name: str, url: str, scopes: list[str], headers: dict[str, str]) -> None:
    import asyncio
    import contextlib

    from codex_core.mcp.oauth import begin_login

    pending = await begin_login(store, name, url, scopes=scopes or None, headers=headers)
    print(
        f"Authorize `{name}` by opening this URL in your browser:\n{pending.authorization_url}\n", flush=True
    )
    if sys.stdout.isatty():
        import webbrowser

        with contextlib.suppress(Exception):
            await asyncio.to_thread(webbrowser.open, pending.authorization_url)
    await pending.wait()
