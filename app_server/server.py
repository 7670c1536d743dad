"""`codex app-server`: wires state, dispatcher and a transport together and runs until EOF or a signal."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

# Nothing heavy at module level: asyncio, logging and the protocol load only after a first
# `initialize` on stdio has been answered (see fast_start).

TOKEN_ENV = "CODEX_APP_SERVER_WS_TOKEN"


class StartupError(Exception):
    """A problem that stops the server before it serves anyone (exit status 2)."""


class AppServerArgs:
    def __init__(
        self,
        listen: str = "stdio://",
        cli_overrides: list[str] | None = None,
        ws_token_file: str | None = None,
        ws_allow_origins: list[str] | None = None,
    ) -> None:
        self.listen = listen
        self.cli_overrides = list(cli_overrides or [])
        self.ws_token_file = ws_token_file
        self.ws_allow_origins = list(ws_allow_origins or [])


def parse_listen(listen: str) -> tuple[str, str | None, int | None]:
    if listen in ("stdio://", "stdio", ""):
        return "stdio", None, None
    if listen.startswith("ws://"):
        address = listen[len("ws://") :].rstrip("/")
        host, sep, port_text = address.rpartition(":")
        if not sep or not port_text.isdigit() or not host:
            raise StartupError(f"invalid --listen address {listen!r}: expected ws://IP:PORT")
        port = int(port_text)
        if port > 65535:
            raise StartupError(f"invalid --listen port {port}")
        return "ws", host.strip("[]"), port
    raise StartupError(f"unsupported --listen value {listen!r}: use stdio:// or ws://IP:PORT")


def _read_token(args: AppServerArgs) -> str | None:
    if args.ws_token_file:
        try:
            token = Path(args.ws_token_file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StartupError(f"cannot read --ws-token-file {args.ws_token_file}: {exc.strerror}") from None
        if not token:
            raise StartupError(f"--ws-token-file {args.ws_token_file} is empty")
        return token
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None


def _check_overrides(cli_overrides: list[str]) -> None:
    """`-c` flags that cannot be parsed stop start-up; a broken config.toml only warns (configWarning)."""
    if not cli_overrides:
        return
    from codex_core.config.errors import ConfigOverrideError
    from codex_core.config.overrides import overrides_table

    try:
        overrides_table(cli_overrides)
    except ConfigOverrideError as exc:
        raise StartupError(f"error parsing -c overrides: {exc}") from None


def run(args: AppServerArgs, fast_stdio: bool = False) -> int:
    """Run the server; returns the exit status. `fast_stdio` answers a first initialize before full start-up."""
    from codex_core.config.errors import ConfigError
    from codex_core.config.home import find_codex_home
    from login.provider import install as install_login

    install_login()  # the core reaches the AuthManager through this
    try:
        kind, host, port = parse_listen(args.listen)
        codex_home = find_codex_home()
        _check_overrides(args.cli_overrides)
        token = _read_token(args) if kind == "ws" else None
        if kind == "ws":
            _check_reconnect_settings()
        if kind == "ws" and host is not None and not _loopback(host) and token is None:
            raise StartupError(
                f"refusing to listen on non-loopback address {host}: anyone who can reach it could run commands "
                f"as you. Configure a token with --ws-token-file PATH or ${TOKEN_ENV}."
            )
    except (StartupError, ConfigError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2

    fast_init: object = None
    pending = b""
    config_warnings = None
    answered = 0
    try:
        if kind == "stdio" and fast_stdio:
            fast_init, pending, config_warnings, answered = _answer_before_the_loop(codex_home, args)
    except KeyboardInterrupt:
        return 0
    _configure_logging()
    if fast_init is not None and answered:
        import logging

        logging.getLogger("codex.app_server").debug(
            "answered %d thread/list request(s) before the rest of the server loaded", answered
        )

    import asyncio

    from app_server.state import ServerOptions

    options = ServerOptions(codex_home=codex_home, cli_overrides=list(args.cli_overrides))
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(kind, host, port, options, args, token, fast_init, pending, config_warnings))
    return 0


def _answer_before_the_loop(
    codex_home: Path, args: AppServerArgs
) -> tuple[object, bytes, list[dict[str, object]] | None, int]:
    """On stdio, answer a first initialize and the thread/list requests right after it before
    asyncio and the protocol load (see fast_start). Returns the initialize seen (or None), the
    bytes read and not handled, the configuration warnings if they were checked, and how many
    thread/list requests were answered."""
    from app_server.fast_start import serve_first_listings, try_fast_initialize

    fast_init, pending = try_fast_initialize()
    if fast_init is None:
        return None, pending, None, 0
    from codex_core.lazy_log import before_first_use

    # Logging is set up after this, unless something here logs first (it rarely does).
    before_first_use(_configure_logging)
    try:
        first = serve_first_listings(codex_home, list(args.cli_overrides), pending=pending)
    finally:
        before_first_use(None)
    return fast_init, first.pending, first.config_warnings, first.answered


def _configure_logging() -> None:
    from app_server.logging_setup import configure_logging

    configure_logging()


def _check_reconnect_settings() -> None:
    from app_server.reconnect import settings_from_env

    try:
        settings_from_env()
    except ValueError as exc:
        raise StartupError(str(exc)) from None


def _loopback(host: str) -> bool:
    from app_server.transport.websocket import is_loopback

    return is_loopback(host)


async def _serve(
    kind: str,
    host: str | None,
    port: int | None,
    options: object,
    args: AppServerArgs,
    token: str | None,
    fast_init: object,
    pending: bytes,
    config_warnings: list[dict[str, object]] | None = None,
) -> None:
    import asyncio
    import signal

    from app_server.connection import Connection
    from app_server.dispatcher import Dispatcher
    from app_server.state import ServerOptions, ServerState

    assert isinstance(options, ServerOptions)
    state = ServerState(options)
    state.start_config_checks(config_warnings)
    dispatcher = Dispatcher(state)
    dispatcher.start_warm_up()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)

    if kind == "stdio":
        from app_server.fast_start import FastInit
        from app_server.transport.stdio import serve_stdio

        connection = Connection(label="stdio")
        if isinstance(fast_init, FastInit):
            connection.initialized = True
            connection.client_name = fast_init.client_name
            connection.client_version = fast_init.client_version
            connection.experimental_api = fast_init.experimental_api
            connection.opt_out_methods = frozenset(fast_init.opt_outs)
            state.record_client(fast_init.client_name, fast_init.client_version)
            state.send_config_warnings(connection, await state.config_warnings())
        try:
            await serve_stdio(dispatcher, connection, stop, pending)
        finally:
            await state.shutdown()
        return

    from app_server.transport.websocket import WebsocketSecurity, serve_websocket

    assert host is not None and port is not None

    def announce(bound_host: str, bound_port: int) -> None:
        display = f"[{bound_host}]" if ":" in bound_host else bound_host
        print("codex app-server (WebSockets)", file=sys.stderr)
        print(f"  listening on: ws://{display}:{bound_port}", file=sys.stderr)
        if _loopback(bound_host):
            print("  note: binds localhost only (use SSH port-forwarding for remote access)", file=sys.stderr)
        sys.stderr.flush()

    security = WebsocketSecurity(token=token, allowed_origins=tuple(args.ws_allow_origins))
    from app_server.reconnect import ReconnectHub, settings_from_env

    state.reconnect = ReconnectHub(settings_from_env(), state.server_requests)
    try:
        await serve_websocket(dispatcher, host, port, security, stop, on_listening=announce)
        await state.shutdown()
    except OSError as exc:
        print(f"Error: cannot listen on ws://{host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        raise SystemExit(2) from None
