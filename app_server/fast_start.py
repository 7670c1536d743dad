"""Answer the first `initialize` on stdio before the rest of the server is even imported.

Start-up is product: a client spawns `codex app-server` and waits for this answer. Only a
well-formed initialize is answered here; anything else (a different first message, a shape
that would need a validation error) is handed to the full dispatcher untouched, so the
answers are the same either way, only sooner.
"""

from __future__ import annotations

import json
import os
from typing import Any


class FastInit:
    __slots__ = ("client_name", "client_version", "experimental_api", "opt_outs")

    def __init__(
        self, client_name: str, client_version: str, experimental_api: bool, opt_outs: list[str]
    ) -> None:
        self.client_name = client_name
        self.client_version = client_version
        self.experimental_api = experimental_api
        self.opt_outs = opt_outs


def _read_first_line(fd: int) -> bytes:
    """Bytes up to and including the first newline (or EOF); may include more after it."""
    data = bytearray()
    while b"\n" not in data:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        data += chunk
        if len(data) > 1 << 20:
            break  # not a plausible initialize: let the full server deal with it
    return bytes(data)


def _opt_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def parse_initialize(line: bytes) -> tuple[int | str, FastInit] | None:
    """The request id and params of a valid initialize request, else None."""
    try:
        message = json.loads(line)
    except ValueError:  # also UnicodeDecodeError
        return None
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    request_id = message.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    params = message.get("params")
    if not isinstance(params, dict):
        return None
    info = params.get("clientInfo")
    if not isinstance(info, dict):
        return None
    name, version = info.get("name"), info.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or not _opt_str(info.get("title")):
        return None
    capabilities = params.get("capabilities")
    experimental = False
    opt_outs: list[str] = []
    if capabilities is not None:
        if not isinstance(capabilities, dict):
            return None
        flag = capabilities.get("experimentalApi", False)
        methods = capabilities.get("optOutNotificationMethods")
        if not isinstance(flag, bool):
            return None
        if methods is not None and (
            not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)
        ):
            return None
        experimental = flag
        opt_outs = list(methods or [])
    return request_id, FastInit(name, version, experimental, opt_outs)


def try_fast_initialize(in_fd: int = 0, out_fd: int = 1) -> tuple[FastInit | None, bytes]:
    """Read stdin's first line; answer it if it is an initialize. Returns what was read but not handled."""
    from codex_core.user_agent import DEFAULT_ORIGINATOR, user_agent

    data = _read_first_line(in_fd)
    newline = data.find(b"\n")
    if newline == -1:
        return None, data
    line, rest = data[:newline], data[newline + 1 :]
    parsed = parse_initialize(line)
    if parsed is None:
        return None, data
    request_id, init = parsed
    agent = user_agent(init.client_name or DEFAULT_ORIGINATOR, init.client_name, init.client_version)
    # stdlib json here: orjson's import pulls in dataclasses, uuid and zoneinfo, which costs more than it saves.
    response = (
        json.dumps({"id": request_id, "result": {"userAgent": agent}}, separators=(",", ":")).encode() + b"\n"
    )
    view = memoryview(response)
    while view:
        view = view[os.write(out_fd, view) :]
    return init, rest
