"""Run `codex app-server` without importing Typer (about 75 ms of start-up) for plain invocations.

Only argument lists made of the known options are taken here; anything else (help, a
subcommand, a typo) goes through Typer, which owns usage errors and help text.
"""

from __future__ import annotations

_GLOBAL_VALUE_OPTIONS = {"-c": "config", "--config": "config", "--enable": "enable", "--disable": "disable"}
_SERVER_VALUE_OPTIONS = {
    **_GLOBAL_VALUE_OPTIONS,
    "--listen": "listen",
    "--ws-token-file": "ws_token_file",
    "--ws-allow-origin": "ws_allow_origin",
}
_SERVER_FLAGS = {"--analytics-default-enabled"}


def _take_options(
    args: list[str], allowed: dict[str, str], flags: set[str], out: dict[str, list[str]]
) -> bool:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in flags:
            i += 1
            continue
        name, eq, inline = arg.partition("=")
        if eq and name.startswith("--") and name in allowed:
            out.setdefault(allowed[name], []).append(inline)
            i += 1
            continue
        if arg in allowed and i + 1 < len(args) and not args[i + 1].startswith("-"):
            out.setdefault(allowed[arg], []).append(args[i + 1])
            i += 2
            continue
        return False
    return True


def _fail(message: str) -> int:
    import sys

    print(f"Error: {message}", file=sys.stderr)
    return 1


def try_app_server(argv: list[str]) -> int | None:
    """The exit status when argv was a plain `app-server` invocation that was run; None otherwise."""
    if "app-server" not in argv:
        return None
    split = argv.index("app-server")
    found: dict[str, list[str]] = {}
    if not _take_options(argv[:split], _GLOBAL_VALUE_OPTIONS, set(), found):
        return None
    root = {key: list(values) for key, values in found.items()}
    server: dict[str, list[str]] = {}
    if not _take_options(argv[split + 1 :], _SERVER_VALUE_OPTIONS, _SERVER_FLAGS, server):
        return None
    if len(server.get("listen", [])) > 1 or len(server.get("ws_token_file", [])) > 1:
        return None
    from codex_cli.checks import override_problem, unknown_feature

    specs: list[str] = []
    for table in (root, server):
        problem = unknown_feature([*table.get("enable", []), *table.get("disable", [])])
        if problem is not None:
            return _fail(problem)
        specs += table.get("config", [])
        specs += [f"features.{name}=true" for name in table.get("enable", [])]
        specs += [f"features.{name}=false" for name in table.get("disable", [])]
    problem = override_problem(specs)
    if problem is not None:
        return _fail(problem)

    from app_server.server import AppServerArgs, run

    args = AppServerArgs(
        listen=server.get("listen", ["stdio://"])[0],
        cli_overrides=specs,
        ws_token_file=server["ws_token_file"][0] if "ws_token_file" in server else None,
        ws_allow_origins=server.get("ws_allow_origin", []),
    )
    return run(args, fast_stdio=True)
