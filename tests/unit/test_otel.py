"""codex_core.otel: event attributes as the reference exports them, the OTLP/JSON encoding, auth metadata."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any

import pytest
from support.telemetry import Capture

from codex_core.config.errors import ConfigError
from codex_core.model.events import TokenUsage
from codex_core.otel import auth_metadata
from codex_core.otel.telemetry import (
    PREVIEW_NOTICE,
    _build,
    output_preview,
    sanitize_tag,
)
from login.manager import CodexAuth
from login.storage import TokenData

otel_json = pytest.importorskip("codex_core.otel.otlp_json", reason="needs the otel extra")


# -- event attributes --------------------------------------------------------------------------


def test_api_request_attempt_is_zero_based_and_duration_a_string() -> None:
    capture = Capture()
    capture.api_request(1, 12.7, 200, None)
    capture.api_request(3, 0.2, None, "connection refused")
    assert capture.events == [
        ("codex.api_request", {"duration_ms": "12", "http.response.status_code": 200, "attempt": 0}),
        ("codex.api_request", {"duration_ms": "0", "error.message": "connection refused", "attempt": 2}),
    ]


def test_completed_sse_event_adds_a_token_count_record() -> None:
    capture = Capture()
    capture.sse_event("response.output_item.done", 3.0)
    capture.sse_event("response.completed", 5.9, TokenUsage(11, 2, 7, 3, 18))
    assert capture.events == [
        ("codex.sse_event", {"event.kind": "response.output_item.done", "duration_ms": "3"}),
        ("codex.sse_event", {"event.kind": "response.completed", "duration_ms": "5"}),
        (
            "codex.sse_event",
            {
                "event.kind": "response.completed",
                "input_token_count": "11",
                "output_token_count": "7",
                "cached_token_count": 2,
                "reasoning_token_count": 3,
                "tool_token_count": "18",
            },
        ),
    ]


@pytest.mark.parametrize(
    ("decision", "exported"),
    [
        ("approved", "approved"),
        ("approved_for_session", "approved_for_session"),
        ("approved_execpolicy_amendment", "approved_execpolicy_amendment"),
        ("denied", "denied"),
        ("abort", "abort"),
    ],
)
def test_tool_decision_values_are_exported_as_decided(decision: str, exported: str) -> None:
    capture = Capture()
    capture.tool_decision("exec_command", "call_1", decision, "user")
    assert capture.events == [
        (
            "codex.tool_decision",
            {"tool_name": "exec_command", "call_id": "call_1", "decision": exported, "source": "user"},
        )
    ]


def test_user_prompt_is_redacted_unless_enabled() -> None:
    capture = Capture()
    capture.user_prompt("héllo")
    assert capture.events == [("codex.user_prompt", {"prompt_length": "5", "prompt": "[REDACTED]"})]


def test_tool_result_strings() -> None:
    capture = Capture()
    capture.tool_output("shell", "c1", '{"cmd":"x"}', 0.0, {"output": "boom", "success": False})
    ((name, attributes),) = capture.events
    assert name == "codex.tool_result"
    assert attributes["success"] == "false"
    assert attributes["output"] == "boom"
    assert attributes["duration_ms"].isdigit()


# -- tool output preview -----------------------------------------------------------------------


def test_preview_keeps_short_output() -> None:
    assert output_preview("a\nb\n") == "a\nb\n"
    assert output_preview("") == ""


def test_preview_cuts_lines() -> None:
    text = "".join(f"line {i}\n" for i in range(100))
    preview = output_preview(text)
    lines = preview.split("\n")
    assert lines[:64] == [f"line {i}" for i in range(64)]
    assert lines[64:] == [PREVIEW_NOTICE]


def test_preview_cuts_bytes_on_a_character_boundary() -> None:
    text = "é" * 2000  # 4000 bytes on one line
    preview = output_preview(text)
    head, notice = preview.rsplit("\n", 1)
    assert notice == PREVIEW_NOTICE
    assert head == "é" * 1024  # 2048 bytes
    # Exactly 64 lines with a final newline is not truncated.
    exact = "x\n" * 64
    assert output_preview(exact) == exact


def test_sanitize_tag() -> None:
    assert sanitize_tag("codex_vscode") == "codex_vscode"
    assert sanitize_tag("My App 1.0!") == "My_App_1.0"
    assert sanitize_tag("__") == "unspecified"
    assert sanitize_tag("./-") == "unspecified"
    assert sanitize_tag("a" * 300) == "a" * 256


# -- auth metadata -----------------------------------------------------------------------------


def _jwt(payload: dict[str, Any]) -> str:
    def segment(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{segment({'alg': 'none'})}.{segment(payload)}.sig"


def test_auth_metadata_follows_the_login() -> None:
    assert auth_metadata(None) == {"auth_mode": None, "account_id": None, "account_email": None}
    api_key = CodexAuth("apikey", "sk-test", None, None)
    assert auth_metadata(api_key) == {"auth_mode": "ApiKey", "account_id": None, "account_email": None}
    id_token = _jwt(
        {"email": "dev@example.com", "https://api.openai.com/auth": {"chatgpt_account_id": "acct-1"}}
    )
    chatgpt = CodexAuth("chatgpt", None, TokenData(id_token, "access", "refresh", "acct-1"), None)
    assert auth_metadata(chatgpt) == {
        "auth_mode": "Chatgpt",
        "account_id": "acct-1",
        "account_email": "dev@example.com",
    }
    external = CodexAuth("chatgptAuthTokens", None, TokenData("", "access", "", "acct-2"), None)
    assert auth_metadata(external)["auth_mode"] == "Chatgpt"


# -- configuration -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "exporter",
    [
        "otlp-http",
        {"otlp-http": {"endpoint": "http://127.0.0.1:1/v1/logs", "protocol": "yaml"}},
        {"otlp-http": {"endpoint": 3}},
        {"otlp-grpc": {"endpoint": "http://127.0.0.1:1", "headers": ["x"]}},
        {"otlp-http": {"endpoint": "x"}, "otlp-grpc": {"endpoint": "y"}},
    ],
)
def test_bad_exporter_tables_are_config_errors(exporter: Any) -> None:
    with pytest.raises(ConfigError):
        _build(exporter, None, False)


# -- OTLP/JSON ---------------------------------------------------------------------------------


def _request_with_ids() -> Any:
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.logs.v1.logs_pb2 import SeverityNumber

    request = ExportLogsServiceRequest()
    record = request.resource_logs.add().scope_logs.add().log_records.add()
    record.time_unix_nano = 1_700_000_000_123_456_789
    record.severity_number = SeverityNumber.SEVERITY_NUMBER_INFO
    record.trace_id = bytes(range(16))
    record.span_id = bytes(range(8))
    attribute = record.attributes.add()
    attribute.key = "attempt"
    attribute.value.int_value = 2
    return request


def test_json_encoding_follows_the_otlp_spec() -> None:
    document = json.loads(otel_json.encode_logs_request(_request_with_ids()))
    record = document["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    assert record["traceId"] == "000102030405060708090a0b0c0d0e0f"
    assert record["spanId"] == "0001020304050607"
    assert record["severityNumber"] == 9
    assert record["timeUnixNano"] == "1700000000123456789"
    assert record["attributes"] == [{"key": "attempt", "value": {"intValue": "2"}}]


def test_json_exporter_posts_json_to_the_collector() -> None:
    from opentelemetry import trace
    from opentelemetry._logs import LogRecord as ApiLogRecord
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
    from otel_collector import OtlpCollector

    span = NonRecordingSpan(SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=TraceFlags(1)))
    with OtlpCollector() as collector:
        exporter = otel_json.OTLPJsonLogExporter(collector.endpoint, {"x-key": "v"}, timeout=5.0)
        provider = LoggerProvider()
        provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
        provider.get_logger("test").emit(
            ApiLogRecord(
                context=trace.set_span_in_context(span),
                attributes={"event.name": "codex.test"},
                event_name="codex.test",
            )
        )
        records = collector.wait_for(lambda rs: len(rs) == 1)
        provider.shutdown()

    assert collector.errors == []
    assert collector.content_types == ["application/json"]
    (record,) = records
    assert record.attributes == {"event.name": "codex.test"}
    assert record.headers["x-key"] == "v"
    raw = collector.json_documents[0]["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]
    assert raw["traceId"] == f"{0xABC:032x}"
    assert raw["spanId"] == f"{0xDEF:016x}"


def test_json_session_keeps_a_compressed_body_compressed() -> None:
    body = _request_with_ids().SerializeToString()
    session = otel_json._JsonSession()
    sent: dict[str, Any] = {}

    def fake_send(request: Any, **kwargs: Any) -> Any:
        sent["headers"], sent["body"] = request.headers, request.body
        raise RuntimeError("not sent")

    session.send = fake_send  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        session.post(
            "http://127.0.0.1:1/v1/logs",
            data=gzip.compress(body),
            headers={"Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"},
        )
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["headers"]["content-encoding"] == "gzip"
    document = json.loads(gzip.decompress(sent["body"]))
    assert document["resourceLogs"][0]["scopeLogs"][0]["logRecords"][0]["spanId"] == "0001020304050607"


def test_json_exporter_to_a_dead_collector_fails_without_raising() -> None:
    import socket

    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import LogRecordExportResult, SimpleLogRecordProcessor

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again below: nothing listens there
    results: list[Any] = []

    class Recording(otel_json.OTLPJsonLogExporter):
        def export(self, batch: Any) -> Any:
            results.append(super().export(batch))
            return results[-1]

    provider = LoggerProvider()
    provider.add_log_record_processor(
        SimpleLogRecordProcessor(Recording(f"http://127.0.0.1:{port}/v1/logs", {}, timeout=0.5))
    )
    from opentelemetry._logs import LogRecord as ApiLogRecord

    provider.get_logger("test").emit(ApiLogRecord(attributes={"a": 1}))
    provider.shutdown()
    assert results == [LogRecordExportResult.FAILURE]
