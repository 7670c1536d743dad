"""Everyday invocations run without importing Typer (about 75 ms of start-up) or pydantic.

Taken here: `--version`, help of any command (the texts Typer renders, kept in help_texts.py),
`mcp list`, `mcp get NAME`, `login status`, the schema generators, a plain `app-server` and a
plain `mcp-server`.
Only argument lists made of the options these know, spelled the plain way, are taken; anything
else (a typo, `-cVALUE`, `--`, a value that starts with `-`) goes through Typer, which owns usage
errors. The checks of `-c`/`--enable`/`--disable` run in Typer's order: each level's feature
names outermost first, then the whole set of overrides.
"""

from __future__ import annotations

import os

_GLOBAL_VALUE_OPTIONS = {"-c": "config", "--config": "config", "--enable": "enable", "--disable": "disable"}
_SERVER_VALUE_OPTIONS = {
    **_GLOBAL_VALUE_OPTIONS,
    "--listen": "listen",
    "--ws-token-file": "ws_token_file",
    "--ws-allow-origin": "ws_allow_origin",
}
_SERVER_FLAGS = {"--analytics-default-enabled"}
_TS_VALUE_OPTIONS = {
    **_GLOBAL_VALUE_OPTIONS,
    "--out": "out",
    "-o": "out",
    "--prettier": "prettier",
    "-p": "prettier",
}
_SCHEMA_VALUE_OPTIONS = {**_GLOBAL_VALUE_OPTIONS, "--out": "out", "-o": "out"}
_HELP_FLAGS = ("-h", "--help")

Found = dict[str, list[str]]


def _value(args: list[str], i: int, allowed: dict[str, str], out: Found) -> int:
    """The index after option `args[i]` and its value, recorded in `out`; 0 when it is not one."""
    arg = args[i]
    name, eq, inline = arg.partition("=")
    if eq and name.startswith("--") and name in allowed:
        out.setdefault(allowed[name], []).append(inline)
        return i + 1
    if arg in allowed and i + 1 < len(args) and not args[i + 1].startswith("-"):
        out.setdefault(allowed[arg], []).append(args[i + 1])
        return i + 2
    return 0


def _group(args: list[str], allowed: dict[str, str]) -> tuple[Found, int] | None:
    """A group's options up to its subcommand's name: (options, index of the name)."""
    found: Found = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        i = _value(args, i, allowed, found)
        if not i:
            return None
    return (found, i) if i < len(args) else None


def _leaf(
    args: list[str], allowed: dict[str, str], flags: set[str], positionals: int
) -> tuple[Found, set[str], list[str]] | None:
    """A command's own arguments, options and positionals in any order, as Click takes them."""
    found: Found = {}
    seen: set[str] = set()
    words: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in flags:
            seen.add(arg)
            i += 1
        elif not arg.startswith("-"):
            words.append(arg)
            i += 1
        else:
            i = _value(args, i, allowed, found)
            if not i:
                return None
    return (found, seen, words) if len(words) == positionals else None


def _fail(message: str) -> int:
    import sys

    print(f"Error: {message}", file=sys.stderr)
    return 1


def _overrides(levels: list[Found]) -> list[str] | int:
    """The `-c` specs of all levels, outermost first; an exit status when a check fails."""
    from codex_cli.checks import override_problem, unknown_feature

    specs: list[str] = []
    for table in levels:
        problem = unknown_feature([*table.get("enable", []), *table.get("disable", [])])
        if problem is not None:
            return _fail(problem)
        specs += table.get("config", [])
        specs += [f"features.{name}=true" for name in table.get("enable", [])]
        specs += [f"features.{name}=false" for name in table.get("disable", [])]
    problem = override_problem(specs)
    if problem is not None:
        return _fail(problem)
    return specs


def _help_width_is_full() -> bool:
    """Whether Click would wrap help at its widest (80 columns), as help_texts.py holds it;
    the same lookup as shutil.get_terminal_size, without importing shutil."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(1).columns
        except (OSError, ValueError):
            columns = 80
        columns = columns or 80
    return columns >= 80


def _help(argv: list[str]) -> int | None:
    if argv and argv[-1] not in _HELP_FLAGS:
        return None
    from codex_cli.help_texts import HELP

    text = HELP.get(tuple(argv[:-1]))
    if text is None or not _help_width_is_full():
        return None
    import sys

    sys.stdout.write(text)
    return 0


def try_fast(argv: list[str]) -> int | None:
    """The exit status when argv was one of the invocations this module runs; None otherwise."""
    if argv in (["--version"], ["-V"]):
        from codex_core.version import CLI_NAME, CLI_VERSION

        print(f"{CLI_NAME} {CLI_VERSION}")
        return 0
    status = _help(argv)
    if status is not None:
        return status
    root = _group(argv, _GLOBAL_VALUE_OPTIONS)
    if root is None:
        return None
    found, i = root
    command, rest = argv[i], argv[i + 1 :]
    if command == "app-server":
        return _app_server(found, rest)
    if command == "mcp-server":
        return _mcp_server(found, rest)
    if command in ("generate-ts", "generate-json-schema"):
        return _generate(command, [found], rest)
    if command not in ("mcp", "login"):
        return None
    group = _group(rest, _GLOBAL_VALUE_OPTIONS)
    if group is None:
        return None
    group_found, j = group
    name, args = rest[j], rest[j + 1 :]
    if (command, name) == ("mcp", "list"):
        leaf = _leaf(args, _GLOBAL_VALUE_OPTIONS, {"--json"}, 0)
    elif (command, name) == ("mcp", "get"):
        leaf = _leaf(args, _GLOBAL_VALUE_OPTIONS, {"--json"}, 1)
    elif (command, name) == ("login", "status"):
        leaf = _leaf(args, _GLOBAL_VALUE_OPTIONS, set(), 0)
    else:
        return None
    if leaf is None:
        return None
    own, flags, words = leaf
    specs = _overrides([found, group_found, own])
    if isinstance(specs, int):
        return specs
    if name == "status":
        from codex_cli.commands.login_status import login_status

        return login_status(specs)
    from codex_cli.commands import mcp_show

    if name == "list":
        return mcp_show.list_servers(specs, "--json" in flags)
    return mcp_show.get_server(specs, words[0], "--json" in flags)


def _generate(command: str, levels: list[Found], args: list[str]) -> int | None:
    ts = command == "generate-ts"
    leaf = _leaf(args, _TS_VALUE_OPTIONS if ts else _SCHEMA_VALUE_OPTIONS, {"--experimental"}, 0)
    if leaf is None:
        return None
    own, flags, _ = leaf
    outs, prettiers = own.get("out", []), own.get("prettier", [])
    # A missing, repeated or unusable --out is Typer's to report.
    if len(outs) != 1 or len(prettiers) > 1 or not outs[0] or os.path.isfile(outs[0]):
        return None
    specs = _overrides([*levels, own])
    if isinstance(specs, int):
        return specs
    from pathlib import Path

    from codex_cli.commands import generate

    experimental = "--experimental" in flags
    if ts:
        return generate.generate_ts(
            Path(outs[0]), experimental=experimental, prettier=next(iter(prettiers), None)
        )
    return generate.generate_json_schema(Path(outs[0]), experimental=experimental)


def _app_server(root: Found, args: list[str]) -> int | None:
    """`app-server [options]`, or one of its schema generators."""
    group = _group(args, _GLOBAL_VALUE_OPTIONS)
    if group is not None and args[group[1]] in ("generate-ts", "generate-json-schema"):
        return _generate(args[group[1]], [root, group[0]], args[group[1] + 1 :])
    leaf = _leaf(args, _SERVER_VALUE_OPTIONS, _SERVER_FLAGS, 0)
    if leaf is None:
        return None
    server = leaf[0]
    if len(server.get("listen", [])) > 1 or len(server.get("ws_token_file", [])) > 1:
        return None
    specs = _overrides([root, server])
    if isinstance(specs, int):
        return specs

    from app_server.server import AppServerArgs, run

    args_ = AppServerArgs(
        listen=server.get("listen", ["stdio://"])[0],
        cli_overrides=specs,
        ws_token_file=server["ws_token_file"][0] if "ws_token_file" in server else None,
        ws_allow_origins=server.get("ws_allow_origin", []),
    )
    return run(args_, fast_stdio=True)


def _mcp_server(root: Found, args: list[str]) -> int | None:
    """A plain `mcp-server [-c ...]`: serve at once (an MCP host spawns it and waits for the
    handshake); a config that does not load is Typer's path to report, as it always was."""
    leaf = _leaf(args, _GLOBAL_VALUE_OPTIONS, set(), 0)
    if leaf is None:
        return None
    specs = _overrides([root, leaf[0]])
    if isinstance(specs, int):
        return specs
    from codex_core.config.locations import config_is_empty

    if specs or not config_is_empty():
        from codex_core.config.known_good import config_loads

        # Fail before serving when the user's config (with -c overrides) does not load; with no
        # setting anywhere there is nothing that could fail.
        if not config_loads(specs):
            return None
    from mcp_server.server import McpServerArgs, run

    return run(McpServerArgs(cli_overrides=specs))
