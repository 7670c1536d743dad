"""parse_params: reference-like error messages, experimental detection, never raising."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app_server.protocol import registry
from app_server.protocol.validation import (
    MISSING,
    ParamsError,
    experimental_usage,
    parse_params,
    parse_result,
)

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures/conformance_scenarios"


def spec(method: str) -> registry.MethodSpec:
    s = registry.client_request(method)
    assert s is not None
    return s


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("thread/read", {"includeTurns": True}, "Invalid request: missing field `threadId`"),
        (
            "thread/start",
            {"experimentalRawEvents": False, "sandbox": "bogus-mode"},
            "Invalid request: unknown variant `bogus-mode`, expected one of `read-only`, "
            "`workspace-write`, `danger-full-access`",
        ),
        ("config/value/write", {"keyPath": "model"}, "Invalid request: missing field `value`"),
        ("thread/start", {"model": 5}, "Invalid request: invalid type: integer `5`, expected a string"),
        ("thread/loaded/list", MISSING, "Invalid request: missing field `params`"),
        # Observed on the reference binary: serde's view of the params member as a whole.
        ("thread/read", None, "Invalid request: missing field `params`"),
        ("thread/read", 5, "Invalid request: invalid type: integer `5`, expected struct ThreadReadParams"),
        ("thread/read", "x", 'Invalid request: invalid type: string "x", expected struct ThreadReadParams'),
        ("getUserAgent", {"a": 1}, "Invalid request: invalid type: map, expected unit"),
        ("getUserAgent", [], "Invalid request: invalid type: sequence, expected unit"),
        ("getUserAgent", True, "Invalid request: invalid type: boolean `true`, expected unit"),
        (
            "thread/list",
            [],
            "Invalid request: invalid length 0, expected struct ThreadListParams with 6 elements",
        ),
        (
            "config/read",
            [],
            "Invalid request: invalid length 1, expected struct ConfigReadParams with 2 elements",
        ),
        (
            "thread/unarchive",
            [],
            "Invalid request: invalid length 0, expected struct ThreadUnarchiveParams with 1 element",
        ),
        ("thread/list", [None] * 8, "Invalid request: invalid length 8, expected 6 elements in sequence"),
        (
            "getConversationSummary",
            {},
            "Invalid request: data did not match any variant of untagged enum GetConversationSummaryParams",
        ),
    ],
)
def test_reference_messages(method: str, params: Any, message: str) -> None:
    err = parse_params(spec(method), params)
    assert isinstance(err, ParamsError)
    assert err.wire_message == message


def test_golden_invalid_params_messages() -> None:
    golden = SCENARIOS / "invalid_params/golden.json"
    scenario = json.loads((SCENARIOS / "invalid_params/scenario.json").read_text())
    sent = {s["send"]["id"]: s["send"] for s in scenario if "send" in s and "id" in s["send"]}
    for msg in json.loads(golden.read_text())["transcript"]:
        text = msg.get("error", {}).get("message", "")
        if text.startswith("Invalid request:"):
            req = sent[msg["id"]]
            err = parse_params(spec(req["method"]), req.get("params", MISSING))
            assert isinstance(err, ParamsError) and err.wire_message == text


def test_methods_without_params_accept_missing() -> None:
    for method in ("account/logout", "getUserAgent", "userInfo"):
        assert parse_params(spec(method)) is None
        assert parse_params(spec(method), None) is None
        assert parse_params(spec(method), {}) is None


def test_a_struct_may_come_as_an_array_of_its_fields() -> None:
    thread_id = "67e55044-10b1-426f-9247-bb680e5fe0c8"
    parsed = parse_params(spec("thread/read"), [thread_id])  # includeTurns has a default
    assert not isinstance(parsed, ParamsError)
    assert (parsed.thread_id, parsed.include_turns) == (thread_id, False)
    parsed = parse_params(spec("thread/read"), [thread_id, True])
    assert not isinstance(parsed, ParamsError) and parsed.include_turns is True
    listed = parse_params(spec("thread/list"), [None, 5, None, None, None, None])
    assert not isinstance(listed, ParamsError) and listed.limit == 5


def test_unknown_method_message_lists_reference_order() -> None:
    golden = SCENARIOS / "unknown_method/golden.json"
    expected = json.loads(golden.read_text())["transcript"][1]["error"]["message"]
    assert registry.unknown_method_message("no/such/method") == expected


def test_experimental_detection() -> None:
    start = spec("thread/start")
    assert experimental_usage(start, parse_params(start, {})) is None
    parsed = parse_params(start, {"mockExperimentalField": "x"})
    assert experimental_usage(start, parsed) == "thread/start.mockExperimentalField"
    parsed = parse_params(start, {"dynamicTools": [{"name": "t", "description": "d", "inputSchema": {}}]})
    assert experimental_usage(start, parsed) == "thread/start.dynamicTools"
    login = spec("account/login/start")
    parsed = parse_params(login, {"type": "chatgptAuthTokens", "accessToken": "a", "chatgptAccountId": "b"})
    assert experimental_usage(login, parsed) == "account/login/start.chatgptAuthTokens"
    assert experimental_usage(login, parse_params(login, {"type": "apiKey", "apiKey": "k"})) is None
    mock = spec("mock/experimentalMethod")
    assert experimental_usage(mock, parse_params(mock, {})) == "mock/experimentalMethod"
    assert parse_result(mock, {"echoed": None}) is not None


_PARAMS_METHODS = [s for s in registry.CLIENT_REQUESTS if s.params is not None]


def _schema(s: registry.MethodSpec) -> dict[str, Any]:
    from app_server.protocol.export.json_schema import _single_file, type_name

    return _single_file(s.params, type_name(s.params), experimental=True)


# A handful of representative v2 params types keeps the property test fast.
_SAMPLED = [
    "thread/start",
    "turn/start",
    "thread/list",
    "config/value/write",
    "account/login/start",
    "review/start",
]


def from_schema(root: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid for one of our exported schemas (only the constructs the export uses)."""
    defs = root.get("definitions", {})
    cache: dict[str, st.SearchStrategy[Any]] = {}

    def build(node: Any) -> st.SearchStrategy[Any]:
        if node is True or node == {}:
            return st.none() | st.integers() | st.text(max_size=4)
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            if name == "AbsolutePathBuf":  # a string to the schema; absolute to the reference's serde
                return st.text(max_size=6).map(lambda text: "/" + text.replace("\x00", ""))
            if name not in cache:
                cache[name] = st.deferred(lambda: build(defs[name]))
            return cache[name]
        for key in ("oneOf", "anyOf"):
            if key in node:
                return st.one_of([build(v) for v in node[key]])
        if "enum" in node:
            return st.sampled_from(node["enum"])
        t = node.get("type")
        if isinstance(t, list):
            return st.one_of([build({**node, "type": x}) for x in t])
        if t == "string":
            return st.text(max_size=6)
        if t == "integer":
            return st.integers(min_value=0, max_value=10**6)
        if t == "number":
            return st.floats(allow_nan=False, allow_infinity=False)
        if t == "boolean":
            return st.booleans()
        if t == "null":
            return st.none()
        if t == "array":
            return st.lists(build(node.get("items", True)), max_size=2)
        props = node.get("properties", {})
        required = set(node.get("required", []))
        if not props and isinstance(node.get("additionalProperties"), dict):
            return st.dictionaries(st.text(max_size=4), build(node["additionalProperties"]), max_size=2)
        return st.fixed_dictionaries(
            {k: build(v) for k, v in props.items() if k in required},
            optional={k: build(v) for k, v in props.items() if k not in required},
        )

    body = {k: v for k, v in root.items() if k not in ("definitions", "$schema", "title")}
    return build(body)


@pytest.mark.parametrize("method", _SAMPLED)
def test_generated_valid_params_parse(method: str) -> None:
    s = spec(method)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(_schema(s)))
    def check(raw: Any) -> None:
        parsed = parse_params(s, raw)
        assert not isinstance(parsed, ParamsError), (raw, parsed)

    check()


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PARAMS_METHODS), JSONISH)
def test_validation_never_raises(s: registry.MethodSpec, raw: Any) -> None:
    out = parse_params(s, raw)
    if isinstance(out, ParamsError):
        assert out.message and isinstance(out.path, tuple)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["threadId", "input"]), JSONISH.filter(lambda v: not isinstance(v, (str, list))))
def test_wrong_types_name_the_field(field: str, bad: Any) -> None:
    raw: dict[str, Any] = {"threadId": "t", "input": []}
    raw[field] = bad
    err = parse_params(spec("turn/start"), raw)
    assert isinstance(err, ParamsError)
    assert err.path[:1] == (field,)


@pytest.mark.parametrize(
    ("roots", "outcome"),
    [
        (["relative/root"], "Invalid request: AbsolutePathBuf deserialized without a base path"),
        ([""], "Invalid request: AbsolutePathBuf deserialized without a base path"),
        (["/a/./b/../c/", "//x"], ["/a/c", "/x"]),
    ],
)
def test_absolute_paths_are_refused_relative_and_normalized(roots: list[str], outcome: Any) -> None:
    params = {
        "threadId": "00000000-0000-7000-8000-000000000000",
        "input": [{"type": "text", "text": "x"}],
        "sandboxPolicy": {"type": "workspaceWrite", "writableRoots": roots},
    }
    parsed = parse_params(spec("turn/start"), params)
    if isinstance(outcome, str):
        assert isinstance(parsed, ParamsError) and parsed.wire_message == outcome
    else:
        assert not isinstance(parsed, ParamsError)
        assert list(parsed.sandbox_policy.writable_roots) == outcome


@pytest.mark.parametrize(
    ("given", "outcome"),
    [
        ("{01234567-89AB-cdef-0123-456789abcdef}", "01234567-89ab-cdef-0123-456789abcdef"),
        ("urn:uuid:01234567-89ab-cdef-0123-456789ABCDEF", "01234567-89ab-cdef-0123-456789abcdef"),
        (
            "urn:uuid:0123456789abcdef0123456789abcdef",
            "Invalid request: UUID parsing failed: invalid group count: expected 5, found 1",
        ),
        (
            "nope",
            "Invalid request: UUID parsing failed: invalid character: expected an optional prefix "
            "of `urn:uuid:` followed by [0-9a-fA-F-], found `n` at 1",
        ),
    ],
)
def test_v1_uuid_fields_take_every_form_and_word_failures_as_serde(given: str, outcome: str) -> None:
    parsed = parse_params(spec("cancelLoginChatGpt"), {"loginId": given})
    if isinstance(parsed, ParamsError):
        assert parsed.wire_message == outcome
    else:
        assert parsed.login_id == outcome
