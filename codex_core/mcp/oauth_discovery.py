"""Does a streamable-HTTP MCP server offer OAuth login? The reference's answer, asked the same way.

As codex 0.100.0 decides a `url` server's auth status (when it has no bearer token variable
and no stored tokens): GET the RFC 8414 metadata at the well-known paths derived from the
server URL, with the server's own headers and `MCP-Protocol-Version: 2024-11-05`, 5 s each;
a 200 whose JSON names both an `authorization_endpoint` and a `token_endpoint` means it
does ("not logged in"), anything else, unreachable included, that it does not ("unsupported").
Standard library only: `codex mcp list` stays light.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

log = logging.getLogger("codex.mcp")

DISCOVERY_TIMEOUT_SEC = 5.0
PROTOCOL_HEADER = "MCP-Protocol-Version"
PROTOCOL_VERSION = "2024-11-05"
_WELL_KNOWN = "/.well-known/oauth-authorization-server"


def discovery_paths(base_path: str) -> list[str]:
    """The metadata paths tried, in order (RFC 8414 §3.1, then the path-relative and root forms)."""
    trimmed = base_path.strip("/")
    if not trimmed:
        return [_WELL_KNOWN]
    candidates: list[str] = []
    for candidate in (f"{_WELL_KNOWN}/{trimmed}", f"/{trimmed}{_WELL_KNOWN}", _WELL_KNOWN):
        if candidate not in candidates:
            candidates.append(candidate)
    return candidates


def supports_oauth_login(
    url: str, headers: Mapping[str, str] | None = None, *, timeout: float = DISCOVERY_TIMEOUT_SEC
) -> bool:
    """Whether `url` advertises OAuth authorization-server metadata (any failure: no)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    opener = urllib.request.build_opener()
    for path in discovery_paths(parts.path):
        target = urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
        request = urllib.request.Request(target, method="GET")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        request.add_header(PROTOCOL_HEADER, PROTOCOL_VERSION)
        try:
            with opener.open(request, timeout=timeout) as response:
                if response.status != 200:
                    continue
                metadata = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            log.debug("OAuth discovery at %s failed: %s", target, exc)
            continue
        if (
            isinstance(metadata, dict)
            and isinstance(metadata.get("authorization_endpoint"), str)
            and isinstance(metadata.get("token_endpoint"), str)
        ):
            return True
    return False
