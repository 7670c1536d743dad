"""From a core sandbox policy to what the child must apply before exec.

`plan_for_policy` decides writable roots, read-only subpaths and network; `SandboxPlan.prepare`
does the allocations in the parent (ruleset fd, BPF program), and the returned `preexec`
callable only makes syscalls in the forked child.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex_core.sandbox import landlock
from codex_core.sandbox.seccomp import NetworkFilter

# Devices a command may always write (shells redirect to these constantly).
_ALWAYS_WRITABLE = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty")
# Kept read-only inside writable roots: git metadata (hooks, config) is a privilege boundary.
PROTECTED_NAMES = (".git",)

_PR_SET_NO_NEW_PRIVS = 38
_CLONE_NEWNS = 0x00020000
_CLONE_NEWUSER = 0x10000000
_MS_RDONLY = 1
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_NOEXEC = 8
_MS_REMOUNT = 32
_MS_NOATIME = 1024
_MS_NODIRATIME = 2048
_MS_BIND = 4096
_MS_REC = 16384
_MS_PRIVATE = 1 << 18
_MS_RELATIME = 1 << 21
# statvfs f_flag bit -> mount flag that must be kept on a remount (locked in a user namespace)
_KEEP_FLAGS = {
    2: _MS_NOSUID,
    4: _MS_NODEV,
    8: _MS_NOEXEC,
    1024: _MS_NOATIME,
    2048: _MS_NODIRATIME,
    4096: _MS_RELATIME,
}


class SandboxUnavailable(RuntimeError):
    """The policy asks for a sandbox this host cannot provide; nothing is run."""


@dataclass(frozen=True)
class SandboxPlan:
    writable_roots: tuple[str, ...]
    read_only_subpaths: tuple[str, ...]
    network_disabled: bool

    def env_overrides(self) -> dict[str, str]:
        env = {"CODEX_SANDBOX": "seccomp"}
        if self.network_disabled:
            env["CODEX_SANDBOX_NETWORK_DISABLED"] = "1"
        return env

    def prepare(self) -> PreparedSandbox:
        try:
            ruleset = landlock.build_ruleset([*self.writable_roots, *_ALWAYS_WRITABLE])
        except OSError as exc:
            raise SandboxUnavailable(str(exc)) from exc
        try:
            network = NetworkFilter() if self.network_disabled else None
        except OSError as exc:
            os.close(ruleset)
            raise SandboxUnavailable(str(exc)) from exc
        mounts = [(path, _remount_flags(path)) for path in self.read_only_subpaths]
        return PreparedSandbox(ruleset, network, mounts)


@dataclass
class PreparedSandbox:
    ruleset_fd: int
    network: NetworkFilter | None
    read_only_mounts: list[tuple[str, int]] = field(default_factory=list)

    def close(self) -> None:
        if self.ruleset_fd >= 0:
            os.close(self.ruleset_fd)
            self.ruleset_fd = -1

    def preexec(self, then: Callable[[], None] | None = None) -> Callable[[], None]:
        libc = ctypes.CDLL(None, use_errno=True)
        uid, gid = os.getuid(), os.getgid()

        def apply() -> None:
            if then is not None:
                then()
            if self.read_only_mounts:
                _private_read_only_mounts(libc, self.read_only_mounts, uid, gid)
            if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
            landlock.restrict_self(self.ruleset_fd)
            if self.network is not None:
                self.network.install()

        return apply


def _remount_flags(path: str) -> int:
    try:
        current = os.statvfs(path).f_flag
    except OSError:
        return 0
    flags = 0
    for bit, mount_flag in _KEEP_FLAGS.items():
        if current & bit:
            flags |= mount_flag
    return flags


def _private_read_only_mounts(libc: Any, mounts: list[tuple[str, int]], uid: int, gid: int) -> None:
    """Child side: own mount namespace where each path is a read-only bind mount of itself.

    Landlock itself cannot carve a read-only hole in a writable tree, and it forbids the sandboxed
    command from changing mounts afterwards, so the bind mounts cannot be undone."""
    if libc.unshare(_CLONE_NEWNS) != 0:
        # Unprivileged: a user namespace mapping our own ids grants the mount rights.
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "cannot create a mount namespace to protect .git")
        for name, text in (
            ("setgroups", "deny"),
            ("uid_map", f"{uid} {uid} 1"),
            ("gid_map", f"{gid} {gid} 1"),
        ):
            fd = os.open(f"/proc/self/{name}", os.O_WRONLY)
            try:
                os.write(fd, text.encode())
            finally:
                os.close(fd)
    if libc.mount(None, b"/", None, _MS_REC | _MS_PRIVATE, None) != 0:
        raise OSError(ctypes.get_errno(), "making mounts private failed")
    for path, keep in mounts:
        raw = path.encode()
        if libc.mount(raw, raw, None, _MS_BIND | _MS_REC, None) != 0:
            raise OSError(ctypes.get_errno(), f"bind mount of {path} failed")
        if libc.mount(None, raw, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | keep, None) != 0:
            raise OSError(ctypes.get_errno(), f"read-only remount of {path} failed")


def _real(path: str | Path) -> str:
    return os.path.realpath(os.path.expanduser(str(path)))


def plan_for_policy(
    policy: dict[str, Any], cwd: str | Path, env: dict[str, str] | None = None
) -> SandboxPlan | None:
    """None for policies that run without a sandbox (danger-full-access, external-sandbox)."""
    kind = policy.get("type", "read-only")
    if kind in ("danger-full-access", "external-sandbox"):
        return None
    if kind != "workspace-write":
        return SandboxPlan((), (), True)
    source: Mapping[str, str] = os.environ if env is None else env
    roots: list[str] = [_real(cwd)]
    roots.extend(_real(Path(cwd) / root) for root in policy.get("writable_roots", []) or [])
    if not policy.get("exclude_slash_tmp", False) and os.path.isdir("/tmp"):
        roots.append(_real("/tmp"))
    tmpdir = source.get("TMPDIR")
    if tmpdir and not policy.get("exclude_tmpdir_env_var", False):
        roots.append(_real(tmpdir))
    unique = tuple(dict.fromkeys(roots))
    protected = []
    for root in unique:
        for name in PROTECTED_NAMES:
            candidate = os.path.join(root, name)
            if os.path.lexists(candidate):
                protected.append(_real(candidate))
    network_off = not bool(policy.get("network_access", False))
    return SandboxPlan(unique, tuple(dict.fromkeys(protected)), network_off)
