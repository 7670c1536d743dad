"""`codex mcp list` / `codex mcp get` into a pipe (issue 22 item 2): plain columns, one line per
server, no wrapping and no box rules, byte for byte what the reference 0.100.0 prints for the
same config (recorded with `codex-ref mcp list | cat`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

LONG = "a-very-long-server-name-with-many-characters-indeed"
CONFIG = f"""\
[mcp_servers.everything]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-everything"]

[mcp_servers.{LONG}]
command = "/usr/local/bin/some-really-long-command-name"
args = ["--flag=value", "--another-flag", "arg with space", "ünïcode"]

[mcp_servers.{LONG}.env]
API_KEY = "secret"
B = "2"

[mcp_servers.web]
url = "https://example.invalid/mcp/a/really/long/path/that/goes/on/and/on"
bearer_token_env_var = "MY_TOKEN"

[mcp_servers.web2]
url = "http://127.0.0.1:9/mcp"
"""

# Each column is as wide as its widest cell counted in UTF-8 bytes (hence the two extra spaces
# after "ünïcode"), two spaces apart, the last column padded too.
LIST = (
    "Name                                                 Command                                       Args                                                  Env                     Cwd  Status   Auth       \n"
    "a-very-long-server-name-with-many-characters-indeed  /usr/local/bin/some-really-long-command-name  --flag=value --another-flag arg with space ünïcode    API_KEY=*****, B=*****  -    enabled  Unsupported\n"
    "everything                                           npx                                           -y @modelcontextprotocol/server-everything            -                       -    enabled  Unsupported\n"
    "\n"
    "Name  Url                                                                 Bearer Token Env Var  Status   Auth        \n"
    "web   https://example.invalid/mcp/a/really/long/path/that/goes/on/and/on  MY_TOKEN              enabled  Bearer token\n"
    "web2  http://127.0.0.1:9/mcp                                              -                     enabled  Unsupported \n"
)


def _codex(codex_bin: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    # capture_output: stdout is a pipe, as in `codex mcp list | cat`.
    return subprocess.run(
        [codex_bin, *args], env={**env, "COLUMNS": "80"}, capture_output=True, text=True, timeout=60
    )


def test_list_into_a_pipe_is_plain_columns(codex_bin: str, isolated_env: dict[str, str]) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text(CONFIG)
    listed = _codex(codex_bin, isolated_env, "mcp", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == LIST
    assert listed.stderr == ""
    assert not any(ch in listed.stdout for ch in "─│┃━┏┗╭╰")


def test_get_into_a_pipe(codex_bin: str, isolated_env: dict[str, str]) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text(CONFIG)
    stdio = _codex(codex_bin, isolated_env, "mcp", "get", LONG)
    assert stdio.returncode == 0, stdio.stderr
    assert stdio.stdout == (
        f"{LONG}\n"
        "  enabled: true\n"
        "  transport: stdio\n"
        "  command: /usr/local/bin/some-really-long-command-name\n"
        "  args: --flag=value --another-flag arg with space ünïcode\n"
        "  cwd: -\n"
        "  env: API_KEY=*****, B=*****\n"
        f"  remove: codex mcp remove {LONG}\n"
    )
    http = _codex(codex_bin, isolated_env, "mcp", "get", "web2")
    assert http.returncode == 0, http.stderr
    assert http.stdout == (
        "web2\n"
        "  enabled: true\n"
        "  transport: streamable_http\n"
        "  url: http://127.0.0.1:9/mcp\n"
        "  bearer_token_env_var: -\n"
        "  http_headers: -\n"
        "  env_http_headers: -\n"
        "  remove: codex mcp remove web2\n"
    )
