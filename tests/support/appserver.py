"""Drive a real `codex app-server` subprocess over stdio (JSONL) or websocket, as a client would."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

Message = dict[str, Any]
DEFAULT_TIMEOUT = 30.0


def codex_executable() -> str:
    """The installed `codex` console script next to this interpreter (the real entrypoint)."""
    candidate = Path(sys.executable).parent / "codex"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("codex")
    if found is None:
        raise RuntimeError("the `codex` entrypoint is not installed; run pip install -e '.[dev]'")
    return found


class ServerGone(AssertionError):
    pass


class StdioAppServer:
    def __init__(
        self, codex_bin: str, env: dict[str, str], args: Sequence[str] = (), cwd: str | None = None
    ) -> None:
        self.proc = subprocess.Popen(
            [codex_bin, "app-server", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
        )
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._backlog: list[Message] = []
        self.raw_lines: list[bytes] = []
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        self._next_id = 1000

    def _read_stdout(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.raw_lines.append(line)
            self._inbox.put(json.loads(line))
        self._inbox.put(None)

    def _read_stderr(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode(errors="replace"))

    # -- sending -----------------------------------------------------------------------------
    def send(self, message: Message) -> None:
        self.send_raw(json.dumps(message).encode() + b"\n")

    def send_raw(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def request(self, method: str, params: Any = None, *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        self._next_id += 1
        message: Message = {"id": self._next_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(self._next_id, timeout=timeout)

    def initialize(self, name: str = "pytest", **capabilities: Any) -> Message:
        params: Message = {"clientInfo": {"name": name, "title": "Tests", "version": "1.0.0"}}
        if capabilities:
            params["capabilities"] = capabilities
        response = self.request("initialize", params)
        self.send({"method": "initialized"})
        return response

    # -- receiving ---------------------------------------------------------------------------
    def wait_for(self, predicate: Callable[[Message], bool], *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        for i, message in enumerate(self._backlog):
            if predicate(message):
                return self._backlog.pop(i)
        while True:
            try:
                message = self._inbox.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"timed out; stderr:\n{''.join(self.stderr_lines[-20:])}") from None
            if message is None:
                raise ServerGone(f"server exited; stderr:\n{''.join(self.stderr_lines[-20:])}")
            if predicate(message):
                return message
            self._backlog.append(message)

    def response(self, request_id: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout=timeout)

    def notification(self, method: str, *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        return self.wait_for(lambda m: m.get("method") == method and "id" not in m, timeout=timeout)

    def close(self, timeout: float = 30) -> int:
        if self.proc.stdin and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise

    def __enter__(self) -> StdioAppServer:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class WebsocketAppServer:
    """A `codex app-server --listen ws://127.0.0.1:0` process; `url` is known once it says where it listens."""

    def __init__(self, codex_bin: str, env: dict[str, str], args: Sequence[str] = ()) -> None:
        self.proc = subprocess.Popen(
            [codex_bin, "app-server", "--listen", "ws://127.0.0.1:0", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        self.stderr_lines: list[str] = []
        found: queue.Queue[str | None] = queue.Queue()

        def read_stderr() -> None:
            assert self.proc.stderr is not None
            for raw in self.proc.stderr:
                line = raw.decode(errors="replace")
                self.stderr_lines.append(line)
                match = re.search(r"listening on: (ws://\S+)", line)
                if match:
                    found.put(match.group(1))
            found.put(None)

        threading.Thread(target=read_stderr, daemon=True).start()
        url = found.get(timeout=DEFAULT_TIMEOUT)
        if url is None:
            raise ServerGone("".join(self.stderr_lines))
        self.url = url

    def connect(self, **kwargs: Any) -> WsClient:
        return WsClient(self.url, **kwargs)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> WebsocketAppServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WsClient:
    def __init__(self, url: str, **kwargs: Any) -> None:
        from websockets.sync.client import connect

        self.ws = connect(
            url, compression=None, open_timeout=DEFAULT_TIMEOUT, max_size=None, legacy=True, **kwargs
        )
        self._backlog: list[Message] = []
        self._next_id = 0

    def send(self, message: Message) -> None:
        self.ws.send(json.dumps(message))

    def request(self, method: str, params: Any = None, *, request_id: Any = None) -> Message:
        if request_id is None:
            self._next_id += 1
            request_id = self._next_id
        message: Message = {"id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.response(request_id)

    def initialize(self, name: str = "pytest") -> Message:
        response = self.request("initialize", {"clientInfo": {"name": name, "version": "1.0.0"}})
        self.send({"method": "initialized"})
        return response

    def wait_for(self, predicate: Callable[[Message], bool], *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        for i, message in enumerate(self._backlog):
            if predicate(message):
                return self._backlog.pop(i)
        while True:
            message = json.loads(self.ws.recv(timeout=timeout))
            if predicate(message):
                return message
            self._backlog.append(message)

    def response(self, request_id: Any, *, timeout: float = DEFAULT_TIMEOUT) -> Message:
        return self.wait_for(lambda m: m.get("id") == request_id and "method" not in m, timeout=timeout)

    def close(self) -> None:
        self.ws.close()
