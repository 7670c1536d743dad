"""OAuth for streamable-HTTP MCP servers: `codex mcp login/logout`, stored credentials, tools with
the token, refresh of an expired token, and the app server's `mcpServer/oauth/login`."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp_servers.fixtures import stdio_table
from support.appserver import StdioAppServer

from codex_core.config.typed import McpServerToml
from codex_core.mcp.manager import McpManager
from codex_core.mcp.oauth import store_key

MOCK = Path(__file__).parents[1] / "mcp_oauth_server.py"


@pytest.fixture
def oauth_server() -> Iterator[str]:
    """The bearer-protected MCP server and its authorization server; yields the origin."""
    process = subprocess.Popen([sys.executable, str(MOCK)], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("PORT "), line
        yield f"http://127.0.0.1:{int(line.split()[1])}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _get(url: str) -> tuple[int, str]:
    """What a browser does with the authorization URL: follow the redirect to our callback."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return int(response.status), response.read().decode()


def _stats(origin: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{origin}/admin/stats", timeout=10) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def _configure(env: dict[str, str], origin: str, store: str = "file") -> Path:
    home = Path(env["CODEX_HOME"])
    table = stdio_table()
    (home / "config.toml").write_text(
        f'mcp_oauth_credentials_store = "{store}"\n\n'
        f'[mcp_servers.secure]\nurl = "{origin}/mcp"\n\n'
        f"[mcp_servers.local]\ncommand = {json.dumps(table['command'])}\nargs = {json.dumps(table['args'])}\n"
    )
    return home / ".credentials.json"


def _codex(codex_bin: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([codex_bin, *args], env=env, capture_output=True, text=True, timeout=30)


def _cli_login(codex_bin: str, env: dict[str, str], *extra: str) -> tuple[int, str, str]:
    process = subprocess.Popen(
        [codex_bin, "mcp", "login", "secure", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = ""
    url = ""
    while not url:
        line = process.stdout.readline()
        assert line, process.communicate(timeout=10)
        seen += line
        if line.startswith("http://"):
            url = line.strip()
    status, body = _get(url)
    assert status == 200 and "Authentication complete" in body
    out, err = process.communicate(timeout=30)
    return process.returncode, seen + out, err


def _entry(path: Path, origin: str) -> dict[str, Any]:
    data = json.loads(path.read_text())
    entry: dict[str, Any] = data[store_key("secure", f"{origin}/mcp")]
    return entry


async def _call_echo(home: Path, origin: str) -> dict[str, Any]:
    config = McpServerToml.model_validate({"url": f"{origin}/mcp"})
    manager = McpManager({"secure": config}, env={}, codex_home=home, oauth_store_mode="file")
    try:
        await manager.wait_ready()
        connection = manager.connections["secure"]
        assert connection.state == "ready", connection.error
        assert manager.auth_status("secure") == "oAuth"
        return await manager.call_tool("secure", "echo", {"text": "hi"})
    finally:
        await manager.shutdown()


async def test_cli_login_tools_refresh_logout(
    codex_bin: str, isolated_env: dict[str, str], oauth_server: str
) -> None:
    credentials = _configure(isolated_env, oauth_server)
    home = credentials.parent
    listed = json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout)
    assert {e["name"]: e["auth_status"] for e in listed} == {
        "local": "unsupported",
        "secure": "not_logged_in",
    }

    code, out, err = _cli_login(codex_bin, isolated_env, "--scopes", "read,write")
    assert code == 0, err
    assert out.splitlines()[0] == "Authorize `secure` by opening this URL in your browser:"
    assert out.strip().endswith("Successfully logged in to MCP server 'secure'.")
    assert _stats(oauth_server)["last_scope"] == "read write"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    entry = _entry(credentials, oauth_server)
    assert entry["server_name"] == "secure" and entry["server_url"] == f"{oauth_server}/mcp"
    assert entry["access_token"].startswith("at-") and entry["refresh_token"].startswith("rt-")
    assert entry["client_id"] == entry["client_info"]["client_id"]
    assert entry["expires_at"] > time.time() * 1000
    listed = json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout)
    assert {e["name"]: e["auth_status"] for e in listed}["secure"] == "o_auth"

    # The stored token opens the MCP server.
    result = await _call_echo(home, oauth_server)
    assert result["content"][0]["text"] == "echo: hi"
    assert _stats(oauth_server)["refreshes"] == 0

    # Expired (on the server and per its stored expiry): refreshed once, then stored again.
    with urllib.request.urlopen(urllib.request.Request(f"{oauth_server}/admin/expire", method="POST")):
        pass
    data = json.loads(credentials.read_text())
    data[store_key("secure", f"{oauth_server}/mcp")]["expires_at"] = int(time.time() * 1000) - 1000
    credentials.write_text(json.dumps(data))
    result = await _call_echo(home, oauth_server)
    assert result["content"][0]["text"] == "echo: hi"
    stats = _stats(oauth_server)
    assert stats["refreshes"] == 1 and stats["code_grants"] == 1
    refreshed = _entry(credentials, oauth_server)
    assert refreshed["access_token"] != entry["access_token"]
    assert refreshed["refresh_token"] != entry["refresh_token"]
    assert refreshed["expires_at"] > time.time() * 1000

    removed = _codex(codex_bin, isolated_env, "mcp", "logout", "secure")
    assert (removed.returncode, removed.stdout) == (0, "Removed OAuth credentials for 'secure'.\n")
    assert not credentials.exists() or store_key("secure", f"{oauth_server}/mcp") not in json.loads(
        credentials.read_text()
    )
    again = _codex(codex_bin, isolated_env, "mcp", "logout", "secure")
    assert (again.returncode, again.stdout) == (0, "No OAuth credentials stored for 'secure'.\n")


async def test_without_login_the_server_fails_to_start(
    isolated_env: dict[str, str], oauth_server: str
) -> None:
    config = McpServerToml.model_validate({"url": f"{oauth_server}/mcp", "startup_timeout_sec": 10})
    manager = McpManager({"secure": config}, env={}, codex_home=Path(isolated_env["CODEX_HOME"]))
    try:
        await manager.wait_ready()
        assert manager.connections["secure"].state == "failed"
        assert manager.auth_status("secure") == "notLoggedIn"
    finally:
        await manager.shutdown()


def test_stdio_and_unknown_servers(codex_bin: str, isolated_env: dict[str, str]) -> None:
    _configure(isolated_env, "http://127.0.0.1:9")
    login = _codex(codex_bin, isolated_env, "mcp", "login", "local")
    assert (login.returncode, login.stdout) == (1, "")
    assert login.stderr == "Error: OAuth login is only supported for streamable HTTP servers.\n"
    logout = _codex(codex_bin, isolated_env, "mcp", "logout", "local")
    assert (logout.returncode, logout.stdout) == (1, "")
    assert logout.stderr == "Error: OAuth logout is only supported for streamable_http transports.\n"
    missing = _codex(codex_bin, isolated_env, "mcp", "logout", "nope")
    assert missing.returncode == 1
    assert missing.stderr == "Error: No MCP server named 'nope' found in configuration.\n"


def test_app_server_oauth_login(codex_bin: str, isolated_env: dict[str, str], oauth_server: str) -> None:
    credentials = _configure(isolated_env, oauth_server, store="auto")  # no keyring here: the file
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize("pytest")
        stdio = server.request("mcpServer/oauth/login", {"name": "local"})
        assert stdio["error"]["message"] == "OAuth login is only supported for streamable HTTP servers."
        response = server.request("mcpServer/oauth/login", {"name": "secure", "scopes": ["read"]})
        url = response["result"]["authorizationUrl"]
        assert url.startswith(f"{oauth_server}/authorize?") and "code_challenge_method=S256" in url
        assert _get(url)[0] == 200
        done = server.wait_for(lambda m: m.get("method") == "mcpServer/oauthLogin/completed")
        assert done["params"] == {"name": "secure", "success": True}
        status = server.request("mcpServerStatus/list", {})
        secure = next(s for s in status["result"]["data"] if s["name"] == "secure")
        assert secure["authStatus"] == "oAuth" and "echo" in secure["tools"]
    assert _entry(credentials, oauth_server)["access_token"].startswith("at-")
