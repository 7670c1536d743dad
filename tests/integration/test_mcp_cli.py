"""`codex mcp add/list/get/remove` on a config with comments."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

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


class _Discovery(http.server.BaseHTTPRequestHandler):
    """An authorization server's well-known metadata, at whatever path `metadata` names."""

    metadata: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("MCP-Protocol-Version")))
        body = self.metadata.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def discovery() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Discovery.seen.clear()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_auth_status_of_url_servers_asks_for_oauth_metadata(
    codex_bin: str, isolated_env: dict[str, str], discovery: str
) -> None:
    """As the reference: a `--url` server is "not logged in" only when it offers OAuth login."""
    full = {"authorization_endpoint": "http://x/a", "token_endpoint": "http://x/t"}
    _Discovery.metadata = {
        "/.well-known/oauth-authorization-server/oauth": full,
        "/.well-known/oauth-authorization-server/partial": {"authorization_endpoint": "http://x/a"},
    }
    config = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config.write_text(
        f'[mcp_servers.oauth]\nurl = "{discovery}/oauth"\n'
        f'[mcp_servers.partial]\nurl = "{discovery}/partial"\n'
        f'[mcp_servers.plain]\nurl = "{discovery}/a/b/"\n'
        '[mcp_servers.down]\nurl = "http://127.0.0.1:9/mcp"\n'
        '[mcp_servers.header]\nurl = "http://127.0.0.1:9/mcp"\nhttp_headers = { Authorization = "Bearer x" }\n'
        '[mcp_servers.token]\nurl = "http://127.0.0.1:9/mcp"\nbearer_token_env_var = "TOKEN"\n'
    )
    listed = json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout)
    assert {entry["name"]: entry["auth_status"] for entry in listed} == {
        "down": "unsupported",
        "header": "unsupported",  # a static Authorization header is not a bearer token variable
        "oauth": "not_logged_in",
        "partial": "unsupported",
        "plain": "unsupported",
        "token": "bearer_token",
    }
    asked = sorted(_Discovery.seen)
    assert asked == sorted(
        [
            ("/.well-known/oauth-authorization-server/oauth", "2024-11-05"),
            ("/.well-known/oauth-authorization-server/partial", "2024-11-05"),
            ("/partial/.well-known/oauth-authorization-server", "2024-11-05"),
            ("/.well-known/oauth-authorization-server", "2024-11-05"),
            ("/.well-known/oauth-authorization-server/a/b", "2024-11-05"),
            ("/a/b/.well-known/oauth-authorization-server", "2024-11-05"),
            ("/.well-known/oauth-authorization-server", "2024-11-05"),
        ]
    )
    # Plain columns as the reference prints them: as wide as the widest cell, two spaces apart.
    table = _codex(codex_bin, isolated_env, "mcp", "list").stdout.splitlines()
    url_width = len(f"{discovery}/partial")
    assert table[0] == f"Name     {'Url':<{url_width}}  Bearer Token Env Var  Status   Auth         "
    assert (
        table[1]
        == f"down     {'http://127.0.0.1:9/mcp':<{url_width}}  -                     enabled  Unsupported  "
    )
    assert (
        table[6]
        == f"token    {'http://127.0.0.1:9/mcp':<{url_width}}  TOKEN                 enabled  Bearer token "
    )


def test_discovery_paths() -> None:
    from codex_core.mcp.oauth_discovery import discovery_paths

    assert discovery_paths("") == ["/.well-known/oauth-authorization-server"]
    assert discovery_paths("/") == ["/.well-known/oauth-authorization-server"]
    assert discovery_paths("/mcp/") == [
        "/.well-known/oauth-authorization-server/mcp",
        "/mcp/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server",
    ]
