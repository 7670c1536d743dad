"""Crash-safe file replacement: readers see the old file or the new one, never half of either."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def atomic_write_bytes(
    path: Path, data: bytes, *, mode: int | None = None, default_mode: int = 0o600
) -> None:
    """Write `data` to a temp file beside `path`, fsync it, rename it over `path`, fsync the folder.

    The file keeps its current permission bits; a new file gets `default_mode` (0600: config
    and auth files may hold secrets). `mode` forces a mode.
    """
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = default_mode
    import tempfile  # here: readers of the modules that write (login, config) skip its import

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    # The rename is only durable once the directory entry is; some filesystems refuse, which is fine.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
