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

In background mode (`get_index`, what the servers use) a new process serves from the index on
disk at once (issue 21: the first thread/list at 50,000 rollouts in ~15 ms instead of ~0.6 s):

* the folder mtimes are kept on disk (`folders` table), so the first call lists only the folders
  changed since the last process: threads another process created or removed show on the very
  first call, as do appends to files modified in the last 15 minutes (re-stat'ed every call);
* rows load per folder as folders are listed, not all at open;
* full rescans (and, on the first, the integrity check) run in a background thread: the first
  call starts one, later calls start the next once `full_rescan_interval` (at least 20x the last
  one's cost) has passed; the walk runs without the lock and only the diff is applied under it.
  An append by another process to a thread older than 15 minutes therefore shows within one
  rescan of the first call of a process (about 0.5 s at 50,000 rollouts), and later within
  the rescan interval plus one rescan (about 10 s at 50,000, about 2 s for small homes).

Without background mode (tests, tools) the first call is a full rescan inline, as before.

A missing, corrupt or other-version index file is deleted and rebuilt from the files. All
methods block (file walks, sqlite): async callers run them in a worker thread.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from codex_core.lazy_log import get_logger

from .index_rows import (
    COLUMNS,
    INTERACTIVE_SOURCE_KINDS,
    SELECT,
    Cursor,
    IndexedThread,
    InvalidCursor,
    ListPage,
    ListQuery,
    Row,
    SortKey,
    expand_source_kinds,
    format_cursor,
    parse_cursor,
    parse_name,
    source_kind,
    to_thread,
)
from .index_store import INDEX_FILE_NAME, check_ok, delete_files, open_checked
from .index_walk import Changed, Listing, list_all, list_files, list_folders, read_heads
from .session_index import latest_names, session_index_path

log = get_logger("codex.rollout.index")  # lazy: this module is on the start path

# The listing API lives here; rows, cursors and head parsing are in index_rows, the SQLite file
# in index_store, the walk of the rollout folders in index_walk.
__all__ = [
    "INDEX_FILE_NAME",
    "INTERACTIVE_SOURCE_KINDS",
    "Cursor",
    "IndexedThread",
    "InvalidCursor",
    "ListPage",
    "ListQuery",
    "SortKey",
    "ThreadIndex",
    "expand_source_kinds",
    "format_cursor",
    "get_index",
    "parse_cursor",
    "source_kind",
]

DEFAULT_FULL_RESCAN_INTERVAL = 2.0
# A file modified this recently may still be appended to: re-stat it on every call.
_HOT_WINDOW_NS = 15 * 60 * 1_000_000_000
# File-system timestamps are coarse (a kernel tick); a folder whose mtime is this recent may
# change again without its mtime moving, so it is re-listed on every call until it settles.
_SETTLE_NS = 3 * 1_000_000_000


class _FileState(NamedTuple):
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
        background: bool = False,
    ) -> None:
        self.codex_home = Path(codex_home)
        self.db_path = db_path if db_path is not None else self.codex_home / INDEX_FILE_NAME
        self.full_rescan_interval = full_rescan_interval
        self._clock = clock
        # Serve from the index on disk at once and do full rescans (and the integrity check) in
        # a background thread; without it, they happen inline (the first call is a full rescan).
        self.background = background
        self._idle = threading.Event()
        self._rescan_due = False
        self._created = False  # whether this process created the index file
        self._idle.set()
        self._all_loaded = True  # whether _files mirrors every row (else folders load on demand)
        self._loaded_folders: set[str] = set()
        self._persisted_folders: dict[str, int] = {}
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        # In-memory mirror of the (path, size, mtime) columns, and the folder mtimes we saw.
        self._files: dict[str, _FileState] = {}
        self._by_folder: dict[str, set[str]] = {}
        self._hot: set[str] = set()  # files modified within _HOT_WINDOW_NS when last seen
        self._folder_mtimes: dict[str, int] = {}
        self._last_full: float | None = None
        self._last_full_cost = 0.0
        # (size, mtime) of session_index.jsonl the names table was built from; None = not yet
        # read from the `meta` table, where it is kept for the next process.
        self._names_stamp: str | None = None
        self.stats = {"heads_read": 0, "full_rescans": 0, "rebuilds": 0, "names_read": 0}

    # -- opening ---------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._created = not self.db_path.exists()
        try:
            db = open_checked(self.db_path, check=not self.background)
        except sqlite3.DatabaseError as exc:
            log.warning("thread index %s unusable (%s); rebuilding it", self.db_path, exc)
            self._delete_files()
            self.stats["rebuilds"] += 1
            self._created = True
            db = open_checked(self.db_path)
        self._db = db
        self._files, self._by_folder, self._hot = {}, {}, set()
        self._folder_mtimes = {}
        self._loaded_folders = set()
        self._persisted_folders = dict(db.execute("SELECT path, mtime_ns FROM folders").fetchall())
        if self.background:
            # Rows load per folder as folders are listed; the files modified recently are
            # re-checked on every call, so they load now.
            self._all_loaded = False
            self._folder_mtimes = dict(self._persisted_folders)
            recent = time.time_ns() - _HOT_WINDOW_NS
            for path, size, mtime_ns in db.execute(
                "SELECT path, size, mtime_ns FROM threads WHERE mtime_ns > ?", (recent,)
            ):
                self._remember(path, size, mtime_ns)
                self._hot.add(path)
        else:
            self._load_all(db)
        self._last_full = None
        self._last_full_cost = 0.0
        self._names_stamp = None
        return db

    def _load_all(self, db: sqlite3.Connection) -> None:
        if self._all_loaded and self._files:
            return
        for path, size, mtime_ns in db.execute("SELECT path, size, mtime_ns FROM threads"):
            self._remember(path, size, mtime_ns)
        self._all_loaded = True

    def _load_folder(self, db: sqlite3.Connection, folder: str) -> None:
        if self._all_loaded or folder in self._loaded_folders:
            return
        rows = db.execute(
            "SELECT path, size, mtime_ns FROM threads WHERE path > ? AND path < ?",
            (folder + os.sep, folder + chr(ord(os.sep) + 1)),
        )
        for path, size, mtime_ns in rows:
            if os.path.dirname(path) == folder:
                self._remember(path, size, mtime_ns)
        self._loaded_folders.add(folder)

    def _delete_files(self) -> None:
        delete_files(self.db_path)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- refreshing ------------------------------------------------------------------------------
    def refresh(self, *, full: bool = False, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> None:
        """Bring the index up to date with the files (see the module docstring for what is checked)."""
        self._refresh_guarded(full, extra_paths)
        self._start_due_rescan()

    def _refresh_guarded(
        self, full: bool = False, extra_paths: Iterable[str | os.PathLike[str]] = ()
    ) -> None:
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

    def _refresh(
        self,
        full: bool,
        extra_paths: Iterable[str | os.PathLike[str]],
        prelisted: Listing | None = None,
        started: float | None = None,
    ) -> None:
        db = self._connect()
        started = self._clock() if started is None else started
        # A full rescan stats every file: never spend more than ~5% of the time on it.
        interval = max(self.full_rescan_interval, 20 * self._last_full_cost)
        if not full and (self._last_full is None or started - self._last_full >= interval):
            if self.background and prelisted is None:
                self._rescan_due = True  # started once the caller has its answer
            else:
                full = True
        wall_ns = time.time_ns()
        folders = prelisted.folders if prelisted is not None else list_folders(self.codex_home)
        if full:
            self._load_all(db)
        listed = [
            folder
            for folder, (_archived, mtime_ns) in folders.items()
            if full or self._folder_mtimes.get(folder) != mtime_ns or wall_ns - mtime_ns < _SETTLE_NS
        ]
        seen: dict[str, tuple[int, int, bool]] = {}  # path -> (size, mtime_ns, archived)
        gone: set[str] = set()
        for folder in listed:
            self._load_folder(db, folder)
            if prelisted is not None:
                found = prelisted.files.get(folder, {})
            else:
                found = dict(list_files(folder, folders[folder][0]))
            seen.update(found)
            gone.update(p for p in self._by_folder.get(folder, ()) if p not in found)
        for folder in [f for f in {*self._by_folder, *self._folder_mtimes} if f not in folders]:
            self._load_folder(db, folder)
            gone.update(self._by_folder.get(folder, ()))
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
        changed: list[Changed] = []
        hot_after = wall_ns - _HOT_WINDOW_NS
        for path, (size, mtime_ns, archived) in seen.items():
            if mtime_ns > hot_after:
                self._hot.add(path)
            else:
                self._hot.discard(path)
            state = self._files.get(path)
            if state is not None and state.size == size and state.mtime_ns == mtime_ns:
                continue
            parsed = parse_name(os.path.basename(path))
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
                    db.executemany(f"INSERT OR REPLACE INTO threads ({COLUMNS}) VALUES ({marks})", rows)
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
        self._persist_folders(db, folders)
        if full:
            self._last_full = started
            self._last_full_cost = self._clock() - started
            self.stats["full_rescans"] += 1
        elif self._created and self._last_full is None and len(listed) == len(folders):
            # A new index file, filled by listing every folder: that was a full rescan already
            # (and a new file needs no integrity check), so none is due in the background,
            # where it would compete with the requests that follow this first one.
            self._last_full = started
            self._last_full_cost = self._clock() - started
            self._rescan_due = False
        self._refresh_names(db)

    def _persist_folders(self, db: sqlite3.Connection, folders: dict[str, tuple[bool, int]]) -> None:
        """Keep the folder mtimes on disk, so the next process lists only the folders changed since."""
        changed = [(f, m) for f, m in self._folder_mtimes.items() if self._persisted_folders.get(f) != m]
        vanished = [f for f in self._persisted_folders if f not in folders]
        if not changed and not vanished:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT OR REPLACE INTO folders (path, mtime_ns) VALUES (?, ?)", changed)
            db.executemany("DELETE FROM folders WHERE path = ?", ((f,) for f in vanished))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._persisted_folders.update(changed)
        for folder in vanished:
            del self._persisted_folders[folder]

    # -- background revalidation -------------------------------------------------------------
    def _start_due_rescan(self) -> None:
        """Start the background rescan a refresh found due, after the call that found it has its
        answer: started before, the walk shared the interpreter lock with that answer."""
        with self._lock:
            due, self._rescan_due = self._rescan_due, False
        if due:
            self._revalidate_in_background()

    def _revalidate_in_background(self) -> None:
        if not self._idle.is_set():
            return
        self._idle.clear()
        threading.Thread(target=self._revalidate, name="thread-index-rescan", daemon=True).start()

    def _revalidate(self) -> None:
        """A full rescan: the file walk without the lock, then the diff applied under it (and,
        on the first one of the process, the integrity check on a connection of its own)."""
        try:
            started = self._clock()
            if self.stats["full_rescans"] == 0 and self.db_path.exists() and not check_ok(self.db_path):
                with self._lock:
                    log.warning("thread index %s failed its check; rebuilding it", self.db_path)
                    self.close()
                    self._delete_files()
                    self.stats["rebuilds"] += 1
                    self._refresh(True, ())
                return
            listing = list_all(self.codex_home)
            with self._lock:
                self.refresh_prelisted(listing, started)
        except Exception:
            log.warning("thread index rescan failed", exc_info=True)
        finally:
            self._idle.set()

    def refresh_prelisted(self, listing: Listing, started: float) -> None:
        with self._lock:
            try:
                self._refresh(True, (), prelisted=listing, started=started)
            except sqlite3.DatabaseError as exc:
                log.warning("thread index %s failed (%s); rebuilding it", self.db_path, exc)
                self.close()
                self._delete_files()
                self.stats["rebuilds"] += 1
                self._refresh(True, ())

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait for a background rescan in progress (tests, benchmarks); False on timeout."""
        return self._idle.wait(timeout)

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

    def _read_heads(self, changed: list[Changed]) -> list[Row]:
        self.stats["heads_read"] += len(changed)
        return read_heads(changed)

    def _refresh_names(self, db: sqlite3.Connection) -> None:
        """Rebuild the names table when session_index.jsonl changed since it was last built (by
        this process or an earlier one: a fresh process does not re-read an unchanged file)."""
        path = session_index_path(self.codex_home)
        try:
            st = os.stat(path)
            stamp = f"{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            stamp = "missing"
        if self._names_stamp is None:
            row = db.execute("SELECT value FROM meta WHERE key = 'names_stamp'").fetchone()
            self._names_stamp = row[0] if row is not None else ""
        if stamp == self._names_stamp:
            return
        names = latest_names(self.codex_home) if stamp != "missing" else {}
        self.stats["names_read"] += 1
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM names")
            db.executemany("INSERT INTO names (id, name) VALUES (?, ?)", names.items())
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('names_stamp', ?)", (stamp,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._names_stamp = stamp

    # -- queries ---------------------------------------------------------------------------------
    def list_page(self, query: ListQuery, *, extra_paths: Iterable[str | os.PathLike[str]] = ()) -> ListPage:
        """Refresh, then one page newest first (keyset pagination on (sort key, id))."""
        with self._lock:
            self._refresh_guarded(extra_paths=extra_paths)
            page = self._query(query)
        self._start_due_rescan()
        return page

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
        sql = f"{SELECT} WHERE {' AND '.join(where)} ORDER BY t.{key} DESC, t.id DESC LIMIT ?"
        rows = db.execute(sql, [*args, limit + 1]).fetchall()
        items = [to_thread(row) for row in rows[:limit]]
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
            self._refresh_guarded()
            db = self._connect()
            rows = db.execute(
                f"{SELECT} WHERE t.id = ? AND t.archived = ? ORDER BY t.created_ms DESC",
                (key, int(archived)),
            ).fetchall()
        self._start_due_rescan()
        for row in rows:
            if os.path.exists(row[0]):
                return to_thread(row)
        return None

    def update_paths(self, paths: Iterable[str | os.PathLike[str]]) -> list[IndexedThread]:
        """Re-index specific files right away (our own writes: archive/unarchive moves)."""
        wanted = [os.fspath(p) for p in paths]
        with self._lock:
            self._refresh_guarded(extra_paths=wanted)
            db = self._connect()
            found = []
            for path in wanted:
                row = db.execute(
                    f"{SELECT} WHERE t.path = ?",
                    (path,),
                ).fetchone()
                if row is not None:
                    found.append(to_thread(row))
        self._start_due_rescan()
        return found

    def count(self, *, archived: bool | None = None) -> int:
        with self._lock:
            db = self._connect()
            if archived is None:
                return int(db.execute("SELECT count(*) FROM threads").fetchone()[0])
            return int(
                db.execute("SELECT count(*) FROM threads WHERE archived = ?", (int(archived),)).fetchone()[0]
            )


# -- one index per CODEX_HOME per process -------------------------------------------------------

_indexes: dict[str, ThreadIndex] = {}
_indexes_lock = threading.Lock()


def get_index(codex_home: Path) -> ThreadIndex:
    key = os.path.realpath(codex_home)
    with _indexes_lock:
        index = _indexes.get(key)
        if index is None:
            index = ThreadIndex(Path(codex_home), background=True)
            _indexes[key] = index
        return index
