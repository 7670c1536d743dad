"""The Typer-free fast path (codex_cli/fast_path.py) answers as the Typer tree does: same
stdout, stderr and exit status for the invocations it takes, and it takes the everyday ones
without importing Typer or pydantic."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs `codex ARGV` in-process and reports which heavy modules got imported; with "typer" as
# the first argument the fast path is switched off, so the Typer tree answers.
PROBE = """
import sys
force_typer = sys.argv[1] == "typer"
argv = sys.argv[2:]
import codex_cli.fast_path as fast
if force_typer:
    fast.try_fast = lambda args: None
from codex_cli.main import main
status = 0
try:
    main(argv)
except SystemExit as exc:
    status = exc.code if isinstance(exc.code, int) else 1
sys.stdout.flush()
heavy = sorted(m for m in ("typer", "pydantic", "asyncio", "rich") if m in sys.modules)
sys.stderr.write("\\n@@" + ",".join(heavy) + "\\n")
sys.exit(status)
"""

SERVERS = """\
[mcp_servers.a]
command = "npx"
args = ["-y", "x"]
env = { B = "1", A = "2" }
startup_timeout_sec = 20
[mcp_servers.h]
url = "http://127.0.0.1:9/mcp"
bearer_token_env_var = "TOK"
tool_timeout_sec = 3
[mcp_servers.x]
command = "srv"
enabled = false
enabled_tools = ["a", "b"]
disabled_tools = []
cwd = "/tmp"
"""


def _run(mode: str, argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str, str]:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, mode, *argv],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "100"},
        cwd=cwd,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    stderr, _, heavy = proc.stderr.rpartition("\n@@")
    return proc.returncode, proc.stdout, stderr, heavy.strip()


CASES = [
    ["--version"],
    ["-V"],
    [],
    ["--help"],
    ["mcp", "list", "-h"],
    ["login", "status", "--help"],
    ["app-server", "generate-ts", "--help"],
    ["mcp", "list"],
    ["mcp", "list", "--json"],
    ["mcp", "get", "x"],
    ["mcp", "get", "--json", "a"],
    ["mcp", "get", "h"],
    ["mcp", "get", "missing"],
    ["login", "status"],
    ["--enable", "nope", "mcp", "list"],
    ["mcp", "--disable", "nope", "list"],
    ["login", "status", "--enable", "nope"],
    # A `-c` the typed view refuses: pydantic words the error, still without Typer.
    ["-c", "mcp_servers.a.command=1", "mcp", "list"],
    ["--config=model=3", "login", "status"],
    ["-c", 'model="o3"', "mcp", "-c", "x=1", "get", "a", "-c", "y=2"],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c) or "(none)" for c in CASES])
def test_fast_path_answers_as_typer_does(
    argv: list[str], isolated_env: dict[str, str], tmp_path: Path
) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text(SERVERS)
    fast = _run("fast", argv, isolated_env, tmp_path)
    typer = _run("typer", argv, isolated_env, tmp_path)
    assert fast[:3] == typer[:3]
    assert "typer" not in fast[3].split(","), "the fast path did not take it"
    if not any(arg.startswith(("-c", "--config")) for arg in argv):
        assert "pydantic" not in fast[3].split(",")


@pytest.mark.parametrize(
    "config",
    ["model = 3\n", '[mcp_servers.a]\nargs = ["x"]\n', "model = \n", "model = 2024-01-01\n"],
    ids=["wrong-type", "no-transport", "syntax", "datetime"],
)
@pytest.mark.parametrize("argv", [["mcp", "list"], ["login", "status"]], ids=["mcp-list", "login-status"])
def test_a_bad_config_fails_alike(
    config: str, argv: list[str], isolated_env: dict[str, str], tmp_path: Path
) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text(config)
    fast = _run("fast", argv, isolated_env, tmp_path)
    assert fast[:3] == _run("typer", argv, isolated_env, tmp_path)[:3]
    assert fast[0] != 0


@pytest.mark.parametrize(
    "argv",
    [["mcp", "list", "--bogus"], ["mcp", "get"], ["-cmodel=1", "mcp", "list"], ["mcp", "list", "--", "x"]],
    ids=["unknown-option", "missing-name", "glued-value", "double-dash"],
)
def test_anything_unusual_is_left_to_typer(
    argv: list[str], isolated_env: dict[str, str], tmp_path: Path
) -> None:
    fast = _run("fast", argv, isolated_env, tmp_path)
    assert fast[:3] == _run("typer", argv, isolated_env, tmp_path)[:3]
    assert "typer" in fast[3].split(",")


def test_narrow_terminal_help_is_typers(isolated_env: dict[str, str], tmp_path: Path) -> None:
    narrow = {**isolated_env, "COLUMNS": "60"}
    fast = subprocess.run(
        [sys.executable, "-c", PROBE, "fast", "mcp", "--help"], capture_output=True, text=True, env=narrow
    )
    assert "@@" in fast.stderr and "typer" in fast.stderr.rpartition("@@")[2]
    assert max(len(line) for line in fast.stdout.splitlines()) <= 60


def test_login_status_with_an_api_key(isolated_env: dict[str, str], tmp_path: Path) -> None:
    auth = {"OPENAI_API_KEY": "sk-abcdefghijklmnopqrstuvwxyz"}
    (Path(isolated_env["CODEX_HOME"]) / "auth.json").write_text(json.dumps(auth))
    fast = _run("fast", ["login", "status"], isolated_env, tmp_path)
    assert fast[:3] == _run("typer", ["login", "status"], isolated_env, tmp_path)[:3]
    assert fast[0] == 0 and "sk-abcde***vwxyz" in fast[2]
    assert "asyncio" not in fast[3].split(",")


def test_schema_export_through_the_fast_path(isolated_env: dict[str, str], tmp_path: Path) -> None:
    for argv in (["generate-json-schema", "--out"], ["app-server", "generate-ts", "-o"]):
        fast_out, typer_out = tmp_path / "fast", tmp_path / "typer"
        fast = _run("fast", [*argv, str(fast_out)], isolated_env, tmp_path)
        typer = _run("typer", [*argv, str(typer_out)], isolated_env, tmp_path)
        assert fast[:3] == typer[:3] and fast[0] == 0
        assert "typer" not in fast[3].split(",")
        files = sorted(p.relative_to(fast_out) for p in fast_out.rglob("*") if p.is_file())
        assert files == sorted(p.relative_to(typer_out) for p in typer_out.rglob("*") if p.is_file())
        assert all((fast_out / f).read_bytes() == (typer_out / f).read_bytes() for f in files)
        for folder in (fast_out, typer_out):
            subprocess.run(["rm", "-rf", str(folder)], check=True)


def test_mcp_server_starts_without_typer(isolated_env: dict[str, str], tmp_path: Path) -> None:
    # An MCP host spawns `codex mcp-server` and waits for the handshake: the same answer, sooner.
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    answers = {}
    for mode in ("fast", "typer"):
        proc = subprocess.run(
            [sys.executable, "-c", PROBE, mode, "mcp-server", "-c", 'model="o3"'],
            input=json.dumps(initialize) + "\n",
            capture_output=True,
            text=True,
            env=isolated_env,
            cwd=tmp_path,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stderr
        answers[mode] = (json.loads(proc.stdout.splitlines()[0]), proc.stderr.rpartition("\n@@")[2].strip())
    assert answers["fast"][0] == answers["typer"][0] and answers["fast"][0]["id"] == 1
    assert "typer" not in answers["fast"][1].split(",") and "typer" in answers["typer"][1].split(",")


def test_mcp_server_with_a_bad_config_is_reported_by_typer(
    isolated_env: dict[str, str], tmp_path: Path
) -> None:
    argv = ["mcp-server", "-c", "approval_policy=bogus"]
    fast = _run("fast", argv, isolated_env, tmp_path)
    assert fast[0] != 0 and fast[:3] == _run("typer", argv, isolated_env, tmp_path)[:3]


@pytest.mark.parametrize("config", ["", "[broken\n", 'model_reasoning_effort = "bogus"\n'])
def test_mcp_server_checks_any_config_with_content_before_serving(
    config: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    # An empty config.toml has nothing to check and serves at once; any content is loaded first,
    # so a broken file still fails before the first answer, as the Typer path does.
    Path(isolated_env["CODEX_HOME"], "config.toml").write_text(config)
    fast = _run("fast", ["mcp-server"], isolated_env, tmp_path)
    assert fast[:3] == _run("typer", ["mcp-server"], isolated_env, tmp_path)[:3]
    assert (fast[0] == 0) == (config == "") and fast[1] == ""


def test_mcp_server_checks_again_when_a_config_it_checked_before_changes(
    isolated_env: dict[str, str], tmp_path: Path
) -> None:
    # A start that found the config good records what it read (known_good.py); an edit that
    # breaks the file must still fail the next start before its first answer.
    config = Path(isolated_env["CODEX_HOME"], "config.toml")
    config.write_text('model = "o3"\n')
    assert _run("fast", ["mcp-server"], isolated_env, tmp_path)[0] == 0
    assert Path(isolated_env["CODEX_HOME"], "pycodex-config-checked.json").is_file()
    config.write_text('model = "o3"\nmodel_reasoning_effort = "bogus"\n')
    fast = _run("fast", ["mcp-server"], isolated_env, tmp_path)
    assert fast[0] != 0 and fast[1] == ""
    assert fast[:3] == _run("typer", ["mcp-server"], isolated_env, tmp_path)[:3]
