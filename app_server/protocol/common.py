"""JSON-RPC-lite envelopes (no "jsonrpc" member on output) and the request id."""

from typing import Annotated, Union

from ._base import I64, I64Big, JsonValue, Named, Opt, WireModel

RequestId = Annotated[Union[str, I64], Named("RequestId")]  # noqa: UP007


class _Envelope(WireModel):
    wire_ts_file = False


class JSONRPCRequest(_Envelope):
    id: RequestId
    method: str
    params: Opt[JsonValue] = None


class JSONRPCNotification(_Envelope):
    method: str
    params: Opt[JsonValue] = None


class JSONRPCResponse(_Envelope):
    id: RequestId
    result: JsonValue


class JSONRPCErrorError(_Envelope):
    code: I64Big
    message: str
    data: Opt[JsonValue] = None


class JSONRPCError(_Envelope):
    error: JSONRPCErrorError
    id: RequestId


JSONRPCMessage = Annotated[
    Union[JSONRPCRequest, JSONRPCNotification, JSONRPCResponse, JSONRPCError],  # noqa: UP007
    Named("JSONRPCMessage", ts_file=False),
]
