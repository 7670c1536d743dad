"""The thread index's view of the disk: the rollout folders, their files, and their heads.

Blocking file-system work only; the index decides what to walk and when.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from .index_rows import Row, head_row, subdirs
from .paths import ARCHIVED_SESSIONS_SUBDIR, SESSIONS_SUBDIR

# Below this many heads to read, a thread pool costs more than it saves.
POOL_THRESHOLD = 64

# (path, archived, created_ms, file id, size, mtime_ns) of a file whose head must be (re)read.
Changed = tuple[str, bool, int, str, int, int]


class Listing(NamedTuple):
    """A full walk made without the lock: folders -> (archived, mtime_ns), folder -> its files."""

    folders: dict[str, tuple[bool, int]]
    files: dict[str, dict[str, tuple[int, int, bool]]]


def list_folders(codex_home: Path) -> dict[str, tuple[bool, int]]:
    """Every `sessions/YYYY/MM/DD` folder and `archived_sessions` -> (archived, mtime_ns)."""
    found: dict[str, tuple[bool, int]] = {}
    root = os.path.join(codex_home, SESSIONS_SUBDIR)
    for year in subdirs(root, 4):
        for month in subdirs(year.path, 2):
            for day in subdirs(month.path, 2):
                with contextlib.suppress(OSError):
                    found[day.path] = (False, day.stat().st_mtime_ns)
    archived = os.path.join(codex_home, ARCHIVED_SESSIONS_SUBDIR)
    with contextlib.suppress(OSError):
        found[archived] = (True, os.stat(archived).st_mtime_ns)
    return found


def list_files(folder: str, archived: bool) -> Iterator[tuple[str, tuple[int, int, bool]]]:
    """The rollout files of one folder -> (size, mtime_ns, archived)."""
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


def list_all(codex_home: Path) -> Listing:
    """Every folder and file (the background rescan's walk, made without the index's lock)."""
    folders = list_folders(codex_home)
    files: dict[str, dict[str, tuple[int, int, bool]]] = {}
    for folder, (archived, _) in folders.items():
        files[folder] = dict(list_files(folder, archived))
        # Between folders, hand the interpreter lock to a request waiting for it: otherwise
        # each waits out the switch interval, and pages served during the walk took 2-3x longer.
        time.sleep(0)
    return Listing(folders, files)


def read_heads(changed: list[Changed]) -> list[Row]:
    """The index rows of the given files, read from their heads."""
    if len(changed) < POOL_THRESHOLD:
        return [head_row(*item) for item in changed]
    # File reads overlap across threads (the parsing holds the GIL): a few workers, each
    # taking a large slice, so the pool's per-task cost stays negligible.
    workers = min(4, (os.cpu_count() or 2))
    step = -(-len(changed) // (workers * 4))
    chunks = [changed[i : i + step] for i in range(0, len(changed), step)]
    from concurrent.futures import ThreadPoolExecutor  # only for large batches: not on the start path

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="thread-index") as pool:
        results = pool.map(lambda chunk: [head_row(*item) for item in chunk], chunks)
        return [row for rows in results for row in rows]
