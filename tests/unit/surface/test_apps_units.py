"""codex_core.apps: where the apps MCP server lives, how its tools become accessible apps, how they
merge with the directory, pagination and the load loop (app/list end to end:
tests/integration/test_app_list.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from codex_core.apps import (
    AppListError,
    AppsIdentity,
    AppsSource,
    InvalidAppsCursor,
    accessible_app_infos,
    apps_mcp_server,
    apps_mcp_url,
    is_workspace_plan,
    load_app_list,
    merge_app_lists,
    paginate_apps,
    parse_cursor,
)
from codex_core.backend_client import BackendAuth, BackendClient, BackendError, app_slug


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("https://chatgpt.com/backend-api", "https://chatgpt.com/backend-api/wham/apps"),
        ("https://chatgpt.com", "https://chatgpt.com/backend-api/wham/apps"),
        ("https://chat.openai.com/", "https://chat.openai.com/backend-api/wham/apps"),
        ("http://127.0.0.1:9/backend-api/", "http://127.0.0.1:9/backend-api/wham/apps"),
        ("http://localhost:8080/api/codex", "http://localhost:8080/api/codex/apps"),
        ("http://localhost:8080", "http://localhost:8080/api/codex/apps"),
    ],
)
def test_apps_mcp_url(base: str, url: str) -> None:
    assert apps_mcp_url(base) == url


def test_apps_mcp_server_auth() -> None:
    auth = BackendAuth("tok", "acct")
    server = apps_mcp_server("https://chatgpt.com/backend-api", auth, {})
    assert server.url == "https://chatgpt.com/backend-api/wham/apps"
    assert server.http_headers == {"Authorization": "Bearer tok", "ChatGPT-Account-ID": "acct"}
    assert server.startup_timeout_sec == 30.0
    # CODEX_CONNECTORS_TOKEN replaces the login's credentials entirely.
    override = apps_mcp_server("https://chatgpt.com/backend-api", auth, {"CODEX_CONNECTORS_TOKEN": "x"})
    assert override.bearer_token_env_var == "CODEX_CONNECTORS_TOKEN" and override.http_headers is None


def test_slug_and_workspace_plans() -> None:
    assert app_slug("Beta App") == "beta-app"
    assert app_slug(" Gamma  Mail ") == "gamma--mail"
    assert app_slug("Café") == "caf"
    assert app_slug("!!!") == "app"
    assert [is_workspace_plan(p) for p in ("team", "Business", "enterprise", "hc", "edu")] == [True] * 5
    assert [is_workspace_plan(p) for p in ("plus", "pro", "free", None)] == [False] * 4


def tool(name: str, meta: dict[str, Any] | None) -> dict[str, Any]:
    wire: dict[str, Any] = {"name": name, "inputSchema": {"type": "object"}}
    if meta is not None:
        wire["_meta"] = meta
    return wire


def test_accessible_apps_from_tool_metadata() -> None:
    apps = accessible_app_infos(
        [
            tool("a", {"connector_id": "zeta"}),  # no name yet: the id stands in
            tool("b", {"connector_id": "zeta", "connector_display_name": " Zeta Docs "}),
            tool("c", {"connector_id": "zeta", "connector_name": "Other"}),  # the first real name stays
            tool("d", {"connector_id": "  ", "connector_name": "Blank"}),
            tool("e", None),
            tool("f", {"connector_id": "acme", "connector_name": "Acme"}),
        ]
    )
    assert [(a["id"], a["name"], a["installUrl"], a["isAccessible"]) for a in apps] == [
        ("acme", "Acme", "https://chatgpt.com/apps/acme/acme", True),
        ("zeta", "Zeta Docs", "https://chatgpt.com/apps/zeta-docs/zeta", True),
    ]


def info(app_id: str, name: str, accessible: bool, **fields: Any) -> dict[str, Any]:
    return {
        "id": app_id,
        "name": name,
        "description": None,
        "logoUrl": None,
        "logoUrlDark": None,
        "distributionChannel": None,
        "installUrl": fields.pop("installUrl", None),
        "isAccessible": accessible,
        **fields,
    }


def test_merge_app_lists() -> None:
    directory = [
        info("b", "b", False, installUrl="dir-b"),  # only its id as a name
        info("a", "Able", False, installUrl="dir-a", description="listed"),
        info("connector_openai_x", "Internal", False),
    ]
    accessible = [info("b", "Bee", True, installUrl="mcp-b"), info("c", "Sea", True, installUrl="mcp-c")]
    merged = merge_app_lists(directory, accessible)
    # accessible first; the accessible name replaces an id-only name; `c` is not in the directory
    assert [(a["id"], a["name"], a["isAccessible"], a["installUrl"]) for a in merged] == [
        ("b", "Bee", True, "dir-b"),
        ("a", "Able", False, "dir-a"),
    ]
    # before the directory has loaded, accessible apps are shown on their own
    assert [a["id"] for a in merge_app_lists(None, accessible)] == ["b", "c"]
    assert merge_app_lists(directory[:2], None) == sorted(directory[:2], key=lambda a: a["name"])
    assert merge_app_lists(None, None) == []
    assert directory[0]["isAccessible"] is False  # inputs are not modified


def test_cursor_and_pages() -> None:
    apps = [info(str(i), str(i), False) for i in range(3)]
    assert parse_cursor(None) == 0 and parse_cursor("+2") == 2
    for bad in ("x", "-1", "", "1.0", "٣"):
        with pytest.raises(InvalidAppsCursor, match="invalid cursor"):
            parse_cursor(bad)
    assert paginate_apps(apps, 0, 2) == {"data": apps[:2], "nextCursor": "2"}
    assert paginate_apps(apps, 2, None) == {"data": apps[2:], "nextCursor": None}
    assert paginate_apps(apps, 0, 0)["data"] == apps[:1]
    assert paginate_apps([], 0, None) == {"data": [], "nextCursor": None}
    with pytest.raises(InvalidAppsCursor, match="cursor 4 exceeds total apps 3"):
        paginate_apps(apps, 4, None)


class FakeSource(AppsSource):
    def __init__(self, directory_error: bool = False) -> None:
        super().__init__(
            BackendClient("http://x", BackendAuth("t")), AppsIdentity("http://x", None, None, False), {}
        )
        self.release = asyncio.Event()
        self.directory_error = directory_error

    def cached_directory(self) -> list[dict[str, Any]] | None:
        return None

    def cached_accessible(self) -> list[dict[str, Any]] | None:
        return None

    async def directory(self, force_refetch: bool) -> list[dict[str, Any]]:
        await self.release.wait()
        if self.directory_error:
            raise BackendError("Request failed with status 502")
        return [info("a", "A", False, installUrl="u")]

    async def accessible(self, force_refetch: bool) -> list[dict[str, Any]]:
        return [info("a", "A", True, installUrl="v")]


def test_load_reports_each_list_then_errors_and_time_limits() -> None:
    async def run(source: FakeSource, timeout: float) -> tuple[list[Any], list[dict[str, Any]] | str]:
        updates: list[Any] = []

        def on_update(apps: list[dict[str, Any]]) -> None:
            updates.append([(a["id"], a["isAccessible"]) for a in apps])
            source.release.set()  # the directory answers once the accessible list is out

        try:
            final: list[dict[str, Any]] | str = await load_app_list(
                source, force_refetch=False, on_update=on_update, timeout=timeout
            )
        except AppListError as exc:
            final = str(exc)
        return updates, final

    updates, final = asyncio.run(run(FakeSource(), 30))
    assert updates == [[("a", True)], [("a", True)]]
    assert isinstance(final, list) and final[0]["installUrl"] == "u"

    updates, final = asyncio.run(run(FakeSource(directory_error=True), 30))
    assert final == "failed to list apps: Request failed with status 502"

    async def stuck() -> tuple[list[Any], list[dict[str, Any]] | str]:
        source = FakeSource()
        source.release = _NeverSet()
        return await run(source, 0.05)

    _, final = asyncio.run(stuck())
    assert final == "timed out waiting for app lists after 0.05 seconds"


class _NeverSet(asyncio.Event):
    def set(self) -> None:  # the directory never answers
        pass
