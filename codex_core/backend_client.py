"""A small async client for the ChatGPT backend (the apps directory; remote skills, which need no
login, are in `codex_core.remote_skills`).

The apps MCP server that says which apps are accessible lives in `codex_core.apps`.

Every call carries the signed-in ChatGPT user's bearer token and, when known, the
``chatgpt-account-id`` header. The base URL comes from config ``chatgpt_base_url``
(default ``https://chatgpt.com/backend-api``). Failures are raised as
:class:`BackendError` with a message that names the URL and the HTTP status, so the
app-server can hand it to the client unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULT_CHATGPT_BASE_URL = "https://chatgpt.com/backend-api"
REQUEST_TIMEOUT_S = 30.0
DIRECTORY_TIMEOUT_S = 60.0
# A directory that keeps handing out cursors is cut off rather than followed forever.
MAX_DIRECTORY_PAGES = 100


class BackendError(Exception):
    """A failed ChatGPT backend call; ``str()`` is suitable for a JSON-RPC error message."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class BackendAuth:
    bearer_token: str
    account_id: str | None = None


class BackendClient:
    def __init__(self, base_url: str | None, auth: BackendAuth, *, user_agent: str | None = None) -> None:
        self.base_url = (base_url or DEFAULT_CHATGPT_BASE_URL).rstrip("/")
        self.auth = auth
        self.user_agent = user_agent

    def headers(self) -> dict[str, str]:
        headers = {"authorization": f"Bearer {self.auth.bearer_token}", "content-type": "application/json"}
        if self.auth.account_id:
            headers["chatgpt-account-id"] = self.auth.account_id
        if self.user_agent:
            headers["user-agent"] = self.user_agent
        return headers

    async def get(
        self, path: str, *, params: Mapping[str, str] | None = None, timeout: float = REQUEST_TIMEOUT_S
    ) -> tuple[int, bytes]:
        import httpx

        url = f"{self.base_url}{path}"
        try:
            async with httpx.AsyncClient(timeout=timeout) as client:
                response = await client.get(url, params=dict(params or {}), headers=self.headers())
        except httpx.HTTPError as exc:
            raise BackendError(f"Failed to send request to {url}: {type(exc).__name__}") from None
        return response.status_code, response.content

    async def get_json(
        self, path: str, *, params: Mapping[str, str] | None = None, timeout: float = REQUEST_TIMEOUT_S
    ) -> Any:
        import orjson

        status, body = await self.get(path, params=params, timeout=timeout)
        url = f"{self.base_url}{path}"
        if status // 100 != 2:
            text = body.decode("utf-8", errors="replace")[:2000]
            raise BackendError(f"Request failed with status {status} from {url}: {text}", status)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            raise BackendError(f"Failed to parse response from {url}: invalid JSON") from None

    # -- apps directory (connectors) ---------------------------------------------------------------
    async def list_directory_apps(self) -> list[dict[str, Any]]:
        """Every visible app of the directory, following `nextToken` pages."""
        apps: list[dict[str, Any]] = []
        token: str | None = None
        for _ in range(MAX_DIRECTORY_PAGES):
            params = {"tier": "categorized"}
            if token:
                params["token"] = token
            data = await self.get_json(
                "/connectors/directory/list", params=params, timeout=DIRECTORY_TIMEOUT_S
            )
            if not isinstance(data, dict) or not isinstance(data.get("apps"), list):
                raise BackendError("Failed to parse apps directory response: missing `apps`")
            apps.extend(app for app in data["apps"] if isinstance(app, dict) and _visible(app))
            raw_next = data.get("next_token", data.get("nextToken"))
            token = raw_next.strip() if isinstance(raw_next, str) and raw_next.strip() else None
            if token is None:
                break
        return apps

    async def list_workspace_apps(self) -> list[dict[str, Any]]:
        """Apps of the user's workspace (asked for workspace plans only); a failure here is not
        fatal (an empty list)."""
        try:
            data = await self.get_json("/connectors/directory/list_workspace", timeout=DIRECTORY_TIMEOUT_S)
        except BackendError:
            return []
        raw = data.get("apps") if isinstance(data, dict) else None
        return (
            [app for app in raw if isinstance(app, dict) and _visible(app)] if isinstance(raw, list) else []
        )


def _visible(app: Mapping[str, Any]) -> bool:
    return app.get("visibility") != "HIDDEN" and isinstance(app.get("id"), str)


def app_slug(name: str) -> str:
    """The install-URL slug of an app name: every character that is not an ASCII letter or digit
    becomes `-` (runs are kept), letters are lowercased, outer dashes dropped; `app` if empty."""
    slug = "".join(ch.lower() if ch.isascii() and ch.isalnum() else "-" for ch in name).strip("-")
    return slug or "app"


def app_install_url(name: str, app_id: str) -> str:
    return f"https://chatgpt.com/apps/{app_slug(name)}/{app_id}"


# Directory fields besides id/name/description, with the spellings the backend uses for them.
_DIRECTORY_FIELDS = (
    ("logoUrl", ("logo_url", "logoUrl")),
    ("logoUrlDark", ("logo_url_dark", "logoUrlDark")),
    ("distributionChannel", ("distribution_channel", "distributionChannel")),
)


def to_app_info(apps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Directory entries (directory + workspace listings) as wire `AppInfo`s, none accessible yet.

    Entries sharing an id are merged: the first non-blank name and description win, and the first
    value given for each logo / distribution channel. The install URL is built from the merged
    name as listed; the name is then trimmed (the id when blank) and a blank description dropped.
    Sorted by name, then id.
    """
    merged: dict[str, dict[str, Any]] = {}
    for app in apps:
        app_id = str(app["id"])
        entry = merged.get(app_id)
        raw_name, raw_description = app.get("name"), app.get("description")
        name = raw_name if isinstance(raw_name, str) else ""
        description = raw_description if isinstance(raw_description, str) else None
        if entry is None:
            entry = merged[app_id] = {"id": app_id, "name": name, "description": description}
            for wire, keys in _DIRECTORY_FIELDS:
                entry[wire] = _first_string(app, keys)
            continue
        if not str(entry["name"]).strip() and name.strip():
            entry["name"] = name
        if not _text(entry["description"]) and _text(description):
            entry["description"] = description
        for wire, keys in _DIRECTORY_FIELDS:
            if entry[wire] is None:
                entry[wire] = _first_string(app, keys)
    result: list[dict[str, Any]] = []
    for app_id, entry in merged.items():
        raw_name = str(entry["name"])
        result.append(
            {
                "id": app_id,
                "name": raw_name.strip() or app_id,
                "description": _text(entry["description"]),
                "logoUrl": entry["logoUrl"],
                "logoUrlDark": entry["logoUrlDark"],
                "distributionChannel": entry["distributionChannel"],
                "installUrl": app_install_url(raw_name, app_id),
                "isAccessible": False,
            }
        )
    result.sort(key=lambda info: (info["name"], info["id"]))
    return result


def _first_string(app: Mapping[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = app.get(key)
        if isinstance(value, str):
            return value
    return None


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
