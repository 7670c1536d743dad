"""`codex app-server` and its schema generators; `codex generate-ts` / `generate-json-schema` at the top level."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from codex_cli.errors import guarded
from codex_cli.help import OrderedGroup
from codex_cli.options import (
    ConfigOption,
    DisableOption,
    EnableOption,
    config_overrides,
    remember_overrides,
)

ListenOption = Annotated[
    str,
    typer.Option("--listen", metavar="URL", help="Transport: stdio:// (default) or ws://IP:PORT."),
]
TokenFileOption = Annotated[
    str | None,
    typer.Option(
        "--ws-token-file",
        metavar="PATH",
        help="File holding a bearer token every websocket client must send (also $CODEX_APP_SERVER_WS_TOKEN). "
        "Required to listen on a non-loopback address.",
    ),
]
AllowOriginOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ws-allow-origin",
        metavar="ORIGIN",
        help="Accept websocket upgrades carrying this browser Origin (repeatable); others are refused.",
    ),
]
AnalyticsOption = Annotated[
    bool,
    typer.Option(
        "--analytics-default-enabled",
        help="Accepted for compatibility with the reference; pycodex sends no analytics.",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)]
ExperimentalOption = Annotated[
    bool, typer.Option("--experimental", help="Include experimental methods and fields.")
]
PrettierOption = Annotated[
    str | None,
    typer.Option("--prettier", "-p", metavar="BIN", help="Run this prettier binary over the output."),
]


def register(app: typer.Typer) -> None:
    server = typer.Typer(
        cls=OrderedGroup,
        help="Run the app server (JSON-RPC over stdio or websocket) for IDEs and SDKs.",
        invoke_without_command=True,
        rich_markup_mode=None,
        add_completion=False,
    )

    @server.callback()
    @guarded
    def app_server(
        ctx: typer.Context,
        listen: ListenOption = "stdio://",
        ws_token_file: TokenFileOption = None,
        ws_allow_origin: AllowOriginOption = None,
        analytics_default_enabled: AnalyticsOption = False,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        remember_overrides(ctx, config, enable, disable)
        if ctx.invoked_subcommand is not None:
            return
        specs = config_overrides(ctx, None, None, None)
        from app_server.server import AppServerArgs, run

        args = AppServerArgs(
            listen=listen,
            cli_overrides=specs,
            ws_token_file=ws_token_file,
            ws_allow_origins=list(ws_allow_origin or []),
        )
        raise typer.Exit(run(args, fast_stdio=True))

    for target in (server, app):
        _register_generators(target)
    app.add_typer(server, name="app-server")


def _register_generators(target: typer.Typer) -> None:
    @target.command("generate-ts", help="Write TypeScript bindings of the app-server protocol.")
    @guarded
    def generate_ts(
        ctx: typer.Context,
        out: OutOption,
        prettier: PrettierOption = None,
        experimental: ExperimentalOption = False,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        config_overrides(ctx, config, enable, disable)  # checked, as everywhere; the output ignores them
        from codex_cli.commands.generate import generate_ts as run

        status = run(out, experimental=experimental, prettier=prettier)
        if status:
            raise typer.Exit(status)

    @target.command("generate-json-schema", help="Write the JSON Schema of the app-server protocol.")
    @guarded
    def generate_json_schema(
        ctx: typer.Context,
        out: OutOption,
        experimental: ExperimentalOption = False,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        config_overrides(ctx, config, enable, disable)  # checked, as everywhere; the output ignores them
        from codex_cli.commands.generate import generate_json_schema as run

        run(out, experimental=experimental)
