"""Every client method of the registry, called with valid minimal params, gets a result or a
domain error: never "unknown variant", never "not available in this version of pycodex yet"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

from app_server.protocol.registry import CLIENT_REQUESTS

MISSING_UUID = "0194d5c5-0000-7000-8000-000000000000"
# Owned by other work in progress; listed so that finishing them makes this test say so.
PENDING: frozenset[str] = frozenset()


def params_table(thread_id: str, turn_id: str, cwd: str, rollout: str | None) -> dict[str, Any]:
    """Valid minimal params per method (None = the method takes no params)."""
    text = [{"type": "text", "text": "hi", "text_elements": []}]
    return {
        "initialize": {"clientInfo": {"name": "again", "version": "1"}},  # -> "Already initialized"
        "thread/start": {"cwd": cwd},
        "thread/resume": {"threadId": thread_id},
        "thread/fork": {"threadId": thread_id},
        "thread/archive": {"threadId": MISSING_UUID},
        "thread/name/set": {"threadId": thread_id, "name": "named"},
        "thread/unarchive": {"threadId": MISSING_UUID},
        "thread/compact/start": {"threadId": MISSING_UUID},
        "thread/backgroundTerminals/clean": {"threadId": thread_id},
        "thread/rollback": {"threadId": MISSING_UUID, "numTurns": 1},
        "thread/list": {},
        "thread/loaded/list": {},
        "thread/read": {"threadId": thread_id, "includeTurns": True},
        "skills/list": {"cwds": [cwd]},
        "skills/remote/read": {},
        "skills/remote/write": {"hazelnutId": "hz_1", "isPreload": False},
        "app/list": {},
        "skills/config/write": {"path": f"{cwd}/SKILL.md", "enabled": False},
        "turn/start": {"threadId": MISSING_UUID, "input": text},
        "turn/steer": {"threadId": thread_id, "input": text, "expectedTurnId": turn_id},
        "turn/interrupt": {"threadId": MISSING_UUID, "turnId": turn_id},
        "review/start": {"threadId": MISSING_UUID, "target": {"type": "uncommittedChanges"}},
        "model/list": {},
        "experimentalFeature/list": {},
        "collaborationMode/list": {},
        "mock/experimentalMethod": {"value": "v"},
        "mcpServer/oauth/login": {"name": "nothing-configured"},
        "config/mcpServer/reload": None,
        "mcpServerStatus/list": {},
        "account/login/start": {"type": "apiKey", "apiKey": "sk-test-0123456789"},
        "account/login/cancel": {"loginId": MISSING_UUID},
        "account/logout": None,
        "account/rateLimits/read": None,
        "feedback/upload": {"classification": "bug", "threadId": thread_id, "includeLogs": True},
        "command/exec": {"command": ["true"], "cwd": cwd},
        "config/read": {},
        "config/value/write": {
            "keyPath": "model_reasoning_effort",
            "value": "high",
            "mergeStrategy": "replace",
        },
        "config/batchWrite": {
            "edits": [{"keyPath": "model_verbosity", "value": "low", "mergeStrategy": "replace"}]
        },
        "configRequirements/read": None,
        "account/read": {},
        "newConversation": {"cwd": cwd},
        "getConversationSummary": {"conversationId": thread_id}
        if rollout is None
        else {"rolloutPath": rollout},
        "listConversations": {},
        "resumeConversation": {"conversationId": thread_id},
        "forkConversation": {"conversationId": thread_id},
        "archiveConversation": {"conversationId": MISSING_UUID, "rolloutPath": f"{cwd}/missing.jsonl"},
        "sendUserMessage": {
            "conversationId": MISSING_UUID,
            "items": [{"type": "text", "data": {"text": "hi"}}],
        },
        "sendUserTurn": {
            "conversationId": MISSING_UUID,
            "items": [{"type": "text", "data": {"text": "hi"}}],
            "cwd": cwd,
            "approvalPolicy": "never",
            "sandboxPolicy": {"type": "read-only"},
            "model": "mock-model",
            "effort": None,
            "summary": "auto",
        },
        "interruptConversation": {"conversationId": MISSING_UUID},
        "addConversationListener": {"conversationId": thread_id},
        "removeConversationListener": {"subscriptionId": MISSING_UUID},
        "gitDiffToRemote": {"cwd": cwd},
        "loginApiKey": {"apiKey": "sk-test-0123456789"},
        "loginChatGpt": None,
        "cancelLoginChatGpt": {"loginId": MISSING_UUID},
        "logoutChatGpt": None,
        "getAuthStatus": {},
        "getUserSavedConfig": None,
        "setDefaultModel": {"model": "mock-model"},
        "getUserAgent": None,
        "userInfo": None,
        "fuzzyFileSearch": {"query": "a", "roots": [cwd]},
        "execOneOffCommand": {"command": ["true"], "cwd": cwd},
    }


def test_every_client_method_answers(codex_bin: str, isolated_env: dict[str, str], tmp_path: Path) -> None:
    codex_home = Path(isolated_env["CODEX_HOME"])
    cwd = tmp_path / "ws"
    cwd.mkdir()
    env = {**model_env(isolated_env), "CODEX_LOGIN_SERVER_PORT": "0"}
    with MockModelServer() as model:
        write_mock_config(codex_home, model.url)
        model.enqueue(message_response("first"))
        with StdioAppServer(codex_bin, env) as server:
            server.initialize(experimentalApi=True)
            thread_id = start_thread(server, cwd=str(cwd))
            turn_id, _ = run_turn(server, thread_id, "hello")
            read = server.request("thread/read", {"threadId": thread_id})["result"]["thread"]
            table = params_table(thread_id, turn_id, str(cwd), read.get("path"))
            assert set(table) == {spec.method for spec in CLIENT_REQUESTS}, "params table out of date"

            outcomes: dict[str, str] = {}
            for spec in CLIENT_REQUESTS:
                response = server.request(spec.method, table[spec.method], timeout=20)
                if "result" in response:
                    outcomes[spec.method] = "result"
                    continue
                message = response["error"]["message"]
                assert "unknown variant" not in message, (spec.method, message)
                assert "missing field" not in message and "invalid type" not in message, (
                    spec.method,
                    message,
                )
                if "is not available in this version of pycodex yet" in message:
                    outcomes[spec.method] = "pending"
                else:
                    outcomes[spec.method] = f"error: {message[:80]}"
            for method, outcome in outcomes.items():
                print(f"{method}: {outcome}")
            pending = {method for method, outcome in outcomes.items() if outcome == "pending"}
            assert pending <= PENDING, f"unimplemented: {sorted(pending - PENDING)}"
            # A method in PENDING that now answers should be taken off the list.
            assert pending == PENDING, f"now implemented, drop from PENDING: {sorted(PENDING - pending)}"
