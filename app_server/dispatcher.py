"""Dispatcher: one incoming message -> registry lookup, validation, handler, exactly one response.

Requests of one connection are handled in order (a client may send thread/start and
turn/start back to back); handlers marked detached run on their own so a long wait does not
hold up the rest. Nothing a client sends can crash the server or affect another connection.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import time
from typing import Any

import orjson

from app_server import jsonrpc
from app_server.connection import Connection
from app_server.handlers import DEFERRED, PLAIN_PARAMS_MODULES, RequestContext, lookup, lookup_plain
from app_server.jsonrpc import JsonRpcError, RequestId
from app_server.startup_policy import StartupPolicy
from app_server.state import ServerState

log = logging.getLogger("codex.app_server")

MAX_PENDING_REQUESTS = 512  # per connection; past this, requests get -32001 "Server overloaded"
_MISSING = object()


class Dispatcher:
    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._inboxes: dict[int, asyncio.Queue[tuple[RequestId, str, Any]]] = {}
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._detached: set[asyncio.Task[None]] = set()
        self._in_flight = 0  # requests received and not yet answered (detached ones included)
        self._inbox_room: dict[int, asyncio.Event] = {}  # set when a full inbox has drained
        self.startup = StartupPolicy(self.busy, state.any_thread_loaded)

    def _request_done(self) -> None:
        self._in_flight -= 1
        self.startup.request_done()

    def busy(self) -> bool:
        """A request is being handled or a turn is running (read from the warm-up thread)."""
        return self._in_flight > 0 or self.state.any_turn_running()

    def start_warm_up(self) -> None:
        self.startup.start()

    # -- connection lifecycle ----------------------------------------------------------------
    def open(self, connection: Connection, *, reject_when_full: bool = True) -> None:
        """Start serving `connection`. Past MAX_PENDING_REQUESTS waiting requests, a websocket
        client's further requests are refused with -32001 (as the reference does); a stdio client
        (`reject_when_full=False`) is not read any further until they drain (`wait_for_inbox_room`),
        so nothing it sends is refused."""
        self.state.add_connection(connection)
        inbox: asyncio.Queue[tuple[RequestId, str, Any]] = asyncio.Queue(
            MAX_PENDING_REQUESTS if reject_when_full else 0
        )
        self._inboxes[connection.id] = inbox
        self._workers[connection.id] = asyncio.create_task(self._work(connection, inbox))

    async def wait_for_inbox_room(self, connection: Connection) -> None:
        """Return once the connection's waiting requests are under half the bound (or it closed)."""
        inbox = self._inboxes.get(connection.id)
        while inbox is not None and inbox.qsize() >= MAX_PENDING_REQUESTS:
            room = self._inbox_room.setdefault(connection.id, asyncio.Event())
            room.clear()
            await room.wait()
            inbox = self._inboxes.get(connection.id)

    async def close(self, connection: Connection) -> None:
        self.state.remove_connection(connection)
        self._inboxes.pop(connection.id, None)
        room = self._inbox_room.pop(connection.id, None)
        if room is not None:
            room.set()  # a reader waiting for room stops waiting: the connection is gone
        worker = self._workers.pop(connection.id, None)
        if worker is not None:
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    async def drain(self, connection: Connection) -> None:
        """Wait until every request already received on this connection has been answered."""
        inbox = self._inboxes.get(connection.id)
        if inbox is not None:
            await inbox.join()

    # -- incoming ----------------------------------------------------------------------------
    def on_message(self, connection: Connection, raw: bytes | str) -> None:
        try:
            message = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            # No answer: an id read out of a line that is not JSON would be a guess (the
            # reference drops such lines too, and its clients cannot parse `"id": null`).
            self._reject(connection, None, f"not JSON: {exc}")
            return
        if not isinstance(message, dict):
            self._reject(
                connection, None, f"Invalid request: expected a JSON object, got {type(message).__name__}"
            )
            return
        request_id = message.get("id", _MISSING)
        method = message.get("method", _MISSING)
        if method is _MISSING:
            if request_id is not _MISSING and ("result" in message or "error" in message):
                self.state.server_requests.resolve(connection, message)
                return
            self._reject(
                connection,
                request_id if jsonrpc.is_valid_id(request_id) else None,
                "Invalid request: missing field `method`",
            )
            return
        if not isinstance(method, str):
            self._reject(
                connection,
                request_id if jsonrpc.is_valid_id(request_id) else None,
                f"Invalid request: invalid type for `method`: expected a string, got {_json_type(method)}",
            )
            return
        if request_id is _MISSING:
            self._on_notification(connection, method, message.get("params"))
            return
        if not jsonrpc.is_valid_id(request_id):
            log.warning(
                "%s: dropped request %s: its id is neither a string nor a 64-bit integer",
                connection.label,
                clip(method),
            )
            return
        inbox = self._inboxes.get(connection.id)
        if inbox is None:
            return
        try:
            inbox.put_nowait((request_id, method, message.get("params", _MISSING)))
        except asyncio.QueueFull:
            connection.send(
                jsonrpc.error_message(request_id, jsonrpc.SERVER_OVERLOADED, jsonrpc.OVERLOADED_MESSAGE)
            )

    def _reject(self, connection: Connection, request_id: RequestId | None, message: str) -> None:
        if request_id is None:
            log.warning(
                "%s: dropped a message that is not a valid request: %s", connection.label, message[:300]
            )
            return
        connection.send(jsonrpc.error_message(request_id, jsonrpc.INVALID_REQUEST, message))

    def _on_notification(self, connection: Connection, method: str, params: Any) -> None:
        if method == "initialized":
            return  # requests already work after `initialize`; nothing more to do
        log.debug("%s: ignoring notification %s", connection.label, clip(method))

    # -- requests ----------------------------------------------------------------------------
    async def _work(self, connection: Connection, inbox: asyncio.Queue[tuple[RequestId, str, Any]]) -> None:
        while True:
            request_id, method, params = await inbox.get()
            room = self._inbox_room.get(connection.id)
            if room is not None and inbox.qsize() < MAX_PENDING_REQUESTS // 2:
                room.set()
            if connection.queue.full():
                # The client is not reading its answers: its next request waits until it has
                # read them down, so a client that only sends costs no work and no memory.
                await connection.queue.wait_for_room()
            self._in_flight += 1
            started = time.monotonic()
            try:
                await self._handle(connection, request_id, method, params, started)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a bug in one handler must not take the connection down
                log_failure(connection.label, method, exc)
                self._reply(
                    connection,
                    method,
                    started,
                    jsonrpc.error_message(request_id, jsonrpc.INTERNAL_ERROR, f"internal error in {method}"),
                )
            finally:
                self._request_done()
                inbox.task_done()

    async def _handle(
        self, connection: Connection, request_id: RequestId, method: str, raw_params: Any, started: float
    ) -> None:
        if connection.initialized and method in PLAIN_PARAMS_MODULES:
            # No warm-up, registry or pydantic for the common shapes of these (an IDE window's
            # first thread/list); any other shape takes the full path below, errors and all.
            entry = lookup_plain(method)
            plain = entry.plain_params(raw_params) if entry is not None and entry.plain_params else None
            if entry is not None and plain is not None:
                context = RequestContext(self.state, connection, request_id, method)
                await self._run(context, entry.fn, plain, started)
                return
        await self.startup.wait_ready()
        from app_server.protocol import registry

        def refuse(text: str) -> None:
            self._reply(
                connection, method, started, jsonrpc.error_message(request_id, jsonrpc.INVALID_REQUEST, text)
            )

        spec = registry.client_request(method)
        if spec is None:
            refuse(registry.unknown_method_message(method))
            return
        parsed = parse_params(spec, raw_params)
        if isinstance(parsed, ParamsProblem):
            refuse(parsed.message)
            return
        if method == "initialize":
            if connection.initialized:
                refuse("Already initialized")
                return
        elif not connection.initialized:
            refuse("Not initialized")
            return
        problem = (
            (None if connection.experimental_api else experimental_gate(spec, parsed))
            or check_thread_id(spec, parsed)
            or unusable_path(raw_params)
        )
        if problem is not None:
            refuse(problem)
            return
        entry = lookup(method)
        if entry is None:
            refuse(f"`{method}` is not available in this version of pycodex yet")
            return
        context = RequestContext(self.state, connection, request_id, method)
        if entry.detached:
            task = asyncio.create_task(self._run(context, entry.fn, parsed, started))
            self._detached.add(task)
            self._in_flight += 1
            task.add_done_callback(self._detached_done)
        else:
            await self._run(context, entry.fn, parsed, started)

    def _detached_done(self, task: asyncio.Task[None]) -> None:
        self._detached.discard(task)
        self._request_done()

    async def _run(self, context: RequestContext, fn: Any, params: Any, started: float) -> None:
        connection, request_id, method = context.connection, context.request_id, context.method

        def answer(message: dict[str, Any]) -> None:
            self._reply(connection, method, started, message)

        try:
            result = await fn(context, params)
        except JsonRpcError as exc:
            answer(jsonrpc.error_message(request_id, exc.code, exc.message, exc.data))
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if isinstance(exc, OSError) and exc.errno == errno.ENAMETOOLONG:
                # A client's path, past what the fields checked up front allow.
                log.debug("%s: %s: %s", connection.label, method, exc)
                where = f": {str(exc.filename)[:200]}" if exc.filename else ""
                answer(
                    jsonrpc.error_message(
                        request_id, jsonrpc.INVALID_REQUEST, f"Invalid request: a path is too long{where}"
                    )
                )
                return
            log_failure(connection.label, method, exc)
            answer(jsonrpc.error_message(request_id, jsonrpc.INTERNAL_ERROR, f"{method} failed: {exc}"))
            return
        if result is DEFERRED:
            if log.isEnabledFor(logging.DEBUG):
                log.debug(
                    "%s: %s (id %s) returned in %.1f ms; the handler answers later",
                    connection.label,
                    method,
                    _show_id(request_id),
                    (time.monotonic() - started) * 1000,
                )
            return
        answer(jsonrpc.result_message(request_id, to_wire(result)))
        for callback in context.after:
            callback()

    def _reply(self, connection: Connection, method: str, started: float, message: dict[str, Any]) -> None:
        """Send a request's answer; at debug level, log the method, id, outcome and duration
        (never params or results: they may hold secrets)."""
        connection.send(message)
        if log.isEnabledFor(logging.DEBUG):
            error = message.get("error")
            outcome = (
                "ok" if error is None else f"error {error.get('code')}: {clip(error.get('message'), 200)}"
            )
            log.debug(
                "%s: %s (id %s) %s in %.1f ms",
                connection.label,
                clip(method),
                _show_id(message.get("id")),
                outcome,
                (time.monotonic() - started) * 1000,
            )


def log_failure(label: str, method: str, exc: BaseException) -> None:
    """A request that failed inside the server: one error line; the traceback only at debug level
    (`RUST_LOG=debug`), so that what a client sends never fills stderr with tracebacks."""
    log.error("%s: %s failed: %s: %s", label, method, type(exc).__name__, str(exc)[:500])
    log.debug("%s: %s traceback", label, method, exc_info=exc)


def _show_id(request_id: Any) -> str:
    return clip(repr(request_id), 40)


def clip(text: Any, limit: int = 100) -> str:
    """Client-chosen text for a log line: one line, printable, short."""
    shown = str(text).encode("unicode_escape", "backslashreplace").decode("ascii")
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


class ParamsProblem:
    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def parse_params(spec: Any, raw_params: Any) -> Any:
    """Typed params, or a ParamsProblem carrying the reference's message."""
    from app_server.protocol import validation

    outcome = validation.parse_params(spec, validation.MISSING if raw_params is _MISSING else raw_params)
    if isinstance(outcome, validation.ParamsError):
        return ParamsProblem(outcome.wire_message)
    return outcome


def experimental_gate(spec: Any, params: Any) -> str | None:
    from app_server.protocol import validation

    usage = validation.experimental_usage(spec, params)
    return None if usage is None else f"{usage} requires experimentalApi capability"


def check_thread_id(spec: Any, params: Any) -> str | None:
    """Every v2 `threadId` is a UUID: a malformed one is refused before any handler sees it, and
    any other form of one (braced, `urn:uuid:`, simple, upper case) reaches the handler in the
    canonical form, as the reference's parsed id prints in its answers."""
    thread_id = getattr(params, "thread_id", None)
    if spec.version != "v2" or not isinstance(thread_id, str):
        return None
    from codex_core.ids import InvalidId, parse_thread_id

    try:
        canonical = parse_thread_id(thread_id)
    except InvalidId as exc:
        return str(exc)
    if canonical != thread_id:
        object.__setattr__(params, "thread_id", canonical)
    return None


# Params that name files or folders (cwd, rollout paths, roots), by their wire name.
PATH_FIELDS = frozenset(
    {
        "cwd",
        "cwds",
        "path",
        "rolloutPath",
        "roots",
        "writableRoots",
        "writable_roots",
        "readableRoots",
        "readable_roots",
        "extraUserRoots",
        "filePath",
        "working_directory",
    }
)
NAME_MAX = 255  # bytes in one path component (Linux, macOS)
PATH_MAX = 4096  # bytes in a whole path, its terminating NUL included


def unusable_path(raw_params: Any, depth: int = 0, where: str = "") -> str | None:
    """The message for a path param the operating system would refuse outright (a component over
    255 bytes, a path over 4095, a NUL byte), naming the field; None when every path is usable.

    Checked before any handler runs, so such a path is a -32600 naming the field instead of an
    OSError deep in a handler ("File name too long", "embedded null byte").
    """
    if depth > 6:
        return None
    if isinstance(raw_params, dict):
        for key, value in raw_params.items():
            field = f"{where}.{key}" if where else str(key)
            if key in PATH_FIELDS:
                problem = _path_value_problem(value, field)
                if problem is not None:
                    return problem
            if isinstance(value, dict | list):
                problem = unusable_path(value, depth + 1, field)
                if problem is not None:
                    return problem
    elif isinstance(raw_params, list):
        for index, value in enumerate(raw_params[:1000]):
            if isinstance(value, dict):
                problem = unusable_path(value, depth + 1, f"{where}[{index}]")
                if problem is not None:
                    return problem
    return None


def _path_value_problem(value: Any, field: str) -> str | None:
    if isinstance(value, list):
        for index, item in enumerate(value[:1000]):
            problem = _path_value_problem(item, f"{field}[{index}]") if isinstance(item, str) else None
            if problem is not None:
                return problem
        return None
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return f"Invalid request: `{field}` is not a usable path: it contains a NUL byte"
    encoded = value.encode("utf-8", "surrogatepass")
    if len(encoded) >= PATH_MAX:
        return f"Invalid request: `{field}` is not a usable path: longer than {PATH_MAX - 1} bytes"
    if any(len(part) > NAME_MAX for part in encoded.split(b"/")):
        return f"Invalid request: `{field}` is not a usable path: a component is longer than {NAME_MAX} bytes"
    return None


def to_wire(result: Any) -> Any:
    if result is None or isinstance(result, dict | list | str | int | float | bool):
        return result
    from app_server.protocol import serialize

    return serialize.jsonable(result)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "an array"
    return "an object"
