"""Rows, cursors and head parsing for the thread listing index (see index.py).

orjson and the rollout reader are imported where heads are read, and uuid where a cursor is
parsed, not at the top: a fresh process's first listing usually needs none of them, and it is
answered before they load (see app_server/fast_start.py). The `source` column is decoded with
the stdlib json, already loaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal, NamedTuple

from codex_core.lazy_log import get_logger

from .policy import HEAD_RECORD_LIMIT, USER_EVENT_SCAN_LIMIT
from .timefmt import parse_file_stamp, parse_rfc3339_ns

log = get_logger("codex.rollout.index")  # lazy: this module is on the start path

SortKey = Literal["created_at", "updated_at"]

INTERACTIVE_SOURCE_KINDS = frozenset({"cli", "vscode"})
_SUBAGENT_KINDS = ("subAgentReview", "subAgentCompact", "subAgentThreadSpawn", "subAgentOther")


class InvalidCursor(ValueError):
    pass


# -- source kinds -------------------------------------------------------------------------------


def source_kind(source: Any) -> str:
    """The v2 `ThreadSourceKind` of a session_meta `source` value."""
    if source is None:
        return "vscode"  # the reference's serde default for a missing source
    if isinstance(source, str):
        return {"cli": "cli", "vscode": "vscode", "exec": "exec", "mcp": "appServer"}.get(source, "unknown")
    if isinstance(source, dict) and "subagent" in source:
        sub = source["subagent"]
        if sub == "review":
            return "subAgentReview"
        if sub == "compact":
            return "subAgentCompact"
        if isinstance(sub, dict) and "thread_spawn" in sub:
            return "subAgentThreadSpawn"
        return "subAgentOther"
    return "unknown"


def expand_source_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    """Requested `sourceKinds` -> the stored kinds they match; omitted/empty = interactive only."""
    wanted = set(kinds or ())
    if not wanted:
        return INTERACTIVE_SOURCE_KINDS
    if "subAgent" in wanted:
        wanted.discard("subAgent")
        wanted.update(_SUBAGENT_KINDS)
    return frozenset(wanted)


# -- cursors ------------------------------------------------------------------------------------


class Cursor(NamedTuple):
    """Resume strictly after (ts, id) in newest-first order; id None = after every item at ts."""

    ts_ms: int
    id: str | None


def parse_cursor(token: str) -> Cursor:
    """`<RFC3339 or YYYY-MM-DDThh-mm-ss>|<uuid>` (the reference's format) or a bare timestamp."""
    stamp, sep, raw_id = token.partition("|")
    thread_id: str | None = None
    if sep:
        import uuid  # not at the top: most listings carry no cursor (see the module docstring)

        try:
            thread_id = str(uuid.UUID(raw_id))
        except ValueError:
            raise InvalidCursor(token) from None
    file_stamp = parse_file_stamp(stamp)
    if file_stamp is not None:
        return Cursor(int(file_stamp.timestamp()) * 1000, thread_id)
    try:
        ns = parse_rfc3339_ns(stamp)
    except ValueError:
        raise InvalidCursor(token) from None
    return Cursor(ns // 1_000_000, thread_id)


def format_cursor(ts_ms: int, thread_id: str) -> str:
    """RFC3339 UTC (fraction only when non-zero, trailing zeros cut) + `|` + uuid."""
    seconds, millis = divmod(ts_ms, 1000)
    stamp = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if millis:
        stamp += "." + f"{millis:03d}".rstrip("0")
    return f"{stamp}Z|{thread_id}"


# -- rows ---------------------------------------------------------------------------------------


class IndexedThread(NamedTuple):
    path: str
    archived: bool
    id: str  # from session_meta (falls back to the file name's uuid)
    created_ms: int  # file-name timestamp
    updated_ms: int  # file mtime in whole seconds (as milliseconds)
    mtime_ns: int
    size: int
    meta_timestamp: str | None
    cwd: str | None
    model_provider: str | None
    source: Any
    source_kind: str
    preview: str
    cli_version: str | None
    git_sha: str | None
    git_branch: str | None
    git_origin_url: str | None
    name: str | None

    @property
    def created_at(self) -> int:
        """Unix seconds: session_meta's timestamp, else the file name's."""
        if self.meta_timestamp:
            with contextlib.suppress(ValueError):
                return parse_rfc3339_ns(self.meta_timestamp) // 1_000_000_000
        return self.created_ms // 1000

    @property
    def updated_at(self) -> int:
        return self.mtime_ns // 1_000_000_000


class ListQuery(NamedTuple):
    limit: int
    cursor: Cursor | None = None
    sort_key: SortKey = "created_at"
    archived: bool = False
    # None = every provider; otherwise threads of these providers (a thread without a recorded
    # provider counts as `default_provider`).
    model_providers: Sequence[str] | None = None
    default_provider: str = "openai"
    source_kinds: frozenset[str] = INTERACTIVE_SOURCE_KINDS


class ListPage(NamedTuple):
    items: list[IndexedThread]
    next_cursor: str | None


COLUMNS = (
    "path, archived, id, created_ms, updated_ms, size, mtime_ns, listable, meta_id, meta_timestamp, "
    "cwd, model_provider, source, source_kind, preview, cli_version, git_sha, git_branch, git_origin_url"
)
SELECT = (
    f"SELECT {', '.join('t.' + c.strip() for c in COLUMNS.split(','))}, n.name "
    "FROM threads t LEFT JOIN names n ON n.id = t.id"
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    path TEXT PRIMARY KEY,
    archived INTEGER NOT NULL,
    id TEXT NOT NULL,             -- file name uuid, lower case: the sort tie-break
    created_ms INTEGER NOT NULL,  -- file name timestamp
    updated_ms INTEGER NOT NULL,  -- mtime in whole seconds (x1000), as the reference orders updated_at
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    listable INTEGER NOT NULL,    -- has session_meta and a user message
    meta_id TEXT,
    meta_timestamp TEXT,
    cwd TEXT,
    model_provider TEXT,
    source TEXT,                  -- JSON of session_meta.source
    source_kind TEXT NOT NULL,
    preview TEXT NOT NULL,
    cli_version TEXT,
    git_sha TEXT,
    git_branch TEXT,
    git_origin_url TEXT
);
CREATE INDEX IF NOT EXISTS threads_created ON threads (archived, listable, created_ms DESC, id DESC);
CREATE INDEX IF NOT EXISTS threads_updated ON threads (archived, listable, updated_ms DESC, id DESC);
CREATE INDEX IF NOT EXISTS threads_id ON threads (id);
CREATE INDEX IF NOT EXISTS threads_mtime ON threads (mtime_ns);
CREATE TABLE IF NOT EXISTS names (id TEXT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL);
"""
# Added to version 2 without a bump (an index without it just lists every folder once).
FOLDERS_TABLE = "CREATE TABLE IF NOT EXISTS folders (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL)"
# Likewise: without it, the recently modified rows a new process loads first cost a table scan
# (14 ms at 50,000 rollouts, on every fresh process's first listing).
MTIME_INDEX = "CREATE INDEX IF NOT EXISTS threads_mtime ON threads (mtime_ns)"

Row = tuple[Any, ...]


_HEAD_BYTES = 256 * 1024
_HEAD_LINES = HEAD_RECORD_LIMIT + USER_EVENT_SCAN_LIMIT


def _quick_head(path: str) -> tuple[dict[str, Any] | None, str | None]:
    """(session_meta payload, first user_message text) from one read of the file's start.

    Same answer as `reader.read_head`, cheaper: only lines that can be a session_meta or a
    user_message are parsed (the others are skipped by a substring test), which matters when a
    cold index reads tens of thousands of heads. Falls back to `read_head` when the head does
    not fit in the first read.
    """
    with open(path, "rb") as handle:
        data = handle.read(_HEAD_BYTES)
    lines = data.split(b"\n")
    truncated = len(data) == _HEAD_BYTES
    if truncated:
        lines.pop()  # possibly cut mid-line: re-read below if the answer was not found
    meta: dict[str, Any] | None = None
    preview: str | None = None
    counted = 0
    for raw in lines:
        if not raw.strip():
            continue
        counted += 1
        if counted > _HEAD_LINES:
            return meta, preview
        if meta is None and b'"session_meta"' in raw:
            value = _loads(raw)
            if (
                value is not None
                and value.get("type") == "session_meta"
                and isinstance(value.get("payload"), dict)
            ):
                meta = value["payload"]
        elif preview is None and b'"user_message"' in raw:
            value = _loads(raw)
            payload = value.get("payload") if value is not None and value.get("type") == "event_msg" else None
            if isinstance(payload, dict) and payload.get("type") == "user_message":
                message = payload.get("message")
                preview = message if isinstance(message, str) else ""
        if meta is not None and preview is not None:
            return meta, preview
    if truncated:
        from .reader import read_head  # rare: off the import path of a fresh process's listing

        head = read_head(Path(path))
        if head is None:
            return None, None
        return head.session_meta, head.preview if head.has_user_message else None
    return meta, preview


def _loads(raw: bytes) -> dict[str, Any] | None:
    import orjson

    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def head_row(path: str, archived: bool, created_ms: int, file_id: str, size: int, mtime_ns: int) -> Row:
    """The index row of one rollout file (reads its head; an unreadable file is not listable)."""
    meta: dict[str, Any] | None = None
    preview: str | None = None
    try:
        meta, preview = _quick_head(path)
    except (OSError, ValueError) as exc:
        log.debug("cannot read rollout head %s: %s", path, exc)
    if meta is None:
        meta, preview = {}, None
    meta_id = meta.get("id") if isinstance(meta.get("id"), str) else None
    listable = bool(meta) and preview is not None and meta_id is not None
    raw_git = meta.get("git")
    git: dict[str, Any] = raw_git if isinstance(raw_git, dict) else {}
    source = meta.get("source")

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    import orjson

    return (
        path,
        int(archived),
        file_id,
        created_ms,
        # Whole seconds, as the reference orders and pages by updated_at: within one second the
        # id decides, and cursors name the second (`2026-12-02T18:30:39Z|<id>`).
        mtime_ns // 1_000_000_000 * 1000,
        size,
        mtime_ns,
        int(listable),
        meta_id,
        text(meta.get("timestamp")),
        text(meta.get("cwd")),
        text(meta.get("model_provider")),
        orjson.dumps(source).decode() if source is not None else None,
        source_kind(source),
        preview or "",
        text(meta.get("cli_version")),
        text(git.get("commit_hash")),
        text(git.get("branch")),
        text(git.get("repository_url")),
    )


_NAME = re.compile(
    r"rollout-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\.jsonl"
)


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def parse_name(name: str) -> tuple[int, str] | None:
    """(created ms, lower-case uuid) of `rollout-<stamp>-<uuid>.jsonl` (a fast
    `paths.parse_rollout_file_name`: a cold index parses every name)."""
    m = _NAME.fullmatch(name)
    if m is None:
        return None
    y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and sec < 60):
        return None
    try:
        day = date(y, mo, d)  # rejects 31 February
    except ValueError:
        return None
    created = (day.toordinal() - _EPOCH_ORDINAL) * 86400 + h * 3600 + mi * 60 + sec
    return created * 1000, m.group(7).lower()


def to_thread(row: Row) -> IndexedThread:
    (
        path,
        archived,
        file_id,
        created_ms,
        updated_ms,
        size,
        mtime_ns,
        _listable,
        meta_id,
        meta_timestamp,
        cwd,
        model_provider,
        source,
        kind,
        preview,
        cli_version,
        git_sha,
        git_branch,
        git_origin_url,
        name,
    ) = row
    return IndexedThread(
        path=path,
        archived=bool(archived),
        id=meta_id or file_id,
        created_ms=created_ms,
        updated_ms=updated_ms,
        mtime_ns=mtime_ns,
        size=size,
        meta_timestamp=meta_timestamp,
        cwd=cwd,
        model_provider=model_provider,
        source=json.loads(source) if source is not None else None,
        source_kind=kind,
        preview=preview,
        cli_version=cli_version,
        git_sha=git_sha,
        git_branch=git_branch,
        git_origin_url=git_origin_url,
        name=name,
    )


def subdirs(parent: str, width: int) -> list[os.DirEntry[str]]:
    """Numeric sub-folders of `parent` (`2026`, `01`), as the reference walks them."""
    try:
        entries = os.scandir(parent)
    except OSError:
        return []
    with entries:
        return [e for e in entries if len(e.name) == width and e.name.isdigit() and e.is_dir()]
