"""Start-up policy of the app-server: what is warmed up in the background, when, and when the heap
is frozen out of the garbage collector.

The dispatcher only reports activity (`request_done`) and waits for the first part of the
warm-up (`wait_ready`); everything about timing and `gc.freeze` lives here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable

from app_server.handlers import lookup

log = logging.getLogger("codex.app_server")

QUIET_POLL_SECONDS = 0.05  # how often a held-back warm-up looks again
# The first part starts once the server has had no request for this long, or at once when a
# request needs it (`wait_ready`). Requests served without it (thread/list with plain params: an
# IDE window listing threads, paging through them) would otherwise share the interpreter lock
# with it: 30 ms instead of 4 for a page sent just after start-up.
FIRST_PART_QUIET_SECONDS = 0.1
# Clients send requests in bursts (thread/start, then turn/start at once): the warm-up waits for
# this much quiet, so that a model build it starts cannot hold the interpreter lock just as the
# next request or the first deltas of a turn arrive.
QUIET_AFTER_SECONDS = 0.5

# The methods a client sends first; their params models are built before anything else.
FIRST_METHODS = ("thread/start", "thread/resume", "thread/list", "turn/start", "model/list", "config/read")


def warm_up() -> None:
    """Import what every request needs: the registry, validation and the handlers (worker thread).

    Pydantic class creation is most of a first request's cost; doing it while the client is
    still reading the initialize answer hides it. Requests wait for this part only.
    """
    import gc

    from app_server.protocol import registry, validation  # noqa: F401

    lookup("initialize")
    # Modules, classes and their validators live as long as the process: out of every later
    # collection. Without this a full collection walks them all (30-40 ms each, several during
    # start-up and now and then in a streaming turn, where it shows up as a latency spike).
    gc.freeze()


def warm_up_rest(wait_quiet: Callable[[], None] = lambda: None) -> None:
    """Then the models requests are parsed with, most used first, so that a later request does
    not pay for building them. `wait_quiet` is called before each model: the warm-up holds
    back while the server has work, since its share of the interpreter lock would otherwise
    land on that work (a thread/start sent at once after initialize took 0.6 s instead of 0.4)."""
    import gc

    from app_server.protocol import registry, validation

    first = [spec for method in FIRST_METHODS if (spec := registry.client_request(method)) is not None]
    # Only what the server parses: the params of client requests and the client's answers to
    # server requests (notifications and results are sent as plain dicts).
    for spec in [*first, *registry.CLIENT_REQUESTS]:
        wait_quiet()
        try:
            params = spec.params
            if spec in first and params is not None:
                validation.prepare(params)
        except Exception:  # a broken model must fail its own requests, not the server
            log.exception("warming up %s failed", spec.method)
    for spec in registry.SERVER_REQUESTS:
        wait_quiet()
        try:
            _ = spec.result
        except Exception:
            log.exception("warming up %s failed", spec.method)
    # What the first turn would otherwise import on the event loop (and the HTTP client's CA
    # certificates), where it stalls every connection for as long.
    wait_quiet()
    try:
        import codex_core.agent.turn  # noqa: F401
        from codex_core.model.client import prepare_shared_http_client

        prepare_shared_http_client()
    except Exception:
        log.exception("warming up the turn path failed")
    # And the rest of the models and the turn path, likewise.
    gc.freeze()


class StartupPolicy:
    """One server's warm-up and heap freezing.

    `busy` says whether the server has work (a request in flight or a turn running; read from the
    warm-up thread); `any_thread_loaded` whether the first thread exists.
    """

    def __init__(self, busy: Callable[[], bool], any_thread_loaded: Callable[[], bool]) -> None:
        self._busy = busy
        self._any_thread_loaded = any_thread_loaded
        self.ready: asyncio.Future[None] | None = None
        self.last_active = float("-inf")  # when a request last finished (time.monotonic)
        self._needed = threading.Event()  # a request waits for the warm-up's first part
        self._heap_settled = False

    def request_done(self) -> None:
        """A request was answered (called on the event loop, after the in-flight count dropped)."""
        self.last_active = time.monotonic()
        if not self._heap_settled and self._any_thread_loaded():
            # The first thread brought in the agent, the config and their models: long-lived
            # too, so out of the collections that would otherwise stall its first turns.
            import gc

            self._heap_settled = True
            gc.freeze()

    def wait_quiet(self) -> None:
        """Return once the server has had no work for QUIET_AFTER_SECONDS."""
        self._wait_for_quiet(QUIET_AFTER_SECONDS, threading.Event())

    def _wait_for_quiet(self, quiet: float, unless: threading.Event) -> None:
        while not unless.is_set():
            if self._busy():
                self.last_active = time.monotonic()
            elif time.monotonic() - self.last_active >= quiet:
                return
            unless.wait(QUIET_POLL_SECONDS)

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def settle(error: BaseException | None) -> None:
            if ready.done():
                return
            if error is None:
                ready.set_result(None)
            else:
                ready.set_exception(error)

        def tell(error: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop already closed: nobody is waiting
                loop.call_soon_threadsafe(settle, error)

        def work() -> None:
            try:
                self._wait_for_quiet(FIRST_PART_QUIET_SECONDS, unless=self._needed)
                warm_up()
            except Exception as exc:
                tell(exc)
                return
            tell(None)
            # Requests are served from here on; this part only saves later ones some time.
            warm_up_rest(self.wait_quiet)

        self.ready = ready
        self.last_active = time.monotonic()  # requests already read are not in flight yet
        # A daemon thread, not the loop's executor: a client that leaves at once must not wait
        # for models nobody will use.
        threading.Thread(target=work, name="warm-up", daemon=True).start()

    async def wait_ready(self) -> None:
        # Requests wait for the warm-up instead of importing the same modules concurrently.
        if self.ready is not None:
            self._needed.set()
            try:
                await asyncio.shield(self.ready)
            except Exception:
                log.exception("protocol warm-up failed; continuing without it")
            self.ready = None
