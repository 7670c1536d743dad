"""Streaming model client with the reference's retry behaviour.

``ModelClient.stream`` POSTs one request and yields normalized events.  Failures before the
stream starts (connection errors, 5xx, 429) are retried up to ``request_max_retries``; a
stream that drops, idles or fails before completing is re-POSTed up to
``stream_max_retries``.  Each retry is announced with a `Retrying` event before the sleep.

Cancelling the consuming task (how turn/interrupt works) closes the HTTP stream right away:
the cancellation lands inside our ``async with`` around the response.  Consumers that stop
iterating early should close the generator (``contextlib.aclosing``).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

import orjson

from codex_core.model.errors import (
    ConnectionFailed,
    ModelError,
    Other,
    StreamDisconnected,
    Unauthorized,
    error_from_http,
)
from codex_core.model.events import Completed, ModelEvent, RateLimits, Retrying
from codex_core.model.request import Prompt, build_headers, build_responses_body, endpoint_url
from codex_core.model.sse import ResponsesStreamParser, StreamParser, parse_rate_limit_headers
from codex_core.model.sse_decoder import SseDecoder, is_event_stream
from codex_core.otel.telemetry import NOOP, Telemetry

if TYPE_CHECKING:
    import httpx

    from codex_core.config.providers import ModelProvider
    from codex_core.model.auth import AuthSource

__all__ = [
    "CONNECT_TIMEOUT_S",
    "ModelClient",
    "backoff_delay",
    "close_shared_http_client",
    "shared_http_client",
]

CONNECT_TIMEOUT_S = 30.0
INITIAL_DELAY_S = 0.2
MAX_BACKOFF_S = 30.0
DRAIN_S = 0.25

SleepFn = Callable[[float], Awaitable[None]]

# One pool per event loop: httpx connections cannot move between loops (tests run many loops;
# the server runs one, so in practice this is one client per process).
_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
    weakref.WeakKeyDictionary()
)


def _new_http_client() -> httpx.AsyncClient:
    import httpx

    client = httpx.AsyncClient(
        http2=False,
        # Streams may legitimately idle for minutes; idleness is policed per provider instead.
        timeout=httpx.Timeout(None, connect=CONNECT_TIMEOUT_S),
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=90.0),
        follow_redirects=False,
    )
    from codex_core.model.net_backend import use_asyncio_network

    use_asyncio_network(client)  # the model stream's hot path: plain asyncio sockets and TLS
    return client


# A client built ahead of time by `prepare_shared_http_client` (from any thread; it binds to a
# loop only when first used), taken by the first loop that needs one.
_spare_clients: list[httpx.AsyncClient] = []


def prepare_shared_http_client() -> None:
    """Build the shared client before the first turn needs it: importing httpx and loading the
    CA certificates take ~150 ms that would otherwise stall the event loop at that turn."""
    if not _spare_clients and not _clients:
        _spare_clients.append(_new_http_client())


def shared_http_client() -> httpx.AsyncClient:
    """The process-wide HTTP client (lazily built; keep-alive pooling, no HTTP/2, no read timeout)."""
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None or client.is_closed:
        try:
            client = _spare_clients.pop()
        except IndexError:
            client = _new_http_client()
        _clients[loop] = client
    return client


async def close_shared_http_client() -> None:
    """Close this loop's shared client (server shutdown)."""
    client = _clients.pop(asyncio.get_running_loop(), None)
    if client is not None:
        await client.aclose()


def backoff_delay(attempt: int, rand: Callable[[], float] = random.random) -> float:
    """~200 ms × 2^(attempt-1), ±10 % jitter, capped (attempt is 1-based)."""
    base = INITIAL_DELAY_S * 2.0 ** max(min(attempt, 32) - 1, 0)
    return min(base * (0.9 + 0.2 * rand()), MAX_BACKOFF_S)


class ModelClient:
    def __init__(
        self,
        provider: ModelProvider,
        auth: AuthSource,
        *,
        originator: str,
        user_agent: str,
        http: httpx.AsyncClient | None = None,
        env: Mapping[str, str] | None = None,
        sleep: SleepFn | None = None,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.provider = provider
        self.auth = auth
        self.originator = originator
        self.user_agent = user_agent
        self._http = http
        self._env = env
        # Injected in tests so retry delays can be asserted without waiting.
        self._sleep: SleepFn = sleep or asyncio.sleep
        self._rand = rand
        self.telemetry: Telemetry = NOOP  # the session's OTel events; set by Session.model_client

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http if self._http is not None else shared_http_client()

    def stream(
        self,
        prompt: Prompt,
        *,
        session_id: str,
        turn_metadata: str | None = None,
        subagent: str | None = None,
    ) -> AsyncGenerator[ModelEvent, None]:
        """Events for one sampling request (Responses, or Chat Completions for wire_api=chat)."""
        if self.provider.wire_api == "chat":
            from codex_core.model.chat import ChatStreamParser, build_chat_body

            return self._run(
                "chat/completions",
                build_chat_body(prompt),
                ChatStreamParser,
                session_id=session_id,
                turn_metadata=turn_metadata,
                subagent=subagent,
                rate_limits=False,
            )
        return self._run(
            "responses",
            build_responses_body(prompt),
            ResponsesStreamParser,
            session_id=session_id,
            turn_metadata=turn_metadata,
            subagent=subagent,
            rate_limits=True,
        )

    async def _run(
        self,
        path: str,
        body: dict[str, Any],
        make_parser: Callable[[], StreamParser],
        *,
        session_id: str,
        turn_metadata: str | None,
        subagent: str | None,
        rate_limits: bool,
    ) -> AsyncGenerator[ModelEvent, None]:
        url = endpoint_url(self.provider, self.auth, path)
        payload = orjson.dumps(body)
        request_retries = 0
        stream_retries = 0
        refreshed_auth = False
        idle_s = max(self.provider.stream_idle_timeout_ms, 1) / 1000.0
        attempt_no = 0
        while True:
            attempt_no += 1
            headers = await build_headers(
                self.provider,
                self.auth,
                originator=self.originator,
                user_agent=self.user_agent,
                session_id=session_id,
                turn_metadata=turn_metadata,
                subagent=subagent,
                env=self._env,
            )
            started = False
            attempt_events = self._attempt(
                url, payload, headers, make_parser(), idle_s, rate_limits, attempt_no
            )
            try:
                # aclosing: if our consumer stops early, the HTTP stream is closed with us.
                async with contextlib.aclosing(attempt_events):
                    async for event in attempt_events:
                        started = True
                        yield event
                return
            except _Started as marker:
                # The HTTP handshake succeeded; any failure from here on is a stream failure.
                error = marker.error
                started = True
            except ModelError as exc:
                error = exc

            if isinstance(error, Unauthorized) and not refreshed_auth:
                refreshed_auth = True
                if await self.auth.on_unauthorized():
                    continue
            if not error.retryable:
                raise error
            if started or isinstance(error, StreamDisconnected):
                stream_retries += 1
                attempt, limit = stream_retries, self.provider.stream_max_retries
                attempt_no = 0  # a stream retry starts a fresh request: telemetry counts from 0 again
            else:
                request_retries += 1
                attempt, limit = request_retries, self.provider.request_max_retries
            if attempt > limit:
                raise error
            delay = error.retry_after if error.retry_after is not None else backoff_delay(attempt, self._rand)
            yield Retrying(attempt, limit, delay, f"Reconnecting... {attempt}/{limit}", error)
            await self._sleep(delay)

    async def _attempt(
        self,
        url: str,
        payload: bytes,
        headers: dict[str, str],
        parser: StreamParser,
        idle_s: float,
        rate_limits: bool,
        attempt_no: int = 1,
    ) -> AsyncGenerator[ModelEvent, None]:
        import httpx

        http = self.http  # built outside the timeout: the first build loads TLS certificates
        telemetry, sent = self.telemetry, time.perf_counter()
        try:
            async with contextlib.AsyncExitStack() as stack:
                try:
                    # The idle window also bounds the wait for the response headers.
                    async with asyncio.timeout(idle_s):
                        response = await stack.enter_async_context(
                            http.stream("POST", url, content=payload, headers=headers)
                        )
                except TimeoutError:
                    telemetry.api_request(attempt_no, _ms_since(sent), None, "request timed out")
                    raise ConnectionFailed(
                        f"Connection failed: no response from {url} (request timed out)"
                    ) from None
                ok = 200 <= response.status_code < 300
                telemetry.api_request(
                    attempt_no,
                    _ms_since(sent),
                    response.status_code,
                    None if ok else f"HTTP {response.status_code}",
                )
                if not ok:
                    try:
                        async with asyncio.timeout(idle_s):
                            raw = await response.aread()
                    except (httpx.HTTPError, TimeoutError):
                        raw = b""
                    raise error_from_http(
                        response.status_code, raw.decode("utf-8", "replace"), response.headers
                    )
                if rate_limits:
                    yield RateLimits(parse_rate_limit_headers(response.headers))
                try:
                    content_type = response.headers.get("content-type")
                    if not is_event_stream(content_type):
                        raise Other(
                            "Expected response header Content-Type to contain 'text/event-stream', "
                            f"got {(content_type or '').partition(';')[0]!r}",
                            http_status=response.status_code,
                        )
                    decoder = SseDecoder()
                    deadline = _IdleDeadline(idle_s)
                    last = time.perf_counter()
                    async with contextlib.aclosing(
                        cast(AsyncGenerator[bytes, None], response.aiter_bytes())
                    ) as chunks:
                        try:
                            while True:
                                deadline.wait_started()
                                try:
                                    chunk = await anext(chunks)
                                except StopAsyncIteration:
                                    break
                                except asyncio.CancelledError:
                                    if not deadline.fired():
                                        raise
                                    if parser.completed:
                                        return  # only the drain after completion timed out
                                    if telemetry.enabled:
                                        telemetry.sse_event(
                                            None, _ms_since(last), error="idle timeout waiting for SSE"
                                        )
                                    raise StreamDisconnected(
                                        "stream disconnected before completion: idle timeout waiting for SSE"
                                    ) from None
                                finally:
                                    deadline.waiting = False
                                for kind, data in decoder.feed(chunk):
                                    if parser.completed:
                                        continue
                                    try:
                                        produced = parser.feed(kind, data)
                                    except ModelError as exc:
                                        if telemetry.enabled:
                                            telemetry.sse_event(kind, _ms_since(last), error=str(exc))
                                        raise
                                    if telemetry.enabled:
                                        usage = next(
                                            (e.usage for e in produced if isinstance(e, Completed)), None
                                        )
                                        telemetry.sse_event(kind, _ms_since(last), usage)
                                    last = time.perf_counter()
                                    for event in produced:
                                        yield event
                                if parser.completed:
                                    # After completion only drain briefly, so the connection can be reused.
                                    deadline.shorten(min(idle_s, DRAIN_S))
                        finally:
                            deadline.close()
                    for event in parser.finish():
                        yield event
                except ModelError as exc:
                    raise _Started(exc) from exc
                except httpx.HTTPError as exc:
                    if parser.completed:
                        return  # Whatever broke after completion does not matter.
                    raise _Started(
                        StreamDisconnected(f"stream disconnected before completion: {_describe(exc)}")
                    ) from exc
        except httpx.HTTPError as exc:
            telemetry.api_request(attempt_no, _ms_since(sent), None, _describe(exc))
            raise ConnectionFailed(
                f"Connection failed: error sending request for url ({url}): {_describe(exc)}"
            ) from exc


class _IdleDeadline:
    """The stream's idle timeout as one timer, pushed back lazily.

    A timeout context per event would create and cancel a timer for every delta; this one is
    re-armed only when it comes due. It counts only time spent waiting for the server (the
    consumer may take as long as it likes between reads), and it cancels the reading task only
    while that task is waiting for the next chunk.
    """

    __slots__ = ("_fired", "_handle", "_task", "idle_s", "loop", "since", "waiting")

    def __init__(self, idle_s: float) -> None:
        self.loop = asyncio.get_running_loop()
        self._task = asyncio.current_task()
        self.idle_s = idle_s
        self.since = self.loop.time()
        self.waiting = False
        self._fired = False
        self._handle = self.loop.call_at(self.since + idle_s, self._check)

    def _check(self) -> None:
        due = self.since + self.idle_s
        now = self.loop.time()
        if not self.waiting or now < due:
            self._handle = self.loop.call_at(
                max(due, now + 0.001) if self.waiting else now + self.idle_s, self._check
            )
            return
        if self._task is not None:
            self._fired = True
            self._task.cancel()

    def wait_started(self) -> None:
        self.since = self.loop.time()
        self.waiting = True

    def shorten(self, idle_s: float) -> None:
        if idle_s < self.idle_s:
            self.idle_s = idle_s
            self._handle.cancel()
            self._handle = self.loop.call_at(self.since + idle_s, self._check)

    def fired(self) -> bool:
        """True when our timer caused the cancellation (and nobody else asked for one too)."""
        if not self._fired or self._task is None:
            return False
        self._fired = False
        return self._task.uncancel() == 0

    def close(self) -> None:
        self._handle.cancel()


class _Started(Exception):
    """Carries an error raised after the response headers arrived (so it counts as a stream retry)."""

    def __init__(self, error: ModelError) -> None:
        super().__init__(str(error))
        self.error = error


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return text if text else type(exc).__name__


def _ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0
