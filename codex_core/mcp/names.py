"""Model-visible names of MCP tools: `mcp__<server>__<tool>`, sanitised, at most 64 characters."""

from __future__ import annotations

import hashlib
import re

PREFIX = "mcp"
DELIMITER = "__"
MAX_TOOL_NAME_LENGTH = 64

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_SERVER_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def sanitize(name: str) -> str:
    """Replace every character the Responses API rejects in tool names with `_`."""
    cleaned = _UNSAFE.sub("_", name)
    return cleaned or "_"


def qualified_name(server: str, tool: str) -> str:
    """`mcp__server__tool`; names over 64 characters keep a prefix and end in the raw name's sha1."""
    raw = f"{PREFIX}{DELIMITER}{server}{DELIMITER}{tool}"
    name = sanitize(raw)
    if len(name) > MAX_TOOL_NAME_LENGTH:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()
        name = name[: MAX_TOOL_NAME_LENGTH - len(digest)] + digest
    return name


def is_valid_server_name(name: str) -> bool:
    """What `codex mcp add` accepts: letters, digits, `-` and `_`."""
    return bool(_SERVER_NAME.match(name))
