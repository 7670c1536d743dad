"""No traceback anywhere: every failure of the real `codex` entrypoint is one line on stderr and a
non-zero exit. First the failures a person meets, then a fault injected into each subcommand."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

AS_ROOT = os.geteuid() == 0


def run(codex_bin: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [codex_bin, *args], capture_output=True, text=True, env=env, timeout=60, stdin=subprocess.DEVNULL
    )


def assert_one_line(result: subprocess.CompletedProcess[str], *, code: int = 1) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


def test_mcp_add_and_remove_when_the_lock_cannot_be_made(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    home = Path(isolated_env["CODEX_HOME"])
    assert run(codex_bin, "mcp", "add", "srv", "--", "echo", env=isolated_env).returncode == 0
    (home / ".config.toml.lock").unlink()
    (home / ".config.toml.lock").mkdir()  # root ignores permissions; a directory stops everyone
    for argv in (["mcp", "add", "other", "--", "echo"], ["mcp", "remove", "srv"]):
        line = assert_one_line(run(codex_bin, *argv, env=isolated_env))
        assert line == f"Error: Is a directory: {home / '.config.toml.lock'}"


@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_mcp_add_and_remove_on_a_read_only_codex_home(codex_bin: str, isolated_env: dict[str, str]) -> None:
    home = Path(isolated_env["CODEX_HOME"])
    assert run(codex_bin, "mcp", "add", "srv", "--", "echo", env=isolated_env).returncode == 0
    (home / ".config.toml.lock").unlink()
    home.chmod(0o555)
    try:
        for argv in (["mcp", "add", "other", "--", "echo"], ["mcp", "remove", "srv"]):
            line = assert_one_line(run(codex_bin, *argv, env=isolated_env))
            assert line.startswith("Error: Permission denied: ")
    finally:
        home.chmod(0o755)


@pytest.mark.parametrize("prefix", [[], ["app-server"]])
def test_generate_ts_with_a_missing_prettier(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path, prefix: list[str]
) -> None:
    result = run(
        codex_bin,
        *prefix,
        "generate-ts",
        "-o",
        str(tmp_path / "ts"),
        "--prettier",
        "/nonexistent",
        env=isolated_env,
    )
    assert assert_one_line(result) == "Error: cannot run prettier `/nonexistent`: No such file or directory"


def test_generate_ts_with_a_failing_prettier(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    prettier = tmp_path / "prettier"
    prettier.write_text("#!/bin/sh\necho 'some detail' >&2\necho 'SyntaxError: bad' >&2\nexit 3\n")
    prettier.chmod(0o755)
    result = run(
        codex_bin, "generate-ts", "-o", str(tmp_path / "ts"), "--prettier", str(prettier), env=isolated_env
    )
    assert assert_one_line(result) == f"Error: prettier `{prettier}` exited with status 3: SyntaxError: bad"


def test_generate_json_schema_into_an_unwritable_place(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(codex_bin, "generate-json-schema", "--out", str(blocker / "schema"), env=isolated_env)
    assert assert_one_line(result) == f"Error: Not a directory: {blocker / 'schema'}"


@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_generate_json_schema_into_a_read_only_folder(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    try:
        result = run(codex_bin, "app-server", "generate-json-schema", "--out", str(folder), env=isolated_env)
        assert assert_one_line(result).startswith("Error: Permission denied: ")
    finally:
        folder.chmod(0o755)


# A fault the code does not expect, injected at start-up through sitecustomize: each subcommand
# must still end in one line and exit 1.

_INJECT = """
import importlib, os
module_name, _, attribute = os.environ["CODEX_TEST_FAULT"].rpartition(".")
module = importlib.import_module(module_name)
def _fault(*args, **kwargs):
    raise RuntimeError("injected fault\\nsecond line")
setattr(module, attribute, _fault)
"""

_LOAD = "codex_core.config.loader.load_config"
_CASES = [
    (["mcp", "list"], _LOAD),
    (["mcp", "get", "x"], _LOAD),
    (["mcp", "add", "x", "--", "echo"], _LOAD),
    (["mcp", "remove", "x"], _LOAD),
    (["mcp", "login", "x"], _LOAD),
    (["mcp", "logout", "x"], _LOAD),
    # With no setting anywhere mcp-server has no config to check before serving; -c gives it one.
    (["mcp-server", "-c", 'model="o3"'], _LOAD),
    (["login", "status"], _LOAD),
    (["login", "--device-auth"], _LOAD),
    (["login"], _LOAD),
    (["logout"], _LOAD),
    (["app-server"], "app_server.server.run"),
    (["app-server", "--listen", "ws://127.0.0.1:0"], "app_server.server.run"),
    (["generate-ts", "-o", "out"], "app_server.protocol.export.write_typescript"),
    (["app-server", "generate-ts", "-o", "out"], "app_server.protocol.export.write_typescript"),
    (["generate-json-schema", "-o", "out"], "app_server.protocol.export.write_json_schema"),
    (["app-server", "generate-json-schema", "-o", "out"], "app_server.protocol.export.write_json_schema"),
]


@pytest.mark.parametrize(("argv", "fault"), _CASES, ids=[" ".join(argv) for argv, _ in _CASES])
def test_an_unexpected_error_is_one_line(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path, argv: list[str], fault: str
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(_INJECT)
    env = {**isolated_env, "PYTHONPATH": str(site), "CODEX_TEST_FAULT": fault}
    result = subprocess.run(
        [codex_bin, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        stdin=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert assert_one_line(result) == "Error: injected fault"
