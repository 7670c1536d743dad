"""The Typer root: global options, --version, and the subcommands each issue registers."""

from __future__ import annotations

import importlib

import typer

from codex_cli.errors import guarded
from codex_cli.help import RootGroup
from codex_cli.options import ConfigOption, DisableOption, EnableOption, remember_overrides

# Each module exposes `register(app)`. Modules import only typer at top level; the work they
# do is imported inside the command, so `codex --help` stays fast.
COMMAND_MODULES: tuple[str, ...] = (
    "codex_cli.commands.app_server",
    "codex_cli.commands.login",
    "codex_cli.commands.mcp_server",
    "codex_cli.commands.mcp",
    "codex_cli.commands.completion",
)


def _print_version(value: bool) -> None:
    if value:
        from codex_core.version import CLI_NAME, CLI_VERSION

        print(f"{CLI_NAME} {CLI_VERSION}")
        raise typer.Exit(0)


def build_app() -> typer.Typer:
    app = typer.Typer(
        cls=RootGroup,
        name="codex",
        help="Codex CLI (pycodex): the server side of Codex, wire-compatible with codex 0.100.0.",
        add_completion=False,
        no_args_is_help=False,
        invoke_without_command=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    @guarded
    def root(
        ctx: typer.Context,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
        version: bool = typer.Option(
            False, "-V", "--version", is_eager=True, callback=_print_version, help="Print version and exit."
        ),
    ) -> None:
        remember_overrides(ctx, config, enable, disable)
        if ctx.invoked_subcommand is None:
            # No TUI here: plain `codex` shows what it can do.
            print(ctx.get_help())
            raise typer.Exit(0)

    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(app)
    return app
