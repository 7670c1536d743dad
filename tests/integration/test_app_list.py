"""app/list through a real app-server against the local ChatGPT backend stub: the apps directory
merged with the accessible apps that the backend's apps MCP server (`/backend-api/wham/apps`)
lists as connector tools, `app/list/updated` as each list arrives, caching, errors and the
`features.apps` gate.

Which list arrives first is fixed by parking the other one's requests in the stub (`hold`)
until the first notification has been seen, so nothing here depends on timing.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mock_backend import ACCESS_TOKEN, ACCOUNT_ID, APPS_MCP_PATH, MockBackend, connector_tool
from mock_issuer import make_jwt
from support.appserver import StdioAppServer

from login.storage import AuthDotJson, FileStore, TokenData

DIRECTORY = "/backend-api/connectors/directory/list"
WORKSPACE = "/backend-api/connectors/directory/list_workspace"


def write_login(codex_home: Path, plan: str) -> None:
    id_token = make_jwt(
        {
            "email": "user@example.com",
            "exp": int(time.time()) + 3600,
            "https://api.openai.com/auth": {
                "chatgpt_plan_type": plan,
                "chatgpt_account_id": ACCOUNT_ID,
                "chatgpt_user_id": "user-123",
            },
        }
    )
    tokens = TokenData(id_token, ACCESS_TOKEN, "refresh-token", ACCOUNT_ID)
    FileStore(codex_home).save(
        AuthDotJson(auth_mode="chatgpt", tokens=tokens, last_refresh=datetime.now(UTC))
    )


def write_config(codex_home: Path, backend: MockBackend, *, apps: bool = True) -> None:
    (codex_home / "config.toml").write_text(
        f'chatgpt_base_url = "{backend.chatgpt_base_url}"\n\n[features]\napps = {"true" if apps else "false"}\n'
    )


def serve(codex_bin: str, env: dict[str, str]) -> StdioAppServer:
    server = StdioAppServer(codex_bin, env)
    server.initialize()
    return server


def app(app_id: str, name: str, slug: str, accessible: bool, **fields: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "id": app_id,
        "name": name,
        "description": None,
        "logoUrl": None,
        "logoUrlDark": None,
        "distributionChannel": None,
        "installUrl": f"https://chatgpt.com/apps/{slug}/{app_id}",
        "isAccessible": accessible,
    }
    info.update(fields)
    return info


# What the stub serves (see tests/mock_backend): `beta` and `gamma` have connector tools (gamma
# is not in the directory; the OpenAI-internal connector is never offered), `alpha` has none.
BETA_TOOLS = app("beta", "Beta Connector", "beta-connector", True)
GAMMA_TOOLS = app("gamma", "Gamma  Mail", "gamma--mail", True)
ALPHA_DIR = app("alpha", "Alpha", "alpha", False, distributionChannel="ecosystem")
BETA_DIR = app("beta", "Beta App", "beta-app", False, description="Second", logoUrl="https://x/b.png")
ALPHA_WORKSPACE = {**ALPHA_DIR, "description": "Alpha from workspace"}
MERGED = [{**BETA_DIR, "isAccessible": True}, ALPHA_WORKSPACE]


def send(server: StdioAppServer, request_id: int, params: dict[str, Any]) -> None:
    server.send({"id": request_id, "method": "app/list", "params": params})


def line_index(server: StdioAppServer, predicate: Any) -> list[int]:
    return [i for i, raw in enumerate(server.raw_lines) if predicate(json.loads(raw))]


def test_accessible_apps_come_from_the_apps_mcp_server(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    write_config(codex_home, backend)
    write_login(codex_home, "team")
    directory_gate = backend.state.hold[DIRECTORY] = threading.Event()
    with serve(codex_bin, isolated_env) as server:
        send(server, 1, {})
        # The directory is parked: the first update is the accessible apps alone.
        first = server.notification("app/list/updated")["params"]["data"]
        assert first == [BETA_TOOLS, GAMMA_TOOLS]
        directory_gate.set()
        second = server.notification("app/list/updated")["params"]["data"]
        response = server.response(1)
        # Once the directory is in: `beta` is accessible and keeps its directory entry, `gamma`
        # (not in the directory) is gone, `alpha` is listed but not accessible.
        assert second == MERGED
        assert response["result"] == {"data": MERGED, "nextCursor": None}
        updates = line_index(server, lambda m: m.get("method") == "app/list/updated")
        [answer] = line_index(server, lambda m: m.get("id") == 1)
        assert len(updates) == 2 and max(updates) < answer  # notifications before the answer

        # The MCP server was asked once, with the login's token and account id.
        assert backend.mcp_methods() == ["initialize", "notifications/initialized", "tools/list"]
        for hit in backend.requests_to(APPS_MCP_PATH):
            assert hit.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
            assert hit.headers["chatgpt-account-id"] == ACCOUNT_ID
        # A team plan is a workspace account: its workspace listing is read too.
        assert [p.query.get("token") for p in backend.requests_to(DIRECTORY)] == [None, ["page-1"]]
        assert len(backend.requests_to(WORKSPACE)) == 1

        # Both lists are cached: no backend call, still one update per list, then the page.
        before = len(backend.state.requests)
        page = server.request("app/list", {"limit": 1})["result"]
        assert page == {"data": [MERGED[0]], "nextCursor": "1"}
        assert server.notification("app/list/updated")["params"]["data"] == MERGED
        assert server.notification("app/list/updated")["params"]["data"] == MERGED
        assert server.request("app/list", {"cursor": "1"})["result"] == {
            "data": [MERGED[1]],
            "nextCursor": None,
        }
        assert len(backend.state.requests) == before
        bad = server.request("app/list", {"cursor": "x"})
        assert bad["error"] == {"code": -32600, "message": "invalid cursor: x"}
        past = server.request("app/list", {"cursor": "5"})
        assert past["error"] == {"code": -32600, "message": "cursor 5 exceeds total apps 2"}

        # forceRefetch asks both sources again: now only `alpha` has tools.
        backend.state.apps_tools = [connector_tool("alpha_read", "alpha", "Alpha Tools")]
        refetched = server.request("app/list", {"forceRefetch": True})["result"]["data"]
        assert refetched == [{**ALPHA_WORKSPACE, "isAccessible": True}, BETA_DIR]
        assert backend.mcp_methods().count("tools/list") == 2
        assert len(backend.requests_to(WORKSPACE)) == 2


def test_directory_first_then_accessible(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    write_config(codex_home, backend)
    write_login(codex_home, "plus")
    mcp_gate = backend.state.hold[APPS_MCP_PATH] = threading.Event()
    with serve(codex_bin, isolated_env) as server:
        send(server, 7, {"limit": 1})
        first = server.notification("app/list/updated")["params"]["data"]
        assert first == [ALPHA_DIR, BETA_DIR]  # the directory alone: nothing accessible yet
        mcp_gate.set()
        assert server.notification("app/list/updated")["params"]["data"] == [
            {**BETA_DIR, "isAccessible": True},
            ALPHA_DIR,
        ]
        assert server.response(7)["result"] == {
            "data": [{**BETA_DIR, "isAccessible": True}],
            "nextCursor": "1",
        }
        # Not a workspace plan: no workspace listing.
        assert backend.requests_to(WORKSPACE) == []


def test_unreachable_apps_server_means_nothing_accessible(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    write_config(codex_home, backend)
    write_login(codex_home, "plus")
    backend.state.fail[APPS_MCP_PATH] = 503
    with serve(codex_bin, isolated_env) as server:
        assert server.request("app/list", {})["result"]["data"] == [ALPHA_DIR, BETA_DIR]
        # A failed answer is not cached: the next call asks the server again.
        backend.state.fail.clear()
        assert server.request("app/list", {})["result"]["data"] == [
            {**BETA_DIR, "isAccessible": True},
            ALPHA_DIR,
        ]
        assert backend.mcp_methods().count("initialize") == 2


def test_directory_failure_is_an_error_and_keeps_the_cache(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    write_config(codex_home, backend)
    write_login(codex_home, "plus")
    with serve(codex_bin, isolated_env) as server:
        initial = server.request("app/list", {})["result"]
        assert initial["data"] == [{**BETA_DIR, "isAccessible": True}, ALPHA_DIR]
        backend.state.fail[DIRECTORY] = 500
        failed = server.request("app/list", {"forceRefetch": True})["error"]
        assert failed["code"] == -32603
        assert failed["message"].startswith("failed to list apps: ") and "status 500" in failed["message"]
        directory_calls = len(backend.requests_to(DIRECTORY))
        assert server.request("app/list", {})["result"] == initial  # the earlier lists, from the cache
        assert len(backend.requests_to(DIRECTORY)) == directory_calls


def test_apps_feature_gate_follows_the_thread(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, backend: MockBackend
) -> None:
    write_config(codex_home, backend, apps=False)
    write_login(codex_home, "plus")
    with serve(codex_bin, isolated_env) as server:
        assert server.request("app/list", {})["result"] == {"data": [], "nextCursor": None}
        assert backend.state.requests == []  # feature off: no backend call at all
        started = server.request("thread/start", {"config": {"features.apps": True}})
        thread_id = started["result"]["thread"]["id"]
        listed = server.request("app/list", {"threadId": thread_id})["result"]
        assert listed["data"] == [{**BETA_DIR, "isAccessible": True}, ALPHA_DIR]
        missing = server.request("app/list", {"threadId": "00000000-0000-0000-0000-000000000000"})
        assert missing["error"]["code"] == -32600
        assert missing["error"]["message"] == "thread not found: 00000000-0000-0000-0000-000000000000"
