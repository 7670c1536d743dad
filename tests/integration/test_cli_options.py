"""The global options (-c, --enable, --disable) at every level of the real `codex` entrypoint."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


def run(codex_bin: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [codex_bin, *args], capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


def _add_server(codex_bin: str, env: dict[str, str]) -> None:
    assert run(codex_bin, "mcp", "add", "srv", "--", "python3", "-m", "srv", env=env).returncode == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["mcp", "-c", "mcp_servers.srv.enabled=false", "list", "--json"],
        ["mcp", "list", "-c", "mcp_servers.srv.enabled=false", "--json"],
        ["-c", "mcp_servers.srv.enabled=false", "mcp", "list", "--json"],
        ["mcp", "--disable", "undo", "-c", "mcp_servers.srv.enabled=false", "get", "srv", "--json"],
    ],
)
def test_config_option_at_any_level_of_mcp(
    codex_bin: str, isolated_env: dict[str, str], argv: list[str]
) -> None:
    _add_server(codex_bin, isolated_env)
    result = run(codex_bin, *argv, env=isolated_env)
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    entry = listed[0] if isinstance(listed, list) else listed
    assert entry["name"] == "srv" and entry["enabled"] is False


def test_levels_apply_outermost_first(codex_bin: str, isolated_env: dict[str, str]) -> None:
    _add_server(codex_bin, isolated_env)
    off = "mcp_servers.srv.enabled=false"
    on = "mcp_servers.srv.enabled=true"
    for argv, enabled in (
        (["-c", off, "mcp", "-c", on, "list", "--json"], True),
        (["-c", on, "mcp", "-c", off, "list", "--json"], False),
        (["mcp", "-c", off, "list", "-c", on, "--json"], True),
    ):
        result = run(codex_bin, *argv, env=isolated_env)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)[0]["enabled"] is enabled, argv


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "-c", 'cli_auth_credentials_store="file"', "status"],
        ["login", "status", "--enable", "undo"],
        ["logout", "--disable", "undo"],
        ["mcp", "--enable", "undo", "list"],
    ],
)
def test_global_options_after_any_subcommand(
    codex_bin: str, isolated_env: dict[str, str], argv: list[str]
) -> None:
    result = run(codex_bin, *argv, env=isolated_env)
    assert "No such option" not in result.stderr
    assert "Traceback" not in result.stderr


def test_generators_accept_global_options(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "schema"
    result = run(
        codex_bin,
        "app-server",
        "-c",
        "model=x",
        "generate-json-schema",
        "--enable",
        "undo",
        "-o",
        str(out),
        env=isolated_env,
    )
    assert result.returncode == 0, result.stderr
    assert any(out.iterdir())


# Item: unknown feature names, as the reference (`Error: Unknown feature flag: NAME`, exit 1).


@pytest.mark.parametrize(
    "argv",
    [
        ["--enable", "nosuchfeature", "mcp", "list"],
        ["mcp", "--disable", "nosuchfeature", "list"],
        ["mcp", "list", "--enable", "nosuchfeature"],
        ["login", "status", "--enable", "nosuchfeature"],
        ["--enable", "nosuchfeature", "app-server"],
        ["app-server", "--disable", "nosuchfeature"],
        ["app-server", "--enable", "nosuchfeature", "--listen", "stdio://", "generate-ts", "-o", "x"],
        ["mcp-server", "--enable", "nosuchfeature"],
    ],
)
def test_unknown_feature_flag(codex_bin: str, isolated_env: dict[str, str], argv: list[str]) -> None:
    result = run(codex_bin, *argv, env=isolated_env)
    assert result.returncode == 1
    assert result.stderr == "Error: Unknown feature flag: nosuchfeature\n"
    assert result.stdout == ""


def test_legacy_feature_alias_is_known(codex_bin: str, isolated_env: dict[str, str]) -> None:
    # `connectors` is the old name of `apps`; the reference accepts it.
    result = run(codex_bin, "--enable", "connectors", "mcp", "list", env=isolated_env)
    assert result.returncode == 0, result.stderr


# Item: -c values that do not make a valid config are a CLI error naming the -c option and the key.

_BAD = "approval_policy=bogus"
_EXPECTED = (
    "Error: invalid value in -c approval_policy=bogus (key `approval_policy`): unknown variant `bogus`, "
    "expected one of `untrusted`, `on-failure`, `on-request`, `never`\n"
)


@pytest.mark.parametrize(
    "argv",
    [
        ["app-server", "-c", _BAD],
        ["-c", _BAD, "app-server"],
        ["app-server", "-c", _BAD, "--listen", "ws://127.0.0.1:0"],
        ["app-server", "-c", _BAD, "--listen"],  # not the fast path: Typer reports the usage error first
        ["mcp", "list", "-c", _BAD],
        ["mcp", "-c", _BAD, "list"],
        ["mcp-server", "-c", _BAD],
        ["login", "status", "-c", _BAD],
    ],
)
def test_bad_override_value_is_a_cli_error(
    codex_bin: str, isolated_env: dict[str, str], argv: list[str]
) -> None:
    result = run(codex_bin, *argv, env=isolated_env)
    if argv[-1] == "--listen":
        assert result.returncode == 2 and "--listen" in result.stderr
        return
    assert result.returncode == 1
    assert result.stderr == _EXPECTED


def test_bad_override_names_the_spec_that_set_the_key(codex_bin: str, isolated_env: dict[str, str]) -> None:
    result = run(codex_bin, "app-server", "-c", "model=x", "-c", "mcp_servers.x.command=3", env=isolated_env)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: invalid value in -c mcp_servers.x.command=3 (key `mcp_servers.x.command`): "
    )


def test_broken_config_file_keeps_its_config_warning(codex_bin: str, isolated_env: dict[str, str]) -> None:
    """Only the command line is judged up front: a bad config.toml still starts the server."""
    Path(isolated_env["CODEX_HOME"], "config.toml").write_text('approval_policy = "bogus"\n')
    init = {"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "t", "version": "1"}}}
    proc = subprocess.run(
        [codex_bin, "app-server", "-c", "model=x"],
        input=json.dumps(init) + "\n",
        capture_output=True,
        text=True,
        env=isolated_env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    messages = [json.loads(line) for line in proc.stdout.splitlines()]
    assert messages[0]["id"] == 1 and "result" in messages[0]
    warnings = [m for m in messages if m.get("method") == "configWarning"]
    assert warnings and "config.toml" in warnings[0]["params"]["path"]
