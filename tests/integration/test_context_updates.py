"""A turn that changes the thread's settings first tells the model what changed, as the reference
0.100.0 does (its model input recorded on the same steps): the opening context stays the thread's,
then a new environment context for another cwd, the permissions message for other approvals or
sandbox, a model-switch message for another model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config


def _summary(item: dict[str, Any], root: Path) -> str:
    text = " ".join(part.get("text", "") for part in item.get("content") or [])
    first = text.replace(str(root), "R").splitlines()[:2]
    return f"{item.get('role') or item.get('type')}: {' | '.join(first)}"


def test_changed_settings_are_announced_before_the_turn_input(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, tmp_path: Path
) -> None:
    workspace = tmp_path / "ws"
    (workspace / "sub").mkdir(parents=True)
    write_mock_config(Path(isolated_env["CODEX_HOME"]), mock.url)
    turns: list[dict[str, Any]] = [
        {"cwd": str(workspace / "sub"), "approvalPolicy": "on-request"},
        {"sandboxPolicy": {"type": "workspaceWrite"}},
        {"model": "gpt-5.2-codex"},
        {"cwd": str(workspace)},
        {},
    ]
    mock.enqueue(*(message_response(f"answer {n}") for n in range(len(turns))))
    with StdioAppServer(codex_bin, model_env(isolated_env), cwd=str(workspace)) as server:
        server.initialize()
        thread = server.request("thread/start", {"cwd": str(workspace)})["result"]["thread"]["id"]
        for n, overrides in enumerate(turns):
            text = [{"type": "text", "text": f"t{n}", "text_elements": []}]
            server.request("turn/start", {"threadId": thread, "input": text, **overrides})
            server.notification("turn/completed", timeout=30)
    last = mock.wait_for_requests(len(turns))[-1].body
    seen = [_summary(item, tmp_path) for item in last["input"]]
    environment = "user: <environment_context> |   <cwd>R/ws{}</cwd>"
    assert seen[0].startswith("developer: <permissions instructions>")
    assert seen[1] == "user: # AGENTS.md instructions for R/ws | "  # the thread's cwd, not the turn's
    assert seen[2:] == [
        environment.format(""),
        environment.format("/sub"),
        seen[4],
        "user: t0",
        "assistant: answer 0",
        seen[7],
        "user: t1",
        "assistant: answer 1",
        seen[10],
        "user: t2",
        "assistant: answer 2",
        environment.format(""),
        "user: t3",
        "assistant: answer 3",
        "user: t4",
    ]
    full = [str(item.get("content")) for item in last["input"]]
    assert seen[4].startswith("developer: <permissions instructions>") and full[4] != full[0]
    assert seen[7].startswith("developer: <permissions instructions>") and full[7] != full[4]
    assert seen[10].startswith("developer: <model_switch>")
