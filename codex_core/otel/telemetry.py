"""Telemetry: the reference's `codex.*` OTel log events, exported over OTLP.

One exporter pipeline per (codex_home, `[otel]` table) per process. With `exporter = "none"`
(the default) everything is a no-op and OpenTelemetry is never imported. Exports run on the
batch processor's background thread with short timeouts: a dead collector never slows a turn.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from codex_core.config.errors import ConfigError
from codex_core.version import CLI_VERSION

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.model.events import TokenUsage

log = logging.getLogger(__name__)

SERVICE_NAME = "codex-cli"
EXPORT_TIMEOUT_S = 2.0
SCHEDULE_DELAY_MS = 1000
OUTPUT_LIMIT = 2048  # characters of tool output kept in `codex.tool_result`
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Metadata:
    conversation_id: str = ""
    model: str = ""
    slug: str = ""
    auth_mode: str | None = None
    account_id: str | None = None
    terminal_type: str = ""
    log_user_prompt: bool = False


class Telemetry:
    """Event recorder. The base class is the no-op used when no exporter is configured."""

    enabled = False

    def __init__(self, metadata: Metadata | None = None) -> None:
        self.metadata = metadata or Metadata()

    def bound(self, **fields: Any) -> Telemetry:
        return self

    def emit(self, name: str, attributes: dict[str, Any]) -> None:
        return None

    def shutdown(self) -> None:
        return None

    # -- events (names and attributes as codex-rs/otel's OtelEventManager) --------------------
    def api_request(
        self, attempt: int, duration_ms: float, status_code: int | None, error: str | None
    ) -> None:
        if not self.enabled:
            return
        self.emit(
            "codex.api_request",
            {
                "attempt": attempt,
                "duration_ms": int(duration_ms),
                "http.response.status_code": status_code,
                "error.message": error,
            },
        )

    def sse_event(
        self, kind: str, duration_ms: float, usage: TokenUsage | None = None, error: str | None = None
    ) -> None:
        if not self.enabled:
            return
        attributes: dict[str, Any] = {
            "event.kind": kind,
            "duration_ms": int(duration_ms),
            "error.message": error,
        }
        if usage is not None:
            attributes |= {
                "input_token_count": usage.input_tokens,
                "output_token_count": usage.output_tokens,
                "cached_token_count": usage.cached_input_tokens,
                "reasoning_token_count": usage.reasoning_output_tokens,
                "tool_token_count": 0,  # the Responses API reports none; the reference logs 0 too
            }
        self.emit("codex.sse_event", attributes)

    def user_prompt(self, text: str) -> None:
        if not self.enabled:
            return
        prompt = text if self.metadata.log_user_prompt else "[REDACTED]"
        self.emit("codex.user_prompt", {"prompt_length": len(text), "prompt": prompt})

    def tool_decision(self, tool_name: str, call_id: str, decision: str, source: str) -> None:
        """decision: approved|approved_for_session|denied|abort; source: config|user."""
        if not self.enabled:
            return
        self.emit(
            "codex.tool_decision",
            {"tool_name": tool_name, "call_id": call_id, "decision": decision, "source": source},
        )

    def tool_result(
        self, tool_name: str, call_id: str, arguments: str, duration_ms: float, success: bool, output: str
    ) -> None:
        if not self.enabled:
            return
        self.emit(
            "codex.tool_result",
            {
                "tool_name": tool_name,
                "call_id": call_id,
                "arguments": arguments,
                "duration_ms": int(duration_ms),
                "success": "true" if success else "false",
                "output": output[:OUTPUT_LIMIT],
            },
        )

    def tool_output(
        self, tool_name: str, call_id: str, arguments: str, started: float, item: dict[str, Any]
    ) -> None:
        """`tool_result` from a handler's output item (`started`: its `time.perf_counter()`)."""
        if not self.enabled:
            return
        output = item.get("output", "")
        text = output if isinstance(output, str) else json.dumps(output)
        success = item.get("success") is not False
        duration_ms = (time.perf_counter() - started) * 1000.0
        self.tool_result(tool_name, call_id, arguments, duration_ms, success, text)


NOOP = Telemetry()


class OtelTelemetry(Telemetry):
    enabled = True

    def __init__(self, logger: Any, provider: Any, metadata: Metadata) -> None:
        super().__init__(metadata)
        self._logger = logger
        self._provider = provider

    def bound(self, **fields: Any) -> Telemetry:
        return OtelTelemetry(self._logger, self._provider, replace(self.metadata, **fields))

    def emit(self, name: str, attributes: dict[str, Any]) -> None:
        from opentelemetry._logs import LogRecord, SeverityNumber

        meta = self.metadata
        now = time.time_ns()
        common: dict[str, Any] = {
            "event.name": name,
            "event.timestamp": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "conversation.id": meta.conversation_id,
            "app.version": CLI_VERSION,
            "auth_mode": meta.auth_mode,
            "user.account_id": meta.account_id,
            "terminal.type": meta.terminal_type,
            "model": meta.model,
            "slug": meta.slug,
        }
        merged = {k: v for k, v in (common | attributes).items() if v is not None}
        record = LogRecord(
            timestamp=now,
            observed_timestamp=now,
            severity_text="INFO",
            severity_number=SeverityNumber.INFO,
            body=name,
            attributes=merged,
            event_name=name,
        )
        try:
            self._logger.emit(record)
        except Exception:  # telemetry must never fail a turn
            log.debug("otel emit failed", exc_info=True)

    def shutdown(self) -> None:
        try:
            self._provider.shutdown()
        except Exception:
            log.debug("otel shutdown failed", exc_info=True)


_lock = threading.Lock()
_instances: dict[tuple[str, str], Telemetry] = {}


def telemetry_for(config: LoadedConfig) -> Telemetry:
    """The process-wide recorder for this codex_home and `[otel]` table (no-op without an exporter)."""
    otel = config.typed.otel
    exporter = otel.exporter if otel is not None else None
    if otel is None or exporter is None or exporter == "none":
        return NOOP
    key = (str(config.codex_home), json.dumps(otel.model_dump(mode="json"), sort_keys=True))
    with _lock:
        existing = _instances.get(key)
        if existing is None:
            existing = _build(exporter, otel.environment, bool(otel.log_user_prompt))
            _instances[key] = existing
        return existing


def shutdown_all() -> None:
    """Flush and stop every exporter pipeline (process shutdown)."""
    with _lock:
        instances = list(_instances.values())
        _instances.clear()
    for telemetry in instances:
        telemetry.shutdown()


def _expand(value: str) -> str:
    return _ENV_REF.sub(lambda m: os.environ.get(m.group(1), ""), value)


def _exporter_spec(exporter: str | dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if isinstance(exporter, str):
        raise ConfigError(f'unsupported otel exporter {exporter!r}: use "none" or {{otlp-http = {{...}}}}')
    if len(exporter) != 1:
        raise ConfigError("otel.exporter must name exactly one exporter (otlp-http or otlp-grpc)")
    kind, spec = next(iter(exporter.items()))
    if kind not in ("otlp-http", "otlp-grpc") or not isinstance(spec, dict):
        raise ConfigError(f"unsupported otel exporter {kind!r}: expected otlp-http or otlp-grpc")
    if not isinstance(spec.get("endpoint"), str):
        raise ConfigError(f"otel.exporter.{kind}.endpoint must be a string")
    return kind, spec


def _build(exporter: str | dict[str, Any], environment: str | None, log_user_prompt: bool) -> Telemetry:
    kind, spec = _exporter_spec(exporter)
    headers = {str(k): _expand(str(v)) for k, v in (spec.get("headers") or {}).items()}
    try:
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
        from opentelemetry.sdk.resources import Resource

        transport = "http" if kind == "otlp-http" else "grpc"
        module = importlib.import_module(f"opentelemetry.exporter.otlp.proto.{transport}._log_exporter")
        exporter_class: Any = module.OTLPLogExporter
    except ImportError as exc:
        package = "opentelemetry-exporter-otlp-proto-grpc" if kind == "otlp-grpc" else "pycodex[otel]"
        raise ConfigError(
            f"[otel] exporter {kind} needs the OpenTelemetry packages: install {package} ({exc.name} is missing)"
        ) from exc
    if kind == "otlp-http" and spec.get("protocol", "binary") == "json":
        log.warning("otel: the Python OTLP exporter has no JSON encoding; exporting protobuf instead")
    attributes: dict[str, str] = {"service.name": SERVICE_NAME, "service.version": CLI_VERSION}
    if environment:
        attributes["env"] = environment
    provider = LoggerProvider(resource=Resource.create(attributes))
    log_exporter = exporter_class(endpoint=spec["endpoint"], headers=headers, timeout=EXPORT_TIMEOUT_S)
    provider.add_log_record_processor(
        BatchLogRecordProcessor(
            log_exporter,
            schedule_delay_millis=SCHEDULE_DELAY_MS,
            export_timeout_millis=EXPORT_TIMEOUT_S * 1000,
        )
    )
    metadata = Metadata(terminal_type=_terminal_type(), log_user_prompt=log_user_prompt)
    return OtelTelemetry(provider.get_logger("codex_otel", CLI_VERSION), provider, metadata)


def _terminal_type() -> str:
    program = os.environ.get("TERM_PROGRAM", "").strip()
    if program:
        version = os.environ.get("TERM_PROGRAM_VERSION", "").strip()
        return f"{program}/{version}" if version else program
    return os.environ.get("TERM", "").strip() or "unknown"
