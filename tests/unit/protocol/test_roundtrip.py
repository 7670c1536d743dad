"""Every message of the conformance goldens validates against our models and re-serializes
to the same JSON (key order aside)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import orjson
import pytest

from app_server.protocol import registry
from app_server.protocol.serialize import dump, dump_as
from app_server.protocol.validation import ParamsError, parse_params, parse_result, validate

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures/conformance_scenarios"

# well-typed stand-ins for the kit's placeholders (see normalize.py)
INT_TIME_KEYS = {"createdAt", "updatedAt", "resetsAt", "resets_at", "startedAt", "completedAt"}
TEXT = {
    "<timestamp>": "2025-01-02T03:04:05.678Z",
    "<WORKSPACE>": "/tmp/ws",
    "<CODEX_HOME>": "/tmp/home/.codex",
    "<HOME>": "/tmp/home",
    "<TMP>": "/tmp",
    "<MOCK_URL>": "http://127.0.0.1:9/v1",
    "<MOCK_HOST>": "127.0.0.1:9",
    "<date>": "2025/01/02",
    "<sha256>": "sha256:" + "0" * 64,
    "<version>": "0.100.0",
    "<user-agent>": "conformance/0.100.0",
}
ID_RE = re.compile(r"<id(\d+)>")


def _text(s: str) -> str:
    for k, v in TEXT.items():
        s = s.replace(k, v)
    return ID_RE.sub(lambda m: f"00000000-0000-7000-8000-{int(m.group(1)):012d}", s)


def concrete(v: Any, key: str | None = None) -> Any:
    if isinstance(v, dict):
        return {_text(k): concrete(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return [concrete(x) for x in v]
    if isinstance(v, str):
        if v == "<timestamp>" and key in INT_TIME_KEYS:
            return 1735787045
        if v == "<duration>":
            return {"secs": 1, "nanos": 5} if key == "duration" else 5
        if v == "<pid>":
            return "4242" if key in ("processId", "process_id") else 4242
        return _text(v)
    return v


def _scenarios() -> list[Path]:
    if not SCENARIOS.is_dir():
        return []
    return sorted(p for p in SCENARIOS.iterdir() if (p / "golden.json").is_file())


def _request_methods(scenario: Path) -> dict[Any, str]:
    data = json.loads((scenario / "scenario.json").read_text())
    steps = data["steps"] if isinstance(data, dict) else data
    out: dict[Any, str] = {}
    for step in steps:
        msg = step.get("send") if isinstance(step, dict) else None
        if isinstance(msg, dict) and "id" in msg and "method" in msg:
            out[msg["id"]] = msg["method"]
    return out


def _check_same(original: Any, produced: bytes) -> None:
    assert orjson.loads(produced) == original


def _event_msg(params: dict[str, Any]) -> None:
    from app_server.protocol.events import EventMsg

    msg = validate(EventMsg, params["msg"])
    assert not isinstance(msg, ParamsError), (params["msg"], msg)
    _check_same(params["msg"], dump_as(EventMsg, msg))


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda p: p.name)
def test_golden_messages_round_trip(scenario: Path) -> None:
    methods = _request_methods(scenario)
    transcript = json.loads((scenario / "golden.json").read_text())["transcript"]
    for raw in transcript:
        if "~restart" in raw:
            continue
        msg = concrete(raw)
        if "method" in msg and msg["method"].startswith("codex/event/"):
            _event_msg(msg["params"])
            continue
        if "method" in msg:
            spec = (
                registry.server_request(msg["method"])
                if "id" in msg
                else registry.server_notification(msg["method"])
            )
            assert spec is not None, msg["method"]
            parsed = parse_params(spec, msg["params"])
            assert not isinstance(parsed, ParamsError), (msg, parsed)
            _check_same(msg["params"], dump(parsed))
        elif "result" in msg:
            spec = registry.client_request(methods[msg["id"]])
            assert spec is not None
            parsed = parse_result(spec, msg["result"])
            assert not isinstance(parsed, ParamsError), (msg, parsed)
            _check_same(msg["result"], dump_as(spec.result, parsed))
        else:
            from app_server.protocol.common import JSONRPCError

            _check_same(msg, dump(JSONRPCError.model_validate(msg)))
