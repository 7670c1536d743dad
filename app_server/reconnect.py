"""Reconnect extension (pycodex, websocket only; docs/app-server.md "Reconnecting").

A websocket client that opts in at `initialize` gets a resume token, and every thread
notification and server request it is sent carries `"_seq": {"threadId", "seq"}`, a number that
grows per thread. While some opted-in session follows a thread, the thread's events are kept in
a log bounded by age (the retention window), count and bytes. When the connection drops, the
session is kept for the window; a new connection that presents the token and, per thread, the
last seq it saw, is sent first the server requests still waiting for an answer, then every
logged event after that seq, then the live stream. Clients that do not opt in are not touched:
nothing is logged for a thread no opted-in session follows.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import itertools
import logging
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

if TYPE_CHECKING:
    from app_server.connection import Connection
    from app_server.server_requests import ServerRequests

log = logging.getLogger("codex.app_server")

VERSION = 1  # the highest protocol version of the extension this server speaks
RECONNECT_FAILED = -32002  # the JSON-RPC error code of a refused resume
SEQ_KEY = "_seq"

ENV_WINDOW = "CODEX_APP_SERVER_RECONNECT_WINDOW_SECONDS"
ENV_APPROVAL_TIMEOUT = "CODEX_APP_SERVER_RECONNECT_APPROVAL_TIMEOUT_SECONDS"
ENV_MAX_EVENTS = "CODEX_APP_SERVER_RECONNECT_MAX_EVENTS"
ENV_MAX_BYTES = "CODEX_APP_SERVER_RECONNECT_MAX_BYTES"
_EXPIRED_REMEMBERED = 1024  # expired tokens (digests) kept to say "expired" rather than "unknown"
MAX_DETACHED = 256  # dropped sessions kept at once; past this the longest-dropped one expires early


@dataclass(frozen=True)
class ReconnectSettings:
    window_seconds: float = 600.0  # how long a dropped session (and its events) is kept
    approval_timeout_seconds: float = 600.0  # how long a server request waits with nobody attached
    max_events: int = 10_000  # per followed thread
    max_bytes: int = 8 << 20  # per followed thread (encoded JSON)


def settings_from_env(env: Mapping[str, str] | None = None) -> ReconnectSettings:
    """The settings, from the environment; ValueError naming the variable when one is unusable."""
    source = os.environ if env is None else env
    defaults = ReconnectSettings()

    def number(name: str, default: float, *, integer: bool) -> float:
        text = source.get(name, "").strip()
        if not text:
            return default
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number of seconds"
            raise ValueError(f"{name}={text!r} is not {kind}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise ValueError(f"{name}={text!r} must be greater than 0")
        return value

    window = number(ENV_WINDOW, defaults.window_seconds, integer=False)
    return ReconnectSettings(
        window_seconds=window,
        approval_timeout_seconds=number(ENV_APPROVAL_TIMEOUT, window, integer=False),
        max_events=int(number(ENV_MAX_EVENTS, defaults.max_events, integer=True)),
        max_bytes=int(number(ENV_MAX_BYTES, defaults.max_bytes, integer=True)),
    )


class ReconnectError(Exception):
    """A resume the server cannot honour; `reason` is machine-readable (error.data.reason)."""

    def __init__(self, reason: str, message: str, **data: Any) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.data: dict[str, Any] = {"reason": reason, **data}


class Stamped(NamedTuple):
    message: dict[str, Any]  # the message with its `_seq`
    data: bytes  # encoded once, shared by every opted-in recipient
    seq: int


class _Event:
    __slots__ = ("at", "data", "method", "request", "seq")

    def __init__(self, seq: int, method: str, request: bool, at: float, data: bytes) -> None:
        self.seq = seq
        self.method = method
        self.request = request
        self.at = at
        self.data = data


class ThreadLog:
    """One thread's recent events, oldest first; seqs are consecutive within a log."""

    __slots__ = ("bytes", "events")

    def __init__(self) -> None:
        self.events: collections.deque[_Event] = collections.deque()
        self.bytes = 0

    def append(self, event: _Event, settings: ReconnectSettings) -> None:
        self.events.append(event)
        self.bytes += len(event.data)
        oldest = event.at - settings.window_seconds
        events = self.events
        while events and (
            len(events) > settings.max_events or self.bytes > settings.max_bytes or events[0].at < oldest
        ):
            self.bytes -= len(events.popleft().data)

    def after(self, seq: int) -> list[_Event]:
        if not self.events:
            return []
        start = max(0, seq - self.events[0].seq + 1)
        return list(itertools.islice(self.events, start, None))

    def first_seq(self) -> int | None:
        return self.events[0].seq if self.events else None


_session_numbers = itertools.count(1)


@dataclass(eq=False)
class ReconnectSession:
    token: str
    connection: Connection | None
    number: int = field(default_factory=lambda: next(_session_numbers))  # for logs; never the token
    threads: set[str] = field(default_factory=set)  # what it followed when its connection dropped
    expiry: asyncio.TimerHandle | None = None

    def followed(self) -> set[str]:
        return self.connection.subscriptions if self.connection is not None else self.threads


@dataclass
class ResumePlan:
    """A checked resume, carried out right after the initialize answer is queued."""

    session: ReconnectSession
    last_seq: dict[str, int]
    current: dict[str, int]


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


class ReconnectHub:
    def __init__(self, settings: ReconnectSettings, server_requests: ServerRequests | None = None) -> None:
        self.settings = settings
        self.server_requests = server_requests
        self.sessions: dict[str, ReconnectSession] = {}
        self.logs: dict[str, ThreadLog] = {}
        self._seq: dict[str, int] = {}
        self._expired: collections.OrderedDict[bytes, None] = collections.OrderedDict()
        self._detached: collections.OrderedDict[str, None] = collections.OrderedDict()  # oldest first
        if server_requests is not None:
            server_requests.reconnect = self

    # -- sessions ----------------------------------------------------------------------------
    def open(self, connection: Connection) -> ReconnectSession:
        """A new session for a connection that opted in."""
        session = ReconnectSession(secrets.token_urlsafe(32), connection)
        self.sessions[session.token] = session
        connection.resume = session
        return session

    def info(self, session: ReconnectSession, version: int, threads: Mapping[str, int]) -> dict[str, Any]:
        return {
            "version": version,
            "resumeToken": session.token,
            "retentionSeconds": int(self.settings.window_seconds),
            "threads": dict(threads),
        }

    def detach(self, connection: Connection) -> None:
        """The connection dropped: keep its session for the window (before its server requests
        are released, so that those wait for a reconnect instead of failing)."""
        session = connection.resume
        if session is None or session.connection is not connection:
            return
        session.threads = set(connection.subscriptions)
        session.connection = None
        loop = asyncio.get_running_loop()
        session.expiry = loop.call_later(self.settings.window_seconds, self._expire, session.token)
        log.info(
            "reconnect session %d: connection dropped; kept %g s for a reconnect",
            session.number,
            self.settings.window_seconds,
        )
        self._detached[session.token] = None
        while len(self._detached) > MAX_DETACHED:
            # Bounded however many clients come and go (each costs every event a look-up).
            self._expire(next(iter(self._detached)))

    def _expire(self, token: str) -> None:
        self._detached.pop(token, None)
        session = self.sessions.pop(token, None)
        if session is None:
            return
        if session.expiry is not None:
            session.expiry.cancel()
        self._expired[_digest(token)] = None
        while len(self._expired) > _EXPIRED_REMEMBERED:
            self._expired.popitem(last=False)
        log.info("reconnect session %d expired: nobody reconnected within the window", session.number)
        if self.server_requests is not None:
            self.server_requests.session_gone(token)
        self._drop_unfollowed(session.threads)

    def _drop_unfollowed(self, threads: set[str]) -> None:
        for thread_id in threads:
            if not self._followed(thread_id):
                self.logs.pop(thread_id, None)

    def _followed(self, thread_id: str) -> bool:
        return any(thread_id in session.followed() for session in self.sessions.values())

    def detached_holders(self, thread_id: str) -> set[str]:
        """Tokens of dropped sessions that follow the thread (they may still answer its requests)."""
        return {
            token
            for token, session in self.sessions.items()
            if session.connection is None and thread_id in session.threads
        }

    # -- events ------------------------------------------------------------------------------
    def stamp(self, thread_id: str, message: dict[str, Any], *, request: bool = False) -> Stamped | None:
        """Number and log a thread's message; None when no opted-in session follows the thread."""
        if not self.sessions or not self._followed(thread_id):
            return None
        seq = self._seq.get(thread_id, 0) + 1
        self._seq[thread_id] = seq
        stamped = {**message, SEQ_KEY: {"threadId": thread_id, "seq": seq}}
        # A copy of exactly its size: orjson's result keeps a 4 KiB allocation behind each message.
        data = bytes(memoryview(orjson.dumps(stamped)))
        thread_log = self.logs.get(thread_id)
        if thread_log is None:
            thread_log = self.logs[thread_id] = ThreadLog()
        thread_log.append(
            _Event(seq, str(message.get("method")), request, time.monotonic(), data), self.settings
        )
        return Stamped(stamped, data, seq)

    def current_seq(self, thread_id: str) -> int:
        return self._seq.get(thread_id, 0)

    # -- resume ------------------------------------------------------------------------------
    def check(self, token: str, last_seq: Mapping[str, int]) -> ResumePlan:
        """Validate a resume without changing anything; raises ReconnectError."""
        session = self.sessions.get(token)
        if session is None:
            if _digest(token) in self._expired:
                raise ReconnectError(
                    "expired",
                    f"reconnect failed: the session expired (kept {self.settings.window_seconds:g} s after "
                    "its connection dropped); use thread/resume",
                )
            raise ReconnectError("unknownToken", "reconnect failed: unknown resume token; use thread/resume")
        followed = session.followed()
        current: dict[str, int] = {}
        for thread_id, seq in last_seq.items():
            if thread_id not in followed:
                raise ReconnectError(
                    "unknownThread",
                    f"reconnect failed: the session did not follow thread {thread_id}; use thread/resume",
                    threadId=thread_id,
                )
            newest = self.current_seq(thread_id)
            if seq > newest:
                raise ReconnectError(
                    "badSeq",
                    f"reconnect failed: lastSeq {seq} for thread {thread_id} is past the newest ({newest})",
                    threadId=thread_id,
                )
            thread_log = self.logs.get(thread_id)
            first = thread_log.first_seq() if thread_log is not None else None
            if seq < newest and (first is None or first > seq + 1):
                raise ReconnectError(
                    "eventsLost",
                    f"reconnect failed: events after {seq} of thread {thread_id} are no longer kept; "
                    "use thread/resume",
                    threadId=thread_id,
                )
            current[thread_id] = newest
        return ResumePlan(session, dict(last_seq), current)

    def resume(self, connection: Connection, plan: ResumePlan) -> None:
        """Move the session onto `connection`: pending requests first, then the replay, then live."""
        session = plan.session
        own = connection.resume
        if own is not None and own is not session:
            self.sessions.pop(own.token, None)  # the fresh session this initialize would have made
        previous = session.connection
        if previous is not None and previous is not connection:
            # Taken over (the old connection may be half-open): its requests wait for the new one.
            self.detach(previous)
            if self.server_requests is not None:
                self.server_requests.connection_closed(previous)
            previous.resume = None
            previous.close("taken over by a reconnecting client")
        if session.expiry is not None:
            session.expiry.cancel()
            session.expiry = None
        self._detached.pop(session.token, None)
        connection.subscriptions.update(plan.last_seq)
        session.connection = connection
        session.threads = set()
        connection.resume = session
        if self.server_requests is not None:
            for data in self.server_requests.reattach(connection, session.token, plan.last_seq):
                connection.send_encoded(data)
        replayed = 0
        for thread_id, seq in plan.last_seq.items():
            thread_log = self.logs.get(thread_id)
            if thread_log is None:
                continue
            for event in thread_log.after(seq):
                if event.request or connection.wants(event.method):
                    connection.send_encoded(event.data)
                    replayed += 1
        log.info("reconnect session %d resumed: %d events replayed", session.number, replayed)

    def memory_bytes(self) -> int:
        """The encoded bytes held by the logs (for benchmarks and logs)."""
        return sum(thread_log.bytes for thread_log in self.logs.values())
