"""A broken config.toml or rules file: the server keeps serving and says what is wrong (configWarning)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.appserver import StdioAppServer, WebsocketAppServer


def _notifications(messages: list[dict], method: str) -> list[dict]:
    return [m["params"] for m in messages if m.get("method") == method]


def test_type_error_warns_after_initialize_and_requests_say_why(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    config_path = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config_path.write_text('# mine\napproval_policy = "sometimes"\n')
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        warning = server.notification("configWarning")["params"]
        assert warning == {
            "summary": "Invalid configuration; using defaults.",
            "details": f"{config_path}:2:19: unknown variant `sometimes`, expected one of "
            "`untrusted`, `on-failure`, `on-request`, `never`",
            "path": str(config_path),
            "range": {"start": {"line": 2, "column": 19}, "end": {"line": 2, "column": 29}},
        }
        # The warning comes right after the initialize answer, before anything else.
        first_two = server.raw_lines[:2]
        assert b'"result"' in first_two[0] and b"configWarning" in first_two[1]

        read = server.request("config/read", {})["error"]
        assert read["code"] == -32603
        assert read["message"].startswith("invalid configuration: unknown variant `sometimes`")
        assert read["message"].endswith("\nin `approval_policy`\n")
        started = server.request("thread/start", {})["error"]
        assert started == {
            "code": -32600,
            "message": f"error deriving config: {warning['details']}",
        }
        skills = server.request("skills/list", {"cwds": [str(config_path.parent)]})["result"]["data"]
        assert skills == [
            {
                "cwd": str(config_path.parent),
                "skills": [],
                "errors": [{"path": str(config_path.parent), "message": warning["details"]}],
            }
        ]
        # Server-wide answers keep working on defaults.
        assert "result" in server.request("model/list", {})
        assert server.request("account/read", {})["result"]["account"] is None
        # Fixing the value through the API works and keeps the comment.
        fixed = server.request(
            "config/value/write", {"keyPath": "approval_policy", "value": "never", "mergeStrategy": "replace"}
        )
        assert fixed["result"]["status"] == "ok"
        assert config_path.read_text() == '# mine\napproval_policy = "never"\n'
        assert "result" in server.request("thread/start", {})


def test_syntax_error_warns_each_websocket_connection(codex_bin: str, isolated_env: dict[str, str]) -> None:
    config_path = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config_path.write_text('model = "o3"\nbogus = [1,\n')
    with WebsocketAppServer(codex_bin, isolated_env) as server:
        for _ in range(2):
            client = server.connect()
            client.initialize()
            warning = client.wait_for(lambda m: m.get("method") == "configWarning")["params"]
            assert warning["summary"] == "Invalid configuration; using defaults."
            assert warning["path"] == str(config_path)
            assert warning["range"]["start"]["line"] == 2
            assert warning["details"].startswith(f"{config_path}:2:")
            read = client.request("config/read", {})["error"]
            assert read["code"] == -32603
            assert read["message"].startswith(f"failed to read configuration layers: {config_path}:2:")
            write = client.request(
                "config/value/write", {"keyPath": "model", "value": "x", "mergeStrategy": "replace"}
            )["error"]
            assert write["code"] == -32603 and write["message"].startswith("failed to load configuration: ")
            client.close()
    assert config_path.read_text() == 'model = "o3"\nbogus = [1,\n'


def test_broken_rules_file_warns_and_no_warning_when_all_is_well(
    codex_bin: str, isolated_env: dict[str, str]
) -> None:
    rules = Path(isolated_env["CODEX_HOME"]) / "rules"
    rules.mkdir()
    rules_file = rules / "default.rules"
    rules_file.write_text('prefix_rule(pattern=["git", "push"], decision="allow")\nfoo(1)\n')
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        warning = server.notification("configWarning")["params"]
        assert warning["summary"] == "Error parsing rules; custom rules not applied."
        assert warning["path"] == str(rules_file)
        assert warning["range"] == {"start": {"line": 2, "column": 1}, "end": {"line": 2, "column": 4}}
        assert "`foo` not found" in warning["details"]
        assert server.close() == 0
        sent = [json.loads(line) for line in server.raw_lines]
        assert _notifications(sent, "configWarning") == [warning]

    rules_file.write_text('prefix_rule(pattern=["git", "push"], decision="allow")\n')
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize()
        assert server.request("config/read", {})["result"]
        assert server.close() == 0
        assert not any(b"configWarning" in line for line in server.raw_lines)


def test_opted_out_clients_get_no_config_warning(codex_bin: str, isolated_env: dict[str, str]) -> None:
    (Path(isolated_env["CODEX_HOME"]) / "config.toml").write_text("model = 5\n")
    with StdioAppServer(codex_bin, isolated_env) as server:
        server.initialize(optOutNotificationMethods=["configWarning"])
        assert "error" in server.request("config/read", {})
        assert server.close() == 0
        assert not any(b"configWarning" in line for line in server.raw_lines)
