"""JSONL over stdin/stdout. stdout carries protocol lines only; logs go to stderr.

Reading and writing run in threads of their own, so a stdin that is a file, a pipe or a tty
all work the same and a client that stops reading stdout never blocks the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

from app_server import jsonrpc
from app_server.connection import Connection
from app_server.dispatcher import Dispatcher
from app_server.transport.lines import LineSplitter

log = logging.getLogger("codex.app_server")


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _Stdout:
    """Writes to stdout from the event loop when it is a pipe or socket (no thread hop per batch,
    which is most of a delta's latency); other kinds (a file, a tty) go through one worker thread."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        kind = os.fstat(fd).st_mode
        self.direct = stat.S_ISFIFO(kind) or stat.S_ISSOCK(kind)
        self._pool: ThreadPoolExecutor | None = None
        if self.direct:
            os.set_blocking(fd, False)
        else:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stdout")

    async def write(self, data: bytes) -> None:
        loop = asyncio.get_running_loop()
        if self._pool is not None:
            await loop.run_in_executor(self._pool, _write_all, self.fd, data)
            return
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.fd, view) :]
            except BlockingIOError:
                await self._writable(loop)

    async def _writable(self, loop: asyncio.AbstractEventLoop) -> None:
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        loop.add_writer(self.fd, wake)
        try:
            await ready
        finally:
            loop.remove_writer(self.fd)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        elif self.direct:
            with contextlib.suppress(OSError):
                os.set_blocking(self.fd, True)


STDIN_CHUNKS = 16  # chunks of up to 64 KiB read ahead of the dispatcher; then the thread waits


def _read_stdin(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[bytes], fd: int) -> None:
    while True:
        try:
            data = os.read(fd, 1 << 16)
        except OSError:
            data = b""
        # Blocks while the queue is full: input the server is not reading stays in the pipe.
        try:
            handed = asyncio.run_coroutine_threadsafe(queue.put(data), loop)
        except RuntimeError:  # the loop is gone
            return
        while True:
            try:
                handed.result(timeout=1.0)
                break
            except concurrent.futures.TimeoutError:
                if loop.is_closed():
                    return
            except Exception:  # cancelled with the loop
                return
        if not data:
            return


async def serve_stdio(
    dispatcher: Dispatcher,
    connection: Connection,
    stop: asyncio.Event,
    pending_input: bytes = b"",
    in_fd: int = 0,
    out_fd: int = 1,
) -> None:
    loop = asyncio.get_running_loop()
    dispatcher.open(connection, reject_when_full=False)
    stdout = _Stdout(out_fd)

    async def write_loop() -> None:
        while True:
            batch = await connection.queue.next_batch()
            if batch is None:
                return
            try:
                await stdout.write(b"\n".join(batch) + b"\n")
            except OSError as exc:  # the client closed stdout: nobody is listening any more
                log.warning("stdout closed: %s", exc)
                stop.set()
                return

    def on_oversize(head: bytes) -> None:
        request_id = jsonrpc.leading_id(head)
        if request_id is None:
            log.warning("dropped an over-long input line (it does not open with an id)")
            return
        connection.send(
            jsonrpc.error_message(
                request_id, jsonrpc.INVALID_REQUEST, "Invalid request: message is too large"
            )
        )

    splitter = LineSplitter(lambda line: dispatcher.on_message(connection, line), on_oversize)
    writer = asyncio.create_task(write_loop())
    chunks: asyncio.Queue[bytes] = asyncio.Queue(STDIN_CHUNKS)
    threading.Thread(target=_read_stdin, args=(loop, chunks, in_fd), name="stdin", daemon=True).start()
    if pending_input:
        splitter.feed(pending_input)

    async def read_loop() -> None:
        while True:
            data = await chunks.get()
            if not data:
                splitter.finish()
                return
            splitter.feed(data)
            if connection.queue.full():
                # Backpressure: the client is not reading stdout; read no more of its input
                # until it has read its answers down (the pipe then fills and stops it).
                await connection.queue.wait_for_room()
            # Requests arrive faster than they are handled: read on once they have drained.
            await dispatcher.wait_for_inbox_room(connection)

    reader = asyncio.create_task(read_loop())
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({reader, stopper}, return_when=asyncio.FIRST_COMPLETED)
    # EOF or a signal: answer what was already asked, then flush and leave.
    try:
        await asyncio.wait_for(dispatcher.drain(connection), timeout=5)
    except TimeoutError:
        log.warning("shutting down with requests still running")
    await dispatcher.close(connection)
    connection.queue.close()
    try:
        await asyncio.wait_for(writer, timeout=5)
    except TimeoutError:
        log.warning("could not flush stdout before exit")
    for task in (reader, stopper):
        task.cancel()
    stdout.close()
