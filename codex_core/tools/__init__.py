"""Command-execution tools. `register_exec_tools` adds them to a router; which ones a turn is
offered depends on the `shell_tool` / `unified_exec` features and the model family."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.tools.base import ToolContext, ToolRouter


def shell_flavour(context: ToolContext) -> str | None:
    """ "unified", "shell", "shell_command", or None when shell tools are disabled."""
    from codex_core.features import is_enabled

    settings = context.settings
    features = settings.config.typed.features or {}
    if not is_enabled("shell_tool", features):
        return None
    if is_enabled("unified_exec", features):
        return "unified"
    return (
        "shell_command" if getattr(settings.family, "shell_type", "default") == "shell_command" else "shell"
    )


def register_exec_tools(router: ToolRouter) -> None:
    from codex_core.tools import exec_command, shell
    from codex_core.tools.base import Tool

    def offered(flavour: str, build: Any) -> Any:
        def spec(context: ToolContext) -> dict[str, Any] | None:
            return build() if shell_flavour(context) == flavour else None

        return spec

    router.register(
        Tool(
            "exec_command",
            offered("unified", exec_command.exec_command_spec),
            exec_command.handle_exec_command,
            parallel=True,
        )
    )
    router.register(
        Tool(
            "write_stdin", offered("unified", exec_command.write_stdin_spec), exec_command.handle_write_stdin
        )
    )
    router.register(Tool("shell", offered("shell", shell.shell_spec), shell.handle_shell, parallel=True))
    router.register(
        Tool(
            "shell_command",
            offered("shell_command", shell.shell_command_spec),
            shell.handle_shell_command,
            parallel=True,
        )
    )
