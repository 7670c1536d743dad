"""Apps (ChatGPT connectors) for `app/list`: the directory merged with what the user can use.

Two sources, loaded concurrently:

* the **directory**: every visible app of the ChatGPT backend (`/connectors/directory/list`, plus
  `/connectors/directory/list_workspace` for workspace plans), none of them accessible yet;
* the **accessible** apps: the tools of the apps MCP server the backend hosts (named
  `codex_apps`, streamable HTTP, see :func:`apps_mcp_url`). Each tool that carries
  `_meta.connector_id` belongs to an app the user has connected; `_meta.connector_name` (or
  `connector_display_name`) names it.

:func:`merge_app_lists` joins them: directory entries the MCP server knows become accessible
(and take its name when the directory only had the id), accessible-first then by name. While the
directory is still loading, accessible apps are shown on their own; once it has loaded, apps it
does not list are left out.

Both lists are cached per (base URL, account, user, workspace plan) for an hour; `forceRefetch`
skips the cache reads but a failed refetch leaves the old entries in place. The accessible list is
only cached when the MCP server answered (or produced apps): an unreachable server means "none
accessible" for this call, not an error and not a cached answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from codex_core.backend_client import BackendAuth, BackendClient, BackendError, app_install_url, to_app_info

if TYPE_CHECKING:
    from codex_core.config.typed import McpServerToml

log = logging.getLogger("codex.apps")

APPS_MCP_SERVER_NAME = "codex_apps"
APPS_MCP_STARTUP_TIMEOUT_S = 30.0
APPS_CACHE_TTL_S = 3600.0
APP_LIST_LOAD_TIMEOUT_S = 90.0
# When set, its value is the apps MCP server's bearer token (instead of the ChatGPT login's).
CONNECTORS_TOKEN_ENV_VAR = "CODEX_CONNECTORS_TOKEN"
# Plans whose accounts belong to a workspace, which has a directory listing of its own.
WORKSPACE_PLANS = frozenset({"team", "business", "enterprise", "hc", "edu"})

# Apps that are never offered: OpenAI-internal connectors and a few specific ids.
_DISALLOWED_PREFIX = "connector_openai_"
_DISALLOWED_IDS = frozenset(
    {
        "asdk_app_6938a94a61d881918ef32cb999ff937c",
        "connector_2b0a9009c9c64bf9933a3dae3f2b1254",
        "connector_68de829bf7648191acd70a907364c67c",
    }
)

AppInfo = dict[str, Any]


class AppListError(Exception):
    """`app/list` could not produce a list; `str()` is the JSON-RPC error message."""


class InvalidAppsCursor(ValueError):
    """A cursor `app/list` cannot use; `str()` is the JSON-RPC error message."""


def parse_cursor(cursor: str | None) -> int:
    """The offset a cursor stands for: decimal digits (an optional leading `+`), as Rust reads a usize."""
    if cursor is None:
        return 0
    digits = cursor[1:] if cursor.startswith("+") else cursor
    if not digits or not digits.isascii() or not digits.isdigit() or int(digits) >= 2**64:
        raise InvalidAppsCursor(f"invalid cursor: {cursor}")
    return int(digits)


def paginate_apps(apps: list[AppInfo], start: int, limit: int | None) -> dict[str, Any]:
    """An `AppsListResponse` page: `limit` apps (all when omitted, at least one) from `start`."""
    total = len(apps)
    if start > total:
        raise InvalidAppsCursor(f"cursor {start} exceeds total apps {total}")
    end = min(start + max(limit if limit is not None else total, 1), total)
    return {"data": apps[start:end], "nextCursor": str(end) if end < total else None}


def is_workspace_plan(plan: str | None) -> bool:
    return plan is not None and plan.lower() in WORKSPACE_PLANS


def apps_mcp_url(chatgpt_base_url: str) -> str:
    """Where the apps MCP server lives for a `chatgpt_base_url`.

    chatgpt.com / chat.openai.com without a path get `/backend-api`; a base under `/backend-api`
    serves it at `<base>/wham/apps`, one under `/api/codex` at `<base>/apps`, any other base at
    `<base>/api/codex/apps`.
    """
    base = chatgpt_base_url.rstrip("/")
    if base.startswith(("https://chatgpt.com", "https://chat.openai.com")) and "/backend-api" not in base:
        base = f"{base}/backend-api"
    if "/backend-api" in base:
        return f"{base}/wham/apps"
    if "/api/codex" in base:
        return f"{base}/apps"
    return f"{base}/api/codex/apps"


def apps_mcp_server(chatgpt_base_url: str, auth: BackendAuth, env: Mapping[str, str]) -> McpServerToml:
    """The `codex_apps` server entry: the login's bearer token and `ChatGPT-Account-ID`, or the
    `CODEX_CONNECTORS_TOKEN` environment variable (alone) when that is set."""
    from codex_core.config.typed import McpServerToml

    url = apps_mcp_url(chatgpt_base_url)
    if env.get(CONNECTORS_TOKEN_ENV_VAR, "").strip():
        return McpServerToml(
            url=url,
            bearer_token_env_var=CONNECTORS_TOKEN_ENV_VAR,
            startup_timeout_sec=APPS_MCP_STARTUP_TIMEOUT_S,
        )
    headers: dict[str, str] = {}
    if auth.bearer_token.strip():
        headers["Authorization"] = f"Bearer {auth.bearer_token.strip()}"
    if auth.account_id:
        headers["ChatGPT-Account-ID"] = auth.account_id
    return McpServerToml(
        url=url, http_headers=headers or None, startup_timeout_sec=APPS_MCP_STARTUP_TIMEOUT_S
    )


# -- shaping ---------------------------------------------------------------------------------------
def is_allowed(app_id: str) -> bool:
    return not app_id.startswith(_DISALLOWED_PREFIX) and app_id not in _DISALLOWED_IDS


def filter_disallowed(apps: list[AppInfo]) -> list[AppInfo]:
    return [app for app in apps if is_allowed(str(app["id"]))]


def _meta_text(meta: Any, key: str) -> str | None:
    value = meta.get(key) if isinstance(meta, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def accessible_app_infos(tools: list[dict[str, Any]]) -> list[AppInfo]:
    """One accessible `AppInfo` per connector among the MCP tools (wire dicts), sorted by name.

    A connector's name is the first one its tools give that differs from its id (the id if none).
    """
    names: dict[str, str] = {}
    for tool in tools:
        meta = tool.get("_meta")
        connector_id = _meta_text(meta, "connector_id")
        if connector_id is None:
            continue
        name = (
            _meta_text(meta, "connector_name") or _meta_text(meta, "connector_display_name") or connector_id
        )
        known = names.get(connector_id)
        if known is None or (known == connector_id and name != connector_id):
            names[connector_id] = name
    apps = [
        {
            "id": connector_id,
            "name": name,
            "description": None,
            "logoUrl": None,
            "logoUrlDark": None,
            "distributionChannel": None,
            "installUrl": app_install_url(name, connector_id),
            "isAccessible": True,
        }
        for connector_id, name in names.items()
    ]
    apps.sort(key=lambda app: (app["name"], app["id"]))
    return apps


_FILLED_FROM_ACCESSIBLE = ("description", "logoUrl", "logoUrlDark", "distributionChannel")


def merge_app_lists(directory: list[AppInfo] | None, accessible: list[AppInfo] | None) -> list[AppInfo]:
    """The `app/list` view of whatever has loaded so far (`None`: not loaded yet)."""
    entries: dict[str, AppInfo] = {str(app["id"]): {**app, "isAccessible": False} for app in directory or []}
    listed = set(entries) if directory is not None else None
    for app in accessible or []:
        app_id = str(app["id"])
        if listed is not None and app_id not in listed:
            continue  # the directory has loaded and does not offer it
        entry = entries.get(app_id)
        if entry is None:
            entries[app_id] = {**app, "isAccessible": True}
            continue
        entry["isAccessible"] = True
        if entry["name"] == app_id and app["name"] != app_id:
            entry["name"] = app["name"]
        for key in _FILLED_FROM_ACCESSIBLE:
            if entry.get(key) is None and app.get(key) is not None:
                entry[key] = app[key]
    merged = list(entries.values())
    for entry in merged:
        if entry.get("installUrl") is None:
            entry["installUrl"] = app_install_url(str(entry["name"]), str(entry["id"]))
    merged.sort(key=lambda app: (not app["isAccessible"], app["name"], app["id"]))
    return filter_disallowed(merged)


# -- caches ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AppsIdentity:
    """Whose apps a list is: the cache key."""

    chatgpt_base_url: str
    account_id: str | None
    user_id: str | None
    is_workspace: bool


class _TtlCache:
    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[AppsIdentity, tuple[float, list[AppInfo]]] = {}

    def get(self, key: AppsIdentity) -> list[AppInfo] | None:
        hit = self._entries.get(key)
        if hit is None:
            return None
        expires_at, apps = hit
        if time.monotonic() >= expires_at:
            del self._entries[key]
            return None
        return [dict(app) for app in apps]

    def put(self, key: AppsIdentity, apps: list[AppInfo]) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, [dict(app) for app in apps])

    def clear(self) -> None:
        self._entries.clear()


_directory_cache = _TtlCache(APPS_CACHE_TTL_S)
_accessible_cache = _TtlCache(APPS_CACHE_TTL_S)


def clear_caches() -> None:
    _directory_cache.clear()
    _accessible_cache.clear()


# -- loading ---------------------------------------------------------------------------------------
async def fetch_apps_mcp_tools(
    server: McpServerToml, env: Mapping[str, str]
) -> tuple[list[dict[str, Any]], bool]:
    """The apps MCP server's tools (every page) and whether it answered at all."""
    from codex_core.mcp.manager import McpManager

    manager = McpManager({APPS_MCP_SERVER_NAME: server}, env=env)
    try:
        await manager.wait_ready()
        connection = manager.connections[APPS_MCP_SERVER_NAME]
        if connection.state != "ready":
            log.warning("apps MCP server unavailable, no app is accessible: %s", connection.error)
            return [], False
        return list(connection.tools), True
    finally:
        await manager.shutdown()


class AppsSource:
    """The directory and the accessible apps of one signed-in user, through the caches."""

    def __init__(self, client: BackendClient, identity: AppsIdentity, env: Mapping[str, str]) -> None:
        self.client = client
        self.identity = identity
        self.env = env

    def cached_directory(self) -> list[AppInfo] | None:
        return _directory_cache.get(self.identity)

    def cached_accessible(self) -> list[AppInfo] | None:
        return _accessible_cache.get(self.identity)

    async def directory(self, force_refetch: bool) -> list[AppInfo]:
        """Raises :class:`BackendError` when the directory cannot be read."""
        if not force_refetch and (cached := self.cached_directory()) is not None:
            return cached
        raw = await self.client.list_directory_apps()
        if self.identity.is_workspace:
            raw.extend(await self.client.list_workspace_apps())
        apps = filter_disallowed(to_app_info(raw))
        _directory_cache.put(self.identity, apps)
        return apps

    async def accessible(self, force_refetch: bool) -> list[AppInfo]:
        """Never raises: a server that cannot be reached makes nothing accessible."""
        if not force_refetch and (cached := self.cached_accessible()) is not None:
            return cached
        server = apps_mcp_server(self.identity.chatgpt_base_url, self.client.auth, self.env)
        try:
            tools, answered = await fetch_apps_mcp_tools(server, self.env)
        except Exception as exc:
            log.warning("listing the apps MCP server's tools failed: %s", exc)
            tools, answered = [], False
        apps = filter_disallowed(accessible_app_infos(tools))
        if answered or apps:
            _accessible_cache.put(self.identity, apps)
        return apps


# Loads still running when `app/list` gave up (an error, the time limit) finish on their own and
# fill the caches, as the reference's detached loads do.
_leftover: set[asyncio.Task[Any]] = set()


def _keep_running(task: asyncio.Task[Any]) -> None:
    def done(finished: asyncio.Task[Any]) -> None:
        _leftover.discard(finished)
        if not finished.cancelled() and finished.exception() is not None:
            log.debug("a leftover app list load failed: %s", finished.exception())

    _leftover.add(task)
    task.add_done_callback(done)


async def load_app_list(
    source: AppsSource,
    *,
    force_refetch: bool,
    on_update: Callable[[list[AppInfo]], None],
    timeout: float = APP_LIST_LOAD_TIMEOUT_S,
) -> list[AppInfo]:
    """Load both lists concurrently; after each one arrives, `on_update` gets the merged view (the
    cached lists standing in for those not loaded yet). Returns the final merged list.

    Raises :class:`AppListError` when the directory cannot be read or the loads take too long.
    """
    directory = source.cached_directory()
    accessible = source.cached_accessible()
    directory_task = asyncio.create_task(source.directory(force_refetch), name="app directory")
    accessible_task = asyncio.create_task(source.accessible(force_refetch), name="accessible apps")
    pending: set[asyncio.Task[Any]] = {directory_task, accessible_task}
    try:
        async with asyncio.timeout(timeout):
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in sorted(done, key=lambda t: t is directory_task):
                    if task is directory_task:
                        try:
                            directory = task.result()
                        except BackendError as exc:
                            raise AppListError(f"failed to list apps: {exc}") from None
                    else:
                        accessible = task.result()
                    on_update(merge_app_lists(directory, accessible))
    except TimeoutError:
        raise AppListError(f"timed out waiting for app lists after {timeout:g} seconds") from None
    finally:
        for task in pending:
            _keep_running(task)
    return merge_app_lists(directory, accessible)
