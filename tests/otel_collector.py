"""A minimal OTLP/HTTP log collector: decodes `ExportLogsServiceRequest` protobufs and keeps the records."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class LogRecord:
    event_name: str
    body: Any
    attributes: dict[str, Any]
    resource: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def _value(any_value: Any) -> Any:
    kind = any_value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "array_value":
        return [_value(v) for v in any_value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _value(kv.value) for kv in any_value.kvlist_value.values}
    return getattr(any_value, kind)


class OtlpCollector:
    def __init__(self) -> None:
        self.records: list[LogRecord] = []
        self._cond = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1/logs"

    def __enter__(self) -> OtlpCollector:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(
        self, predicate: Callable[[list[LogRecord]], bool], timeout: float = 10.0
    ) -> list[LogRecord]:
        """Block until `predicate(records)` holds; returns a snapshot either way."""
        with self._cond:
            self._cond.wait_for(lambda: predicate(self.records), timeout=timeout)
            return list(self.records)

    def _add(self, body: bytes, headers: dict[str, str]) -> None:
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

        request = ExportLogsServiceRequest()
        request.ParseFromString(body)
        found: list[LogRecord] = []
        for resource_logs in request.resource_logs:
            resource = {kv.key: _value(kv.value) for kv in resource_logs.resource.attributes}
            for scope_logs in resource_logs.scope_logs:
                for record in scope_logs.log_records:
                    attributes = {kv.key: _value(kv.value) for kv in record.attributes}
                    found.append(
                        LogRecord(record.event_name, _value(record.body), attributes, resource, headers)
                    )
        with self._cond:
            self.records.extend(found)
            self._cond.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                if self.headers.get("content-encoding") == "gzip":
                    import gzip

                    body = gzip.decompress(body)
                collector._add(body, {k.lower(): v for k, v in self.headers.items()})
                from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse

                reply = ExportLogsServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("content-type", "application/x-protobuf")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

        return Handler
