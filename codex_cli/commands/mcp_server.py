"""`codex mcp-server`: run Codex as an MCP server over stdio."""

from __future__ import annotations

import typer

from codex_cli.errors import guarded
from codex_cli.options import ConfigOption, DisableOption, EnableOption, config_overrides


def register(app: typer.Typer) -> None:
    @app.command(
        "mcp-server",
        help="Run Codex as an MCP server (tools `codex` and `codex-reply`) over stdio.",
    )
    @guarded
    def mcp_server(
        ctx: typer.Context,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_core.config.home import find_codex_home
        from codex_core.config.loader import load_config
        from mcp_server.server import McpServerArgs, run

        overrides = config_overrides(ctx, config, enable, disable)
        # Fail before serving when the user's config (with -c overrides) does not load.
        load_config(codex_home=find_codex_home(), cli_overrides=overrides)
        raise typer.Exit(run(McpServerArgs(cli_overrides=overrides)))
