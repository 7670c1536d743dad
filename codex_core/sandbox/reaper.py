"""No orphans: every descendant of a command dies with it.

A command's descendants can leave its process group (`setsid`, a daemon's double fork), and a
`nohup`ed one outlives the command in it; killing the process group on a timeout misses the first
kind and nothing at all happens to either when the command ends normally.

`supervised(inner)` returns the `preexec_fn` that fixes this. In the forked child (already a
session leader) it makes that process a *child subreaper* (PR_SET_CHILD_SUBREAPER: every
orphan of its subtree is reparented to it instead of init) and forks again:

- the grandchild runs `inner` (the sandbox) and goes on to exec the command;
- the child becomes the command's keeper. It holds no descriptor of the server's, waits for the
  command, then kills whatever of the subtree is left (orphans are its children, so they are
  found through /proc however they detached), reaps them, and exits with the command's own
  status. SIGTERM (the server's timeout or interrupt), SIGHUP, or the server's death
  (PR_SET_PDEATHSIG) make it kill the whole subtree at once and exit.

The server sees the keeper as the command: its pid, its exit status, its process group (the
command stays in it, so a tty's ^C still reaches the command; the keeper ignores it).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import time
from collections.abc import Callable

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
KILL_DEADLINE_S = 5.0  # keeper's bound on killing and reaping a subtree (processes stuck in D state)
EXIT_ON_SIGNAL = 128 + signal.SIGKILL  # the keeper's status when it was told to kill the command

_libc: ctypes.CDLL | None = None


def _prctl() -> Callable[..., int]:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc.prctl


def supervised(
    inner: Callable[[], None] | None, before_fork: Callable[[], None] | None = None
) -> Callable[[], None]:
    """The preexec_fn: keeper in the child, `before_fork` then in the grandchild `inner`."""
    prctl = _prctl()  # loaded in the server: no dlopen after fork
    server_pid = os.getpid()

    def preexec() -> None:
        if before_fork is not None:
            before_fork()  # e.g. the controlling tty: the session's, so the command's too
        if prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
            # No subreaper (very old kernel): run the command as before, without a keeper.
            if inner is not None:
                inner()
            return
        command = os.fork()
        if command == 0:
            prctl(_PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)
            if inner is not None:
                inner()
            return  # subprocess goes on to exec the command here
        _keep(command, server_pid, prctl)

    return preexec


def _keep(command: int, server_pid: int, prctl: Callable[..., int]) -> None:
    """The keeper's life; never returns."""
    try:
        _detach_from_server()
        for signum in (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            signal.signal(signum, signal.SIG_IGN)  # a tty's ^C, ^\, ^Z are the command's

        def stop(signum: int, frame: object) -> None:
            kill_subtree(os.getpid())
            os._exit(EXIT_ON_SIGNAL)

        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, stop)
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != server_pid:  # the server died before PDEATHSIG was armed
            stop(signal.SIGTERM, None)
        status = _wait_for(command)
        kill_subtree(os.getpid())
        _exit_like(status)
    except BaseException:
        with contextlib.suppress(BaseException):
            kill_subtree(os.getpid())
        os._exit(EXIT_ON_SIGNAL)


def _detach_from_server() -> None:
    """Drop every descriptor the fork copied: the server's sockets, the command's pipes (their
    end-of-file must mean the command's subtree is gone) and subprocess's error pipe (its
    parent waits for that pipe to close)."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    os.closerange(3, _max_fd())
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)


def _max_fd() -> int:
    try:
        return max(3, int(resource.getrlimit(resource.RLIMIT_NOFILE)[0]))
    except (OSError, ValueError):
        return 65536


def _wait_for(command: int) -> int:
    """Reap children (orphans included) until the command itself exits; its wait status."""
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 0
        if pid == command:
            return status


def _exit_like(status: int) -> None:
    if os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        with contextlib.suppress(OSError, ValueError):
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the command's core, not the keeper's
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
        os._exit(128 + signum)
    os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def children(pid: int) -> list[int]:
    """Direct children of `pid` (all of its threads'), from /proc."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return found


def descendants(pid: int) -> list[int]:
    seen: list[int] = []
    pending = children(pid)
    while pending:
        child = pending.pop()
        if child in seen:
            continue
        seen.append(child)
        pending.extend(children(child))
    return seen


def kill_subtree(root: int, deadline_s: float = KILL_DEADLINE_S) -> None:
    """SIGKILL every descendant of `root` (this process, a subreaper) and reap them.

    A killed process's children are reparented to the subreaper, so rounds repeat until none is
    left: a process that forks while being killed is found in the next round.
    """
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        victims = descendants(root)
        for pid in victims:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        reaped = _reap()
        if not victims and not reaped:
            return
        if victims and not reaped:
            time.sleep(0.005)


def _reap() -> bool:
    reaped = False
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return reaped
        if pid == 0:
            return reaped
        reaped = True
