"""skills/config/write, remote skills, app/list, feedback/upload, experimental methods and `notify`,
through a real app-server against a local ChatGPT backend stub."""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from mock_backend import ACCESS_TOKEN, ACCOUNT_ID, MockBackend
from mock_issuer import make_jwt
from mock_model.server import MockModelServer, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

from login.storage import AuthDotJson, FileStore, TokenData


def write_chatgpt_login(codex_home: Path) -> None:
    id_token = make_jwt(
        {
            "email": "user@example.com",
            "exp": int(time.time()) + 3600,
            "https://api.openai.com/auth": {"chatgpt_plan_type": "plus", "chatgpt_account_id": ACCOUNT_ID},
        }
    )
    tokens = TokenData(id_token, ACCESS_TOKEN, "refresh-token", ACCOUNT_ID)
    FileStore(codex_home).save(
        AuthDotJson(auth_mode="chatgpt", tokens=tokens, last_refresh=datetime.now(UTC))
    )


def serve(codex_bin: str, env: dict[str, str], *, experimental: bool = False) -> StdioAppServer:
    server = StdioAppServer(codex_bin, env)
    if experimental:
        server.initialize(experimentalApi=True)
    else:
        server.initialize()
    return server


def test_remote_skills_need_no_login(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    # As the reference 0.100.0: the public catalogue next to the backend, no credentials sent.
    (codex_home / "config.toml").write_text(f'chatgpt_base_url = "{backend.chatgpt_base_url}/"\n')
    with serve(codex_bin, isolated_env) as server:
        listed = server.request("skills/remote/read", {})["result"]
        assert listed == {"data": backend.state.skills}
        [hit] = backend.requests_to("/public-api/hazelnuts/")
        assert "authorization" not in hit.headers and "chatgpt-account-id" not in hit.headers
        assert hit.query == {"product_surface": ["codex"]}

        written = server.request("skills/remote/write", {"hazelnutId": "hz_1", "isPreload": False})["result"]
        target = codex_home / "skills" / "downloaded" / "pdf-tools"
        assert written == {"id": "hz_1", "name": "pdf-tools", "path": str(target)}
        assert (target / "SKILL.md").is_file() and (target / "scripts" / "run.sh").is_file()
        assert not (target / "not-listed.txt").exists()  # only the files the catalogue lists
        preloaded = server.request("skills/remote/write", {"hazelnutId": "hz_2", "isPreload": True})["result"]
        curated = codex_home / "vendor_imports" / "skills" / "skills" / ".curated" / "sheets"
        assert preloaded == {"id": "hz_2", "name": "sheets", "path": str(curated)}
        assert (curated / "SKILL.md").is_file()
        missing = server.request("skills/remote/write", {"hazelnutId": "nope", "isPreload": True})
        assert missing["error"] == {
            "code": -32603,
            "message": "failed to download remote skill: Remote skill nope not found",
        }
        # app/list against the same stub: tests/integration/test_app_list.py
    backend.state.fail["/public-api/hazelnuts/"] = 503
    with serve(codex_bin, isolated_env) as server:
        error = server.request("skills/remote/read", {})["error"]
    url = f"{backend.chatgpt_base_url.removesuffix('/backend-api')}/public-api/hazelnuts/"
    assert error == {
        "code": -32603,
        "message": f'failed to read remote skills: Request failed with status 503 Service Unavailable from {url}: {{"detail": "backend says no"}}',
    }


def test_app_list_needs_a_chatgpt_token(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    (codex_home / "config.toml").write_text(f'chatgpt_base_url = "{backend.chatgpt_base_url}"\n')
    with serve(codex_bin, isolated_env) as server:
        # apps are off by default: an empty list, no backend call, no login needed
        assert server.request("app/list", {})["result"] == {"data": [], "nextCursor": None}
    # With apps on, app/list fails the way the reference's does, logged out or on an API key.
    (codex_home / "config.toml").write_text(
        f'chatgpt_base_url = "{backend.chatgpt_base_url}"\n[features]\napps = true\n'
    )
    no_token = {"code": -32603, "message": "failed to list apps: ChatGPT token not available"}
    with serve(codex_bin, isolated_env) as server:
        assert server.request("app/list", {})["error"] == no_token
        (codex_home / "auth.json").write_text(json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-x"}))
        assert server.request("app/list", {})["error"] == no_token
    assert backend.state.requests == []


def test_skills_config_write_keeps_comments(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, tmp_path: Path
) -> None:
    config = codex_home / "config.toml"
    config.write_text('# my settings\nmodel = "gpt-5.2-codex" # pinned\n')
    skill_dir = codex_home / "skills" / "demo"
    skill_dir.mkdir(parents=True)
    skill_md = skill_dir / "SKILL.md"
    skill_md.write_text("---\nname: demo\ndescription: A demo skill\n---\n")
    with serve(codex_bin, isolated_env) as server:
        off = server.request("skills/config/write", {"path": str(skill_md), "enabled": False})
        assert off["result"] == {"effectiveEnabled": False}
        text = config.read_text()
        assert text.startswith('# my settings\nmodel = "gpt-5.2-codex" # pinned\n')
        listed = server.request("skills/list", {"cwds": [str(tmp_path)]})["result"]["data"][0]["skills"]
        user_skills = [(s["name"], s["enabled"]) for s in listed if s["scope"] == "user"]
        assert user_skills == [("demo", False)]
        # Our own system skills are installed beside it, as the reference installs its own.
        assert {s["name"] for s in listed if s["scope"] == "system"} == {"skill-creator", "skill-installer"}
        on = server.request("skills/config/write", {"path": str(skill_md), "enabled": True})
        assert on["result"] == {"effectiveEnabled": True}
        assert str(skill_md) not in config.read_text()
        assert config.read_text().startswith("# my settings\n")
        listed = server.request("skills/list", {"cwds": [str(tmp_path)]})["result"]["data"][0]["skills"]
        assert [(s["name"], s["enabled"]) for s in listed if s["scope"] == "user"] == [("demo", True)]


def test_feedback_upload_writes_redacted_bundle_and_posts(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    (codex_home / "config.toml").write_text(f'[feedback]\nendpoint = "{backend.base_url}/feedback"\n')
    with serve(codex_bin, isolated_env) as server:
        result = server.request(
            "feedback/upload",
            {"classification": "bug", "reason": "key sk-abcdefghijklmnop leaked", "includeLogs": True},
        )["result"]
        assert result["threadId"].startswith("no-active-thread-")
        [bundle_path] = (codex_home / "feedback").glob("*.json")
        bundle = json.loads(bundle_path.read_text())
        assert bundle["classification"] == "bug"
        assert bundle["reason"] == "key [REDACTED] leaked"
        assert bundle["threadId"] == result["threadId"]
        [posted] = backend.requests_to("/feedback")
        assert json.loads(posted.body) == bundle

        backend.state.fail["/feedback"] = 503
        failed = server.request("feedback/upload", {"classification": "bad_result", "includeLogs": False})
        assert failed["error"]["code"] == -32603 and "503" in failed["error"]["message"]


def test_experimental_methods(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with serve(codex_bin, isolated_env) as plain:
        gated = plain.request("mock/experimentalMethod", {})
        assert gated["error"]["code"] == -32600
    with serve(codex_bin, isolated_env, experimental=True) as server:
        assert server.request("mock/experimentalMethod", {})["result"] == {"echoed": None}
        assert server.request("mock/experimentalMethod", {"value": "hi"})["result"] == {"echoed": "hi"}
        modes = server.request("collaborationMode/list", {})["result"]["data"]
        assert [(m["name"], m["mode"], m["model"], m["reasoning_effort"]) for m in modes] == [
            ("Plan", "plan", None, "medium"),
            ("Default", "default", None, None),
        ]
        assert all(m["developer_instructions"] for m in modes)
        unknown = server.request(
            "thread/backgroundTerminals/clean", {"threadId": "0194d5c5-0000-7000-8000-000000000000"}
        )
        assert unknown["error"]["code"] == -32600


def test_notify_runs_after_each_turn(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "notified.json"
    script = tmp_path / "notify.py"
    script.write_text(f"import sys, pathlib\npathlib.Path({str(out)!r}).write_text(sys.argv[-1])\n")
    with MockModelServer() as model:
        write_mock_config(
            codex_home, model.url, extra=f"notify = [{json.dumps(sys.executable)}, {json.dumps(str(script))}]"
        )
        model.enqueue(message_response("All done."))
        with serve(codex_bin, model_env(isolated_env), experimental=True) as server:
            thread_id = start_thread(server, cwd=str(tmp_path))
            turn_id, _ = run_turn(server, thread_id, "do the thing")
            # the program runs detached: wait for its file, bounded
            deadline = time.monotonic() + 10
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            payload = json.loads(out.read_text())
            assert payload == {
                "type": "agent-turn-complete",
                "thread-id": thread_id,
                "turn-id": turn_id,
                "cwd": str(tmp_path),
                "input-messages": ["do the thing"],
                "last-assistant-message": "All done.",
            }
            clean = server.request("thread/backgroundTerminals/clean", {"threadId": thread_id})
            assert clean["result"] == {}
