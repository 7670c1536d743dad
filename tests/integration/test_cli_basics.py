from __future__ import annotations

import subprocess
import sys

from codex_core.version import CLI_VERSION


def run(codex_bin: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([codex_bin, *args], capture_output=True, text=True, env=env, timeout=60)


def test_bare_codex_prints_help_and_exits_zero(codex_bin: str, isolated_env: dict[str, str]) -> None:
    result = run(codex_bin, env=isolated_env)
    assert result.returncode == 0
    assert "Usage: codex" in result.stdout
    assert "--config" in result.stdout and "--enable" in result.stdout


def test_version(codex_bin: str, isolated_env: dict[str, str]) -> None:
    for flag in ("--version", "-V"):
        result = run(codex_bin, flag, env=isolated_env)
        assert result.returncode == 0
        assert result.stdout.strip() == f"codex-cli {CLI_VERSION}"


def test_unknown_option_is_a_usage_error(codex_bin: str, isolated_env: dict[str, str]) -> None:
    result = run(codex_bin, "--no-such-flag", env=isolated_env)
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_import_stays_light() -> None:
    """`codex --help` must not pay for pydantic, httpx or rich (start-up is product)."""
    probe = (
        "import sys, codex_cli; from codex_cli.app import build_app; build_app();"
        "heavy = [m for m in ('pydantic', 'httpx', 'rich', 'tomlkit') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_help_lists_commands_in_the_reference_order_in_full(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    result = run(codex_bin, "--help", env=isolated_env)
    assert result.returncode == 0
    commands = result.stdout.split("Commands:\n", 1)[1]
    names = [line.split()[0] for line in commands.splitlines() if line.startswith("  ") and line[2] != " "]
    reference = ["login", "logout", "mcp", "mcp-server", "app-server", "completion"]
    assert names[: len(reference)] == reference
    assert "..." not in commands and "…" not in commands
    mcp = run(codex_bin, "mcp", "--help", env=isolated_env).stdout.split("Commands:\n", 1)[1]
    assert [line.split()[0] for line in mcp.splitlines() if line.startswith("  ") and line[2] != " "] == [
        "list",
        "get",
        "add",
        "remove",
        "login",
        "logout",
    ]


def test_mcp_add_help_has_readable_metavars(codex_bin: str, isolated_env: dict[str, str]) -> None:
    text = run(codex_bin, "mcp", "add", "--help", env=isolated_env).stdout
    assert text.startswith("Usage: codex mcp add [OPTIONS] <NAME> [-- COMMAND...]\n")
    for unreadable in ("{", "<str>", "<list[str]>"):
        assert unreadable not in text
    assert "--url URL" in text and "--bearer-token-env-var ENV_VAR" in text and "--env KEY=VALUE" in text
