"""Splitting a byte stream into JSONL lines, with a cap on line length."""

from __future__ import annotations

from collections.abc import Callable

MAX_LINE_BYTES = 64 * 1024 * 1024  # generous: a data: URL image in a user message can be many MB


class LineSplitter:
    """Feeds complete lines to `on_line`; an over-long line goes to `on_oversize` with its head."""

    def __init__(
        self,
        on_line: Callable[[bytes], None],
        on_oversize: Callable[[bytes], None],
        max_line: int = MAX_LINE_BYTES,
    ) -> None:
        self._buffer = bytearray()
        self._on_line = on_line
        self._on_oversize = on_oversize
        self._max = max_line
        self._discarding: bytes | None = None  # head of the oversized line being skipped

    def feed(self, data: bytes) -> None:
        start = 0
        while start < len(data):
            newline = data.find(b"\n", start)
            end = len(data) if newline == -1 else newline
            chunk = data[start:end]
            if self._discarding is not None:
                if newline != -1:
                    self._on_oversize(self._discarding)
                    self._discarding = None
            elif len(self._buffer) + len(chunk) > self._max:
                self._discarding = bytes((self._buffer + chunk)[:65536])
                self._buffer.clear()
                if newline != -1:
                    self._on_oversize(self._discarding)
                    self._discarding = None
            else:
                self._buffer += chunk
                if newline != -1:
                    self._emit()
            if newline == -1:
                break
            start = newline + 1

    def finish(self) -> None:
        """End of input: a last line without a newline still counts."""
        if self._discarding is not None:
            self._on_oversize(self._discarding)
            self._discarding = None
        elif self._buffer:
            self._emit()

    def _emit(self) -> None:
        line = bytes(self._buffer).strip()
        self._buffer.clear()
        if line:
            self._on_line(line)
