"""`$CODEX_HOME/session_index.jsonl`: append-only thread names.

Each line is `{"id":"<uuid>","thread_name":"...","updated_at":"<RFC3339 nanos>"}` (compact JSON);
the latest line for an id wins. Reads stream the file and skip torn or invalid lines.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import NamedTuple

from codex_core.lazy_log import get_logger

from .timefmt import format_rfc3339_nanos

log = get_logger("codex.rollout")  # lazy: this module is on the start path

SESSION_INDEX_FILE = "session_index.jsonl"


class SessionIndexEntry(NamedTuple):
    id: str
    thread_name: str
    updated_at: str


def session_index_path(codex_home: Path) -> Path:
    return Path(codex_home) / SESSION_INDEX_FILE


def encode_entry(thread_id: str, thread_name: str, updated_at: str | None = None) -> bytes:
    stamp = updated_at if updated_at is not None else format_rfc3339_nanos()
    import orjson  # here, not at the top: see iter_entries

    return orjson.dumps({"id": thread_id, "thread_name": thread_name, "updated_at": stamp}) + b"\n"


def append_thread_name(
    codex_home: Path, thread_id: str, thread_name: str, updated_at: str | None = None
) -> SessionIndexEntry:
    """Append one entry with a single O_APPEND write (blocking; see `append_thread_name_async`)."""
    stamp = updated_at if updated_at is not None else format_rfc3339_nanos()
    data = encode_entry(thread_id, thread_name, stamp)
    path = session_index_path(codex_home)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        size = os.fstat(fd).st_size
        if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # keep a torn previous line from swallowing this entry
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    return SessionIndexEntry(thread_id, thread_name, stamp)


async def append_thread_name_async(
    codex_home: Path, thread_id: str, thread_name: str, updated_at: str | None = None
) -> SessionIndexEntry:
    import asyncio  # here, not at the top: the listing index uses this module without a loop

    return await asyncio.to_thread(append_thread_name, codex_home, thread_id, thread_name, updated_at)


def iter_entries(codex_home: Path) -> Iterator[SessionIndexEntry]:
    """Every valid entry in file order; a missing file yields nothing."""
    path = session_index_path(codex_home)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        return
    import orjson  # only once the file exists: an unchanged one is not read at all by the index

    bad = 0
    with handle:
        for raw in handle:
            if not raw.strip():
                continue
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                bad += 1
                continue
            if not isinstance(value, dict):
                bad += 1
                continue
            tid, name, stamp = value.get("id"), value.get("thread_name"), value.get("updated_at")
            if isinstance(tid, str) and isinstance(name, str):
                yield SessionIndexEntry(tid, name, stamp if isinstance(stamp, str) else "")
            else:
                bad += 1
    if bad:
        log.warning("skipped %d invalid line(s) in %s", bad, path)


def latest_names(codex_home: Path, ids: Collection[str] | None = None) -> dict[str, str]:
    """id -> latest thread name (optionally only for `ids`)."""
    wanted = None if ids is None else {i.lower() for i in ids}
    names: dict[str, str] = {}
    for entry in iter_entries(codex_home):
        key = entry.id.lower()
        if wanted is None or key in wanted:
            names[key] = entry.thread_name
    return names


def find_thread_name(codex_home: Path, thread_id: str) -> str | None:
    return latest_names(codex_home, (thread_id,)).get(thread_id.lower())


async def find_thread_name_async(codex_home: Path, thread_id: str) -> str | None:
    import asyncio

    return await asyncio.to_thread(find_thread_name, codex_home, thread_id)
