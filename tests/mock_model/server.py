"""A scriptable mock of the OpenAI Responses and Chat Completions APIs (stdlib only).

Tests queue one scripted reply per expected request; the server records every request.

    with MockModelServer() as server:
        server.enqueue(sse(message_response("hi")))
        ... point a client / a `codex app-server` config at server.url ...
        server.wait_for_requests(1)

Routes (any prefix): ``POST …/responses``, ``POST …/chat/completions`` (both pop the queue),
``GET …/models`` (an empty list).  With an empty queue the server answers a short message,
or, in strict mode, HTTP 500 (and counts it in ``unexpected``).
"""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_USAGE: dict[str, Any] = {
    "input_tokens": 11,
    "input_tokens_details": {"cached_tokens": 0},
    "output_tokens": 7,
    "output_tokens_details": {"reasoning_tokens": 0},
    "total_tokens": 18,
}


# ---- replies ---------------------------------------------------------------------------------


@dataclass
class SseReply:
    """A 200 SSE body.  ``events`` are dicts with ``type`` (Responses) or chat chunks / "[DONE]"."""

    events: list[Event]
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # pause before each event after the first
    # After the events: hold the connection open until released or the client goes away.
    stall: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    then: list[Event] = field(default_factory=list)  # sent once a stall is released


@dataclass
class HttpError:
    status: int
    body: dict[str, Any] | str
    headers: dict[str, str] = field(default_factory=dict)


Reply = SseReply | HttpError
Event = dict[str, Any] | str  # a Responses event / chat chunk, or chat's literal "[DONE]"


def sse(events: Sequence[Event], *, headers: dict[str, str] | None = None) -> SseReply:
    return SseReply(list(events), dict(headers or {}))


def stall(after_events: Sequence[Event] | None = None, then: Sequence[Event] = ()) -> SseReply:
    """Send ``after_events`` then hang; ``reply.release.set()`` sends ``then`` and ends the body."""
    return SseReply(list(after_events or []), stall=True, then=list(then))


def slow(events: Sequence[Event], delay_s: float) -> SseReply:
    return SseReply(list(events), delay_s=delay_s)


def http_error(
    status: int, body: dict[str, Any] | str | None = None, headers: dict[str, str] | None = None
) -> HttpError:
    if body is None:
        body = {"error": {"message": f"mock error {status}", "type": "server_error"}}
    return HttpError(status, body, dict(headers or {}))


# ---- Responses API event builders --------------------------------------------------------------


def _split(text: str, parts: int) -> list[str]:
    parts = max(1, min(parts, len(text) or 1))
    size = -(-len(text) // parts) if text else 0
    return [text[i : i + size] for i in range(0, len(text), size)] if text else [""]


def _created(response_id: str) -> dict[str, Any]:
    return {"type": "response.created", "response": {"id": response_id}}


def _completed(response_id: str, usage: dict[str, Any] | None) -> dict[str, Any]:
    response: dict[str, Any] = {"id": response_id}
    if usage is not None:
        response["usage"] = usage
    return {"type": "response.completed", "response": response}


def _message_events(text: str, item_id: str, deltas: int, index: int) -> list[dict[str, Any]]:
    item = {"type": "message", "id": item_id, "role": "assistant", "status": "in_progress", "content": []}
    events: list[dict[str, Any]] = [
        {"type": "response.output_item.added", "output_index": index, "item": item}
    ]
    for piece in _split(text, deltas):
        events.append(
            {
                "type": "response.output_text.delta",
                "item_id": item_id,
                "output_index": index,
                "content_index": 0,
                "delta": piece,
            }
        )
    done = dict(item, status="completed", content=[{"type": "output_text", "text": text, "annotations": []}])
    events.append({"type": "response.output_item.done", "output_index": index, "item": done})
    return events


def message_response(
    text: str = "Hello from the mock model.",
    *,
    item_id: str = "msg_1",
    deltas: int = 5,
    usage: dict[str, Any] | None = DEFAULT_USAGE,
    response_id: str = "resp_1",
) -> list[dict[str, Any]]:
    return [_created(response_id), *_message_events(text, item_id, deltas, 0), _completed(response_id, usage)]


def reasoning_then_message(
    summary: str = "Thinking about it.",
    text: str = "Done thinking.",
    *,
    reasoning_id: str = "rs_1",
    item_id: str = "msg_1",
    summary_deltas: int = 3,
    raw_content: str | None = None,
    usage: dict[str, Any] | None = DEFAULT_USAGE,
    response_id: str = "resp_1",
) -> list[dict[str, Any]]:
    item = {"type": "reasoning", "id": reasoning_id, "summary": []}
    events: list[dict[str, Any]] = [
        _created(response_id),
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {
            "type": "response.reasoning_summary_part.added",
            "item_id": reasoning_id,
            "output_index": 0,
            "summary_index": 0,
            "part": {"type": "summary_text", "text": ""},
        },
    ]
    for piece in _split(summary, summary_deltas):
        events.append(
            {
                "type": "response.reasoning_summary_text.delta",
                "item_id": reasoning_id,
                "output_index": 0,
                "summary_index": 0,
                "delta": piece,
            }
        )
    if raw_content is not None:
        events.append(
            {
                "type": "response.reasoning_text.delta",
                "item_id": reasoning_id,
                "output_index": 0,
                "content_index": 0,
                "delta": raw_content,
            }
        )
    done = dict(item, summary=[{"type": "summary_text", "text": summary}], encrypted_content="enc-mock")
    events.append({"type": "response.output_item.done", "output_index": 0, "item": done})
    events += _message_events(text, item_id, 2, 1)
    events.append(_completed(response_id, usage))
    return events


def _single_item(
    item: dict[str, Any], usage: dict[str, Any] | None, response_id: str
) -> list[dict[str, Any]]:
    return [
        _created(response_id),
        {"type": "response.output_item.added", "output_index": 0, "item": item},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        _completed(response_id, usage),
    ]


def function_call_response(
    name: str,
    arguments: str | dict[str, Any],
    call_id: str = "call_1",
    *,
    item_id: str = "fc_1",
    usage: dict[str, Any] | None = DEFAULT_USAGE,
    response_id: str = "resp_1",
) -> list[dict[str, Any]]:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    item = {
        "type": "function_call",
        "id": item_id,
        "call_id": call_id,
        "name": name,
        "arguments": args,
        "status": "completed",
    }
    return _single_item(item, usage, response_id)


def custom_tool_call_response(
    name: str,
    input: str,
    call_id: str = "call_1",
    *,
    item_id: str = "ctc_1",
    usage: dict[str, Any] | None = DEFAULT_USAGE,
    response_id: str = "resp_1",
) -> list[dict[str, Any]]:
    item = {
        "type": "custom_tool_call",
        "id": item_id,
        "call_id": call_id,
        "name": name,
        "input": input,
        "status": "completed",
    }
    return _single_item(item, usage, response_id)


def response_failed(
    code: str, message: str = "failed", *, response_id: str = "resp_1"
) -> list[dict[str, Any]]:
    return [
        _created(response_id),
        {
            "type": "response.failed",
            "response": {"id": response_id, "error": {"code": code, "message": message}},
        },
    ]


# ---- Chat Completions chunk builders -----------------------------------------------------------


def _chat_chunk(chunk_id: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": chunk_id,
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _chat_usage(chunk_id: str, usage: dict[str, Any]) -> dict[str, Any]:
    return {"id": chunk_id, "object": "chat.completion.chunk", "choices": [], "usage": usage}


CHAT_USAGE: dict[str, Any] = {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}


def chat_text_response(
    text: str = "Hello from chat.",
    *,
    deltas: int = 3,
    usage: dict[str, Any] | None = CHAT_USAGE,
    chunk_id: str = "chatcmpl-1",
) -> list[Event]:
    events: list[Event] = [_chat_chunk(chunk_id, {"role": "assistant", "content": ""})]
    events += [_chat_chunk(chunk_id, {"content": piece}) for piece in _split(text, deltas)]
    events.append(_chat_chunk(chunk_id, {}, "stop"))
    if usage is not None:
        events.append(_chat_usage(chunk_id, usage))
    events.append("[DONE]")
    return events


def chat_tool_call_response(
    name: str,
    arguments: str | dict[str, Any],
    call_id: str = "call_1",
    *,
    usage: dict[str, Any] | None = CHAT_USAGE,
    chunk_id: str = "chatcmpl-1",
) -> list[Event]:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments)
    half = len(args) // 2
    first = {
        "index": 0,
        "id": call_id,
        "type": "function",
        "function": {"name": name, "arguments": args[:half]},
    }
    events: list[Event] = [
        _chat_chunk(chunk_id, {"role": "assistant", "tool_calls": [first]}),
        _chat_chunk(chunk_id, {"tool_calls": [{"index": 0, "function": {"arguments": args[half:]}}]}),
        _chat_chunk(chunk_id, {}, "tool_calls"),
    ]
    if usage is not None:
        events.append(_chat_usage(chunk_id, usage))
    events.append("[DONE]")
    return events


# ---- the server --------------------------------------------------------------------------------


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON (None when absent or not JSON)


class MockModelServer:
    def __init__(
        self,
        *,
        strict: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        responder: Callable[[RecordedRequest], Reply | None] | None = None,
    ) -> None:
        self.strict = strict
        # Answers a request the queue has nothing for (a marker-driven mock, say).
        self.responder = responder
        self.requests: list[RecordedRequest] = []
        self.unexpected = 0  # requests that found the queue empty
        self.disconnects = 0  # streams the client closed before we finished
        self._queue: deque[Reply] = deque()
        self._cond = threading.Condition()
        self._httpd = ThreadingHTTPServer((host, port), self._handler_class())
        self._httpd.daemon_threads = True
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://{host}:{self.port}/v1"
        # A short poll interval keeps stop() (and so every test teardown) fast.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="mock-model", daemon=True
        )
        self._stalled: list[SseReply] = []

    # lifecycle
    def start(self) -> MockModelServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        for reply in self._stalled:
            reply.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> MockModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # scripting
    def enqueue(self, *replies: Reply | Sequence[Event]) -> None:
        """Queue replies; a bare event list is shorthand for ``sse(events)``."""
        with self._cond:
            for reply in replies:
                self._queue.append(reply if isinstance(reply, SseReply | HttpError) else sse(reply))

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> list[RecordedRequest]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.requests) >= n, timeout):
                raise TimeoutError(f"expected {n} requests, got {len(self.requests)}")
            return list(self.requests)

    def wait_for_disconnects(self, n: int = 1, timeout: float = 5.0) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.disconnects >= n, timeout)

    def _record(self, request: RecordedRequest) -> Reply | None:
        with self._cond:
            self.requests.append(request)
            reply = self._queue.popleft() if self._queue else None
            if reply is None and self.responder is not None and request.method == "POST":
                reply = self.responder(request)
            if reply is None:
                self.unexpected += 1
            self._cond.notify_all()
            return reply

    def _disconnected(self) -> None:
        with self._cond:
            self.disconnects += 1
            self._cond.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._record(RecordedRequest("GET", self.path, self._headers(), None))
                if self.path.split("?")[0].endswith("/models"):
                    self._json(200, {"object": "list", "data": [], "models": []})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = None
                route = self.path.split("?")[0]
                if not route.endswith(("/responses", "/chat/completions")):
                    self._json(404, {"error": {"message": "not found"}})
                    return
                reply = server._record(RecordedRequest("POST", self.path, self._headers(), body))
                if reply is None:
                    if server.strict:
                        self._json(
                            500, {"error": {"message": "mock: no scripted reply", "type": "server_error"}}
                        )
                        return
                    chat = route.endswith("/chat/completions")
                    reply = sse(chat_text_response() if chat else message_response())
                if isinstance(reply, HttpError):
                    self._json(reply.status, reply.body, reply.headers)
                else:
                    self._stream(reply)

            def _headers(self) -> dict[str, str]:
                return {k.lower(): v for k, v in self.headers.items()}

            def _stream(self, reply: SseReply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Transfer-Encoding", "chunked")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    for n, event in enumerate(reply.events):
                        if n and reply.delay_s:
                            time.sleep(reply.delay_s)
                        self._chunk(_encode(event))
                    if reply.stall:
                        server._stalled.append(reply)
                        if self._hold(reply.release):
                            return
                        for event in reply.then:
                            self._chunk(_encode(event))
                    self._chunk(b"")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                    server._disconnected()

            def _hold(self, release: threading.Event) -> bool:
                """Wait for the release or the client's disconnect (True = client went away)."""
                sock = self.connection
                while not release.is_set():
                    readable, _, _ = select.select([sock], [], [], 0.02)
                    if readable:
                        try:
                            gone = sock.recv(1, socket.MSG_PEEK) == b""
                        except OSError:
                            gone = True
                        if gone:
                            self.close_connection = True
                            server._disconnected()
                            return True
                return False

            def _chunk(self, data: bytes) -> None:
                self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = payload.encode() if isinstance(payload, str) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _encode(event: Event) -> bytes:
    if isinstance(event, str):  # chat's literal terminator
        return f"data: {event}\n\n".encode()
    kind = event.get("type")
    data = json.dumps(event)
    return (f"event: {kind}\ndata: {data}\n\n" if kind else f"data: {data}\n\n").encode()
