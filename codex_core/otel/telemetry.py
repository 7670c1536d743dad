"""Telemetry: the reference's `codex.*` OTel log events, exported over OTLP.

One exporter pipeline per (codex_home, `[otel]` table) per process. With `exporter = "none"`
(the default) everything is a no-op and OpenTelemetry is never imported. Exports run on the
batch processor's background thread with short timeouts: a dead collector never slows a turn.

Attribute names, values and value types follow the reference (codex-rs/otel `OtelManager`, whose
events go through the tracing-to-OTel log bridge): fields it formats with `%` arrive as strings
(`duration_ms`, `prompt_length`, `input_token_count`, ...), integer fields as integers.
"""

from __future__ import annotations

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
from codex_core.user_agent import DEFAULT_ORIGINATOR
from codex_core.version import CLI_VERSION

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.model.events import TokenUsage

log = logging.getLogger(__name__)

SERVICE_NAME = "codex-cli"

DEFAULT_ENVIRONMENT = "dev"  # the reference's default `[otel] environment`
EXPORT_TIMEOUT_S = 2.0
SCHEDULE_DELAY_MS = 1000
PREVIEW_MAX_BYTES = 2 * 1024  # the reference's telemetry preview of a tool's output
PREVIEW_MAX_LINES = 64
PREVIEW_NOTICE = "[... telemetry preview truncated ...]"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_TAG_UNSAFE = re.compile(r"[^A-Za-z0-9._/-]")


@dataclass(frozen=True, slots=True)
class Metadata:
    conversation_id: str = ""
    model: str = ""
    slug: str = ""
    auth_mode: str | None = None  # "ApiKey" | "Chatgpt" (the login's mode), absent when logged out
    account_id: str | None = None
    account_email: str | None = None
    originator: str = DEFAULT_ORIGINATOR
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

    # -- events (names, attributes and value types as codex-rs/otel's OtelManager) -------------
    def api_request(
        self, attempt: int, duration_ms: float, status_code: int | None, error: str | None
    ) -> None:
        """One HTTP request to the model. `attempt` is 1-based; it is exported 0-based, the way
        the reference numbers the attempts of its request retry loop."""
        if not self.enabled:
            return
        self.emit(
            "codex.api_request",
            {
                "duration_ms": _millis(duration_ms),
                "http.response.status_code": status_code,
                "error.message": error,
                "attempt": max(attempt - 1, 0),
            },
        )

    def sse_event(
        self, kind: str | None, duration_ms: float, usage: TokenUsage | None = None, error: str | None = None
    ) -> None:
        """One SSE event of a response stream; with `usage` (its `response.completed`) a second
        record carries the token counts, as the reference logs them separately. A failure (a
        failed response, an idle stream: then no kind) carries `error.message`."""
        if not self.enabled:
            return
        self.emit(
            "codex.sse_event",
            {"event.kind": kind, "duration_ms": _millis(duration_ms), "error.message": error},
        )
        if usage is not None:
            self.emit(
                "codex.sse_event",
                {
                    "event.kind": "response.completed",
                    "input_token_count": str(usage.input_tokens),
                    "output_token_count": str(usage.output_tokens),
                    "cached_token_count": usage.cached_input_tokens,
                    "reasoning_token_count": usage.reasoning_output_tokens,
                    # The reference passes the response's total_tokens here.
                    "tool_token_count": str(usage.total_tokens),
                },
            )

    def user_prompt(self, text: str) -> None:
        if not self.enabled:
            return
        prompt = text if self.metadata.log_user_prompt else "[REDACTED]"
        self.emit("codex.user_prompt", {"prompt_length": str(len(text)), "prompt": prompt})

    def tool_decision(self, tool_name: str, call_id: str, decision: str, source: str) -> None:
        """decision: approved|approved_for_session|approved_execpolicy_amendment|denied|abort (as
        the protocol spells it); source: config|user."""
        if not self.enabled:
            return
        self.emit(
            "codex.tool_decision",
            {
                "tool_name": tool_name,
                "call_id": call_id,
                "decision": decision,
                "source": source,
            },
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
                "duration_ms": _millis(duration_ms),
                "success": "true" if success else "false",
                "output": output_preview(output),
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


def _millis(duration_ms: float) -> str:
    """Whole milliseconds, as a string (the reference formats `Duration::as_millis()` with `%`)."""
    return str(max(int(duration_ms), 0))


def output_preview(text: str) -> str:
    """The reference's telemetry preview of a tool output: at most 2 KiB (cut on a character
    boundary) and 64 lines; when anything was cut, a notice on its own last line."""
    raw = text.encode("utf-8", "surrogatepass")
    head = raw[:PREVIEW_MAX_BYTES].decode("utf-8", "ignore") if len(raw) > PREVIEW_MAX_BYTES else text
    cut_bytes = len(head) < len(text)
    lines = head.split("\n")
    if head.endswith("\n"):
        lines.pop()  # a final newline ends the last line; it does not start another
    cut_lines = len(lines) > PREVIEW_MAX_LINES
    if not cut_bytes and not cut_lines:
        return text
    preview = "\n".join(lines[:PREVIEW_MAX_LINES])
    if len(preview) < len(head) and head[len(preview)] == "\n":
        preview += "\n"
    if preview and not preview.endswith("\n"):
        preview += "\n"
    return preview + PREVIEW_NOTICE


def sanitize_tag(value: str) -> str:
    """The reference's metric-tag cleaning (used for `originator`): characters other than ASCII
    letters, digits and `._-/` become `_`, outer `_` are trimmed, at most 256 characters, and
    `unspecified` when nothing alphanumeric is left."""
    cleaned = _TAG_UNSAFE.sub("_", value).strip("_")
    if not any(ch.isascii() and ch.isalnum() for ch in cleaned):
        return "unspecified"
    return cleaned[:256]


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
            "originator": meta.originator,
            "user.account_id": meta.account_id,
            "user.email": meta.account_email,
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
    headers = spec.get("headers")
    if headers is not None and not isinstance(headers, dict):
        raise ConfigError(f"otel.exporter.{kind}.headers must be a table of strings")
    if kind == "otlp-http" and spec.get("protocol", "binary") not in ("binary", "json"):
        raise ConfigError(
            f"unknown otel.exporter.otlp-http.protocol {spec.get('protocol')!r}: expected binary or json"
        )
    return kind, spec


def _exporter_factory(kind: str, protocol: str) -> Any:
    """The exporter class (imported lazily: OpenTelemetry is an optional extra)."""
    try:
        if kind == "otlp-grpc":
            from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter as Grpc

            return Grpc
        if protocol == "json":
            from codex_core.otel.otlp_json import OTLPJsonLogExporter

            return OTLPJsonLogExporter
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter as Http

        return Http
    except ImportError as exc:
        package = "opentelemetry-exporter-otlp-proto-grpc" if kind == "otlp-grpc" else "pycodex[otel]"
        raise ConfigError(
            f"[otel] exporter {kind} needs the OpenTelemetry packages: install {package} ({exc.name} is missing)"
        ) from exc


def _build(exporter: str | dict[str, Any], environment: str | None, log_user_prompt: bool) -> Telemetry:
    kind, spec = _exporter_spec(exporter)
    headers = {str(k): _expand(str(v)) for k, v in (spec.get("headers") or {}).items()}
    if kind == "otlp-grpc":
        headers = {k.lower(): v for k, v in headers.items()}  # gRPC metadata keys are lower case
    exporter_class = _exporter_factory(kind, str(spec.get("protocol", "binary")))
    try:
        from opentelemetry.sdk._logs import LoggerProvider
        from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
        from opentelemetry.sdk.resources import Resource
    except ImportError as exc:
        raise ConfigError(
            f"[otel] exporter {kind} needs the OpenTelemetry packages: install pycodex[otel] ({exc.name} is missing)"
        ) from exc
    # `env` is always there (the reference's default environment is "dev").
    resource = Resource.create(
        {
            "service.name": SERVICE_NAME,
            "service.version": CLI_VERSION,
            "env": environment or DEFAULT_ENVIRONMENT,
        }
    )
    provider = LoggerProvider(resource=resource)
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
    """The terminal part of the reference's user agent (`terminal.type`)."""
    program = os.environ.get("TERM_PROGRAM", "").strip()
    if program:
        version = os.environ.get("TERM_PROGRAM_VERSION", "").strip()
        return f"{program}/{version}" if version else program
    for marker, name in (
        ("WEZTERM_VERSION", "WezTerm"),
        ("KITTY_WINDOW_ID", "kitty"),
        ("ALACRITTY_SOCKET", "Alacritty"),
    ):
        if os.environ.get(marker):
            return name
    return os.environ.get("TERM", "").strip() or "unknown"
