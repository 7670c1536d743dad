"""`codex mcp add/list/get/remove` on a config with comments."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ORIGINAL = '# top comment\nmodel = "o3"  # keep me\n\n[features]\n# feature comment\nundo = true\n'


def _codex(codex_bin: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([codex_bin, *args], env=env, capture_output=True, text=True, timeout=30)


def test_round_trip_keeps_untouched_lines(codex_bin: str, isolated_env: dict[str, str]) -> None:
    config = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config.write_text(ORIGINAL)
    empty = _codex(codex_bin, isolated_env, "mcp", "list")
    assert empty.stdout.strip() == "No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`."
    assert json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout) == []

    added = _codex(
        codex_bin,
        isolated_env,
        "mcp",
        "add",
        "srv1",
        "--env",
        "FOO=bar",
        "--",
        "python3",
        "-m",
        "server",
        "--flag",
    )
    assert added.returncode == 0 and added.stdout.strip() == "Added global MCP server 'srv1'."
    web = _codex(
        codex_bin,
        isolated_env,
        "mcp",
        "add",
        "web",
        "--url",
        "http://127.0.0.1:9/mcp",
        "--bearer-token-env-var",
        "TOK",
    )
    assert web.returncode == 0
    text = config.read_text()
    assert text.startswith(ORIGINAL)
    assert '[mcp_servers.srv1]\ncommand = "python3"\nargs = ["-m", "server", "--flag"]' in text

    listed = json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout)
    assert [entry["name"] for entry in listed] == ["srv1", "web"]
    assert listed[0]["transport"] == {
        "type": "stdio",
        "command": "python3",
        "args": ["-m", "server", "--flag"],
        "env": {"FOO": "bar"},
        "env_vars": [],
        "cwd": None,
    }
    assert listed[0]["auth_status"] == "unsupported" and listed[1]["auth_status"] == "bearer_token"
    table = _codex(codex_bin, isolated_env, "mcp", "list").stdout
    assert "FOO=*****" in table and "bar" not in table and "Bearer token" in table

    got = _codex(codex_bin, isolated_env, "mcp", "get", "srv1").stdout
    assert got.splitlines() == [
        "srv1",
        "  enabled: true",
        "  transport: stdio",
        "  command: python3",
        "  args: -m server --flag",
        "  cwd: -",
        "  env: FOO=*****",
        "  remove: codex mcp remove srv1",
    ]
    got_json = json.loads(_codex(codex_bin, isolated_env, "mcp", "get", "web", "--json").stdout)
    assert got_json["transport"]["url"] == "http://127.0.0.1:9/mcp" and got_json["enabled_tools"] is None

    missing = _codex(codex_bin, isolated_env, "mcp", "get", "nope")
    assert missing.returncode == 1 and missing.stderr.strip() == "Error: No MCP server named 'nope' found."

    assert (
        _codex(codex_bin, isolated_env, "mcp", "remove", "srv1").stdout.strip()
        == "Removed global MCP server 'srv1'."
    )
    assert _codex(codex_bin, isolated_env, "mcp", "remove", "web").returncode == 0
    again = _codex(codex_bin, isolated_env, "mcp", "remove", "web")
    assert again.returncode == 0 and again.stdout.strip() == "No MCP server named 'web' found."
    assert config.read_text().startswith(ORIGINAL)


def test_usage_errors(codex_bin: str, isolated_env: dict[str, str]) -> None:
    assert _codex(codex_bin, isolated_env, "mcp", "add", "x").returncode == 2
    bad = _codex(codex_bin, isolated_env, "mcp", "add", "bad.name", "--", "cmd")
    assert bad.returncode == 1 and "invalid server name" in bad.stderr
    assert (
        _codex(
            codex_bin, isolated_env, "-c", "model=o3", "mcp", "list", "-c", "model=o4", "--json"
        ).returncode
        == 0
    )
