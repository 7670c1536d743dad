"""RUST_LOG / CODEX_LOG (issue 20): at debug the app-server says what it does during a login
and a turn (each request: method, id, outcome, duration; each notification's method), on stderr,
and never a secret."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

REQUEST_LINE = re.compile(
    r"DEBUG codex\.app_server: stdio: (\S+) \(id (\S+)\) (ok|error -?\d+[^\n]*) in \d+\.\d ms"
)


def session(codex_bin: str, env: dict[str, str], cwd: Path, mock: MockModelServer, key: str) -> list[str]:
    mock.enqueue(message_response("Logged and done.", deltas=3))
    with StdioAppServer(codex_bin, model_env(env), cwd=str(cwd)) as server:
        server.initialize("logs")
        assert server.request("account/login/start", {"type": "apiKey", "apiKey": key})["result"] == {
            "type": "apiKey"
        }
        thread_id = start_thread(server)
        _turn, events = run_turn(server, thread_id, "Say something")
        assert events[-1]["params"]["turn"]["status"] == "completed"
        assert server.request("model/list", {"cursor": "nope"})["error"]["code"] == -32600
        assert server.close() == 0
        return server.stderr_lines


def test_debug_logs_requests_and_notifications_without_secrets(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    key = f"sk-logging-{uuid.uuid4().hex}"
    lines = session(codex_bin, {**isolated_env, "RUST_LOG": "debug"}, tmp_path, mock, key)
    text = "".join(lines)
    requests = {match.group(1): match.group(3) for match in REQUEST_LINE.finditer(text)}
    assert requests["account/login/start"] == "ok"
    assert requests["thread/start"] == "ok"
    assert requests["turn/start"] == "ok"
    assert requests["model/list"].startswith("error -32600: invalid cursor")
    for method in ("turn/started", "item/completed", "turn/completed", "account/updated"):
        assert f"stdio: -> {method}\n" in text, method
    assert "item/agentMessage/delta" not in text  # deltas only at trace
    assert key not in text
    assert "Traceback" not in text


def test_targets_select_what_is_logged(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    write_mock_config(codex_home, mock.url)
    key = f"sk-logging-{uuid.uuid4().hex}"
    # CODEX_LOG wins over RUST_LOG; a target other than the app-server's leaves it at warn.
    env = {**isolated_env, "RUST_LOG": "debug", "CODEX_LOG": "codex_core=debug,warn"}
    quiet = "".join(session(codex_bin, env, tmp_path, mock, key))
    assert not REQUEST_LINE.search(quiet)
    env = {**isolated_env, "RUST_LOG": "warn,codex_app_server=trace"}
    loud = "".join(session(codex_bin, env, tmp_path, mock, key))
    assert REQUEST_LINE.search(loud)
    assert "stdio: -> item/agentMessage/delta" in loud  # trace: deltas too
    assert key not in loud
