"""JSON-RPC-lite framing: classify incoming messages and build outgoing ones (no "jsonrpc" field)."""

from __future__ import annotations

import re
from typing import Any

import orjson

# The reference answers every request-shaped problem with -32600 (not -32601/-32602).
INVALID_REQUEST = -32600
INTERNAL_ERROR = -32603
SERVER_OVERLOADED = -32001

OVERLOADED_MESSAGE = "Server overloaded; retry later."

_ID_PATTERN = re.compile(rb'"id"\s*:\s*(-?\d{1,19}|"(?:[^"\\]|\\.){0,256}")')

RequestId = int | str


class JsonRpcError(Exception):
    """Raised by handlers to answer with a JSON-RPC error instead of a result."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    @classmethod
    def invalid_request(cls, message: str, data: Any = None) -> JsonRpcError:
        return cls(INVALID_REQUEST, message, data)

    @classmethod
    def internal(cls, message: str, data: Any = None) -> JsonRpcError:
        return cls(INTERNAL_ERROR, message, data)


def error_message(request_id: RequestId, code: int, message: str, data: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        error["data"] = data
    return {"error": error, "id": request_id}


def result_message(request_id: RequestId, result: Any) -> dict[str, Any]:
    return {"id": request_id, "result": result}


def notification_message(method: str, params: Any = None) -> dict[str, Any]:
    if params is None:
        return {"method": method}
    return {"method": method, "params": params}


def request_message(request_id: RequestId, method: str, params: Any) -> dict[str, Any]:
    return {"method": method, "id": request_id, "params": params}


def is_valid_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, str)


def recover_id(raw: bytes) -> RequestId | None:
    """Best-effort id from a line that is not valid JSON, so the sender is not left waiting."""
    match = _ID_PATTERN.search(raw[:65536])
    if match is None:
        return None
    token = match.group(1)
    try:
        value = orjson.loads(token)
    except orjson.JSONDecodeError:
        return None
    return value if is_valid_id(value) else None


def dumps(message: Any) -> bytes:
    return orjson.dumps(message)
