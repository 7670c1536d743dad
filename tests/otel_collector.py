"""A minimal OTLP/HTTP log collector: decodes `ExportLogsServiceRequest` bodies and keeps the records.

Bodies are decoded by `Content-Type`: `application/x-protobuf` as protobuf, `application/json` as
OTLP/JSON (strictly: unknown fields, base64 ids or malformed values are a 400 and are listed in
`errors`, so a test sees invalid JSON instead of silently missing records).
"""

from __future__ import annotations

import base64
import json
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


def records_of(request: Any, headers: dict[str, str]) -> list[LogRecord]:
    """The log records of an `ExportLogsServiceRequest`, flattened with their resource."""
    found: list[LogRecord] = []
    for resource_logs in request.resource_logs:
        resource = {kv.key: _value(kv.value) for kv in resource_logs.resource.attributes}
        for scope_logs in resource_logs.scope_logs:
            for record in scope_logs.log_records:
                attributes = {kv.key: _value(kv.value) for kv in record.attributes}
                body = _value(record.body) if record.HasField("body") else None
                found.append(LogRecord(record.event_name, body, attributes, resource, headers))
    return found


def _hex_id_as_base64(value: Any, length: int) -> str:
    """OTLP/JSON ids are hex (not protobuf JSON's base64); anything else is invalid."""
    if not isinstance(value, str) or len(value) != 2 * length:
        raise ValueError(f"id must be {2 * length} hex digits, got {value!r}")
    return base64.b64encode(bytes.fromhex(value)).decode("ascii")


def parse_json_request(body: bytes) -> Any:
    """An OTLP/JSON body as an `ExportLogsServiceRequest` (strict protobuf JSON parsing)."""
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

    document = json.loads(body)
    for resource_logs in document.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                for key, length in (("traceId", 16), ("spanId", 8)):
                    if key in record:
                        record[key] = _hex_id_as_base64(record[key], length)
    return json_format.ParseDict(document, ExportLogsServiceRequest())


class RecordStore:
    """Records received so far, and a way to wait for the ones a test needs."""

    def __init__(self) -> None:
        self.records: list[LogRecord] = []
        self.errors: list[str] = []
        self._cond = threading.Condition()

    def wait_for(
        self, predicate: Callable[[list[LogRecord]], bool], timeout: float = 10.0
    ) -> list[LogRecord]:
        """Block until `predicate(records)` holds; returns a snapshot either way."""
        with self._cond:
            self._cond.wait_for(lambda: predicate(self.records), timeout=timeout)
            return list(self.records)

    def add(self, found: list[LogRecord]) -> None:
        with self._cond:
            self.records.extend(found)
            self._cond.notify_all()

    def error(self, message: str) -> None:
        with self._cond:
            self.errors.append(message)
            self._cond.notify_all()


class OtlpCollector(RecordStore):
    def __init__(self, path: str = "/v1/logs") -> None:
        super().__init__()
        self.path = path
        self.content_types: list[str] = []
        self.json_documents: list[Any] = []  # the raw OTLP/JSON bodies, as sent
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path}"

    def __enter__(self) -> OtlpCollector:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _decode(self, body: bytes, content_type: str) -> Any:
        from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

        if content_type == "application/json":
            self.json_documents.append(json.loads(body))
            return parse_json_request(body)
        if content_type == "application/x-protobuf":
            request = ExportLogsServiceRequest()
            request.ParseFromString(body)
            return request
        raise ValueError(f"unexpected content-type {content_type!r}")

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                content_type = headers.get("content-type", "").split(";")[0].strip().lower()
                try:
                    if self.path != collector.path:
                        raise ValueError(f"unexpected path {self.path!r}")
                    if headers.get("content-encoding") == "gzip":
                        import gzip

                        body = gzip.decompress(body)
                    request = collector._decode(body, content_type)
                except Exception as exc:  # a bad body is the test's failure, reported via errors
                    collector.error(f"{type(exc).__name__}: {exc}")
                    self._reply(400, b'{"message":"invalid request"}', "application/json")
                    return
                collector.content_types.append(content_type)
                collector.add(records_of(request, headers))
                if content_type == "application/json":
                    self._reply(200, b"{}", "application/json")
                else:
                    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
                        ExportLogsServiceResponse,
                    )

                    self._reply(
                        200, ExportLogsServiceResponse().SerializeToString(), "application/x-protobuf"
                    )

            def _reply(self, status: int, payload: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler
