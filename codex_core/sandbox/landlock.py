"""Landlock through raw syscalls (ctypes): a ruleset that allows writes only beneath given paths.

Reads and execution stay unrestricted (only write-type rights are "handled"), which is what the
reference's read-only and workspace-write policies mean.
"""

from __future__ import annotations

import ctypes
import os
import stat
from functools import lru_cache

# Syscall numbers are shared by every architecture that has Landlock (generic table).
_NR_CREATE_RULESET = 444
_NR_ADD_RULE = 445
_NR_RESTRICT_SELF = 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

WRITE_FILE = 1 << 1
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2: links/renames across directories
TRUNCATE = 1 << 14  # ABI 3

_ABI1_WRITES = (
    WRITE_FILE
    | REMOVE_DIR
    | REMOVE_FILE
    | MAKE_CHAR
    | MAKE_DIR
    | MAKE_REG
    | MAKE_SOCK
    | MAKE_FIFO
    | MAKE_BLOCK
    | MAKE_SYM
)
# Rights that make sense on a non-directory (the kernel rejects directory rights on files).
_FILE_RIGHTS = WRITE_FILE | TRUNCATE

_libc = ctypes.CDLL(None, use_errno=True)
_syscall = _libc.syscall
_syscall.restype = ctypes.c_long


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel struct is packed
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


class LandlockError(OSError):
    pass


@lru_cache(maxsize=1)
def abi_version() -> int:
    """The kernel's Landlock ABI, 0 when Landlock is missing or disabled."""
    result = _syscall(
        ctypes.c_long(_NR_CREATE_RULESET), None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION)
    )
    return int(result) if result > 0 else 0


def handled_rights(abi: int) -> int:
    rights = _ABI1_WRITES
    if abi >= 2:
        rights |= REFER
    if abi >= 3:
        rights |= TRUNCATE
    return rights


def build_ruleset(writable: list[str]) -> int:
    """A ruleset fd allowing write-type access only beneath `writable` (missing paths skipped)."""
    abi = abi_version()
    if abi < 1:
        raise LandlockError(
            "Landlock is not available on this kernel; refusing to run the command unsandboxed"
        )
    rights = handled_rights(abi)
    attr = _RulesetAttr(rights)
    fd = int(
        _syscall(
            ctypes.c_long(_NR_CREATE_RULESET), ctypes.byref(attr), ctypes.c_size_t(8), ctypes.c_uint32(0)
        )
    )
    if fd < 0:
        err = ctypes.get_errno()
        raise LandlockError(err, f"landlock_create_ruleset failed: {os.strerror(err)}")
    try:
        os.set_inheritable(fd, False)
        for path in writable:
            try:
                path_fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            try:
                is_dir = stat.S_ISDIR(os.fstat(path_fd).st_mode)
                rule = _PathBeneathAttr(rights if is_dir else rights & _FILE_RIGHTS, path_fd)
                added = _syscall(
                    ctypes.c_long(_NR_ADD_RULE),
                    ctypes.c_int(fd),
                    ctypes.c_int(_RULE_PATH_BENEATH),
                    ctypes.byref(rule),
                    ctypes.c_uint32(0),
                )
                if added < 0:
                    err = ctypes.get_errno()
                    raise LandlockError(err, f"landlock_add_rule({path}) failed: {os.strerror(err)}")
            finally:
                os.close(path_fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def restrict_self(ruleset_fd: int) -> None:
    """Enforce the ruleset on the calling process (needs no_new_privs first). Child side only."""
    if _syscall(ctypes.c_long(_NR_RESTRICT_SELF), ctypes.c_int(ruleset_fd), ctypes.c_uint32(0)) < 0:
        err = ctypes.get_errno()
        raise LandlockError(err, f"landlock_restrict_self failed: {os.strerror(err)}")
