"""Answer the first `initialize` on stdio before the rest of the server is even imported.

Start-up is product: a client spawns `codex app-server` and waits for this answer. Only a
well-formed initialize is answered here; anything else (a different first message, a shape
that would need a validation error) is handed to the full dispatcher untouched, so the
answers are the same either way, only sooner.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
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


# How long, after the fast initialize answer, to wait for the client's next request before the
# full server starts. A client that lists threads first sends thread/list within a round trip;
# one that sends nothing soon has nothing waiting on the rest of start-up either.
FIRST_REQUEST_WAIT_SECONDS = 0.05
MAX_LANE_LINE = 1 << 20


class FirstListings:
    """What `serve_first_listings` leaves to the full server."""

    __slots__ = ("answered", "config_warnings", "pending")

    def __init__(self, pending: bytes, config_warnings: list[dict[str, Any]] | None, answered: int) -> None:
        self.pending = pending  # bytes read from stdin and not handled
        # Checked here, so the server sends these instead of checking again (None: not checked).
        self.config_warnings = config_warnings
        self.answered = answered


def _next_line(in_fd: int, buffer: bytearray, wait: float) -> bytes | None:
    """The next complete line (without its newline), reading for up to `wait` seconds; None when
    none came in time, at EOF, or the line is too long for this lane."""
    import select
    import time

    deadline = time.monotonic() + wait
    while b"\n" not in buffer:
        if len(buffer) > MAX_LANE_LINE:
            return None
        remaining = deadline - time.monotonic()
        if not select.select([in_fd], [], [], max(0.0, remaining))[0]:
            return None
        chunk = os.read(in_fd, 1 << 16)
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer[: buffer.index(b"\n")])


def serve_first_listings(
    codex_home: Any,
    cli_overrides: list[str],
    env: Any = None,
    pending: bytes = b"",
    in_fd: int = 0,
    out_fd: int = 1,
) -> FirstListings:
    """After a fast initialize on stdio: check the configuration (the server would send its
    warnings next), and when there is nothing to warn about, answer the thread/list requests that
    follow, still without asyncio, the protocol models or pydantic.

    An IDE window opening sends initialize and then lists threads; this answers that list in a few
    milliseconds instead of after the whole server has loaded. Only thread/list with plainly valid
    params is answered here (`thread_listing.plain_thread_list_params`), the `initialized`
    notification is passed over as the dispatcher passes it over, and anything else (or a listing
    that fails) ends the lane: that line and the rest go to the full server untouched, so every
    answer is the one the dispatcher would give.
    """
    from app_server.config_warnings import collect_startup_warnings

    try:
        warnings = collect_startup_warnings(codex_home, cli_overrides, env)
    except Exception:  # not expected; the server checks again, logs, and answers everything
        return FirstListings(pending, None, 0)
    buffer = bytearray(pending)
    answered = 0
    if warnings:
        return FirstListings(bytes(buffer), warnings, answered)
    provider: str | None = None

    def default_provider() -> str:
        # Once per lane: the configuration it just checked, as the server's own config.
        nonlocal provider
        if provider is None:
            from codex_core.config.loader import load_config

            loaded = load_config(codex_home=codex_home, cli_overrides=cli_overrides, env=env)
            provider = loaded.model_provider_id or "openai"
        return provider

    while True:
        # Wait for the first request; after an answer, take only what already arrived.
        line = _next_line(in_fd, buffer, FIRST_REQUEST_WAIT_SECONDS if answered == 0 else 0.0)
        if line is None:
            break
        response = _answer_plain_listing(line, codex_home, default_provider)
        if response is None:
            break
        del buffer[: len(line) + 1]
        if response:
            view = memoryview(response)
            try:
                while view:
                    view = view[os.write(out_fd, view) :]
            except OSError:
                break  # the client is gone: the full server notices and stops as it always does
            answered += 1
    return FirstListings(bytes(buffer), warnings, answered)


def _answer_plain_listing(line: bytes, codex_home: Any, default_provider: Callable[[], str]) -> bytes | None:
    """The encoded answer to a plain thread/list line, b"" for the `initialized` notification (no
    answer), None for anything this lane leaves to the full server."""
    from app_server import jsonrpc
    from app_server.thread_listing import plain_thread_list_params, thread_list_result

    try:
        message = json.loads(line.decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None
    if not isinstance(message, dict) or not same_as_orjson(message):
        return None
    method = message.get("method")
    if "id" not in message:
        return b"" if method == "initialized" else None
    request_id = message["id"]
    if method != "thread/list" or not jsonrpc.is_valid_id(request_id):
        return None
    params = plain_thread_list_params(message.get("params"))
    if params is None:
        return None
    from codex_core.rollout.index import get_index

    try:
        result: Any = thread_list_result(get_index(codex_home), params, default_provider())
        reply = jsonrpc.result_message(request_id, result)
    except jsonrpc.JsonRpcError as exc:
        reply = jsonrpc.error_message(request_id, exc.code, exc.message, exc.data)
    except Exception:
        return None  # the full server answers it, with its own error handling and logging
    if not same_as_orjson(reply, floats=False):
        return None
    return json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def same_as_orjson(value: Any, *, floats: bool = True, depth: int = 0) -> bool:
    """Whether the stdlib json reads and writes `value` as the server's orjson does.

    This lane uses the stdlib json (already loaded; orjson's import costs more than the whole
    answer). The two agree on every string, int in 64-bit range, bool, null, list and object;
    they differ on what orjson refuses to read (NaN, infinities, lone surrogates) and on how some
    floats are written. So a message holding any of those, or a reply holding a float at all
    (`floats=False`), is left to the full server.
    """
    if depth > 100:
        return False
    if isinstance(value, str):
        return value.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in value)
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -(2**63) <= value < 2**64
    if isinstance(value, float):
        return floats and value - value == 0.0  # finite
    if isinstance(value, list):
        return all(same_as_orjson(item, floats=floats, depth=depth + 1) for item in value)
    if isinstance(value, dict):
        return all(
            same_as_orjson(key) and same_as_orjson(item, floats=floats, depth=depth + 1)
            for key, item in value.items()
        )
    return False
