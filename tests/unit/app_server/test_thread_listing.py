"""thread/list params read without the params model, and the stdlib-json answers of the lane that
serves a fresh process's first listing (app_server/fast_start.py)."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest

from app_server.fast_start import same_as_orjson
from app_server.protocol import registry, validation
from app_server.thread_listing import SORT_KEYS, SOURCE_KINDS, THREAD_LIST_FIELDS, plain_thread_list_params

FIELDS = ("cursor", "limit", "sort_key", "model_providers", "source_kinds", "archived")

ACCEPTED: list[Any] = [
    {},
    {"limit": 0},
    {"limit": 25, "sortKey": "updated_at"},
    {"limit": 2**32 - 1},
    {"cursor": "2026-01-01T00:00:00Z|0194f7f2-7ec1-7b53-9a7a-1e5b2a0b7c9d", "sortKey": "created_at"},
    {"modelProviders": [], "sourceKinds": []},
    {"modelProviders": ["openai", "mock"], "sourceKinds": ["cli", "subAgent", "appServer", "unknown"]},
    {"archived": True},
    {"archived": False, "cursor": None, "limit": None, "sortKey": None},
    {"modelProviders": None, "sourceKinds": None, "archived": None},
]
# Shapes left to the params model: its errors, or its reading of names the plain reader does not
# take (snake_case field names, unknown keys), decide.
LEFT_TO_THE_MODEL: list[Any] = [
    None,
    [],
    [None, 5],
    "x",
    {"limit": -1},
    {"limit": 2**32},
    {"limit": 2.0},
    {"limit": True},
    {"limit": "5"},
    {"cursor": 5},
    {"sortKey": "name"},
    {"sortKey": ["created_at"]},
    {"sortKey": {"x": 1}},
    {"modelProviders": "openai"},
    {"modelProviders": [1]},
    {"sourceKinds": ["nope"]},
    {"sourceKinds": [["cli"]]},
    {"archived": 0},
    {"archived": "true"},
    {"sort_key": "updated_at"},
    {"limit": 5, "extra": True},
]


def test_the_plain_reader_knows_what_the_params_model_knows() -> None:
    """Its field names, sort keys and source kinds are written out (the model is not imported on
    its path): they must stay those of ThreadListParams, ThreadSortKey and ThreadSourceKind."""
    from typing import get_args

    from app_server.protocol.threads import ThreadListParams, ThreadSortKey, ThreadSourceKind

    assert {f.wire for f in validation.model_fields(ThreadListParams)} == THREAD_LIST_FIELDS
    assert set(SORT_KEYS) == set(get_args(get_args(ThreadSortKey)[0]))
    assert frozenset(get_args(get_args(ThreadSourceKind)[0])) == SOURCE_KINDS


@pytest.mark.parametrize("raw", ACCEPTED, ids=repr)
def test_plain_params_are_the_models_values(raw: Any) -> None:
    spec = registry.client_request("thread/list")
    assert spec is not None
    plain = plain_thread_list_params(raw)
    model = validation.parse_params(spec, raw)
    assert plain is not None and not isinstance(model, validation.ParamsError)
    assert {f: getattr(plain, f) for f in FIELDS} == {f: getattr(model, f) for f in FIELDS}


@pytest.mark.parametrize("raw", LEFT_TO_THE_MODEL, ids=repr)
def test_other_shapes_are_left_to_the_model(raw: Any) -> None:
    assert plain_thread_list_params(raw) is None


def lane_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_the_lane_writes_what_orjson_writes() -> None:
    every_char = "".join(chr(c) for c in range(0x3000)) + "😀\U0010ffff\u2028\u2029\x7f"
    reply = {
        "id": 9,
        "result": {
            "data": [{"preview": every_char, "createdAt": 2**63 - 1, "gitInfo": None, "ok": True, "n": -5}],
            "nextCursor": "2026-01-01T00:00:00Z|x",
        },
    }
    assert same_as_orjson(reply, floats=False)
    assert lane_bytes(reply) == orjson.dumps(reply)


@pytest.mark.parametrize(
    "value",
    [{"x": 1.5}, {"x": [0.0]}],
)
def test_a_reply_with_a_float_is_left_to_orjson(value: Any) -> None:
    assert same_as_orjson(value) and not same_as_orjson(value, floats=False)


@pytest.mark.parametrize(
    "line",
    [
        b'{"id":1,"method":"thread/list","params":{},"x":NaN}',
        b'{"id":1,"method":"thread/list","params":{},"x":Infinity}',
        b'{"id":1,"method":"thread/list","params":{},"x":1e400}',
        b'{"id":1,"method":"thread/list","params":{"cursor":"\\ud800"}}',
        b'{"id":1,"method":"thread/list","params":{},"\\udfff":1}',
        b'{"id":1,"method":"thread/list","params":{},"x":18446744073709551616}',
        b'{"id":1,"method":"thread/list","params":{},"x":-9223372036854775809}',
    ],
)
def test_lines_orjson_reads_otherwise_are_not_answered_by_the_lane(line: bytes) -> None:
    """What orjson refuses (or reads as another value) the dispatcher would treat differently."""
    assert not same_as_orjson(json.loads(line))


def test_lines_both_read_alike_are_accepted() -> None:
    line = b'{"id":18446744073709551615,"method":"thread/list","params":{"cursor":"\\u00e9\\ud83d\\ude00"},"x":1.5}'
    assert orjson.loads(line) == json.loads(line)
    assert same_as_orjson(json.loads(line))


def test_the_lane_hands_everything_over_when_the_config_check_itself_fails(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from app_server import config_warnings, fast_start

    def broken(*args: Any) -> Any:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(config_warnings, "collect_startup_warnings", broken)
    read_end, write_end = os.pipe()
    pending = b'{"id":5,"method":"thread/list","params":{}}\n'
    try:
        first = fast_start.serve_first_listings(
            tmp_path, [], pending=pending, in_fd=read_end, out_fd=write_end
        )
    finally:
        os.close(read_end)
        os.close(write_end)
    # Nothing answered, nothing consumed, and no warnings claimed: the server checks again.
    assert (first.pending, first.config_warnings, first.answered) == (pending, None, 0)


def test_the_lane_answers_what_is_waiting_and_leaves_the_rest(tmp_path: Any) -> None:
    import os

    from app_server import fast_start

    lines = [
        b'{"method":"initialized"}',
        b'{"id":5,"method":"thread/list","params":{"limit":2}}',
        b'{"id":6,"method":"thread/start","params":{}}',
        b'{"id":7,"method":"thread/list","params":{}}',
    ]
    stdin_read, stdin_write = os.pipe()
    stdout_read, stdout_write = os.pipe()
    os.write(stdin_write, b"\n".join(lines) + b"\n")
    try:
        first = fast_start.serve_first_listings(tmp_path, [], in_fd=stdin_read, out_fd=stdout_write)
        answer = json.loads(os.read(stdout_read, 1 << 16))
    finally:
        for fd in (stdin_read, stdin_write, stdout_read, stdout_write):
            os.close(fd)
    assert answer == {"id": 5, "result": {"data": [], "nextCursor": None}}
    assert (first.answered, first.config_warnings) == (1, [])
    assert first.pending == b"\n".join(lines[2:]) + b"\n"  # thread/start and all after it
