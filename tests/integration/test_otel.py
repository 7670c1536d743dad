"""OTel log events (`[otel]` exporter) through a real `codex app-server`, the mock model and stub collectors.

Each exporter kind (otlp-http binary, otlp-http json, otlp-grpc) runs a turn with tool calls and
checks the five `codex.*` events, their common attributes, the resource and the configured headers
(values expanded from `${ENV}`) as the collector received them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from mock_model.server import DEFAULT_USAGE, MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

try:
    import opentelemetry.exporter.otlp.proto.grpc
    import opentelemetry.exporter.otlp.proto.http
    import opentelemetry.proto.collector.logs.v1.logs_service_pb2
    import opentelemetry.sdk  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip(
        "OpenTelemetry packages not installed (pip install 'pycodex[otel]' opentelemetry-proto)",
        allow_module_level=True,
    )

from otel_collector import LogRecord, OtlpCollector, RecordStore
from otel_grpc_collector import OtlpGrpcCollector

COMMON = (
    "event.name",
    "event.timestamp",
    "conversation.id",
    "app.version",
    "originator",
    "terminal.type",
    "model",
    "slug",
)
EVENTS = {
    "codex.api_request",
    "codex.sse_event",
    "codex.user_prompt",
    "codex.tool_decision",
    "codex.tool_result",
}
PLAN = {"plan": [{"step": "look around", "status": "in_progress"}]}
PROMPT = "plan the secret thing"
TOKEN = "tok-123"


def http_exporter(endpoint: str, protocol: str) -> str:
    return (
        "[otel.exporter.otlp-http]\n"
        f'endpoint = "{endpoint}"\n'
        f'protocol = "{protocol}"\n'
        "[otel.exporter.otlp-http.headers]\n"
        'x-test-token = "${OTEL_TEST_TOKEN}"\n'
        'x-static = "plain"\n'
    )


def grpc_exporter(endpoint: str) -> str:
    return (
        "[otel.exporter.otlp-grpc]\n"
        f'endpoint = "{endpoint}"\n'
        "[otel.exporter.otlp-grpc.headers]\n"
        # gRPC metadata keys are lower case: the exporter must lower this one.
        'X-Test-Token = "Bearer ${OTEL_TEST_TOKEN}"\n'
    )


def run_tool_turn(
    codex_bin: str,
    env: dict[str, str],
    mock: MockModelServer,
    workspace: Path,
    collector: RecordStore,
    exporter: str,
    *,
    log_user_prompt: bool = False,
) -> tuple[str, list[LogRecord]]:
    otel = f'[otel]\nenvironment = "test"\nlog_user_prompt = {"true" if log_user_prompt else "false"}\n'
    write_mock_config(Path(env["CODEX_HOME"]), mock.url, provider_extra=otel + exporter)
    mock.enqueue(
        function_call_response("update_plan", PLAN, "call_plan"),
        # A known-safe command under approval_policy "never": allowed by policy, not by a person.
        function_call_response("exec_command", {"cmd": "echo telemetry"}, "call_exec"),
        message_response("done"),
    )
    with StdioAppServer(
        codex_bin, {**model_env(env), "OTEL_TEST_TOKEN": TOKEN}, cwd=str(workspace)
    ) as server:
        server.initialize("pytest")
        thread = start_thread(server)
        run_turn(server, thread, PROMPT)
        assert server.close() == 0  # stdin EOF: shutdown flushes the batch processor
    records = collector.wait_for(lambda rs: {r.event_name for r in rs} >= EVENTS)
    assert collector.errors == []
    return thread, records


def by_name(records: list[LogRecord], name: str) -> list[LogRecord]:
    return [r for r in records if r.event_name == name]


def assert_common(records: list[LogRecord], thread: str, *, auth_mode: str | None = None) -> None:
    assert {r.event_name for r in records} >= EVENTS
    for record in records:
        for key in COMMON:
            assert key in record.attributes, (record.event_name, key)
        assert record.attributes["event.name"] == record.event_name
        assert record.attributes["event.timestamp"].endswith("Z")
        assert record.attributes["conversation.id"] == thread
        assert record.attributes["app.version"] == "0.100.0"
        assert record.attributes["model"] == "mock-model"
        assert record.attributes["originator"] == "pytest"  # the client's name from initialize
        assert record.attributes.get("auth_mode") == auth_mode
        assert "user.account_id" not in record.attributes  # not a ChatGPT login
        assert "user.email" not in record.attributes
        assert record.resource["service.name"] == "codex-cli"
        assert record.resource["service.version"] == "0.100.0"
        assert record.resource["env"] == "test"


def assert_digits(value: object) -> None:
    """A `%`-formatted integer of the reference: exported as a string of digits."""
    assert isinstance(value, str) and value.isdigit(), value


def test_turn_exports_codex_events(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with OtlpCollector() as collector:
        thread, records = run_tool_turn(
            codex_bin, isolated_env, mock, workspace, collector, http_exporter(collector.endpoint, "binary")
        )

    assert set(collector.content_types) == {"application/x-protobuf"}
    # Not logged in (the mock provider's key is not a login): no auth_mode, as the reference.
    assert_common(records, thread, auth_mode=None)
    for record in records:
        assert record.headers["x-test-token"] == TOKEN
        assert record.headers["x-static"] == "plain"

    requests = by_name(records, "codex.api_request")
    assert len(requests) == 3  # one per sampling request
    for request in requests:
        assert request.attributes["http.response.status_code"] == 200
        assert request.attributes["attempt"] == 0  # the first attempt, numbered as the reference does
        assert_digits(request.attributes["duration_ms"])
        assert "error.message" not in request.attributes

    sse = by_name(records, "codex.sse_event")
    per_event = [r for r in sse if "duration_ms" in r.attributes]
    assert {"response.created", "response.output_item.done", "response.completed"} <= {
        r.attributes["event.kind"] for r in per_event
    }
    for record in per_event:
        assert_digits(record.attributes["duration_ms"])
        assert "input_token_count" not in record.attributes
    usage = [r for r in sse if "input_token_count" in r.attributes]
    assert len(usage) == 3  # one token-count record per completed response
    for record in usage:
        assert record.attributes["event.kind"] == "response.completed"
        assert "duration_ms" not in record.attributes
        assert record.attributes["input_token_count"] == str(DEFAULT_USAGE["input_tokens"])
        assert record.attributes["output_token_count"] == str(DEFAULT_USAGE["output_tokens"])
        assert record.attributes["cached_token_count"] == 0
        assert record.attributes["reasoning_token_count"] == 0
        assert record.attributes["tool_token_count"] == str(DEFAULT_USAGE["total_tokens"])

    (prompt,) = by_name(records, "codex.user_prompt")
    assert prompt.attributes["prompt"] == "[REDACTED]"
    assert prompt.attributes["prompt_length"] == str(len(PROMPT))
    assert PROMPT not in json.dumps([r.attributes for r in records])

    (decision,) = by_name(records, "codex.tool_decision")
    assert decision.attributes["tool_name"] == "exec_command"
    assert decision.attributes["call_id"] == "call_exec"
    assert (decision.attributes["decision"], decision.attributes["source"]) == ("approved", "config")

    tool = next(r for r in by_name(records, "codex.tool_result") if r.attributes["call_id"] == "call_plan")
    assert tool.attributes["tool_name"] == "update_plan"
    assert json.loads(tool.attributes["arguments"]) == PLAN
    assert tool.attributes["success"] == "true"
    assert_digits(tool.attributes["duration_ms"])
    assert tool.attributes["output"] == "Plan updated"
    assert {r.attributes["call_id"] for r in by_name(records, "codex.tool_result")} == {
        "call_plan",
        "call_exec",
    }


def test_user_prompt_logged_when_enabled_and_api_key_login(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    auth = Path(isolated_env["CODEX_HOME"]) / "auth.json"
    auth.write_text(json.dumps({"OPENAI_API_KEY": "sk-login-key"}))
    os.chmod(auth, 0o600)
    with OtlpCollector() as collector:
        thread, records = run_tool_turn(
            codex_bin,
            isolated_env,
            mock,
            workspace,
            collector,
            http_exporter(collector.endpoint, "binary"),
            log_user_prompt=True,
        )
    assert_common(records, thread, auth_mode="ApiKey")
    (prompt,) = by_name(records, "codex.user_prompt")
    assert prompt.attributes["prompt"] == PROMPT
    assert prompt.attributes["prompt_length"] == str(len(PROMPT))


def test_json_protocol_exports_otlp_json(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with OtlpCollector() as collector:
        thread, records = run_tool_turn(
            codex_bin, isolated_env, mock, workspace, collector, http_exporter(collector.endpoint, "json")
        )

    # Every body was JSON and parsed strictly as an ExportLogsServiceRequest (no errors above).
    assert collector.content_types and set(collector.content_types) == {"application/json"}
    assert_common(records, thread)
    for record in records:
        assert record.headers["x-test-token"] == TOKEN
        assert record.headers["content-type"] == "application/json"

    # The OTLP/JSON shape itself: lowerCamelCase keys, enums as integers, nanoseconds as strings.
    document = collector.json_documents[0]
    resource_logs = document["resourceLogs"][0]
    assert {"key": "service.name", "value": {"stringValue": "codex-cli"}} in resource_logs["resource"][
        "attributes"
    ]
    record = resource_logs["scopeLogs"][0]["logRecords"][0]
    assert record["severityNumber"] == 9
    assert record["severityText"] == "INFO"
    assert isinstance(record["timeUnixNano"], str) and record["timeUnixNano"].isdigit()
    assert "observedTimeUnixNano" in record
    assert all("_" not in key for key in record)

    (decision,) = by_name(records, "codex.tool_decision")
    assert decision.attributes["decision"] == "approved"
    api = by_name(records, "codex.api_request")[0]
    assert api.attributes["http.response.status_code"] == 200  # an integer survives the JSON trip


def test_grpc_exporter_exports_codex_events(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with OtlpGrpcCollector() as collector:
        thread, records = run_tool_turn(
            codex_bin, isolated_env, mock, workspace, collector, grpc_exporter(collector.endpoint)
        )

    assert_common(records, thread)
    for record in records:
        assert record.headers["x-test-token"] == f"Bearer {TOKEN}"
    assert len(by_name(records, "codex.api_request")) == 3
    (decision,) = by_name(records, "codex.tool_decision")
    assert decision.attributes["call_id"] == "call_exec"
    assert {r.attributes["call_id"] for r in by_name(records, "codex.tool_result")} == {
        "call_plan",
        "call_exec",
    }
    (prompt,) = by_name(records, "codex.user_prompt")
    assert prompt.attributes["prompt"] == "[REDACTED]"
