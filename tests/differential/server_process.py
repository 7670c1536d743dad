"""The app-server child a differential scenario plays against: its own process group, stdout
lines collected by a reader thread, and a stop that leaves nothing behind. Stdlib only."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

STOP_GRACE = 5.0  # seconds the server gets after stdin closes, and again after SIGTERM


class StepFailed(Exception):
    """A step could not be carried out (timeout, server gone, check failed)."""


class Entry:
    """One message the client received, and whether a step consumed it."""

    __slots__ = ("consumed", "message")

    def __init__(self, message: Any, consumed: bool = False) -> None:
        self.message = message
        self.consumed = consumed


def _parse_line(text: str) -> dict[str, Any]:
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        message = None
    return message if isinstance(message, dict) else {"~non_json": text}


class ServerProcess:
    """One app-server child (own process group) whose stdout lines land in ``segment``."""

    def __init__(
        self,
        argv: Sequence[str],
        cwd: Path,
        env: dict[str, str],
        stderr_path: Path,
        segment: list[Entry],
        cond: threading.Condition,
    ) -> None:
        self.segment = segment
        self._cond = cond
        self._eof = False
        with open(stderr_path, "ab") as err:
            self.proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                start_new_session=True,
            )
        self._reader = threading.Thread(
            target=self._read, name=f"app-server-{self.proc.pid}-stdout", daemon=True
        )
        self._reader.start()

    def _read(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        try:
            for raw in iter(stdout.readline, b""):
                text = raw.decode("utf-8", "replace").strip()
                if text:
                    message = _parse_line(text)
                    with self._cond:
                        self.segment.append(Entry(message))
                        self._cond.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    def exit_code(self) -> int | None:
        """The exit code once the process is gone and all its output was read, else None."""
        if not self._eof:
            return None
        return self.proc.poll()

    def write_line(self, text: str) -> None:
        stdin = self.proc.stdin
        assert stdin is not None
        try:
            stdin.write(text.encode("utf-8") + b"\n")
            stdin.flush()
        except (OSError, ValueError) as exc:
            raise StepFailed(f"cannot write to the server ({exc}); exit code {self.proc.poll()}") from None

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, signum)

    def stop(self) -> None:
        """Close stdin and give it a grace period, then SIGTERM, then SIGKILL the process group."""
        proc = self.proc
        try:
            if proc.poll() is None and proc.stdin is not None:
                with contextlib.suppress(OSError, ValueError):
                    proc.stdin.close()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(STOP_GRACE)
            if proc.poll() is None:
                self._signal_group(signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(STOP_GRACE)
            if proc.poll() is None:
                self._signal_group(signal.SIGKILL)
                proc.wait()
        finally:
            # whatever the server started in its group (tool commands, MCP servers) goes too
            self._signal_group(signal.SIGKILL)
            if proc.poll() is None:
                with contextlib.suppress(OSError):
                    proc.kill()
                proc.wait()
            self._reader.join(timeout=5)
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None and not (pipe is proc.stdout and self._reader.is_alive()):
                    with contextlib.suppress(OSError, ValueError):
                        pipe.close()
