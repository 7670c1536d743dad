"""Help output: commands in the reference's order, and each one's summary in full (Click cuts a
long first sentence with "..." to fit; the reference wraps it instead)."""

from __future__ import annotations

from typing import Any

from typer.core import TyperArgument, TyperGroup

# The reference's order of `codex --help`; commands it does not have come after, as registered.
COMMAND_ORDER: tuple[str, ...] = (
    "exec",
    "review",
    "login",
    "logout",
    "mcp",
    "mcp-server",
    "app-server",
    "completion",
    "sandbox",
    "debug",
    "apply",
    "resume",
    "fork",
    "cloud",
    "features",
)


class OrderedGroup(TyperGroup):
    """A group that lists its commands in `order` first (then as registered), summaries in full."""

    order: tuple[str, ...] = ()

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(super().list_commands(ctx))
        rank = {name: i for i, name in enumerate(self.order)}
        return sorted(names, key=lambda name: (rank.get(name, len(rank)), names.index(name)))

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            rows.append((name, _summary(command)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _summary(command: Any) -> str:
    if command.short_help:
        return str(command.short_help).strip()
    paragraph = (command.help or "").strip().split("\n\n")[0]
    return " ".join(paragraph.split())


class RootGroup(OrderedGroup):
    order = COMMAND_ORDER


def _usage_name(self: Any) -> str:
    """clap's spelling in the usage line: `<NAME>` required, `[NAME]` optional, `...` repeatable."""
    name = self.display_name_raw
    repeat = self.nargs != 1 and not name.endswith("...")
    if self.required:
        return f"<{name}>" + ("..." if repeat else "")
    return f"[{name}]" + ("..." if repeat else "")


def _argument_type(self: Any, ctx: Any) -> str | None:
    """Only a choice says something a metavar does not (`<bash|zsh|...>`); `<str>` says nothing."""
    if self.type_descriptor.is_choice:
        return str(_TYPER_DISPLAY_TYPE(self, ctx))
    return None


# Typer prints `{name}` for a required argument and each one's Python type (`<list[str]>`); the
# reference prints `<NAME>` and no type. Typer has no hook for either, so its two formatting
# methods are replaced, for the arguments of this CLI only (one process, one CLI).
_TYPER_DISPLAY_TYPE = TyperArgument.display_type
TyperArgument._usage_display_name = _usage_name  # type: ignore[method-assign]
TyperArgument.display_type_rich = _argument_type  # type: ignore[method-assign]
