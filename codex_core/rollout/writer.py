"""The one place that writes rollout (conversation history) files.

Lines are serialised on the caller's thread (so their timestamps follow call order) and
handed to a per-file background thread through a queue, so `append` never touches the disk
and never blocks the event loop. The thread writes each line with a single `os.write` on an
`O_APPEND` descriptor: a crash can only ever leave the last line incomplete.

The file is created lazily: nothing exists on disk until the first `append`, which writes
the `session_meta` line first (a thread that never runs a turn leaves no file).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import queue
import threading
import weakref
from collections.abc import Iterable, Mapping
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from .policy import should_persist_event
from .timefmt import format_envelope

log = logging.getLogger("codex.rollout")

# Same permissions as the reference's plain create (0666 before the umask).
_FILE_MODE = 0o666


# Writers with a running thread; flushed at interpreter exit so a forgotten close() loses nothing.
_live: weakref.WeakSet[RolloutWriter] = weakref.WeakSet()


@atexit.register
def _flush_live_writers() -> None:
    for writer in list(_live):
        try:
            writer.flush_sync(timeout=5)
        except Exception as exc:  # exit path: report, never raise
            log.error("could not flush rollout %s at exit: %s", writer.path, exc)


class RolloutWriteError(OSError):
    """Writing the rollout failed; later lines were dropped (see the chained cause)."""


class _Stop:
    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done: Future[None] = Future()


_Item = bytes | Future[None] | _Stop


def encode_line(kind: str, payload: Mapping[str, Any], timestamp: datetime | str | None = None) -> bytes:
    """One rollout line: compact JSON with keys in the order timestamp, type, payload, plus `\\n`."""
    ts = timestamp if isinstance(timestamp, str) else format_envelope(timestamp)
    return orjson.dumps({"timestamp": ts, "type": kind, "payload": payload}) + b"\n"


def _settle(fut: Future[None], error: BaseException | None) -> None:
    # A waiter that was cancelled (its asyncio task went away) has already settled the future.
    if not fut.set_running_or_notify_cancel():
        return
    if error is None:
        fut.set_result(None)
    else:
        fut.set_exception(error)


class RolloutWriter:
    """Appends lines to one rollout file from a background thread.

    `RolloutWriter(path, session_meta)` starts a new thread's file (created on first append);
    `RolloutWriter.append_to_existing(path)` continues an existing file (resume) and never
    writes a `session_meta` line.
    """

    def __init__(self, path: Path, session_meta: Mapping[str, Any] | None, *, resume: bool = False) -> None:
        self._path = Path(path)
        self._session_meta = session_meta
        self._resume = resume
        self._queue: queue.SimpleQueue[_Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._error: BaseException | None = None
        self._lines_written = 0
        self._stop_future: Future[None] | None = None

    @classmethod
    def append_to_existing(cls, path: Path) -> RolloutWriter:
        """A writer that appends to an existing rollout (resume). A last line torn by a crash
        is terminated with a newline before the first new line, so the new line stays intact."""
        if not Path(path).is_file():
            raise FileNotFoundError(f"rollout file not found: {path}")
        return cls(path, None, resume=True)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def materialized(self) -> bool:
        """True once something was appended (the file exists or is about to)."""
        return self._thread is not None

    @property
    def lines_written(self) -> int:
        """Lines the background thread has handed to the OS so far (session_meta included)."""
        return self._lines_written

    @property
    def closed(self) -> bool:
        return self._closed

    # -- appending (any thread; never blocks on I/O) ------------------------------------------

    def append(self, kind: str, payload: Mapping[str, Any]) -> None:
        self.append_many(((kind, payload),))

    def append_many(self, lines: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError(f"rollout writer for {self._path} is closed")
            encoded = [encode_line(kind, payload) for kind, payload in lines]
            if not encoded:
                return
            if self._thread is None:
                if self._session_meta is not None:
                    self._queue.put(encode_line("session_meta", self._session_meta))
                self._thread = threading.Thread(
                    target=self._run, name=f"rollout-writer:{self._path.name}", daemon=True
                )
                self._thread.start()
                _live.add(self)
            for line in encoded:
                self._queue.put(line)

    def record_event(self, msg: Mapping[str, Any]) -> bool:
        """Append an event if the persistence policy keeps it; returns whether it did."""
        if not should_persist_event(msg):
            return False
        self.append("event_msg", msg)
        return True

    # -- waiting -----------------------------------------------------------------------------

    def _barrier(self) -> Future[None] | None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                if self._error is not None:
                    raise RolloutWriteError(f"writing {self._path} failed: {self._error}") from self._error
                return None
            fut: Future[None] = Future()
            self._queue.put(fut)
            return fut

    async def flush(self) -> None:
        """Return once every line appended so far has been written to the OS.

        Raises RolloutWriteError if any write failed. No-op (and no file) before the first append.
        """
        fut = self._barrier()
        if fut is not None:
            await asyncio.wrap_future(fut)

    def flush_sync(self, timeout: float | None = None) -> None:
        """Blocking `flush` for shutdown paths and non-async callers."""
        fut = self._barrier()
        if fut is not None:
            fut.result(timeout)

    def _stop(self) -> Future[None] | None:
        with self._lock:
            if not self._closed:
                self._closed = True
                if self._thread is not None:
                    stop = _Stop()
                    self._stop_future = stop.done
                    self._queue.put(stop)
            return self._stop_future

    async def close(self) -> None:
        """Flush, close the file and end the background thread. Further appends raise."""
        fut = self._stop()
        if fut is not None:
            await asyncio.wrap_future(fut)

    def close_sync(self, timeout: float | None = None) -> None:
        fut = self._stop()
        if fut is not None:
            fut.result(timeout)

    # -- background thread ---------------------------------------------------------------------

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        if self._resume:
            fd = os.open(self._path, flags)
        else:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._path, flags | os.O_CREAT, _FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
                # The previous writer died mid-line: end that line so ours starts clean.
                log.warning("rollout %s ends with a torn line; appending after it", self._path)
                self._write_all(fd, b"\n")
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _write_all(fd: int, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]

    def _run(self) -> None:
        fd: int | None = None
        while True:
            item = self._queue.get()
            if isinstance(item, bytes):
                if self._error is not None:
                    continue
                try:
                    if fd is None:
                        fd = self._open()
                    self._write_all(fd, item)
                    self._lines_written += 1
                except OSError as exc:
                    self._error = exc
                    log.error("rollout write to %s failed; dropping later lines: %s", self._path, exc)
            elif isinstance(item, _Stop):
                close_error: BaseException | None = None
                if fd is not None:
                    try:
                        os.close(fd)
                    except OSError as exc:
                        close_error = exc
                failure = self._error or close_error
                _settle(
                    item.done,
                    None if failure is None else RolloutWriteError(f"writing {self._path} failed: {failure}"),
                )
                return
            else:
                failure = self._error
                _settle(
                    item,
                    None if failure is None else RolloutWriteError(f"writing {self._path} failed: {failure}"),
                )
