"""Spawn a command (optionally sandboxed, optionally on a PTY), stream its output without blocking
the event loop, wait with a deadline, and kill it with every descendant (see
codex_core.sandbox.reaper: no orphans, whether they left the process group or not).

Exit is observed through a pidfd and output through loop readers, so nothing here parks a
thread. Output after the main process exits is collected for a short grace period only: a
background grandchild keeping the pipe open must not hold the call.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import os
import signal
import subprocess
import termios
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from codex_core.sandbox.policy import SandboxPlan, SandboxUnavailable
from codex_core.sandbox.reaper import KILL_DEADLINE_S, supervised

TRAILING_OUTPUT_GRACE_S = 0.1
KEEPER_EXIT_S = KILL_DEADLINE_S + 1  # how long a keeper may take to kill its subtree and exit
READ_SIZE = 65536
SANDBOX_DENIAL_HINTS = (
    "operation not permitted",
    "permission denied",
    "read-only file system",
    "seccomp",
    "sandbox",
    "landlock",
    "failed to write file",
)

OutputCallback = Callable[[str, bytes], None]


class SpawnError(Exception):
    """The command could not be started (missing binary, bad cwd, sandbox unavailable).

    ``reason`` is the bare cause as the reference words it (`No such file or directory (os error
    2)`), without the detail our message adds (which binary, which directory).
    """

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason or message


@dataclass
class SpawnRequest:
    argv: list[str]
    cwd: str
    env: dict[str, str]
    sandbox: SandboxPlan | None = None
    tty: bool = False
    merge_stderr: bool = True
    on_output: OutputCallback | None = None


class HeadTailBuffer:
    """Keeps the first and last `limit/2` bytes of a stream; the middle is dropped but counted."""

    def __init__(self, limit: int = 1024 * 1024) -> None:
        self.limit = limit
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0

    def push(self, data: bytes) -> None:
        self.total += len(data)
        half = self.limit // 2
        room = half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > half:
                del self.tail[: len(self.tail) - half]

    def to_bytes(self) -> bytes:
        return bytes(self.head + self.tail)


@dataclass
class ExecProcess:
    request: SpawnRequest
    popen: subprocess.Popen[bytes]
    started: float
    master_fd: int | None = None
    aggregated: HeadTailBuffer = field(default_factory=HeadTailBuffer)
    stdout: HeadTailBuffer = field(default_factory=HeadTailBuffer)
    stderr: HeadTailBuffer = field(default_factory=HeadTailBuffer)
    unread: bytearray = field(default_factory=bytearray)
    returncode: int | None = None
    timed_out: bool = False
    _open_streams: int = 0
    _fds: dict[int, str] = field(default_factory=dict)
    _pidfd: int | None = None
    _exited: asyncio.Event = field(default_factory=asyncio.Event)
    _drained: asyncio.Event = field(default_factory=asyncio.Event)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def exited(self) -> bool:
        return self.returncode is not None

    # -- loop callbacks ----------------------------------------------------------------------
    def _on_readable(self, fd: int) -> None:
        try:
            data = os.read(fd, READ_SIZE)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: the PTY's last slave closed
            if exc.errno not in (errno.EIO, errno.EBADF):
                raise
            data = b""
        if not data:
            self._close_stream(fd)
            return
        stream = self._fds[fd]
        self.aggregated.push(data)
        (self.stderr if stream == "stderr" else self.stdout).push(data)
        self.unread += data
        self._changed.set()
        if self.request.on_output is not None:
            self.request.on_output(stream, data)

    def _close_stream(self, fd: int) -> None:
        loop = asyncio.get_running_loop()
        if fd in self._fds:
            loop.remove_reader(fd)
            del self._fds[fd]
            if fd != self.master_fd:
                os.close(fd)
            if not self._fds:
                self._drained.set()
                self._changed.set()

    def _on_exit(self) -> None:
        code = self.popen.poll()
        if code is None:
            return
        asyncio.get_running_loop().remove_reader(self._pidfd)  # type: ignore[arg-type]
        os.close(self._pidfd)  # type: ignore[arg-type]
        self._pidfd = None
        # Shell convention for signal deaths, as the reference reports them.
        self.returncode = 128 - code if code < 0 else code
        self._exited.set()
        self._changed.set()

    # -- waiting -----------------------------------------------------------------------------
    async def wait(self, timeout: float | None = None) -> bool:
        """Wait for exit plus a short drain of trailing output; False if `timeout` passed first."""
        try:
            await asyncio.wait_for(self._exited.wait(), timeout)
        except TimeoutError:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._drained.wait(), TRAILING_OUTPUT_GRACE_S)
        self._stop_reading()
        return True

    async def wait_for_change(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), remaining)

    def take_unread(self) -> bytes:
        data = bytes(self.unread)
        self.unread.clear()
        return data

    def write(self, data: bytes) -> None:
        if self.master_fd is None:
            raise OSError(errno.EBADF, "stdin is not open")
        view = memoryview(data)
        while view:
            try:
                written = os.write(self.master_fd, view)
            except BlockingIOError:
                time.sleep(0.001)  # a full PTY buffer drains in microseconds
                continue
            view = view[written:]

    def kill(self) -> None:
        """Kill the command and every descendant: its keeper (the process we started, a
        session leader and subreaper) kills the whole subtree on SIGTERM, then exits."""
        if self.exited:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.popen.pid, signal.SIGTERM)

    def kill_group(self) -> None:
        """Last resort, when the keeper does not exit: SIGKILL its process group."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)

    async def terminate(self) -> None:
        self.kill()
        if not self.exited:
            try:
                await asyncio.wait_for(self._exited.wait(), KEEPER_EXIT_S)
            except TimeoutError:
                self.kill_group()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._exited.wait(), 5)
        self._stop_reading()

    def _stop_reading(self) -> None:
        for fd in list(self._fds):
            self._close_stream(fd)
        if self.master_fd is not None and self.exited:
            with contextlib.suppress(OSError):
                os.close(self.master_fd)
            self.master_fd = None


def _set_controlling_tty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


async def spawn(request: SpawnRequest) -> ExecProcess:
    """Start the command; raises SpawnError when it cannot run (nothing was started then)."""
    loop = asyncio.get_running_loop()
    env = dict(request.env)
    prepared = None
    if request.sandbox is not None:
        try:
            prepared = request.sandbox.prepare()
        except SandboxUnavailable as exc:
            raise SpawnError(str(exc)) from exc
        env.update(request.sandbox.env_overrides())
    master = slave = None
    stdin: Any
    if request.tty:
        master, slave = os.openpty()
        attrs = termios.tcgetattr(slave)
        attrs[3] &= ~termios.ECHO  # the model sees output, not its own keystrokes twice
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        stdin = stdout = stderr = slave
    else:
        stdin, stdout = subprocess.DEVNULL, subprocess.PIPE
        stderr = subprocess.STDOUT if request.merge_stderr else subprocess.PIPE
    # The command runs under a keeper (codex_core.sandbox.reaper) that kills every descendant
    # when it ends, times out or is interrupted; the sandbox applies to the command only.
    sandboxing = prepared.preexec(None) if prepared is not None else None
    preexec = supervised(sandboxing, before_fork=_set_controlling_tty if request.tty else None)
    pass_fds = (prepared.ruleset_fd,) if prepared is not None else ()
    try:
        popen = subprocess.Popen(
            request.argv,
            cwd=request.cwd,
            env=env,
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=preexec,
            pass_fds=pass_fds,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        for fd in (master, slave):
            if fd is not None:
                os.close(fd)
        raise SpawnError(_spawn_message(exc, request), _os_reason(exc)) from exc
    finally:
        if prepared is not None:
            prepared.close()
    process = ExecProcess(request=request, popen=popen, started=time.monotonic(), master_fd=master)
    if slave is not None:
        os.close(slave)
    if master is not None:
        os.set_blocking(master, False)
        process._fds[master] = "stdout"
    else:
        for pipe, name in ((popen.stdout, "stdout"), (popen.stderr, "stderr")):
            if pipe is not None:
                fd = os.dup(pipe.fileno())
                pipe.close()
                os.set_blocking(fd, False)
                process._fds[fd] = name
    for fd in process._fds:
        loop.add_reader(fd, process._on_readable, fd)
    process._pidfd = os.pidfd_open(popen.pid)
    loop.add_reader(process._pidfd, process._on_exit)
    return process


def _spawn_message(exc: BaseException, request: SpawnRequest) -> str:
    if isinstance(exc, subprocess.SubprocessError) and request.sandbox is not None:
        return "failed to apply the sandbox before running the command"
    if isinstance(exc, FileNotFoundError):
        if not os.path.isdir(request.cwd):
            return f"No such file or directory (os error 2): working directory {request.cwd}"
        return f"No such file or directory (os error 2): {request.argv[0]}"
    return str(exc)


def _os_reason(exc: BaseException) -> str | None:
    if isinstance(exc, OSError) and exc.errno is not None and exc.strerror:
        from codex_core.serde_text import io_error_text

        return io_error_text(exc)
    return None


def likely_sandbox_denial(exit_code: int, output: str) -> bool:
    """Heuristic the reference also uses: a failing sandboxed command whose output names a denial."""
    if exit_code == 0 or exit_code in (126, 127):
        return False
    lowered = output.lower()
    return any(hint in lowered for hint in SANDBOX_DENIAL_HINTS)


@dataclass
class RunResult:
    exit_code: int
    stdout: str
    stderr: str
    aggregated: str
    duration: float
    timed_out: bool


async def run_to_completion(request: SpawnRequest, timeout_s: float | None) -> RunResult:
    """One-shot run with an optional timeout (process group killed, exit 124 on timeout)."""
    process = await spawn(request)
    try:
        finished = await process.wait(timeout_s)
    except BaseException:
        await process.terminate()
        raise
    if not finished:
        process.timed_out = True
        await process.terminate()
    code = 124 if process.timed_out else (process.returncode if process.returncode is not None else -1)
    return RunResult(
        exit_code=code,
        stdout=decode(process.stdout.to_bytes()),
        stderr=decode(process.stderr.to_bytes()),
        aggregated=decode(process.aggregated.to_bytes()),
        duration=time.monotonic() - process.started,
        timed_out=process.timed_out,
    )


def decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


# -- truncation for the model ------------------------------------------------------------------
def approx_tokens(text: str) -> int:
    return (len(text.encode("utf-8")) + 3) // 4


def truncate_middle(text: str, max_bytes: int, *, unit: str = "tokens") -> str:
    """Keep the head and tail (half the budget each) with a marker saying how much was cut."""
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    half = max_bytes // 2
    head = raw[:half].decode("utf-8", errors="ignore")
    tail = raw[len(raw) - (max_bytes - half) :].decode("utf-8", errors="ignore")
    cut = raw[len(head.encode()) : len(raw) - len(tail.encode())]
    removed = (len(cut) + 3) // 4 if unit == "tokens" else len(cut.decode("utf-8", errors="replace"))
    return f"{head}…{removed} {unit} truncated…{tail}"


def formatted_truncate(text: str, max_bytes: int, *, unit: str = "tokens") -> str:
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    return f"Total output lines: {lines}\n\n{truncate_middle(text, max_bytes, unit=unit)}"
