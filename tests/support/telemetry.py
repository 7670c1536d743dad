"""A Telemetry that keeps what the event methods emit, without OpenTelemetry."""

from __future__ import annotations

from typing import Any

from codex_core.otel.telemetry import Metadata, Telemetry


class Capture(Telemetry):
    enabled = True

    def __init__(self, metadata: Metadata | None = None) -> None:
        super().__init__(metadata or Metadata())
        self.events: list[tuple[str, dict[str, Any]]] = []

    def emit(self, name: str, attributes: dict[str, Any]) -> None:
        self.events.append((name, {k: v for k, v in attributes.items() if v is not None}))
