"""Process-wide app-server state: connections, originator, server requests, config access."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import orjson

from app_server.connection import Connection
from app_server.jsonrpc import notification_message
from app_server.server_requests import ServerRequests
from codex_core.user_agent import DEFAULT_ORIGINATOR, user_agent

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents
    from app_server.reconnect import ReconnectHub
    from codex_core.agent.manager import ThreadManager
    from codex_core.agent.session import Session
    from codex_core.config.loader import LoadedConfig
    from codex_core.skills import SkillsCache

log = logging.getLogger("codex.app_server")

T = TypeVar("T")


@dataclass
class ServerOptions:
    codex_home: Path
    cli_overrides: list[str] = field(default_factory=list)
    env: Mapping[str, str] | None = None


class ServerState:
    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.codex_home = options.codex_home
        self.connections: dict[int, Connection] = {}
        self.server_requests = ServerRequests()
        # Process-global like the reference: the first initialize names the originator for everyone.
        self.originator: str | None = None
        self.client_suffix: tuple[str, str | None] | None = None
        self._threads: ThreadManager | None = None
        self._skills_cache: SkillsCache | None = None
        self.thread_events: dict[str, ThreadEvents] = {}
        # v1 addConversationListener subscriptions: id -> (connection id, thread id)
        self.listeners: dict[str, tuple[int, str]] = {}
        self._config_warnings: asyncio.Future[list[dict[str, Any]]] | None = None
        # What handlers keep for this server (a pending login and its tasks), by name: see `store`.
        self.stores: dict[str, Any] = {}
        # The reconnect extension's sessions and event logs (websocket listeners only).
        self.reconnect: ReconnectHub | None = None

    def store(self, name: str, factory: Callable[[], T]) -> T:
        """This server's store `name`, created by `factory` on first use (the per-thread ones are
        `Session.store`)."""
        value = self.stores.get(name)
        if value is None:
            value = self.stores[name] = factory()
        return cast(T, value)

    @property
    def threads(self) -> ThreadManager:
        if self._threads is None:
            from codex_core.agent.manager import ThreadManager

            self._threads = ThreadManager(
                self.codex_home, dict(self.options.env) if self.options.env else None
            )
        return self._threads

    def loaded_session(self, thread_id: str) -> Session | None:
        """A thread loaded in this process, without creating the thread manager just to ask."""
        return self._threads.get(thread_id) if self._threads is not None else None

    def unload(self, thread_id: str) -> None:
        """Forget a loaded thread (after its session was shut down, e.g. when it is archived)."""
        if self._threads is not None:
            self._threads.threads.pop(thread_id, None)
        self.thread_events.pop(thread_id, None)

    def loaded_sessions(self) -> list[Session]:
        return list(self._threads.threads.values()) if self._threads is not None else []

    @property
    def skills_cache(self) -> SkillsCache:
        """One skills scan cache per server; config writes that change skills clear it."""
        if self._skills_cache is None:
            import os

            from codex_core.skills import SkillsCache

            self._skills_cache = SkillsCache(str(self.codex_home), home=os.environ.get("HOME"))
        return self._skills_cache

    def invalidate_skills(self) -> None:
        if self._skills_cache is not None:
            self._skills_cache.clear()

    def any_thread_loaded(self) -> bool:
        return self._threads is not None and bool(self._threads.threads)

    def any_turn_running(self) -> bool:
        """Safe to call from another thread: a read that races a change answers "running"."""
        threads = self._threads
        if threads is None:
            return False
        try:
            return any(session.running for session in list(threads.threads.values()))
        except RuntimeError:  # the dict changed while it was copied
            return True

    def events_for(self, thread_id: str) -> ThreadEvents:
        """The one event sink of a thread (created on first use)."""
        sink = self.thread_events.get(thread_id)
        if sink is None:
            from app_server.events.translator import ThreadEvents

            sink = ThreadEvents(self, thread_id)
            self.thread_events[thread_id] = sink
        return sink

    def subscribe(self, connection: Connection, thread_id: str) -> None:
        connection.subscriptions.add(thread_id)

    async def shutdown(self) -> None:
        """Interrupt running turns and flush every rollout (stdin EOF, SIGINT, SIGTERM)."""
        if self._threads is not None:
            await self._threads.shutdown()
        import sys

        if "codex_core.mcp.manager" in sys.modules:  # only when some thread started MCP servers
            from codex_core.mcp.manager import shutdown_all

            await shutdown_all()
        from codex_core.otel import shutdown_all as shutdown_telemetry

        await asyncio.to_thread(shutdown_telemetry)  # flush pending OTel log records (no-op without)

    # -- connections -------------------------------------------------------------------------
    def add_connection(self, connection: Connection) -> None:
        self.connections[connection.id] = connection

    def remove_connection(self, connection: Connection) -> None:
        self.connections.pop(connection.id, None)
        self.server_requests.connection_closed(connection)
        for key in [k for k, (conn_id, _) in self.listeners.items() if conn_id == connection.id]:
            del self.listeners[key]

    def record_client(self, name: str, version: str | None) -> None:
        if self.originator is None:
            self.originator = name
        self.client_suffix = (name, version)

    def user_agent(self) -> str:
        name, version = self.client_suffix if self.client_suffix else (None, None)
        return user_agent(self.originator or DEFAULT_ORIGINATOR, name, version)

    # -- outgoing ----------------------------------------------------------------------------
    def broadcast(self, method: str, params: Any = None) -> None:
        """To every initialized connection (thread/started, account/*, ...), as the reference does."""
        # One naming a thread (turn/started) is that thread's event for clients that reconnect.
        thread_id = (
            params.get("threadId") if self.reconnect is not None and isinstance(params, dict) else None
        )
        self._send_to(
            method, params, self.connections.values(), thread_id if isinstance(thread_id, str) else None
        )

    def notify_thread(self, thread_id: str, method: str, params: Any = None) -> None:
        """To the connections subscribed to a thread (item/*, turn/*, deltas, codex/event/*)."""
        self._send_to(
            method, params, (c for c in self.connections.values() if thread_id in c.subscriptions), thread_id
        )

    def notify_legacy_event(self, thread_id: str, event_id: str, msg: Mapping[str, object]) -> None:
        """A core event as the reference relays it to a thread's subscribers: `codex/event/<type>`."""
        self.notify_thread(
            thread_id, f"codex/event/{msg['type']}", {"id": event_id, "msg": msg, "conversationId": thread_id}
        )

    def thread_subscribers(self, thread_id: str) -> list[Connection]:
        return [c for c in self.connections.values() if thread_id in c.subscriptions and c.initialized]

    def _send_to(
        self, method: str, params: Any, connections: Iterable[Connection], thread_id: str | None = None
    ) -> None:
        message = notification_message(method, params)
        encoded: bytes | None = None
        stamped = (
            self.reconnect.stamp(thread_id, message)
            if self.reconnect is not None and thread_id is not None
            else None
        )
        for connection in connections:
            if not connection.initialized or not connection.wants(method):
                continue
            if stamped is not None and connection.resume is not None:
                connection.send(stamped.message, stamped.data)  # with its `_seq`
                continue
            if encoded is None:
                encoded = orjson.dumps(message)  # once, shared by every recipient
            connection.send(message, encoded)

    # -- config ------------------------------------------------------------------------------
    def server_config(self) -> LoadedConfig:
        """The configuration for server-wide answers (account, models, features): when config.toml
        is broken these keep working on defaults, as the reference does after its configWarning."""
        from codex_core.config.errors import ConfigError
        from codex_core.config.loader import load_config

        try:
            return self.load_config()
        except ConfigError:
            return load_config(
                codex_home=self.codex_home,
                cli_overrides=self.options.cli_overrides,
                env=self.options.env,
                defaults_only=True,
            )

    def start_config_checks(self, known: list[dict[str, Any]] | None = None) -> None:
        """Check config.toml and the rules files once, off the loop, as the server starts
        (`known`: the warnings already found before the loop started, by fast_start)."""
        from app_server.config_warnings import collect_startup_warnings

        if known is not None:
            done: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
            done.set_result(known)
            self._config_warnings = done
            return
        self._config_warnings = asyncio.ensure_future(
            asyncio.to_thread(
                collect_startup_warnings, self.codex_home, list(self.options.cli_overrides), self.options.env
            )
        )

    async def config_warnings(self) -> list[dict[str, Any]]:
        if self._config_warnings is None:
            return []
        try:
            return await asyncio.shield(self._config_warnings)
        except Exception:
            log.exception("checking the configuration at start-up failed")
            return []

    def send_config_warnings(self, connection: Connection, warnings: list[dict[str, Any]]) -> None:
        """Right after a connection's initialize answer, as the reference does."""
        for warning in warnings:
            if connection.wants("configWarning"):
                connection.send(notification_message("configWarning", warning))

    def load_config(
        self, *, cwd: Path | None = None, request_overrides: Mapping[str, Any] | None = None
    ) -> LoadedConfig:
        from codex_core.config.loader import load_config

        return load_config(
            codex_home=self.codex_home,
            cwd=cwd,
            cli_overrides=self.options.cli_overrides,
            request_overrides=request_overrides,
            env=self.options.env,
        )
