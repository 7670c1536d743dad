"""The thread listing index: an SQLite cache of rollout heads under CODEX_HOME.

The reference lists threads by walking `sessions/YYYY/MM/DD` and reading the head of every file
on every request (and stops at 10,000 files). We keep one row per rollout file in
`$CODEX_HOME/pycodex-threads.sqlite` (a name the reference does not use; it reserves
`state*.sqlite`) so a page is one keyset query on an indexed column, whatever the total.

Rollout files stay the source of truth. Before answering, `refresh()` compares the disk with
the index by (path, size, mtime) and reads heads only of new or changed files:

* every call lists the year/month folders and stats each day folder: creating, removing or
  renaming a file changes its folder's mtime, so files another process (the Rust codex) added
  or removed show up on the very next call;
* files modified recently ("hot": live threads being appended to) and the files our own loaded
  threads write are re-stat'ed on every call;
* every `full_rescan_interval` seconds (and on the first call of a process) every file is
  stat'ed, which catches appends to old files by other processes (updated_at order).

A missing, corrupt or other-version index file is deleted and rebuilt from the files. All
methods block (file walks, sqlite): async callers run them in a worker thread.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import orjson

from .paths import ARCHIVED_SESSIONS_SUBDIR, SESSIONS_SUBDIR
from .reader import HEAD_RECORD_LIMIT, USER_EVENT_SCAN_LIMIT, read_head
from .session_index import latest_names, session_index_path
from .timefmt import parse_file_stamp, parse_rfc3339_ns

log = logging.getLogger("codex.rollout.index")

INDEX_FILE_NAME = "pycodex-threads.sqlite"
SCHEMA_VERSION = 1
_FORMAT_TAG = "pycodex-thread-index"

DEFAULT_FULL_RESCAN_INTERVAL = 2.0
# A file modified this recently may still be appended to: re-stat it on every call.
_HOT_WINDOW_NS = 15 * 60 * 1_000_000_000
# File-system timestamps are coarse (a kernel tick); a folder whose mtime is this recent may
# change again without its mtime moving, so it is re-listed on every call until it settles.
_SETTLE_NS = 3 * 1_000_000_000
# Below this many heads to read, a thread pool costs more than it saves.
_POOL_THRESHOLD = 64

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


@dataclass(frozen=True)
class Cursor:
    """Resume strictly after (ts, id) in newest-first order; id None = after every item at ts."""

    ts_ms: int
    id: str | None


def parse_cursor(token: str) -> Cursor:
    """`<RFC3339 or YYYY-MM-DDThh-mm-ss>|<uuid>` (the reference's format) or a bare timestamp."""
    stamp, sep, raw_id = token.partition("|")
    thread_id: str | None = None
    if sep:
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


@dataclass(frozen=True)
class IndexedThread:
    path: str
    archived: bool
    id: str  # from session_meta (falls back to the file name's uuid)
    created_ms: int  # file-name timestamp
    updated_ms: int  # file mtime, milliseconds
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


@dataclass(frozen=True)
class ListQuery:
    limit: int
    cursor: Cursor | None = None
    sort_key: SortKey = "created_at"
    archived: bool = False
    # None = every provider; otherwise threads of these providers (a thread without a recorded
    # provider counts as `default_provider`).
    model_providers: Sequence[str] | None = None
    default_provider: str = "openai"
    source_kinds: frozenset[str] = INTERACTIVE_SOURCE_KINDS


@dataclass(frozen=True)
class ListPage:
    items: list[IndexedThread]
    next_cursor: str | None


_COLUMNS = (
    "path, archived, id, created_ms, updated_ms, size, mtime_ns, listable, meta_id, meta_timestamp, "
    "cwd, model_provider, source, source_kind, preview, cli_version, git_sha, git_branch, git_origin_url"
)
_SELECT = (
    f"SELECT {', '.join('t.' + c.strip() for c in _COLUMNS.split(','))}, n.name "
    "FROM threads t LEFT JOIN names n ON n.id = t.id"
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS threads (
    path TEXT PRIMARY KEY,
    archived INTEGER NOT NULL,
    id TEXT NOT NULL,             -- file name uuid, lower case: the sort tie-break
    created_ms INTEGER NOT NULL,  -- file name timestamp
    updated_ms INTEGER NOT NULL,  -- mtime truncated to ms, like the reference's updated_at
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
CREATE TABLE IF NOT EXISTS names (id TEXT PRIMARY KEY, name TEXT NOT NULL);
"""

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
        head = read_head(Path(path))
        if head is None:
            return None, None
        return head.session_meta, head.preview if head.has_user_message else None
    return meta, preview


def _loads(raw: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _head_row(path: str, archived: bool, created_ms: int, file_id: str, size: int, mtime_ns: int) -> Row:
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

    return (
        path,
        int(archived),
        file_id,
        created_ms,
        mtime_ns // 1_000_000,
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


def _parse_name(name: str) -> tuple[int, str] | None:
    """(created ms, lower-case uuid) of `rollout-<stamp>-<uuid>.jsonl` (a fast
    `paths.parse_rollout_file_name`: a cold index parses every name)."""
    m = _NAME.fullmatch(name)
    if m is None:
        return None
    y, mo, d, h, mi, sec = (int(g) for g in m.groups()[:6])
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h < 24 and mi < 60 and sec < 60):
        return None
    try:
        created = calendar.timegm((y, mo, d, h, mi, sec, 0, 0, 0))
        datetime(y, mo, d)  # rejects 31 February
    except ValueError:
        return None
    return created * 1000, m.group(7).lower()


@dataclass
class _FileState:
    size: int
    mtime_ns: int
    folder: str


class ThreadIndex:
    """One CODEX_HOME's index. Thread-safe (one lock); every method blocks."""

    def __init__(
        self,
        codex_home: Path,
        *,
        db_path: Path | None = None,
        full_rescan_interval: float = DEFAULT_FULL_RESCAN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.codex_home = Path(codex_home)
        self.db_path = db_path if db_path is not None else self.codex_home / INDEX_FILE_NAME
        self.full_rescan_interval = full_rescan_interval
        self._clock = clock
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        # In-memory mirror of the (path, size, mtime) columns, and the folder mtimes we saw.
        self._files: dict[str, _FileState] = {}
        self._by_folder: dict[str, set[str]] = {}
        self._hot: set[str] = set()  # files modified within _HOT_WINDOW_NS when last seen
        self._folder_mtimes: dict[str, int] = {}
        self._last_full: float | None = None
        self._last_full_cost = 0.0
        self._names_stamp: tuple[int, int] | None = None
        self.stats = {"heads_read": 0, "full_rescans": 0, "rebuilds": 0}

    # -- opening ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        try:
            db = self._open_checked()
        except sqlite3.DatabaseError as exc:
            log.warning("thread index %s unusable (%s); rebuilding it", self.db_path, exc)
            self._delete_files()
            self.stats["rebuilds"] += 1
            db = self._open_checked()
        self._db = db
        self._files, self._by_folder, self._hot = {}, {}, set()
        for path, size, mtime_ns in db.execute("SELECT path, size, mtime_ns FROM threads"):
            self._remember(path, size, mtime_ns)
        self._folder_mtimes = {}
        self._last_full = None
        self._last_full_cost = 0.0
        self._names_stamp = None
        return db

    def _open_checked(self) -> sqlite3.Connection:
        fresh = not self.db_path.exists()
        db = sqlite3.connect(self.db_path, check_same_thread=False, isolation_level=None, timeout=10)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            if not fresh:
                ok = db.execute("PRAGMA quick_check").fetchone()
                if ok is None or ok[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {ok}")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                tag = None
                with contextlib.suppress(sqlite3.DatabaseError):
                    found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
                    tag = found[0] if found else None
                if version != SCHEMA_VERSION or tag != _FORMAT_TAG:
                    raise sqlite3.DatabaseError(f"schema version {version}/{tag}, want {SCHEMA_VERSION}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            if fresh:
                # IF NOT EXISTS: another process may be creating the same file right now.
                db.executescript(
                    "BEGIN IMMEDIATE;"
                    + _SCHEMA
                    + f"INSERT OR REPLACE INTO meta VALUES ('format', '{_FORMAT_TAG}');"
                    + f"PRAGMA user_version = {SCHEMA_VERSION};"
                    + "COMMIT;"
                )
        except BaseException:
            db.close()
            raise
        return db

    def _delete_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.db_path}{suffix}")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- refreshing ------------------------------------------------------------------------------
    def refresh(self, *, full: bool = False, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Bring the index up to date with the files (see the module docstring for what is checked)."""
        with self._lock:
            try:
                self._refresh(full, extra_paths)
            except sqlite3.DatabaseError as exc:
                # Corrupted under our feet (or by another process): start over from the files.
                log.warning("thread index %s failed (%s); rebuilding it", self.db_path, exc)
                self.close()
                self._delete_files()
                self.stats["rebuilds"] += 1
                self._refresh(True, extra_paths)

    def _refresh(self, full: bool, extra_paths: Iterable[str | os.PathLike[str]]) -> None:
        db = self._connect()
        started = self._clock()
        # A full rescan stats every file: never spend more than ~5% of the time on it.
        interval = max(self.full_rescan_interval, 20 * self._last_full_cost)
        if self._last_full is None or started - self._last_full >= interval:
            full = True
        wall_ns = time.time_ns()
        folders = self._list_folders()
        listed = [
            folder
            for folder, (_archived, mtime_ns) in folders.items()
            if full or self._folder_mtimes.get(folder) != mtime_ns or wall_ns - mtime_ns < _SETTLE_NS
        ]
        seen: dict[str, tuple[int, int, bool]] = {}  # path -> (size, mtime_ns, archived)
        gone: set[str] = set()
        for folder in listed:
            found = dict(self._list_files(folder, folders[folder][0]))
            seen.update(found)
            gone.update(p for p in self._by_folder.get(folder, ()) if p not in found)
        for folder in [f for f in self._by_folder if f not in folders]:
            gone.update(self._by_folder[folder])
        # Files in folders we did not list: re-stat the hot ones and the ones we write ourselves.
        recheck = {os.fspath(p) for p in extra_paths}
        recheck.update(self._hot)
        for path in recheck:
            folder = os.path.dirname(path)
            if path in seen or folder not in folders or path in gone:
                continue
            try:
                st = os.stat(path)
            except OSError:
                if path in self._files:
                    gone.add(path)
                continue
            seen[path] = (st.st_size, st.st_mtime_ns, folders[folder][0])
        changed: list[tuple[str, bool, int, str, int, int]] = []
        hot_after = wall_ns - _HOT_WINDOW_NS
        for path, (size, mtime_ns, archived) in seen.items():
            if mtime_ns > hot_after:
                self._hot.add(path)
            else:
                self._hot.discard(path)
            state = self._files.get(path)
            if state is not None and state.size == size and state.mtime_ns == mtime_ns:
                continue
            parsed = _parse_name(os.path.basename(path))
            if parsed is not None:
                changed.append((path, archived, parsed[0], parsed[1], size, mtime_ns))
        rows = self._read_heads(changed)
        if rows or gone:
            db.execute("BEGIN IMMEDIATE")
            try:
                if gone:
                    db.executemany("DELETE FROM threads WHERE path = ?", ((p,) for p in gone))
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    db.executemany(f"INSERT OR REPLACE INTO threads ({_COLUMNS}) VALUES ({marks})", rows)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            for path in gone:
                self._forget(path)
            for row in rows:
                self._remember(row[0], row[5], row[6])
        for folder in listed:
            self._folder_mtimes[folder] = folders[folder][1]
        for folder in [f for f in self._folder_mtimes if f not in folders]:
            del self._folder_mtimes[folder]
        if full:
            self._last_full = started
            self._last_full_cost = self._clock() - started
            self.stats["full_rescans"] += 1
        self._refresh_names(db)

    def _remember(self, path: str, size: int, mtime_ns: int) -> None:
        folder = os.path.dirname(path)
        self._files[path] = _FileState(size, mtime_ns, folder)
        self._by_folder.setdefault(folder, set()).add(path)

    def _forget(self, path: str) -> None:
        state = self._files.pop(path, None)
        self._hot.discard(path)
        if state is not None:
            members = self._by_folder.get(state.folder)
            if members is not None:
                members.discard(path)
                if not members:
                    del self._by_folder[state.folder]

    def _list_folders(self) -> dict[str, tuple[bool, int]]:
        """Every `sessions/YYYY/MM/DD` folder and `archived_sessions` -> (archived, mtime_ns)."""
        found: dict[str, tuple[bool, int]] = {}
        root = os.path.join(self.codex_home, SESSIONS_SUBDIR)
        for year in _subdirs(root, 4):
            for month in _subdirs(year.path, 2):
                for day in _subdirs(month.path, 2):
                    with contextlib.suppress(OSError):
                        found[day.path] = (False, day.stat().st_mtime_ns)
        archived = os.path.join(self.codex_home, ARCHIVED_SESSIONS_SUBDIR)
        with contextlib.suppress(OSError):
            found[archived] = (True, os.stat(archived).st_mtime_ns)
        return found

    @staticmethod
    def _list_files(folder: str, archived: bool) -> Iterator[tuple[str, tuple[int, int, bool]]]:
        try:
            entries = os.scandir(folder)
        except OSError:
            return
        with entries:
            for entry in entries:
                name = entry.name
                if not (name.startswith("rollout-") and name.endswith(".jsonl")):
                    continue
                try:
                    if not entry.is_file():
                        continue
                    st = entry.stat()
                except OSError:
                    continue
                yield entry.path, (st.st_size, st.st_mtime_ns, archived)

    def _read_heads(self, changed: list[tuple[str, bool, int, str, int, int]]) -> list[Row]:
        self.stats["heads_read"] += len(changed)
        if len(changed) < _POOL_THRESHOLD:
            return [_head_row(*item) for item in changed]
        # File reads overlap across threads (the parsing holds the GIL): a few workers, each
        # taking a large slice, so the pool's per-task cost stays negligible.
        workers = min(4, (os.cpu_count() or 2))
        step = -(-len(changed) // (workers * 4))
        chunks = [changed[i : i + step] for i in range(0, len(changed), step)]
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="thread-index") as pool:
            results = pool.map(lambda chunk: [_head_row(*item) for item in chunk], chunks)
            return [row for rows in results for row in rows]

    def _refresh_names(self, db: sqlite3.Connection) -> None:
        path = session_index_path(self.codex_home)
        try:
            st = os.stat(path)
            stamp: tuple[int, int] | None = (st.st_size, st.st_mtime_ns)
        except OSError:
            stamp = None
        if stamp == self._names_stamp and stamp is not None:
            return
        names = latest_names(self.codex_home) if stamp is not None else {}
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM names")
            db.executemany("INSERT INTO names (id, name) VALUES (?, ?)", names.items())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._names_stamp = stamp

    # -- queries ---------------------------------------------------------------------------------
    def list_page(self, query: ListQuery, *, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> ListPage:
        """Refresh, then one page newest first (keyset pagination on (sort key, id))."""
        with self._lock:
            self.refresh(extra_paths=extra_paths)
            return self._query(query)

    def _query(self, query: ListQuery) -> ListPage:
        db = self._connect()
        key = "created_ms" if query.sort_key == "created_at" else "updated_ms"
        where = ["t.archived = ?", "t.listable = 1"]
        args: list[Any] = [int(query.archived)]
        kinds = sorted(query.source_kinds)
        where.append(f"t.source_kind IN ({', '.join('?' * len(kinds))})")
        args += kinds
        if query.model_providers is not None:
            providers = list(query.model_providers)
            clause = f"t.model_provider IN ({', '.join('?' * len(providers))})" if providers else "0"
            args += providers
            if query.default_provider in providers:
                clause = f"({clause} OR t.model_provider IS NULL)"
            where.append(clause)
        if query.cursor is not None:
            if query.cursor.id is None:
                where.append(f"t.{key} < ?")
                args.append(query.cursor.ts_ms)
            else:
                where.append(f"(t.{key}, t.id) < (?, ?)")
                args += [query.cursor.ts_ms, query.cursor.id]
        limit = max(1, query.limit)
        sql = f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY t.{key} DESC, t.id DESC LIMIT ?"
        rows = db.execute(sql, [*args, limit + 1]).fetchall()
        items = [_to_thread(row) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = items[-1]
            ts_ms = last.created_ms if key == "created_ms" else last.updated_ms
            next_cursor = format_cursor(ts_ms, str(rows[limit - 1][2]))  # the file name's uuid
        return ListPage(items, next_cursor)

    def find(self, thread_id: str, *, archived: bool) -> IndexedThread | None:
        """The indexed file of a thread (after a refresh), checked to still exist."""
        key = thread_id.lower()
        with self._lock:
            self.refresh()
            db = self._connect()
            rows = db.execute(
                f"{_SELECT} WHERE t.id = ? AND t.archived = ? ORDER BY t.created_ms DESC",
                (key, int(archived)),
            ).fetchall()
        for row in rows:
            if os.path.exists(row[0]):
                return _to_thread(row)
        return None

    def update_paths(self, paths: Iterable[str | os.PathLike[str]]) -> list[IndexedThread]:
        """Re-index specific files right away (our own writes: archive/unarchive moves)."""
        wanted = [os.fspath(p) for p in paths]
        with self._lock:
            self.refresh(extra_paths=wanted)
            db = self._connect()
            found = []
            for path in wanted:
                row = db.execute(
                    f"{_SELECT} WHERE t.path = ?",
                    (path,),
                ).fetchone()
                if row is not None:
                    found.append(_to_thread(row))
            return found

    def count(self, *, archived: bool | None = None) -> int:
        with self._lock:
            db = self._connect()
            if archived is None:
                return int(db.execute("SELECT count(*) FROM threads").fetchone()[0])
            return int(
                db.execute("SELECT count(*) FROM threads WHERE archived = ?", (int(archived),)).fetchone()[0]
            )


def _to_thread(row: Row) -> IndexedThread:
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
        source=orjson.loads(source) if source is not None else None,
        source_kind=kind,
        preview=preview,
        cli_version=cli_version,
        git_sha=git_sha,
        git_branch=git_branch,
        git_origin_url=git_origin_url,
        name=name,
    )


def _subdirs(parent: str, width: int) -> list[os.DirEntry[str]]:
    """Numeric sub-folders of `parent` (`2026`, `01`), as the reference walks them."""
    try:
        entries = os.scandir(parent)
    except OSError:
        return []
    with entries:
        return [e for e in entries if len(e.name) == width and e.name.isdigit() and e.is_dir()]


# -- one index per CODEX_HOME per process -------------------------------------------------------

_indexes: dict[str, ThreadIndex] = {}
_indexes_lock = threading.Lock()


def get_index(codex_home: Path) -> ThreadIndex:
    key = os.path.realpath(codex_home)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = ThreadIndex(Path(codex_home))
            _indexes[key] = index
        return index
