"""`codex mcp-server`: Codex as an MCP server over stdio, on the official MCP SDK's low-level server.

Stdout carries protocol messages only (fd 1 points at stderr while it serves, as the SDK's stdio
transport arranges); logs go to stderr. End of stdin ends the server with status 0, once every
request read before it has been answered (mcp_server.eof).

This module is the start path and imports only the standard library: the handshake is answered
here (mcp_server.light) while a thread loads the SDK, which then serves the rest
(mcp_server.sdk_server).
"""

from __future__ import annotations

import os
import sys
import threading

from mcp_server.light import LightFront, LineDecoder

TYPE_CHECKING = False  # as typing's; importing typing costs ~10 ms of the handshake

if TYPE_CHECKING:  # the handshake path imports no more than it needs (pathlib alone is ~9 ms)
    from collections.abc import Callable
    from pathlib import Path


class McpServerArgs:
    def __init__(
        self,
        cli_overrides: list[str] | None = None,
        codex_home: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.cli_overrides = list(cli_overrides or [])
        self.codex_home = codex_home
        self.env = env


class Stdio:
    """The wire's private descriptors (fd 0 reads the null device and fd 1 writes to stderr while
    the server runs, as the SDK's stdio transport arranges, so children and stray prints miss
    the wire) and the line decoder shared by both phases."""

    def __init__(self, in_fd: int, out_fd: int) -> None:
        self.in_fd = in_fd
        self.out_fd = out_fd
        self.decoder = LineDecoder()

    @classmethod
    def claim(cls) -> tuple[Stdio, Callable[[], None]]:
        import fcntl

        saved: list[tuple[int, int]] = []

        def restore() -> None:
            import contextlib  # at exit, off the handshake path

            for fd, private in saved:
                with contextlib.suppress(OSError):
                    os.dup2(private, fd)

        def diversion(fd: int) -> int:
            return os.open(os.devnull, os.O_RDONLY) if fd == 0 else os.dup(2)

        fds: list[int] = []
        for fd in (0, 1):
            try:
                private = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3)
            except OSError:
                fds.append(fd)  # serve it in place
                continue
            fds.append(private)
            try:
                divert = diversion(fd)
            except OSError:
                continue
            try:
                os.dup2(divert, fd)
                saved.append((fd, private))
            except OSError:
                pass
            finally:
                os.close(divert)
        return cls(fds[0], fds[1]), restore

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.out_fd, view) :]


# What the SDK phase needs, loaded by the loader thread while the light layer answers.
_HEAVY_MODULES = (
    "anyio",
    "mcp_types",
    "mcp.server.lowlevel.server",
    "mcp.shared._context_streams",
    "mcp_server.eof",
    "mcp_server.runner",
    "mcp_server.sdk_server",
    "codex_core.agent.manager",
)


class _Loader(threading.Thread):
    """Imports the SDK and the core and sets up logging and the login provider, off the start path."""

    def __init__(self) -> None:
        super().__init__(name="mcp-loader", daemon=True)
        self.wake_read, self._wake_write = os.pipe()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            import importlib
            import logging

            for name in _HEAVY_MODULES:
                importlib.import_module(name)
            from login.provider import install as install_login

            install_login()  # the core reaches the AuthManager through this
            logging.basicConfig(
                stream=sys.stderr,
                level=logging.WARNING,
                format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            )
        except BaseException as exc:  # re-raised on the main thread
            self.error = exc
        finally:
            os.write(self._wake_write, b"!")


def _light_phase(stdio: Stdio, front: LightFront, loader: _Loader) -> bool:
    """Answer what the light layer can until the loader is done; True when stdin ended.

    The loader starts once nothing is waiting to be answered: a host that writes `initialize`
    as it spawns us gets its answer before the loader competes for the interpreter."""
    import select

    while True:
        idle = None if loader.ident is not None else 0.0  # started: wait for input or its end
        readable, _, _ = select.select([stdio.in_fd, loader.wake_read], [], [], idle)
        if not readable:
            loader.start()
            continue
        if loader.wake_read in readable:
            return False
        try:
            chunk = os.read(stdio.in_fd, 65536)
        except OSError:
            chunk = b""
        for line in stdio.decoder.feed(chunk) if chunk else stdio.decoder.finish():
            answer = front.handle(line)
            if answer is not None:
                stdio.write(answer)
        if not chunk:
            return True


def run(args: McpServerArgs, *, light: bool = True) -> int:
    """Serve until stdin closes; the process's exit status.

    With `light` (the default) the handshake is answered before the SDK is loaded
    (mcp_server.light); without it every line goes to the SDK.
    """
    from codex_core.user_agent import DEFAULT_ORIGINATOR, user_agent
    from codex_core.version import CLI_VERSION

    stdio, restore = Stdio.claim()
    try:
        loader = _Loader()
        front = LightFront(lambda name, version: user_agent(DEFAULT_ORIGINATOR, name, version), CLI_VERSION)
        eof = False
        if light:
            interval = sys.getswitchinterval()
            sys.setswitchinterval(0.0005)  # the loader must not hold up an answer for 5 ms at a time
            try:
                eof = _light_phase(stdio, front, loader)
            finally:
                sys.setswitchinterval(interval)
            if eof and not front.needs_sdk():
                return 0  # everything read was answered here; the SDK is not needed
        if loader.ident is None:
            loader.start()
        loader.join()
        if loader.error is not None:
            raise loader.error
        import asyncio

        from mcp_server.sdk_server import serve

        return asyncio.run(serve(args, stdio, front.forward, eof))
    except KeyboardInterrupt:
        return 0
    finally:
        restore()
