"""The interop probe's config round (part 4), replayed against ours alone.

The same commented config.toml gets the same writes as in the probe (config/value/write,
config/batchWrite, a stale expectedVersion, `codex mcp add` of a stdio and a `--url` server);
the file must come out as the reference 0.100.0 left it (recorded in
tests/unit/config/reference_edits.json), and what ours reads back from it must be what the
reference reads: origins per array element, sandbox flags false, `--url` auth unsupported.
"""

from __future__ import annotations

import json
import stat
import subprocess
from pathlib import Path
from typing import Any

from tests.support.appserver import StdioAppServer

RECORDED = json.loads((Path(__file__).parents[1] / "unit" / "config" / "reference_edits.json").read_text())
PROBE = next(case for case in RECORDED["cases"] if case["name"] == "probe part 4")


def _codex(codex_bin: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([codex_bin, *args], env=env, capture_output=True, text=True, timeout=60)


def _write(server: StdioAppServer, method: str, params: dict[str, Any]) -> dict[str, Any]:
    reply: dict[str, Any] = server.request(method, params)
    return reply


def test_probe_config_round(codex_bin: str, isolated_env: dict[str, str]) -> None:
    config = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config.write_text(PROBE["base"])
    config.chmod(0o644)
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        read0 = server.request("config/read", {"includeLayers": False})["result"]
        v0 = read0["origins"]["model"]["version"]
        effort = _write(
            server,
            "config/value/write",
            {
                "keyPath": "model_reasoning_effort",
                "value": "high",
                "mergeStrategy": "replace",
                "expectedVersion": v0,
            },
        )
        assert effort["result"]["status"] == "ok"
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        model = _write(
            server,
            "config/value/write",
            {"keyPath": "model", "value": "mock-model-2", "mergeStrategy": "replace"},
        )
        assert model["result"]["status"] == "ok"
        edits = [{"keyPath": k, "value": v, "mergeStrategy": s} for k, v, s in PROBE["steps"][2]["edits"]]
        assert _write(server, "config/batchWrite", {"edits": edits})["result"]["status"] == "ok"
        stale = _write(
            server,
            "config/value/write",
            {"keyPath": "model", "value": "x", "mergeStrategy": "replace", "expectedVersion": v0},
        )
        assert stale["error"] == {
            "code": -32600,
            "message": "Configuration was modified since last read. Fetch latest version and retry.",
            "data": {"config_write_error_code": "configVersionConflict"},
        }
    docs = _codex(
        codex_bin,
        isolated_env,
        "mcp",
        "add",
        "docs",
        "--env",
        "A=1",
        "--",
        "python3",
        "-m",
        "docs_server",
        "--flag",
    )
    web = _codex(codex_bin, isolated_env, "mcp", "add", "web", "--url", "http://127.0.0.1:9/mcp")
    assert (docs.returncode, web.returncode) == (0, 0), docs.stderr + web.stderr
    assert config.read_text() == PROBE["text"]
    assert oct(stat.S_IMODE(config.stat().st_mode)) == PROBE["mode"] == "0o600"

    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        read = server.request("config/read", {"includeLayers": True})["result"]
        saved = server.request("getUserSavedConfig", {})["result"]["config"]
    origins = read["origins"]
    assert [key for key in origins if key.startswith("mcp_servers.docs.args")] == [
        "mcp_servers.docs.args.0",
        "mcp_servers.docs.args.1",
        "mcp_servers.docs.args.2",
    ]
    assert read["config"]["sandbox_workspace_write"]["network_access"] is True
    assert saved["sandboxSettings"] == {
        "writableRoots": [],
        "networkAccess": True,
        "excludeTmpdirEnvVar": False,
        "excludeSlashTmp": False,
    }
    listed = json.loads(_codex(codex_bin, isolated_env, "mcp", "list", "--json").stdout)
    assert [(entry["name"], entry["auth_status"]) for entry in listed] == [
        ("docs", "unsupported"),
        ("web", "unsupported"),  # nothing at 127.0.0.1:9 offers OAuth login
    ]
