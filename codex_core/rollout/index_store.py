"""The thread index's SQLite file: opening it, checking it is ours and sound, and removing it.

A file of another schema version or format, or one that fails its integrity check, raises
`sqlite3.DatabaseError`; the index then deletes it and rebuilds from the rollout files.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .index_rows import FOLDERS_TABLE, MTIME_INDEX, SCHEMA

INDEX_FILE_NAME = "pycodex-threads.sqlite"
SCHEMA_VERSION = 2  # 2: updated_ms holds whole seconds
FORMAT_TAG = "pycodex-thread-index"


def open_checked(db_path: Path, *, check: bool = True) -> sqlite3.Connection:
    """A connection to the index file, created if missing; `check` runs the integrity check."""
    fresh = not db_path.exists()
    db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None, timeout=10)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        if not fresh:
            if check:
                ok = db.execute("PRAGMA quick_check").fetchone()
                if ok is None or ok[0] != "ok":
                    raise sqlite3.DatabaseError(f"quick_check: {ok}")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tag = None
            with contextlib.suppress(sqlite3.DatabaseError):
                found = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
                tag = found[0] if found else None
            if version != SCHEMA_VERSION or tag != FORMAT_TAG:
                raise sqlite3.DatabaseError(f"schema version {version}/{tag}, want {SCHEMA_VERSION}")
            present = {
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE name IN ('folders', 'threads_mtime')"
                )
            }
            if "folders" not in present:
                db.execute(FOLDERS_TABLE)
            if "threads_mtime" not in present:
                db.execute(MTIME_INDEX)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        if fresh:
            # IF NOT EXISTS: another process may be creating the same file right now.
            db.executescript(
                "BEGIN IMMEDIATE;"
                + SCHEMA
                + f"INSERT OR REPLACE INTO meta VALUES ('format', '{FORMAT_TAG}');"
                + f"PRAGMA user_version = {SCHEMA_VERSION};"
                + "COMMIT;"
            )
    except BaseException:
        db.close()
        raise
    return db


def delete_files(db_path: Path) -> None:
    """The index file and its WAL / shared-memory / journal companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{db_path}{suffix}")


def check_ok(db_path: Path) -> bool:
    """The integrity check, on a connection of its own (run off the index's lock)."""
    try:
        db = sqlite3.connect(db_path, timeout=10)
        try:
            ok = db.execute("PRAGMA quick_check").fetchone()
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return False
    return ok is not None and ok[0] == "ok"
