"""An MCP server's auth status (`codex mcp list`, `mcpServerStatus/list`).

Apart from the manager so that `codex mcp list` answers for stdio and bearer-token servers
without importing asyncio and the MCP client; the OAuth modules load only for the servers that
need them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, Protocol

AuthStatus = Literal["unsupported", "notLoggedIn", "bearerToken", "oAuth"]


class McpServerLike(Protocol):
    """What the status reads of a server table: `McpServerToml`, or a lighter view of one."""

    @property
    def transport(self) -> Literal["stdio", "streamable_http"]: ...
    @property
    def url(self) -> str | None: ...
    @property
    def bearer_token_env_var(self) -> str | None: ...
    @property
    def http_headers(self) -> dict[str, str] | None: ...
    @property
    def env_http_headers(self) -> dict[str, str] | None: ...


def auth_status(
    config: McpServerLike,
    codex_home: Path | None = None,
    *,
    name: str | None = None,
    store_mode: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AuthStatus:
    """As the reference: stdio is unsupported; an http server with a bearer token variable is
    bearer-token, with stored OAuth tokens OAuth; otherwise it is not logged in when it offers
    OAuth login (asked over the network, see `oauth_discovery.py`) and unsupported when not."""
    if config.transport == "stdio":
        return "unsupported"
    if config.bearer_token_env_var is not None:
        return "bearerToken"
    if codex_home is not None and _has_stored_oauth(codex_home, config, name, store_mode):
        return "oAuth"
    from codex_core.mcp.oauth import resolve_headers
    from codex_core.mcp.oauth_discovery import supports_oauth_login

    headers = resolve_headers(config, os.environ if env is None else env)
    return "notLoggedIn" if config.url and supports_oauth_login(config.url, headers) else "unsupported"


def _has_stored_oauth(
    codex_home: Path, config: McpServerLike, name: str | None, store_mode: str | None
) -> bool:
    from codex_core.mcp.oauth import CredentialStore, FileCredentialStore, OAuthError

    if config.url is None:
        return False
    if name is not None:
        mode = store_mode if store_mode in ("auto", "file", "keyring") else None
        return CredentialStore(codex_home, mode).has_tokens(name, config.url)  # type: ignore[arg-type]
    # Without the server's name only the file can be searched (by URL).
    try:
        data = FileCredentialStore(codex_home)._read()
    except OAuthError:
        return False
    return any(
        isinstance(entry, dict) and entry.get("server_url") == config.url and entry.get("access_token")
        for entry in data.values()
    )
