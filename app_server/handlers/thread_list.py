"""thread/list, thread/archive, thread/unarchive and their v1 forms (listConversations,
archiveConversation): threads known from disk, served from the listing index
(codex_core.rollout.index; the page and wire shapes are in app_server/thread_listing.py).

Archive and unarchive move one file with a single no-replace rename(2) within CODEX_HOME, so a
crash leaves the file either where it was or where it goes, never both and never neither; on
any error nothing on disk changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError
from app_server.thread_listing import (
    DEFAULT_LIMIT,
    PlainThreadListParams,
    check_cursor,
    conversation_summary_wire,
    list_page,
    plain_thread_list_params,
    thread_list_result,
    thread_wire_from_index,
)
from codex_core.rollout.index import IndexedThread, ThreadIndex, get_index
from codex_core.rollout.paths import (
    archived_dir,
    parse_rollout_file_name,
    sessions_dir,
    unarchived_path,
    unreadable_reason,
)
from codex_core.serde_text import io_error_text

if TYPE_CHECKING:
    from app_server.protocol.legacy_v1 import (
        ArchiveConversationParams,
        GetConversationSummaryParams,
        ListConversationsParams,
    )
    from app_server.protocol.results import (
        ArchiveConversationResponse,
        GetConversationSummaryResponse,
        ListConversationsResponse,
        ThreadArchiveResponse,
        ThreadListResponse,
        ThreadUnarchiveResponse,
    )
    from app_server.protocol.threads import ThreadArchiveParams, ThreadListParams, ThreadUnarchiveParams

log = logging.getLogger("codex.app_server.thread_list")


def _index(ctx: RequestContext) -> ThreadIndex:
    return get_index(ctx.state.codex_home)


def _own_rollouts(ctx: RequestContext) -> list[str]:
    """Rollout files our loaded threads write: re-checked on every listing (our own writes)."""
    return [os.fspath(s.rollout_path) for s in ctx.state.loaded_sessions() if s.rollout_path is not None]


def _default_provider(ctx: RequestContext) -> str:
    try:
        loaded = ctx.state.server_config()
    except Exception as exc:  # a broken config.toml must not break listing
        log.debug("config unavailable for thread listing: %s", exc)
        return "openai"
    return loaded.model_provider_id or "openai"


@handler("thread/list", plain_params=plain_thread_list_params)
async def thread_list(
    ctx: RequestContext, params: ThreadListParams | PlainThreadListParams
) -> ThreadListResponse:
    own = _own_rollouts(ctx)
    index = _index(ctx)

    def run() -> ThreadListResponse:
        return thread_list_result(index, params, _default_provider(ctx), own)

    return await asyncio.to_thread(run)


@handler("listConversations")
async def list_conversations(
    ctx: RequestContext, params: ListConversationsParams
) -> ListConversationsResponse:
    requested = params.page_size if params.page_size is not None else DEFAULT_LIMIT
    cursor = check_cursor(params.cursor)
    own = _own_rollouts(ctx)
    index = _index(ctx)

    def run() -> ListConversationsResponse:
        default_provider = _default_provider(ctx)
        page = list_page(
            index,
            limit=max(1, requested),
            cursor=cursor,
            sort_key="updated_at",  # v1 lists the most recently used first, as the reference does
            archived=False,
            model_providers=params.model_providers,
            source_kinds=None,
            default_provider=default_provider,
            own_paths=own,
        )
        return {
            "items": [conversation_summary_wire(item, default_provider) for item in page.items],
            "nextCursor": page.next_cursor,
        }

    return await asyncio.to_thread(run)


# -- archive / unarchive ------------------------------------------------------------------------


async def _unload(ctx: RequestContext, thread_id: str) -> None:
    """A loaded thread being archived is shut down first (as the reference does): its rollout is
    flushed and closed, so nothing appends to the file after it moves."""
    session = ctx.state.loaded_session(thread_id)
    if session is None:
        return
    try:
        await session.shutdown()
    except Exception:
        log.exception("shutting down thread %s before archiving it", thread_id)
    ctx.state.unload(thread_id)


async def _archive(ctx: RequestContext, thread_id: str, rollout: Path) -> None:
    codex_home = ctx.state.codex_home
    try:
        sessions = Path(os.path.realpath(sessions_dir(codex_home), strict=True))
    except OSError as exc:
        raise JsonRpcError.internal(
            f"failed to archive thread: unable to resolve sessions directory: {io_error_text(exc)}"
        ) from None
    real = Path(os.path.realpath(rollout))
    if not real.is_relative_to(sessions) or real == sessions:
        raise JsonRpcError.invalid_request(f"rollout path `{rollout}` must be in sessions directory")
    if not real.name.endswith(f"{thread_id}.jsonl") or parse_rollout_file_name(real.name) is None:
        raise JsonRpcError.invalid_request(f"rollout path `{rollout}` does not match thread id {thread_id}")
    if not real.is_file():
        raise JsonRpcError.invalid_request(f"no rollout found for thread id {thread_id}")
    dest = archived_dir(codex_home) / real.name
    if dest.exists():
        raise JsonRpcError.invalid_request(
            f"cannot archive thread {thread_id}: {dest} already exists; refusing to overwrite it"
        )
    await _unload(ctx, thread_id)
    from codex_core.rollout.archive import MoveRefused, move_rollout  # ctypes: not for thread/list

    try:
        await asyncio.to_thread(move_rollout, real, dest)
    except MoveRefused as exc:
        raise JsonRpcError.invalid_request(f"cannot archive thread {thread_id}: {exc}") from None
    except OSError as exc:
        raise JsonRpcError.internal(f"failed to archive thread: {exc}") from None
    await _reindex(ctx, (real, dest))


async def _reindex(ctx: RequestContext, paths: tuple[Path, ...]) -> list[IndexedThread]:
    """Tell the index about our own move right away. It is only a cache: if this fails, the next
    refresh sees the same thing from the folders' mtimes."""
    index = _index(ctx)
    try:
        return await asyncio.to_thread(index.update_paths, paths)
    except Exception:
        log.exception("re-indexing %s", paths)
        return []


async def _find(ctx: RequestContext, thread_id: str, *, archived: bool) -> Path | None:
    index = _index(ctx)
    entry = await asyncio.to_thread(index.find, thread_id, archived=archived)
    return Path(entry.path) if entry is not None else None


@handler("thread/archive")
async def thread_archive(ctx: RequestContext, params: ThreadArchiveParams) -> ThreadArchiveResponse:
    thread_id = params.thread_id  # a UUID in canonical form (the dispatcher checked it)
    rollout = await _find(ctx, thread_id, archived=False)
    if rollout is None:
        raise JsonRpcError.invalid_request(f"no rollout found for thread id {thread_id}")
    await _archive(ctx, thread_id, rollout)
    return {}


@handler("archiveConversation")
async def archive_conversation(
    ctx: RequestContext, params: ArchiveConversationParams
) -> ArchiveConversationResponse:
    thread_id = params.conversation_id  # canonical: read as a UUID with the params
    raw = Path(params.rollout_path)
    rollout = raw if raw.is_absolute() else ctx.state.codex_home / raw
    await _archive(ctx, thread_id, rollout)
    return {}


@handler("thread/unarchive")
async def thread_unarchive(ctx: RequestContext, params: ThreadUnarchiveParams) -> ThreadUnarchiveResponse:
    thread_id = params.thread_id
    archived = await _find(ctx, thread_id, archived=True)
    if archived is None:
        raise JsonRpcError.invalid_request(f"no archived rollout found for thread id {thread_id}")
    dest = unarchived_path(ctx.state.codex_home, archived.name)
    if dest.exists():
        raise JsonRpcError.invalid_request(
            f"cannot unarchive thread {thread_id}: {dest} already exists; refusing to overwrite it"
        )

    from codex_core.rollout.archive import MoveRefused, move_rollout

    def restore() -> None:
        move_rollout(archived, dest)
        # The reference bumps the mtime, so the thread's updatedAt is the unarchive time.
        with contextlib.suppress(OSError):
            os.utime(dest)

    try:
        await asyncio.to_thread(restore)
    except MoveRefused as exc:
        raise JsonRpcError.invalid_request(f"cannot unarchive thread {thread_id}: {exc}") from None
    except OSError as exc:
        raise JsonRpcError.internal(f"failed to unarchive thread: {exc}") from None
    found = await _reindex(ctx, (archived, dest))
    entry = next((e for e in found if e.path == os.fspath(dest)), None)
    if entry is None:
        raise JsonRpcError.internal(f"failed to read unarchived thread: {dest}")
    default_provider = await asyncio.to_thread(_default_provider, ctx)
    return {"thread": thread_wire_from_index(entry, default_provider)}


@handler("getConversationSummary")
async def get_conversation_summary(
    ctx: RequestContext, params: GetConversationSummaryParams
) -> GetConversationSummaryResponse:
    """v1: the listing entry of one conversation, by id or by rollout path (inside CODEX_HOME)."""
    from codex_core.rollout.paths import RolloutPathError, resolve_inside

    index = _index(ctx)
    from app_server.protocol.legacy_v1 import RolloutPathGetConversationSummaryParams

    if isinstance(params, RolloutPathGetConversationSummaryParams):
        # A relative path is taken inside CODEX_HOME, so an empty one names CODEX_HOME itself.
        shown = os.path.join(ctx.state.codex_home, params.rollout_path)
        if not params.rollout_path:
            raise JsonRpcError.internal(
                f"failed to load conversation summary from {shown}: Is a directory (os error 21)"
            )
        try:
            path = resolve_inside(ctx.state.codex_home, params.rollout_path)
        except RolloutPathError as exc:
            raise JsonRpcError.invalid_request(str(exc)) from None
        unreadable = unreadable_reason(path)
        if unreadable is not None:
            raise JsonRpcError.internal(f"failed to load conversation summary from {shown}: {unreadable}")
        entries = await asyncio.to_thread(index.update_paths, [path])
        entry = entries[0] if entries else None
        if entry is None:
            raise JsonRpcError.invalid_request(f"failed to load conversation summary from {path}")
    else:
        conversation_id = params.conversation_id
        await _session_flush(ctx, conversation_id)
        # By id only live threads are found, as in the reference (an archived one needs its path).
        entry = await asyncio.to_thread(index.find, conversation_id, archived=False)
        if entry is None:
            raise JsonRpcError.invalid_request(f"no rollout found for conversation id {conversation_id}")
    return {"summary": conversation_summary_wire(entry, _default_provider(ctx))}


async def _session_flush(ctx: RequestContext, thread_id: str) -> None:
    """A loaded thread's pending lines reach its file before the file is indexed."""
    session = ctx.state.loaded_session(thread_id)
    if session is not None:
        await session.flush()
        await asyncio.to_thread(
            _index(ctx).update_paths, [session.rollout_path] if session.rollout_path else []
        )
