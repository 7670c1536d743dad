"""Rust number types: serde's wording for refused values, schemars' `format`/`minimum` keys."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from app_server.protocol import (
    core,
    event_payloads,
    legacy_v1,
    registry,
    threads,
    v2_common,
)
from app_server.protocol.config import NetworkRequirements
from app_server.protocol.export import build_json_bundle
from app_server.protocol.validation import ParamsError, parse_params, validate


def _wire(method: str, params: Any) -> str | None:
    spec = registry.client_request(method)
    assert spec is not None
    parsed = parse_params(spec, params)
    return parsed.wire_message if isinstance(parsed, ParamsError) else None


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        # recorded from the reference (JSON-RPC -32600)
        ("thread/list", {"limit": -1}, "Invalid request: invalid value: integer `-1`, expected u32"),
        ("thread/list", {"limit": "ten"}, 'Invalid request: invalid type: string "ten", expected u32'),
        # serde's other cases for the same u32 field
        (
            "thread/list",
            {"limit": 4294967296},
            "Invalid request: invalid value: integer `4294967296`, expected u32",
        ),
        ("thread/list", {"limit": 1.5}, "Invalid request: invalid type: floating point `1.5`, expected u32"),
        ("thread/list", {"limit": 2.0}, "Invalid request: invalid type: floating point `2.0`, expected u32"),
        ("thread/list", {"limit": True}, "Invalid request: invalid type: boolean `true`, expected u32"),
        ("thread/list", {"limit": [1]}, "Invalid request: invalid type: sequence, expected u32"),
        ("thread/list", {"limit": {}}, "Invalid request: invalid type: map, expected u32"),
        # serde_json reads an integer past u64 as a float, shown by Rust's Display plus `.0`
        (
            "thread/list",
            {"limit": 2**64},
            "Invalid request: invalid type: floating point `18446744073709552000.0`, expected u32",
        ),
        (
            "thread/list",
            {"limit": 1e20},
            "Invalid request: invalid type: floating point `100000000000000000000.0`, expected u32",
        ),
        (
            "thread/rollback",
            {"threadId": "t", "numTurns": None},
            "Invalid request: invalid type: null, expected u32",
        ),
        ("thread/rollback", {"threadId": "t"}, "Invalid request: missing field `numTurns`"),
        (
            "command/exec",
            {"command": ["ls"], "timeoutMs": 2**63},
            "Invalid request: invalid value: integer `9223372036854775808`, expected i64",
        ),
        (
            "command/exec",
            {"command": ["ls"], "timeoutMs": "5"},
            'Invalid request: invalid type: string "5", expected i64',
        ),
        (
            "execOneOffCommand",
            {"command": ["ls"], "timeoutMs": -5},
            "Invalid request: invalid value: integer `-5`, expected u64",
        ),
        (
            "listConversations",
            {"pageSize": -1},
            "Invalid request: invalid value: integer `-1`, expected usize",
        ),
        ("model/list", {"limit": -2}, "Invalid request: invalid value: integer `-2`, expected u32"),
    ],
)
def test_number_messages(method: str, params: Any, message: str) -> None:
    assert _wire(method, params) == message


@pytest.mark.parametrize(
    ("method", "params"),
    [
        ("thread/list", {"limit": 0}),
        ("thread/list", {"limit": 4294967295}),
        ("thread/list", {"limit": None}),
        ("command/exec", {"command": ["ls"], "timeoutMs": -1}),
        ("execOneOffCommand", {"command": ["ls"], "timeoutMs": 2**64 - 1}),
    ],
)
def test_numbers_in_range_are_accepted(method: str, params: Any) -> None:
    assert _wire(method, params) is None


def _message(tp: Any, raw: Any) -> str | None:
    parsed = validate(tp, raw)
    return parsed.message if isinstance(parsed, ParamsError) else None


def test_other_integer_widths() -> None:
    assert (
        _message(v2_common.CommandExecResponse, {"exitCode": 2**31, "stdout": "", "stderr": ""})
        == "invalid value: integer `2147483648`, expected i32"
    )
    assert _message(v2_common.CommandExecResponse, {"exitCode": -(2**31), "stdout": "", "stderr": ""}) is None
    assert (
        _message(NetworkRequirements, {"httpPort": 65536}) == "invalid value: integer `65536`, expected u16"
    )
    assert _message(NetworkRequirements, {"httpPort": 65535}) is None
    assert (
        _message(v2_common.TextPosition, {"line": -1, "column": 0})
        == "invalid value: integer `-1`, expected usize"
    )
    assert (
        _message(event_payloads.Duration, {"secs": 1, "nanos": 2**32})
        == "invalid value: integer `4294967296`, expected u32"
    )
    assert (
        _message(
            legacy_v1.FuzzyFileSearchResult,
            {"root": "/", "path": "a", "file_name": "a", "score": 1, "indices": [1, -1]},
        )
        == "invalid value: integer `-1`, expected u32"
    )


def test_floats() -> None:
    finding = {
        "title": "t",
        "body": "b",
        "confidence_score": 1,
        "priority": 1,
        "code_location": {"absolute_file_path": "/a", "line_range": {"start": 1, "end": 2}},
    }
    # serde's f32/f64 take any JSON number, integers included
    parsed = validate(event_payloads.ReviewFinding, finding)
    assert not isinstance(parsed, ParamsError)
    assert parsed.confidence_score == 1.0
    assert (
        _message(event_payloads.ReviewFinding, {**finding, "confidence_score": "high"})
        == 'invalid type: string "high", expected f32'
    )
    assert (
        _message(core.CoreRateLimitWindow, {"used_percent": True})
        == "invalid type: boolean `true`, expected f64"
    )
    assert _message(core.CoreRateLimitWindow, {"used_percent": 12.5}) is None


def test_python_side_construction_still_checks_ranges() -> None:
    assert threads.ThreadListParams(limit=3).limit == 3
    with pytest.raises(ValueError, match="expected u32"):
        threads.ThreadListParams(limit=-1)


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return build_json_bundle()


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        (
            ("v2", "ThreadListParams", "limit"),
            {"type": ["integer", "null"], "format": "uint32", "minimum": 0.0},
        ),
        (("v2", "ThreadRollbackParams", "numTurns"), {"type": "integer", "format": "uint32", "minimum": 0.0}),
        (("v2", "TokenUsageBreakdown", "totalTokens"), {"type": "integer", "format": "int64"}),
        (("v2", "CommandExecResponse", "exitCode"), {"type": "integer", "format": "int32"}),
        (
            ("v2", "NetworkRequirements", "httpPort"),
            {"type": ["integer", "null"], "format": "uint16", "minimum": 0.0},
        ),
        (("v2", "TextPosition", "line"), {"type": "integer", "format": "uint", "minimum": 0.0}),
        (("RateLimitWindow", "used_percent"), {"type": "number", "format": "double"}),
        (("v2", "RateLimitWindow", "usedPercent"), {"type": "integer", "format": "int32"}),
        (("ReviewFinding", "confidence_score"), {"type": "number", "format": "float"}),
        (("HistoryEntry", "ts"), {"type": "integer", "format": "uint64", "minimum": 0.0}),
        (("JSONRPCErrorError", "code"), {"type": "integer", "format": "int64"}),
    ],
)
def test_schema_number_keys(bundle: dict[str, Any], path: tuple[str, ...], schema: dict[str, Any]) -> None:
    node: Any = bundle["definitions"]
    for key in path[:-1]:
        node = node[key]
    assert node["properties"][path[-1]] == schema


def test_schema_array_items_and_request_id(bundle: dict[str, Any]) -> None:
    defs = bundle["definitions"]
    indices = defs["FuzzyFileSearchResult"]["properties"]["indices"]
    assert indices["items"] == {"type": "integer", "format": "uint32", "minimum": 0.0}
    assert {"type": "integer", "format": "int64"} in defs["RequestId"]["anyOf"]


def _numbers(node: Any, out: Counter[str]) -> Counter[str]:
    if isinstance(node, dict):
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "integer" in kinds or "number" in kinds:
            out[
                json.dumps(
                    {k: node[k] for k in ("type", "format", "minimum", "maximum") if k in node},
                    sort_keys=True,
                )
            ] += 1
        for value in node.values():
            _numbers(value, out)
    elif isinstance(node, list):
        for value in node:
            _numbers(value, out)
    return out


def _by_definition(b: dict[str, Any]) -> dict[str, Counter[str]]:
    defs = b["definitions"]
    out = {name: _numbers(d, Counter()) for name, d in defs.items() if name != "v2"}
    out.update({f"v2/{name}": _numbers(d, Counter()) for name, d in defs["v2"].items()})
    return out


def test_number_schemas_match_reference(reference_schema: Path, bundle: dict[str, Any]) -> None:
    """schema_diff.py does not compare `format`/`minimum`: every definition of the bundle must
    hold the same number schemas as the reference's (a count, as variant order may differ)."""
    reference = json.loads((reference_schema / "json/codex_app_server_protocol.schemas.json").read_text())
    ref, ours = _by_definition(reference), _by_definition(bundle)
    differing = {name: (ref[name], ours.get(name)) for name in ref if ref[name] != ours.get(name, Counter())}
    assert differing == {}
