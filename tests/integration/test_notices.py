"""Deprecation notices a new thread announces for legacy config keys, through a real app-server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mock_model.server import MockModelServer
from support.appserver import StdioAppServer
from support.turns import model_env, start_thread, write_mock_config

LEGACY = (
    "experimental_use_unified_exec_tool = true\n"
    'experimental_instructions_file = "legacy.md"\n'
    "[features]\n"
    "connectors = true\n"
    "web_search_request = true\n"
)
DOCS = "See https://developers.openai.com/codex/config-basic#feature-flags for details."
EXPECTED = [
    {
        "summary": "`[features].connectors` is deprecated. Use `[features].apps` instead.",
        "details": f"Enable it with `--enable apps` or `[features].apps` in config.toml. {DOCS}",
    },
    {
        "summary": "`[features].experimental_use_unified_exec_tool` is deprecated. "
        "Use `[features].unified_exec` instead.",
        "details": f"Enable it with `--enable unified_exec` or `[features].unified_exec` in config.toml. {DOCS}",
    },
    {
        "summary": "`[features].web_search_request` is deprecated. Use `web_search` instead.",
        "details": 'Set `web_search` to `"live"`, `"cached"`, or `"disabled"` at the top level '
        "(or under a profile) in config.toml.",
    },
    {
        "summary": "`experimental_instructions_file` is deprecated and ignored. "
        "Use `model_instructions_file` instead.",
        "details": "Move the setting to `model_instructions_file` in config.toml (or under a profile) "
        "to load instructions from a file.",
    },
]


def _server(
    codex_bin: str, env: dict[str, str], mock: MockModelServer, cwd: Path, extra: str
) -> StdioAppServer:
    write_mock_config(Path(env["CODEX_HOME"]), mock.url, extra=extra)
    server = StdioAppServer(codex_bin, model_env(env), cwd=str(cwd))
    server.initialize("pytest")
    return server


@pytest.fixture
def legacy_server(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> Iterator[StdioAppServer]:
    with _server(codex_bin, isolated_env, mock, workspace, LEGACY) as proc:
        yield proc


def _stream(server: StdioAppServer) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.raw_lines]


def _notices(server: StdioAppServer, thread_id: str) -> list[dict[str, Any]]:
    """Wait for the thread's four v2 notices and return them in order."""
    seen = [server.notification("deprecationNotice")["params"] for _ in EXPECTED]
    core = [
        m["params"]
        for m in _stream(server)
        if m.get("method") == "codex/event/deprecation_notice" and m["params"]["conversationId"] == thread_id
    ]
    assert [c["msg"] for c in core] == [{"type": "deprecation_notice", **n} for n in EXPECTED]
    assert all(c["id"] == "" for c in core)
    return seen


def test_legacy_keys_announced_after_thread_start(legacy_server: StdioAppServer) -> None:
    thread_id = start_thread(legacy_server)
    assert _notices(legacy_server, thread_id) == EXPECTED

    methods = [m.get("method", "<response>") for m in _stream(legacy_server)]
    start = methods.index("<response>", 1)  # after the initialize answer
    assert methods[start + 1] == "thread/started"
    first_notice = methods.index("codex/event/deprecation_notice")
    assert first_notice > start
    # Core event, then its v2 form, for each notice.
    assert methods[first_notice : first_notice + 2] == ["codex/event/deprecation_notice", "deprecationNotice"]


def test_each_new_thread_announces_once(legacy_server: StdioAppServer) -> None:
    first = start_thread(legacy_server)
    _notices(legacy_server, first)
    second = start_thread(legacy_server)
    assert second != first
    assert _notices(legacy_server, second) == EXPECTED
    # Nothing more was queued for the first thread: a later answer comes after no extra notice.
    legacy_server.request("thread/loaded/list", {})
    count = sum(1 for m in _stream(legacy_server) if m.get("method") == "deprecationNotice")
    assert count == 2 * len(EXPECTED)


def test_no_notice_without_legacy_keys(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with _server(codex_bin, isolated_env, mock, workspace, "[features]\napps = true\n") as server:
        start_thread(server)
        server.request("thread/loaded/list", {})
        methods = [m.get("method") for m in _stream(server)]
        assert "deprecationNotice" not in methods
        assert "codex/event/deprecation_notice" not in methods
