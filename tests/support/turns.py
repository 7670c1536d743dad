"""Set up CODEX_HOME against our mock model and drive turns through a real app-server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.appserver import Message, StdioAppServer


def write_mock_config(
    codex_home: Path,
    model_url: str,
    *,
    wire_api: str = "responses",
    extra: str = "",
    provider_extra: str = "",
) -> None:
    (codex_home / "config.toml").write_text(
        'model = "mock-model"\n'
        'model_provider = "mock"\n'
        'approval_policy = "never"\n'
        'sandbox_mode = "read-only"\n'
        f"{extra}\n"
        "[model_providers.mock]\n"
        'name = "mock"\n'
        f'base_url = "{model_url}"\n'
        'env_key = "MOCK_API_KEY"\n'
        f'wire_api = "{wire_api}"\n'
        "request_max_retries = 2\n"
        "stream_max_retries = 1\n"
        f"{provider_extra}\n"
    )


def model_env(env: dict[str, str]) -> dict[str, str]:
    return {**env, "MOCK_API_KEY": "sk-mock-test-key"}


def start_thread(server: StdioAppServer, **params: Any) -> str:
    response = server.request("thread/start", {"experimentalRawEvents": False, **params})
    assert "result" in response, response
    return str(response["result"]["thread"]["id"])


def run_turn(server: StdioAppServer, thread_id: str, text: str, **params: Any) -> tuple[str, list[Message]]:
    """Start a turn and collect every notification until its turn/completed (inclusive)."""
    response = server.request(
        "turn/start",
        {"threadId": thread_id, "input": [{"type": "text", "text": text, "text_elements": []}], **params},
    )
    assert "result" in response, response
    turn_id = str(response["result"]["turn"]["id"])
    return turn_id, collect_until_completed(server, turn_id)


def collect_until_completed(server: StdioAppServer, turn_id: str) -> list[Message]:
    seen: list[Message] = []
    while True:
        message = server.wait_for(lambda m: "method" in m and "id" not in m)
        seen.append(message)
        if message["method"] == "turn/completed" and message["params"]["turn"]["id"] == turn_id:
            return seen


def methods(messages: list[Message]) -> list[str]:
    return [m["method"] for m in messages]


def of(messages: list[Message], method: str) -> list[dict[str, Any]]:
    return [m["params"] for m in messages if m["method"] == method]
