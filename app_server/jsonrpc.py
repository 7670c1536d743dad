"""JSON-RPC-lite framing: classify incoming messages and build outgoing ones (no "jsonrpc" field)."""

from __future__ import annotations

import re
from typing import Any

# The reference answers every request-shaped problem with -32600 (not -32601/-32602).
INVALID_REQUEST = -32600
INTERNAL_ERROR = -32603
SERVER_OVERLOADED = -32001

OVERLOADED_MESSAGE = "Server overloaded; retry later."

# An over-long line is never parsed; its id is taken only when it is the object's first member.
_LEADING_ID = re.compile(rb'\A\s*\{\s*"id"\s*:\s*(-?\d{1,19}|"(?:[^"\\]|\\.){0,256}")\s*[,}]')
I64_MIN, I64_MAX = -(2**63), 2**63 - 1

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
    """A RequestId of the protocol: a string, or an integer in i64 range (as the reference's)."""
    if isinstance(value, str):
        return True
    return isinstance(value, int) and not isinstance(value, bool) and I64_MIN <= value <= I64_MAX


def leading_id(raw: bytes) -> RequestId | None:
    """The id of a line too long to parse, when the line opens with it (`{"id": 5, ...`).

    Never a guess from elsewhere in the line: an `"id"` further on may belong to the params.
    """
    match = _LEADING_ID.match(raw[:65536])
    if match is None:
        return None
    token = match.group(1)
    import orjson  # here: a rare path, and this module is on the start path (see fast_start)

    try:
        value = orjson.loads(token)
    except orjson.JSONDecodeError:
        return None
    return value if is_valid_id(value) else None
