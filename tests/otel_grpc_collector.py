"""A minimal OTLP/gRPC log collector: a `LogsService/Export` server on 127.0.0.1 that keeps the records.

Records have the same view as the HTTP stub's (`otel_collector.LogRecord`); their `headers` are
the call's metadata.
"""

from __future__ import annotations

from concurrent import futures
from typing import Any

import grpc
from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc
from otel_collector import RecordStore, records_of


class _LogsService(logs_service_pb2_grpc.LogsServiceServicer):
    def __init__(self, store: RecordStore) -> None:
        self._store = store

    def Export(self, request: Any, context: Any) -> Any:
        metadata = {str(key).lower(): str(value) for key, value in context.invocation_metadata()}
        self._store.add(records_of(request, metadata))
        return logs_service_pb2.ExportLogsServiceResponse()


class OtlpGrpcCollector(RecordStore):
    def __init__(self) -> None:
        super().__init__()
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(_LogsService(self), self._server)
        self._port = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def __enter__(self) -> OtlpGrpcCollector:
        self._server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop(grace=None)
