"""Fast wire serialization helpers (orjson + pydantic-core's JSON serializer).

Models serialize by alias with the reference's omission rules: fields typed `Opt`/`OptN`
are dropped when None, every other nullable field is written as null.
"""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import BaseModel

from .validation import adapter


def dump(value: Any) -> bytes:
    """JSON bytes of a model (or plain JSON data)."""
    if isinstance(value, BaseModel):
        return value.__pydantic_serializer__.to_json(value)
    return orjson.dumps(value)


def jsonable(value: Any) -> Any:
    """Plain JSON data (dicts/lists/...) of a model or a list of models."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value


def dump_as(tp: Any, value: Any) -> bytes:
    """JSON bytes of a value of a named alias type (e.g. a tagged union)."""
    return adapter(tp).dump_json(value)


def _frag(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return orjson.Fragment(value.__pydantic_serializer__.to_json(value))
    return value


def notification(method: str, params: Any = None) -> bytes:
    if params is None:
        return orjson.dumps({"method": method})
    return orjson.dumps({"method": method, "params": _frag(params)})


def request(request_id: str | int, method: str, params: Any = None) -> bytes:
    msg: dict[str, Any] = {"id": request_id, "method": method}
    if params is not None:
        msg["params"] = _frag(params)
    return orjson.dumps(msg)


def response(request_id: str | int, result: Any) -> bytes:
    return orjson.dumps({"id": request_id, "result": _frag(result)})


def error(request_id: str | int | None, code: int, message: str, data: Any = None) -> bytes:
    err: dict[str, Any] = {"code": code, "message": message}
    if data is not None:
        err["data"] = data
    return orjson.dumps({"error": err, "id": request_id})
