"""`codex mcp list|get|add|remove`: manage the `[mcp_servers]` of the user config.toml.

Output, messages and exit codes follow the reference (mcp-and-cli.md §5). Writes go through
the one config editor, so comments and untouched lines survive. Rich and the config machinery
are imported inside the commands; the MCP SDK is never needed here.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from codex_cli.commands import mcp_show
from codex_cli.errors import EXIT_USAGE, fail, guarded
from codex_cli.help import OrderedGroup
from codex_cli.options import (
    ConfigOption,
    DisableOption,
    EnableOption,
    config_overrides,
    load_cli_config,
    remember_overrides,
)

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig


def _load(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> LoadedConfig:
    return load_cli_config(ctx, config, enable, disable)


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
        status = mcp_show.list_servers(config_overrides(ctx, config, enable, disable), as_json)
        if status:
            raise typer.Exit(status)

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
        status = mcp_show.get_server(config_overrides(ctx, config, enable, disable), name, as_json)
        if status:
            raise typer.Exit(status)

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
        server = mcp_show.configured_servers(loaded).get(name)
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
        server = mcp_show.configured_servers(loaded).get(name)
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
