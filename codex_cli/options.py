"""The global options every subcommand accepts, as the reference has them: -c, --enable, --disable."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

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

_OVERRIDES_KEY = "cli_overrides"


def _own_specs(config: list[str] | None, enable: list[str] | None, disable: list[str] | None) -> list[str]:
    """This level's `-c` specs, then its --enable/--disable as `features.X=...` (an unknown name exits 1)."""
    from codex_cli.checks import unknown_feature

    problem = unknown_feature([*(enable or ()), *(disable or ())])
    if problem is not None:
        print(f"Error: {problem}", file=sys.stderr)
        raise typer.Exit(1)
    specs = list(config or [])
    specs += [f"features.{name}=true" for name in enable or ()]
    specs += [f"features.{name}=false" for name in disable or ()]
    return specs


def remember_overrides(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> None:
    """Called by the root and by every group: its global options join those of the levels above.

    Click hands a context's `obj` down to its children, so the root's dict is shared by the whole
    invocation and the levels append to it in command-line order.
    """
    ctx.ensure_object(dict)
    ctx.obj.setdefault(_OVERRIDES_KEY, []).extend(_own_specs(config, enable, disable))


def config_overrides(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> list[str]:
    """Every level's specs, outermost first, then the command's own, so the later (more specific)
    one wins. Values that do not make a valid config exit 1 here, naming the `-c` that set them."""
    from codex_cli.checks import override_problem

    above = ctx.obj.get(_OVERRIDES_KEY, []) if isinstance(ctx.obj, dict) else []
    specs = [*above, *_own_specs(config, enable, disable)]
    problem = override_problem(specs)
    if problem is not None:
        print(f"Error: {problem}", file=sys.stderr)
        raise typer.Exit(1)
    return specs


def load_cli_config(
    ctx: typer.Context, config: list[str] | None, enable: list[str] | None, disable: list[str] | None
) -> LoadedConfig:
    """The effective config of a subcommand: files plus the root's and the subcommand's own overrides."""
    from codex_core.config.loader import load_config

    return load_config(cli_overrides=config_overrides(ctx, config, enable, disable))
