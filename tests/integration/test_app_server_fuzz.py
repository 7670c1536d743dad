"""Random and hostile input: no crash, every request answered exactly once, others unaffected."""

from __future__ import annotations

import itertools
import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.appserver import StdioAppServer, WebsocketAppServer, codex_executable

METHODS = [
    "initialize",
    "model/list",
    "config/read",
    "getUserAgent",
    "thread/start",
    "turn/start",
    "bogus",
    "",
]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@st.composite
def request_like(draw: st.DrawFn) -> dict[str, Any]:
    message: dict[str, Any] = {}
    if draw(st.booleans()):
        message["method"] = draw(st.sampled_from(METHODS) | st.text(max_size=30) | json_scalars)
    if draw(st.integers(0, 3)):
        message["id"] = draw(st.integers(-(2**40), 2**40) | st.text(max_size=12) | json_scalars)
    if draw(st.booleans()):
        message["params"] = draw(json_values)
    if draw(st.integers(0, 5)) == 0:
        message[draw(st.text(max_size=6))] = draw(json_values)
    return message


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


lines = st.one_of(
    request_like().map(lambda m: json.dumps(m).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(str.encode),
    st.integers(1, 5000).map(lambda d: nested(d).encode()),
    st.integers(1, 200_000).map(
        lambda n: b'{"method": "getUserAgent", "params": {"s": "' + b"a" * n + b'"}}'
    ),
)


def valid_id(value: Any) -> bool:
    """A RequestId: a string or an integer in i64 range."""
    if isinstance(value, str):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def parsed_id(line: bytes) -> Any:
    """The id of a line that parses as a JSON object with a valid id (the only ids a reply may carry)."""
    try:
        message = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(message, dict) or "id" not in message or not valid_id(message["id"]):
        return None
    return message["id"]


def is_request(line: bytes) -> Any:
    request_id = parsed_id(line)
    if request_id is None or not isinstance(json.loads(line).get("method"), str):
        return None
    return request_id


@pytest.fixture(scope="module")
def fuzz_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("fuzz") / "home"
    (home / ".codex").mkdir(parents=True)
    return {
        "HOME": str(home),
        "CODEX_HOME": str(home / ".codex"),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
    }


@pytest.fixture(scope="module")
def stdio_server(fuzz_env: dict[str, str]) -> Iterator[StdioAppServer]:
    with StdioAppServer(codex_executable(), fuzz_env) as server:
        server.initialize("fuzz")
        yield server
        assert server.close(timeout=60) == 0
        assert all("Traceback" not in line for line in server.stderr_lines)


_round = itertools.count()
# Ids a reply may carry, over the whole module's server (its answers may come after a later batch).
_allowed: Counter[Any] = Counter({1001: 1})  # the initialize


# 50 examples x 200 lines = 10,000 hostile lines into one long-lived server.
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(batch=st.lists(lines, min_size=200, max_size=200))
def test_stdio_fuzz(stdio_server: StdioAppServer, batch: list[bytes]) -> None:
    server = stdio_server
    flat = [line.replace(b"\n", b" ") for line in batch]
    expected = Counter(i for i in (is_request(line) for line in flat) if i is not None)
    sentinel = f"sentinel-{next(_round)}"
    _allowed.update(i for i in (parsed_id(line) for line in flat) if i is not None)
    _allowed[sentinel] += 1
    first_new = len(server.raw_lines)
    server.send_raw(b"".join(line + b"\n" for line in flat))
    server.send({"id": sentinel, "method": "getUserAgent"})
    assert "userAgent" in server.response(sentinel, timeout=120)["result"]
    # Every response to this batch was written before the sentinel's (requests are answered in order).
    answered = Counter(
        m["id"]
        for m in (json.loads(raw) for raw in server.raw_lines[first_new:])
        if "method" not in m and "id" in m
    )
    for request_id, count in expected.items():
        assert answered[request_id] >= count, f"request {request_id!r} not answered"
    # No reply to an id that was never sent, and none twice (ids repeat, hence counts).
    everything = Counter(
        m["id"] for m in (json.loads(raw) for raw in server.raw_lines) if "method" not in m and "id" in m
    )
    for request_id, count in everything.items():
        assert count <= _allowed[request_id], (
            f"{count} answers to id {request_id!r}, sent {_allowed[request_id]}"
        )


@pytest.fixture(scope="module")
def ws_server(fuzz_env: dict[str, str]) -> Iterator[WebsocketAppServer]:
    with WebsocketAppServer(codex_executable(), fuzz_env) as server:
        yield server


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(batch=st.lists(request_like().map(json.dumps) | st.text(max_size=300), min_size=200, max_size=200))
def test_websocket_fuzz_then_new_connection(ws_server: WebsocketAppServer, batch: list[str]) -> None:
    hostile = ws_server.connect()
    for frame in batch:
        hostile.ws.send(frame)
    hostile.send({"id": "end", "method": "getUserAgent"})
    hostile.response("end", timeout=120)
    fresh = ws_server.connect()
    assert "userAgent" in fresh.initialize("after-fuzz")["result"]
    assert ws_server.proc.poll() is None
    hostile.close()
    fresh.close()
