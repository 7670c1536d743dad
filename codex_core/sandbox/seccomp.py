"""A seccomp-BPF filter that takes the network away: socket()/socketpair() only for AF_UNIX,
io_uring refused (it could open sockets behind the filter's back)."""

from __future__ import annotations

import ctypes
import errno
import platform

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_RET_K = 0x06
_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_EPERM = 0x00050000 | errno.EPERM
_AF_UNIX = 1
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2

# arch -> (AUDIT_ARCH value, socket, socketpair, io_uring_setup)
_ARCHES = {
    "x86_64": (0xC000003E, 41, 53, 425),
    "aarch64": (0xC00000B7, 198, 199, 425),
}


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


class SeccompError(OSError):
    pass


class NetworkFilter:
    """Built in the parent (allocations), installed in the child with one prctl."""

    def __init__(self) -> None:
        arch = _ARCHES.get(platform.machine())
        if arch is None:
            raise SeccompError(f"no seccomp network filter for architecture {platform.machine()}")
        audit, nr_socket, nr_socketpair, nr_uring = arch
        program = [
            (_LD_W_ABS, 0, 0, 4),  # 0: arch
            (_JEQ_K, 1, 0, audit),  # 1
            (_RET_K, 0, 0, _RET_KILL_PROCESS),  # 2: foreign syscall ABI
            (_LD_W_ABS, 0, 0, 0),  # 3: syscall nr
            (_JGE_K, 7, 0, 0x40000000),  # 4: x32 ABI -> EPERM (12)
            (_JEQ_K, 3, 0, nr_socket),  # 5 -> 9
            (_JEQ_K, 2, 0, nr_socketpair),  # 6 -> 9
            (_JEQ_K, 4, 0, nr_uring),  # 7 -> 12
            (_RET_K, 0, 0, _RET_ALLOW),  # 8
            (_LD_W_ABS, 0, 0, 16),  # 9: args[0] low word = domain
            (_JEQ_K, 0, 1, _AF_UNIX),  # 10
            (_RET_K, 0, 0, _RET_ALLOW),  # 11
            (_RET_K, 0, 0, _RET_EPERM),  # 12
        ]
        self._filters = (_SockFilter * len(program))(*[_SockFilter(*ins) for ins in program])
        self._prog = _SockFprog(len(program), self._filters)
        libc = ctypes.CDLL(None, use_errno=True)
        self._prctl = libc.prctl

    def install(self) -> None:
        """Child side: needs no_new_privs already set."""
        if self._prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(self._prog), 0, 0) != 0:
            err = ctypes.get_errno()
            raise SeccompError(err, "installing the seccomp network filter failed")
