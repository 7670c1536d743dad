"""OTLP/HTTP with the JSON encoding (`[otel.exporter.otlp-http] protocol = "json"`).

The Python OTLP/HTTP exporter only speaks protobuf. Rather than re-implement its retries,
timeouts, TLS and compression handling, `OTLPJsonLogExporter` is the official exporter with a
`requests` session that re-encodes each request body as OTLP JSON just before it is sent:

- the body is parsed back into an `ExportLogsServiceRequest` and rendered with protobuf's JSON
  mapping (lowerCamelCase keys, enums as integers, 64-bit integers as decimal strings);
- `traceId` / `spanId` are hex strings, as the OTLP spec requires (the protobuf mapping would
  give base64);
- `Content-Type` becomes `application/json`; a gzip/deflate `Content-Encoding` is kept.

Imported only when such an exporter is configured (it needs the `otel` extra).
"""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from collections.abc import Mapping
from typing import Any

import requests
from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

__all__ = ["JSON_CONTENT_TYPE", "OTLPJsonLogExporter", "encode_logs_request", "protobuf_to_json"]

JSON_CONTENT_TYPE = "application/json"
_HEX_ID_FIELDS = ("traceId", "spanId")


def encode_logs_request(request: ExportLogsServiceRequest) -> bytes:
    """`request` as an OTLP/JSON body."""
    document: dict[str, Any] = json_format.MessageToDict(
        request, preserving_proto_field_name=False, use_integers_for_enums=True
    )
    for resource_logs in document.get("resourceLogs", []):
        for scope_logs in resource_logs.get("scopeLogs", []):
            for record in scope_logs.get("logRecords", []):
                for key in _HEX_ID_FIELDS:
                    if key in record:
                        record[key] = base64.b64decode(record[key]).hex()
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def protobuf_to_json(body: bytes) -> bytes:
    """A serialized `ExportLogsServiceRequest` re-encoded as OTLP/JSON."""
    request = ExportLogsServiceRequest()
    request.ParseFromString(body)
    return encode_logs_request(request)


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


def _encode(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    return body


class _JsonSession(requests.Session):
    """Sends every POST body (a protobuf `ExportLogsServiceRequest`) as OTLP/JSON instead."""

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        body = kwargs.get("data")
        if isinstance(body, bytes):
            headers = requests.structures.CaseInsensitiveDict(kwargs.get("headers") or {})
            encoding = str(headers.get("content-encoding") or "").strip().lower()
            kwargs["data"] = _encode(protobuf_to_json(_decode(body, encoding)), encoding)
            headers["Content-Type"] = JSON_CONTENT_TYPE
            kwargs["headers"] = headers
        return super().request(method, url, *args, **kwargs)


class OTLPJsonLogExporter(OTLPLogExporter):
    """The official OTLP/HTTP log exporter, sending OTLP/JSON instead of protobuf."""

    def __init__(self, endpoint: str, headers: Mapping[str, str], timeout: float) -> None:
        super().__init__(endpoint=endpoint, headers=dict(headers), timeout=timeout, session=_JsonSession())
