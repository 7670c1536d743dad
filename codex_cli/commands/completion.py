"""`codex completion [SHELL]`: print a completion script (bash by default, as the reference)."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from codex_cli.errors import guarded
from codex_cli.options import ConfigOption, DisableOption, EnableOption, config_overrides


class Shell(StrEnum):
    bash = "bash"
    elvish = "elvish"
    fish = "fish"
    powershell = "powershell"
    zsh = "zsh"


def register(app: typer.Typer) -> None:
    @app.command(
        "completion",
        short_help="Generate shell completion scripts.",
        help="Generate shell completion scripts, e.g. `source <(codex completion bash)` "
        "or `codex completion zsh > ~/.zfunc/_codex`.",
    )
    @guarded
    def completion(
        ctx: typer.Context,
        shell: Annotated[
            Shell,
            typer.Argument(metavar="SHELL", help="Shell to generate completions for.", show_default=True),
        ] = Shell.bash,
        config: ConfigOption = None,
        enable: EnableOption = None,
        disable: DisableOption = None,
    ) -> None:
        from codex_cli.completion import completion_script

        config_overrides(ctx, config, enable, disable)  # checked, as everywhere
        sys.stdout.write(completion_script(ctx.find_root().command, shell.value))
