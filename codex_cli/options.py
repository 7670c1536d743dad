"""The global options every subcommand accepts, as the reference has them: -c, --enable, --disable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig

ConfigOption = Annotated[
    list[str] | None,
    typer.Option(
        "-c",
        "--config",
        metavar="key=value",
        help=(
            'Override a config value (repeatable). Dotted path, e.g. `-c model="o3"` or '
            "`-c sandbox_workspace_write.network_access=true`; the value is parsed as TOML, "
            "falling back to a literal string."
        ),
    ),
]
EnableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--enable", metavar="FEATURE", help="Enable a feature (repeatable); same as -c features.FEATURE=true."
    ),
]
DisableOption = Annotated[
    list[str] | None,
    typer.Option(
        "--disable",
        metavar="FEATURE",
        help="Disable a feature (repeatable); same as -c features.FEATURE=false.",
    ),
]

_ROOT_KEY = "root_overrides"


def remember_root_overrides(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> None:
    from codex_core.config.overrides import feature_overrides

    ctx.ensure_object(dict)
    ctx.obj[_ROOT_KEY] = [*(config or []), *feature_overrides(enable or (), disable or ())]


def config_overrides(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> list[str]:
    """Root-level specs first, then the subcommand's own, so the later (more specific) one wins."""
    from codex_core.config.overrides import feature_overrides

    root: list[str] = []
    node: Any = ctx
    while node is not None:
        if isinstance(node.obj, dict) and _ROOT_KEY in node.obj:
            root = node.obj[_ROOT_KEY]
            break
        node = node.parent
    return [*root, *(config or []), *feature_overrides(enable or (), disable or ())]


def load_cli_config(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> LoadedConfig:
    """The effective config of a subcommand: files plus the root's and the subcommand's own overrides."""
    from codex_core.config.loader import load_config

    return load_config(cli_overrides=config_overrides(ctx, config, enable, disable))
