"""The start path of `codex mcp-server`: the handshake answered before the MCP SDK is loaded.

Importing the SDK costs most of a second (`mcp_types` alone ~0.2 s), the reference answers
`initialize` in ~25 ms. So the process first reads stdin itself, with the standard library
only, while a thread imports the SDK and the core:

- an `initialize` of the ordinary shape (see `_plain_initialize`) is answered here, with the
  bytes the SDK path writes for it; the same request, under a private id, is handed to the SDK
  once it is loaded, so its connection state (client capabilities, protocol version, the user
  agent the runner records) is what it would have been, and its answer is dropped;
- `tools/list` without params, after such an `initialize`, is answered here (the tool list is
  static and, for every protocol version the SDK accepts, dumped the same);
- every other line waits, in order, for the SDK, which then serves the rest of the session.

Anything off the ordinary shape goes to the SDK untouched, so the wire stays what the SDK
writes. `tests/integration/test_mcp_server_light.py` holds these answers against the SDK's own.
Lines are split and decoded as the SDK's stdio transport does (UTF-8 with replacement,
universal newlines), so the same text reaches it either way.
"""

from __future__ import annotations

import codecs
import io
import json

TYPE_CHECKING = False  # as typing's; importing typing costs ~10 ms of the handshake

if TYPE_CHECKING:  # annotations only: typing's own import is most of this module's cost
    from collections.abc import Callable
    from typing import Any

# The id under which a light-answered `initialize` is replayed to the SDK; its answer is dropped.
REPLAY_ID = "codex-mcp-server/light-initialize"

_I64 = (-(2**63), 2**63 - 1)
_CAPABILITY_KEYS = frozenset({"roots", "sampling", "elicitation", "experimental"})
_CLIENT_INFO_KEYS = frozenset({"name", "version", "title"})
_ENVELOPE_KEYS = frozenset({"jsonrpc", "id", "method", "params"})


class LineDecoder:
    """Bytes in, lines out, as `TextIOWrapper(encoding="utf-8", errors="replace")` iterates them."""

    def __init__(self) -> None:
        raw = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._decoder = io.IncrementalNewlineDecoder(raw, translate=True)
        self._partial = ""

    def feed(self, data: bytes) -> list[str]:
        text = self._partial + self._decoder.decode(data)
        *lines, self._partial = text.split("\n")
        return [line + "\n" for line in lines]

    def finish(self) -> list[str]:
        """The lines left at end of input (a last line without its newline comes out as it is)."""
        text = self._partial + self._decoder.decode(b"", final=True)
        self._partial = ""
        *lines, last = text.split("\n")
        out = [line + "\n" for line in lines]
        if last:
            out.append(last)
        return out


def _reject_constant(name: str) -> Any:
    raise ValueError(name)  # NaN / Infinity: not JSON to the SDK, so not ours to answer


def _parse(line: str) -> dict[str, Any] | None:
    try:
        message = json.loads(line, parse_constant=_reject_constant)
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


def _plain_id(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return _I64[0] <= value <= _I64[1]
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate from a \ud800 escape
            return False
        return value != REPLAY_ID
    return False


def _plain_request(message: dict[str, Any], method: str) -> bool:
    return (
        message.keys() <= _ENVELOPE_KEYS
        and message.get("jsonrpc") == "2.0"
        and message.get("method") == method
        and "id" in message
        and _plain_id(message["id"])
    )


def _plain_capabilities(capabilities: Any) -> bool:
    """Capabilities the SDK surely accepts: known keys, objects all the way down to the
    second level, `listChanged` a boolean."""
    if not isinstance(capabilities, dict) or not capabilities.keys() <= _CAPABILITY_KEYS:
        return False
    for value in capabilities.values():
        if not isinstance(value, dict):
            return False
        for key, inner in value.items():
            if key == "listChanged":
                if not isinstance(inner, bool):
                    return False
            elif not isinstance(inner, dict):
                return False
    return True


def _plain_initialize(message: dict[str, Any]) -> dict[str, Any] | None:
    """The params of an `initialize` whose SDK answer is known, or None."""
    if not _plain_request(message, "initialize"):
        return None
    params = message.get("params")
    if not isinstance(params, dict) or params.keys() != {"protocolVersion", "capabilities", "clientInfo"}:
        return None
    version = params["protocolVersion"]
    if not isinstance(version, str) or not version or not _plain_id(version):
        return None
    info = params["clientInfo"]
    if not isinstance(info, dict) or not {"name", "version"} <= info.keys() <= _CLIENT_INFO_KEYS:
        return None
    if not all(isinstance(v, str) and _plain_id(v) for v in info.values()):
        return None
    if not _plain_capabilities(params["capabilities"]):
        return None
    return params


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def initialize_answer(request_id: Any, protocol_version: str, user_agent: str, server_version: str) -> bytes:
    """The SDK path's `initialize` answer (the `_InitializeShape` middleware's result)."""
    from mcp_server.tool_specs import SERVER_NAME, SERVER_TITLE

    result = {
        "capabilities": {"tools": {"listChanged": True}},
        "protocolVersion": protocol_version,
        "serverInfo": {
            "name": SERVER_NAME,
            "title": SERVER_TITLE,
            "version": server_version,
            "user_agent": user_agent,
        },
    }
    return f'{{"jsonrpc":"2.0","id":{_dump(request_id)},"result":{_dump(result)}}}\n'.encode()


def _tool_wire(spec: dict[str, Any]) -> dict[str, Any]:
    """A tool as the SDK's result sieve dumps it: the tool's keys and each schema's top-level
    keys sorted, the rest of a schema as given."""
    wire = {key: spec[key] for key in sorted(spec)}
    for key in ("inputSchema", "outputSchema"):
        if isinstance(wire.get(key), dict):
            wire[key] = {name: wire[key][name] for name in sorted(wire[key])}
    return wire


def tools_list_answer(request_id: Any) -> bytes:
    from mcp_server.tool_specs import tool_definitions

    result = {"tools": [_tool_wire(spec) for spec in tool_definitions()]}
    return f'{{"jsonrpc":"2.0","id":{_dump(request_id)},"result":{_dump(result)}}}\n'.encode()


class LightFront:
    """Decides, line by line, what is answered before the SDK is loaded and what waits for it."""

    def __init__(self, user_agent: Callable[[str | None, str | None], str], server_version: str) -> None:
        self._user_agent = user_agent
        self._server_version = server_version
        self.forward: list[str] = []  # lines for the SDK, in order
        self.answered_initialize = False
        self._seen_initialize = False
        self.forwarded_requests = 0

    def handle(self, line: str) -> bytes | None:
        """The answer to write at once, or None when the line was kept for the SDK."""
        message = _parse(line)
        answer: bytes | None = None
        if message is not None and message.get("method") == "initialize" and not self._seen_initialize:
            self._seen_initialize = True
            params = _plain_initialize(message)
            if params is not None:
                info = params["clientInfo"]
                agent = self._user_agent(info["name"], info["version"])
                answer = initialize_answer(
                    message["id"], params["protocolVersion"], agent, self._server_version
                )
                self.answered_initialize = True
                self.forward.append(_dump({**message, "id": REPLAY_ID}) + "\n")
                return answer
        elif (
            message is not None
            and self.answered_initialize
            and _plain_request(message, "tools/list")
            and message.get("params", {}) == {}
        ):
            return tools_list_answer(message["id"])
        if message is None or "id" in message:
            self.forwarded_requests += 1  # (unparsable lines too: the SDK may answer them)
        self.forward.append(line)
        return None

    def needs_sdk(self) -> bool:
        """Whether something read so far still waits for an answer only the SDK can give."""
        return self.forwarded_requests > 0
