"""Method handlers, one small module per area.

A method's handler is the function named after it (`registry.handler_name`: `thread/name/set` ->
`thread_name_set`, `newConversation` -> `new_conversation`) in the module that
`registry.HANDLED_IN` names, decorated `@handler("<method>")`. Each handler is a thin adapter:
params typed as the registry's params model (None for a method without params), a plain dict out
typed as the response model's TypedDict (`app_server/protocol/results.py`), JsonRpcError raised
for an error answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from app_server.connection import Connection
    from app_server.jsonrpc import RequestId
    from app_server.state import ServerState

HANDLER_MODULES = (
    "app_server.handlers.info",
    "app_server.handlers.config",
    "app_server.handlers.models",
    "app_server.handlers.workspace",
    "app_server.handlers.threads",
    "app_server.handlers.turns",
    "app_server.handlers.legacy",
    "app_server.handlers.exec",
    "app_server.handlers.thread_history",
    "app_server.handlers.thread_list",
    "app_server.handlers.account",
    "app_server.handlers.mcp",
    "app_server.handlers.skills_apps",
    "app_server.handlers.feedback",
    "app_server.handlers.experimental",
)


@dataclass
class RequestContext:
    state: ServerState
    connection: Connection
    request_id: RequestId
    method: str
    # Run right after the response is queued: notifications the reference sends after the answer.
    after: list[Callable[[], None]] = field(default_factory=list)


class Deferred:
    """Returned by a handler whose answer is sent later by someone else (turn/interrupt)."""


DEFERRED = Deferred()


HandlerFn = Callable[[RequestContext, Any], Awaitable[Any]]


@dataclass(frozen=True)
class HandlerEntry:
    method: str
    fn: HandlerFn
    # Detached handlers run as their own task, so a long wait (turn/interrupt, a login) does not
    # hold up the connection's later requests.
    detached: bool = False
    # Reads the raw params of the common, plainly valid shapes into an object the handler takes
    # as it takes the params model, or returns None (then the params model decides, errors and
    # all). Such a request needs neither pydantic nor the warm-up: see PLAIN_PARAMS_MODULES.
    plain_params: Callable[[Any], Any] | None = None


# Methods whose handler has `plain_params`, and the module holding it: the one module imported to
# answer them on a fresh process (an IDE window lists threads first, before anything else loads).
PLAIN_PARAMS_MODULES = {"thread/list": "app_server.handlers.thread_list"}


_HANDLERS: dict[str, HandlerEntry] = {}
_loaded = False


# The decorator returns the function unchanged, with its own signature, for mypy to check.
_F = TypeVar("_F", bound=Callable[..., Awaitable[Any]])


def handler(
    method: str, *, detached: bool = False, plain_params: Callable[[Any], Any] | None = None
) -> Callable[[_F], _F]:
    def register(fn: _F) -> _F:
        if method in _HANDLERS:
            raise RuntimeError(f"two handlers for {method}")
        _HANDLERS[method] = HandlerEntry(method, fn, detached, plain_params)
        return fn

    return register


def lookup(method: str) -> HandlerEntry | None:
    global _loaded
    if not _loaded:
        for module in HANDLER_MODULES:
            importlib.import_module(module)
        _loaded = True
    return _HANDLERS.get(method)


def lookup_plain(method: str) -> HandlerEntry | None:
    """The handler of a method listed in PLAIN_PARAMS_MODULES, importing only its own module."""
    module = PLAIN_PARAMS_MODULES.get(method)
    if module is None:
        return None
    entry = _HANDLERS.get(method)
    if entry is None:
        importlib.import_module(module)
        entry = _HANDLERS.get(method)
    return entry if entry is not None and entry.plain_params is not None else None
