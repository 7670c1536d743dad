"""Server-sent events from raw body chunks, as the WHATWG event-stream format defines them.

Streaming is the hot path of a turn: one decoder working on bytes, fed whole network chunks,
costs a fraction of a line-by-line text pipeline of async generators.
"""

from __future__ import annotations

__all__ = ["SseDecoder", "SseEvent", "is_event_stream"]

SseEvent = tuple[str, str]  # (event type, data)


def is_event_stream(content_type: str | None) -> bool:
    return "text/event-stream" in (content_type or "").partition(";")[0]


class SseDecoder:
    """Feed body chunks in order; get back the complete events they finish."""

    __slots__ = ("_data", "_event", "_partial", "_pending_cr")

    def __init__(self) -> None:
        self._partial = b""  # an unfinished line
        self._pending_cr = False  # the last chunk ended in CR: a LF starting the next one belongs to it
        self._event = ""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[SseEvent]:
        if not chunk:
            return []
        if self._pending_cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._pending_cr = chunk.endswith(b"\r")
        if b"\r" in chunk:
            chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = chunk.split(b"\n")
        if self._partial:
            lines[0] = self._partial + lines[0]
        self._partial = lines.pop()
        events: list[SseEvent] = []
        for line in lines:
            if not line:
                if self._data:
                    data = b"\n".join(self._data).decode("utf-8", "replace")
                    events.append((self._event or "message", data))
                self._event = ""
                self._data = []
                continue
            name, colon, value = line.partition(b":")
            if not name:
                continue  # a comment line (keep-alives)
            if colon and value.startswith(b" "):
                value = value[1:]
            if name == b"data":
                self._data.append(value)
            elif name == b"event":
                self._event = value.decode("utf-8", "replace")
            # `id` and `retry` do not matter for a single response stream.
        return events
