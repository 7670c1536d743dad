"""thread/list answered from the listing index, without an event loop: the params read without
the params model, the page, and the v2 `Thread` / v1 `ConversationSummary` wire shapes.

Shared by the thread/list handler (`app_server/handlers/thread_list.py`, through a worker
thread) and by `fast_start`, which answers a fresh stdio process's first thread/list before
asyncio, the protocol models or pydantic are imported. Nothing here imports them either.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from app_server.jsonrpc import JsonRpcError
from app_server.thread_wire import thread_object
from codex_core.rollout.index import (
    IndexedThread,
    InvalidCursor,
    ListPage,
    ListQuery,
    SortKey,
    ThreadIndex,
    expand_source_kinds,
    parse_cursor,
)

if TYPE_CHECKING:
    from app_server.protocol.results import ThreadListResponse
    from app_server.protocol.threads import ThreadListParams

DEFAULT_LIMIT = 25
MAX_LIMIT = 100

THREAD_LIST_FIELDS = frozenset({"cursor", "limit", "sortKey", "modelProviders", "sourceKinds", "archived"})
SORT_KEYS: dict[str, SortKey] = {"created_at": "created_at", "updated_at": "updated_at"}
SOURCE_KINDS = frozenset(
    {
        "cli",
        "vscode",
        "exec",
        "appServer",
        "subAgent",
        "subAgentReview",
        "subAgentCompact",
        "subAgentThreadSpawn",
        "subAgentOther",
        "unknown",
    }
)
U32_MAX = 0xFFFF_FFFF


class PlainThreadListParams(NamedTuple):
    """thread/list params read without the params model: the same attributes, the same values."""

    cursor: str | None = None
    limit: int | None = None
    sort_key: SortKey | None = None
    model_providers: list[str] | None = None
    source_kinds: list[str] | None = None
    archived: bool | None = None


def _str_list(value: Any, allowed: frozenset[str] | None = None) -> bool:
    return isinstance(value, list) and all(
        type(item) is str and (allowed is None or item in allowed) for item in value
    )


def plain_thread_list_params(raw: Any) -> PlainThreadListParams | None:
    """The params when they are plainly valid (camelCase keys, each of its exact type); None for
    anything else, which the params model then parses, with its exact errors."""
    if not isinstance(raw, dict) or not raw.keys() <= THREAD_LIST_FIELDS:
        return None
    cursor = raw.get("cursor")
    limit = raw.get("limit")
    sort_key = raw.get("sortKey")
    providers = raw.get("modelProviders")
    kinds = raw.get("sourceKinds")
    archived = raw.get("archived")
    if (
        (cursor is not None and type(cursor) is not str)
        or (limit is not None and (type(limit) is not int or not 0 <= limit <= U32_MAX))
        or (sort_key is not None and (type(sort_key) is not str or sort_key not in SORT_KEYS))
        or (providers is not None and not _str_list(providers))
        or (kinds is not None and not _str_list(kinds, SOURCE_KINDS))
        or (archived is not None and type(archived) is not bool)
    ):
        return None
    key = None if sort_key is None else SORT_KEYS[sort_key]
    return PlainThreadListParams(cursor, limit, key, providers, kinds, archived)


# -- wire shapes --------------------------------------------------------------------------------


def thread_wire_from_index(entry: IndexedThread, default_provider: str) -> dict[str, Any]:
    """The v2 `Thread` of a thread known from the listing index."""
    has_git = entry.git_sha is not None or entry.git_branch is not None or entry.git_origin_url is not None
    return thread_object(
        thread_id=entry.id,
        preview=entry.preview,
        model_provider=entry.model_provider or default_provider,
        created_at=entry.created_at,
        updated_at=entry.updated_at,
        path=entry.path,
        cwd=entry.cwd or "",
        cli_version=entry.cli_version or "",
        source=entry.source,
        git_info={"sha": entry.git_sha, "branch": entry.git_branch, "originUrl": entry.git_origin_url}
        if has_git
        else None,
    )


def conversation_summary_wire(entry: IndexedThread, default_provider: str) -> dict[str, Any]:
    """The v1 `ConversationSummary`."""
    from datetime import UTC, datetime

    has_git = entry.git_sha is not None or entry.git_branch is not None or entry.git_origin_url is not None
    updated = datetime.fromtimestamp(entry.updated_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "conversationId": entry.id,
        "path": entry.path,
        "preview": entry.preview,
        "timestamp": entry.meta_timestamp,
        "updatedAt": updated,
        "modelProvider": entry.model_provider or default_provider,
        "cwd": entry.cwd or "",
        "cliVersion": entry.cli_version or "",
        "source": entry.source if entry.source is not None else "vscode",
        "gitInfo": {"sha": entry.git_sha, "branch": entry.git_branch, "origin_url": entry.git_origin_url}
        if has_git
        else None,
    }


# -- listing ------------------------------------------------------------------------------------


def check_cursor(cursor: str | None) -> Any:
    """The parsed cursor; a malformed one is the reference's -32600 (raised before any listing)."""
    if cursor is None:
        return None
    try:
        return parse_cursor(cursor)
    except InvalidCursor:
        raise JsonRpcError.invalid_request(f"invalid cursor: {cursor}") from None


def list_page(
    index: ThreadIndex,
    *,
    limit: int,
    cursor: Any,
    sort_key: SortKey,
    archived: bool,
    model_providers: list[str] | None,
    source_kinds: Sequence[str] | None,
    default_provider: str,
    own_paths: Iterable[str] = (),
) -> ListPage:
    """One page (blocking). `cursor` comes from check_cursor; omitted `model_providers` means the
    configured provider only and [] every provider, as in the reference."""
    providers = [default_provider] if model_providers is None else (list(model_providers) or None)
    query = ListQuery(
        limit=limit,
        cursor=cursor,
        sort_key=sort_key,
        archived=archived,
        model_providers=providers,
        default_provider=default_provider,
        source_kinds=expand_source_kinds(source_kinds),
    )
    return index.list_page(query, extra_paths=own_paths)


def thread_list_result(
    index: ThreadIndex,
    params: ThreadListParams | PlainThreadListParams,
    default_provider: str,
    own_paths: Iterable[str] = (),
) -> ThreadListResponse:
    """The thread/list answer (blocking); JsonRpcError for a malformed cursor."""
    requested = params.limit if params.limit is not None else DEFAULT_LIMIT
    page = list_page(
        index,
        limit=max(1, min(MAX_LIMIT, requested)),
        cursor=check_cursor(params.cursor),
        sort_key=params.sort_key or "created_at",
        archived=bool(params.archived),
        model_providers=params.model_providers,
        source_kinds=params.source_kinds,
        default_provider=default_provider,
        own_paths=own_paths,
    )
    return {
        "data": [thread_wire_from_index(item, default_provider) for item in page.items],
        "nextCursor": page.next_cursor,
    }
