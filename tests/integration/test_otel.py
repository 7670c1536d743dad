"""OTel log events (`[otel]` exporter) through a real `codex app-server`, the mock model and a stub collector."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer
from support.turns import model_env, run_turn, start_thread, write_mock_config

try:
    import opentelemetry.exporter.otlp.proto.http
    import opentelemetry.proto.collector.logs.v1.logs_service_pb2
    import opentelemetry.sdk  # noqa: F401
except ImportError:  # pragma: no cover - depends on the environment
    pytest.skip(
        "OpenTelemetry packages not installed (pip install 'pycodex[otel]' opentelemetry-proto)",
        allow_module_level=True,
    )

from otel_collector import LogRecord, OtlpCollector

COMMON = (
    "event.name",
    "event.timestamp",
    "conversation.id",
    "app.version",
    "auth_mode",
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


def otel_table(endpoint: str, *, log_user_prompt: bool) -> str:
    return (
        "[otel]\n"
        'environment = "test"\n'
        f"log_user_prompt = {'true' if log_user_prompt else 'false'}\n"
        "[otel.exporter.otlp-http]\n"
        f'endpoint = "{endpoint}"\n'
        'protocol = "binary"\n'
        "[otel.exporter.otlp-http.headers]\n"
        'x-test-token = "${OTEL_TEST_TOKEN}"\n'
    )


def run_tool_turn(
    codex_bin: str,
    env: dict[str, str],
    mock: MockModelServer,
    workspace: Path,
    collector: OtlpCollector,
    *,
    log_user_prompt: bool,
) -> tuple[str, list[LogRecord]]:
    codex_home = Path(env["CODEX_HOME"])
    write_mock_config(
        codex_home, mock.url, provider_extra=otel_table(collector.endpoint, log_user_prompt=log_user_prompt)
    )
    mock.enqueue(
        function_call_response("update_plan", PLAN, "call_plan"),
        # A known-safe command under approval_policy "never": allowed by policy, not by a person.
        function_call_response("exec_command", {"cmd": "echo telemetry"}, "call_exec"),
        message_response("done"),
    )
    with StdioAppServer(
        codex_bin, {**model_env(env), "OTEL_TEST_TOKEN": "tok-123"}, cwd=str(workspace)
    ) as server:
        server.initialize("pytest")
        thread = start_thread(server)
        run_turn(server, thread, PROMPT)
        assert server.close() == 0  # stdin EOF: shutdown flushes the batch processor
    records = collector.wait_for(lambda rs: {r.event_name for r in rs} >= EVENTS)
    return thread, records


def by_name(records: list[LogRecord], name: str) -> list[LogRecord]:
    return [r for r in records if r.event_name == name]


def test_turn_exports_codex_events(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with OtlpCollector() as collector:
        thread, records = run_tool_turn(
            codex_bin, isolated_env, mock, workspace, collector, log_user_prompt=False
        )

    assert {r.event_name for r in records} >= EVENTS
    for record in records:
        for key in COMMON:
            assert key in record.attributes, (record.event_name, key)
        assert record.attributes["event.name"] == record.event_name
        assert record.attributes["conversation.id"] == thread
        assert record.attributes["app.version"] == "0.100.0"
        assert record.attributes["model"] == "mock-model"
        assert record.attributes["auth_mode"] == "ApiKey"
        assert "user.account_id" not in record.attributes
        assert record.resource["service.name"] == "codex-cli"
        assert record.resource["env"] == "test"
        assert record.headers["x-test-token"] == "tok-123"

    requests = by_name(records, "codex.api_request")
    assert len(requests) == 3  # one per sampling request
    assert all(
        r.attributes["http.response.status_code"] == 200 and r.attributes["attempt"] == 1 for r in requests
    )
    assert all("error.message" not in r.attributes for r in requests)

    sse = by_name(records, "codex.sse_event")
    completed = [r for r in sse if r.attributes["event.kind"] == "response.completed"]
    assert len(completed) == 3  # one response.completed per sampling request
    for record in completed:
        for key in (
            "input_token_count",
            "output_token_count",
            "cached_token_count",
            "reasoning_token_count",
            "tool_token_count",
        ):
            assert isinstance(record.attributes[key], int), key
    assert {"response.created", "response.output_item.done"} <= {r.attributes["event.kind"] for r in sse}

    (prompt,) = by_name(records, "codex.user_prompt")
    assert prompt.attributes["prompt"] == "[REDACTED]"
    assert prompt.attributes["prompt_length"] == len(PROMPT)
    assert PROMPT not in json.dumps([r.attributes for r in records])

    (decision,) = by_name(records, "codex.tool_decision")
    assert decision.attributes["tool_name"] == "exec_command"
    assert decision.attributes["call_id"] == "call_exec"
    assert (decision.attributes["decision"], decision.attributes["source"]) == ("approved", "config")

    tool = next(r for r in by_name(records, "codex.tool_result") if r.attributes["call_id"] == "call_plan")
    assert tool.attributes["tool_name"] == "update_plan"
    assert tool.attributes["call_id"] == "call_plan"
    assert json.loads(tool.attributes["arguments"]) == PLAN
    assert tool.attributes["success"] == "true"
    assert isinstance(tool.attributes["duration_ms"], int)
    assert tool.attributes["output"] == "Plan updated"


def test_user_prompt_logged_when_enabled(
    codex_bin: str, isolated_env: dict[str, str], mock: MockModelServer, workspace: Path
) -> None:
    with OtlpCollector() as collector:
        _, records = run_tool_turn(codex_bin, isolated_env, mock, workspace, collector, log_user_prompt=True)
    (prompt,) = by_name(records, "codex.user_prompt")
    assert prompt.attributes["prompt"] == PROMPT
    assert prompt.attributes["prompt_length"] == len(PROMPT)
