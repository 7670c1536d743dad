from __future__ import annotations

import json
import tomllib
from pathlib import Path

from support.appserver import StdioAppServer

INVALID_REQUEST = -32600


def test_initialize_answers_with_user_agent(server: StdioAppServer) -> None:
    response = server.initialize("pytest")
    agent = response["result"]["userAgent"]
    assert set(response["result"]) == {"userAgent"}
    assert agent.startswith("pytest/0.100.0 (")
    assert agent.endswith(" (pytest; 1.0.0)")
    assert server.request("getUserAgent")["result"] == {"userAgent": agent}
    assert server.close() == 0


def test_requests_before_initialize_and_twice(server: StdioAppServer) -> None:
    early = server.request("model/list", {})
    assert early["error"] == {"code": INVALID_REQUEST, "message": "Not initialized"}
    server.initialize()
    again = server.request("initialize", {"clientInfo": {"name": "x", "version": "1"}})
    assert again["error"] == {"code": INVALID_REQUEST, "message": "Already initialized"}


def test_unknown_method_and_bad_params(server: StdioAppServer) -> None:
    server.initialize()
    unknown = server.request("no/such/method", {})
    assert unknown["error"]["code"] == INVALID_REQUEST
    assert unknown["error"]["message"].startswith(
        "Invalid request: unknown variant `no/such/method`, expected one of `initialize`"
    )
    missing = server.request("config/value/write", {"keyPath": "model"})
    assert missing["error"] == {"code": INVALID_REQUEST, "message": "Invalid request: missing field `value`"}
    no_params = server.request("thread/loaded/list")
    assert no_params["error"] == {
        "code": INVALID_REQUEST,
        "message": "Invalid request: missing field `params`",
    }
    wrong_type = server.request("model/list", {"limit": "ten"})
    assert wrong_type["error"]["code"] == INVALID_REQUEST
    assert "limit" in wrong_type["error"]["message"] or "invalid type" in wrong_type["error"]["message"]


def test_string_ids_are_echoed(server: StdioAppServer) -> None:
    server.initialize()
    server.send({"id": "str-id", "method": "getUserAgent"})
    assert "userAgent" in server.response("str-id")["result"]


def test_malformed_input_never_kills_the_connection(server: StdioAppServer) -> None:
    server.initialize()
    server.send_raw(b'{"id": 77, "method": "getUserAgent", oops}\n')
    server.send_raw(b"this is not json\n[1,2,3]\n\n   \n" + b'{"id": 78}\n')
    assert server.response(78)["error"]["message"] == "Invalid request: missing field `method`"
    server.send_raw(b'{"id": 79, "method": "getUserAgent"}\n')
    assert "userAgent" in server.response(79)["result"]
    assert server.close() == 0
    # A line that is not JSON gets no answer: any id read out of it would be a guess.
    answered = [json.loads(line).get("id") for line in server.raw_lines]
    assert 77 not in answered
    assert any("not JSON" in line for line in server.stderr_lines)


# Lines whose id a guess would get wrong (issue 20): none of them may be answered with any id.
UNPARSEABLE_LINES = [
    b'{"method":"thread/loaded/list","id":1e5000}',  # a guess said 1 (the initialize's id)
    b'{"id": 5, "method": "thread/loaded/list", "params": {},}',  # trailing comma
    b'{"id":7,"method":"thread/loaded/list"}{"id":8,"method":"thread/loaded/list"}',
    b'{"id":6,"method":"thread/loaded/list","params":{"cursor":"\xff\xfe"}}',  # invalid UTF-8
    b'{"id":"\\ud800","method":"thread/loaded/list","params":{}}',  # lone surrogate
    b'{"method":"x","params":{"id":3}',  # an id inside params, line cut short
]
# Parsed, but the id is not a RequestId (a string or an i64): no answer either.
INVALID_ID_LINES = [
    b'{"id":9223372036854775808,"method":"thread/loaded/list","params":{}}',
    b'{"id":-9223372036854775809,"method":"thread/loaded/list","params":{}}',
    b'{"id":1.5,"method":"thread/loaded/list","params":{}}',
    b'{"id":null,"method":"thread/loaded/list","params":{}}',
    b'{"id":true,"method":"thread/loaded/list","params":{}}',
    b'{"id":[1],"method":"thread/loaded/list","params":{}}',
]


def test_answers_carry_only_ids_that_were_sent(server: StdioAppServer) -> None:
    server.initialize()
    server.send_raw(b"".join(line + b"\n" for line in UNPARSEABLE_LINES + INVALID_ID_LINES))
    edge = {"id": 9223372036854775807, "method": "thread/loaded/list", "params": {}}
    server.send(edge)
    assert server.response(9223372036854775807)["result"]["data"] == []
    server.send({"id": -9223372036854775808, "method": "thread/loaded/list", "params": {}})
    assert server.response(-9223372036854775808)["result"]["data"] == []
    assert server.close() == 0
    answers = [json.loads(line) for line in server.raw_lines]
    ids = [m.get("id") for m in answers if "method" not in m]
    # initialize (1001) and the two i64 edge ids; nothing else.
    assert ids == [1001, 9223372036854775807, -9223372036854775808]
    assert not any("Traceback" in line for line in server.stderr_lines)


def test_huge_line_gets_an_error_and_the_server_goes_on(server: StdioAppServer) -> None:
    server.initialize()
    huge = b'{"id": 90, "method": "getUserAgent", "params": {"pad": "' + b"x" * (70 * 1024 * 1024) + b'"}}\n'
    server.send_raw(huge)
    assert server.response(90)["error"]["message"] == "Invalid request: message is too large"
    assert "userAgent" in server.request("getUserAgent")["result"]


def test_model_list_pages(server: StdioAppServer) -> None:
    server.initialize()
    first = server.request("model/list", {"limit": 1})["result"]
    assert len(first["data"]) == 1 and first["data"][0]["isDefault"] is True
    assert first["nextCursor"] == "1"
    everything = server.request("model/list", {})["result"]
    assert everything["nextCursor"] is None
    assert everything["data"][0] == first["data"][0]
    bad = server.request("model/list", {"cursor": "garbage"})
    assert bad["error"] == {"code": INVALID_REQUEST, "message": "invalid cursor: garbage"}


def test_config_read_and_write(server: StdioAppServer, isolated_env: dict[str, str]) -> None:
    config_path = Path(isolated_env["CODEX_HOME"]) / "config.toml"
    config_path.write_text('# my settings\nmodel = "o3"\n')
    server.initialize()
    read = server.request("config/read", {"includeLayers": True})["result"]
    assert read["config"]["model"] == "o3"
    assert read["config"]["profiles"] == {}
    assert read["origins"]["model"]["name"] == {"type": "user", "file": str(config_path)}
    assert [layer["name"]["type"] for layer in read["layers"]] == ["user", "system"]
    version = read["layers"][0]["version"]

    written = server.request(
        "config/value/write",
        {
            "keyPath": "model_reasoning_effort",
            "value": "high",
            "mergeStrategy": "replace",
            "expectedVersion": version,
        },
    )["result"]
    assert written["status"] == "ok" and written["filePath"] == str(config_path)
    assert written["overriddenMetadata"] is None
    assert config_path.read_text() == '# my settings\nmodel = "o3"\nmodel_reasoning_effort = "high"\n'

    stale = server.request(
        "config/value/write",
        {"keyPath": "model", "value": "x", "mergeStrategy": "replace", "expectedVersion": version},
    )
    assert stale["error"]["data"] == {"config_write_error_code": "configVersionConflict"}
    invalid = server.request(
        "config/batchWrite",
        {"edits": [{"keyPath": "approval_policy", "value": "bogus", "mergeStrategy": "replace"}]},
    )
    assert invalid["error"]["data"] == {"config_write_error_code": "configValidationError"}
    assert invalid["error"]["message"].startswith("Invalid configuration: unknown variant `bogus`")
    assert tomllib.loads(config_path.read_text())["model"] == "o3"

    assert server.request("setDefaultModel", {"model": "gpt-5.2", "reasoningEffort": None})["result"] == {}
    saved = server.request("getUserSavedConfig")["result"]["config"]
    assert saved["model"] == "gpt-5.2" and saved["modelReasoningEffort"] is None


def test_override_flags_reach_config(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with StdioAppServer(codex_bin, isolated_env, args=["-c", "model=flagged", "--enable", "undo"]) as proc:
        proc.initialize()
        read = proc.request("config/read", {"includeLayers": True})["result"]
        assert read["config"]["model"] == "flagged"
        assert read["layers"][0]["name"] == {"type": "sessionFlags"}
        features = proc.request("experimentalFeature/list", {})["result"]["data"]
        assert next(f for f in features if f["name"] == "undo")["enabled"] is True


def test_unparsable_override_exits_2_with_one_line(codex_bin: str, isolated_env: dict[str, str]) -> None:
    with StdioAppServer(codex_bin, isolated_env, args=["-c", "=oops"]) as proc:
        assert proc.close() == 2
        errors = "".join(proc.stderr_lines)
        assert errors.startswith("Error: error parsing -c overrides:") and "Traceback" not in errors


def test_missing_codex_home_is_a_clear_error(codex_bin: str, isolated_env: dict[str, str]) -> None:
    env = {**isolated_env, "CODEX_HOME": isolated_env["CODEX_HOME"] + "-missing"}
    with StdioAppServer(codex_bin, env) as proc:
        assert proc.close() == 2
        assert "CODEX_HOME" in "".join(proc.stderr_lines)


def test_user_info_without_login(server: StdioAppServer) -> None:
    server.initialize()
    assert server.request("userInfo")["result"] == {"allegedUserEmail": None}
