"""Moving a rollout between `sessions/` and `archived_sessions/` (archive, unarchive): one
no-replace rename, so a file is never overwritten and never half moved."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
from pathlib import Path
from typing import Any


class MoveRefused(Exception):
    pass


_RENAME_NOREPLACE = 1
_renameat2: Any = None


def _load_renameat2() -> Any:
    global _renameat2
    if _renameat2 is None:
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            fn = libc.renameat2
            fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
            fn.restype = ctypes.c_int
            _renameat2 = fn
        except (OSError, AttributeError):
            _renameat2 = False
    return _renameat2


def rename_no_replace(src: Path, dst: Path) -> None:
    """Atomically rename, refusing (FileExistsError) when `dst` exists.

    renameat2(RENAME_NOREPLACE) makes the check and the move one step; where it is missing we
    check first (a tiny window in which a concurrent creator of `dst` could be overwritten).
    """
    fn = _load_renameat2()
    if fn:
        at_fdcwd = -100
        if fn(at_fdcwd, os.fsencode(src), at_fdcwd, os.fsencode(dst), _RENAME_NOREPLACE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL):
            raise OSError(err, os.strerror(err), os.fspath(src), None, os.fspath(dst))
    if os.path.lexists(dst):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), os.fspath(dst))
    os.rename(src, dst)


def move_rollout(src: Path, dst: Path) -> None:
    """Create the destination folder, then one no-replace rename. Raises MoveRefused on conflict."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        rename_no_replace(src, dst)
    except FileExistsError:
        raise MoveRefused(f"destination {dst} already exists; refusing to overwrite it") from None
