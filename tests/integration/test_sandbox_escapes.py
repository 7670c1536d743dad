"""Sandboxed commands must not escape: each case tries a way out and checks the world afterwards
(the file outside is absent/unchanged, the listener saw no connection). The command path is the
one the tools use (plan_for_policy + exec_runner), plus one run through `command/exec`."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codex_core.sandbox.policy import plan_for_policy
from codex_core.tools.exec_runner import RunResult, SpawnRequest, run_to_completion

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
WORKSPACE_WRITE = {"type": "workspace-write", "exclude_slash_tmp": True, "exclude_tmpdir_env_var": True}
TALLY = {"tried": 0, "held": 0}


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    print(f"\nsandbox escapes: tried={TALLY['tried']} held={TALLY['held']}", file=sys.__stderr__)


@pytest.fixture
def dirs(tmp_path: Path) -> tuple[Path, Path]:
    ws, outside = tmp_path / "ws", tmp_path / "outside"
    (ws / ".git" / "hooks").mkdir(parents=True)
    (ws / ".git" / "config").write_text("[core]\n")
    outside.mkdir()
    (outside / "target.txt").write_text("original\n")
    (ws / "link").symlink_to(outside)
    (ws / "filelink").symlink_to(outside / "target.txt")
    return ws, outside


def run(script: str, cwd: Path, policy: dict[str, Any], timeout: float = 10) -> RunResult:
    plan = plan_for_policy(policy, cwd, ENV)
    return asyncio.run(
        run_to_completion(SpawnRequest(["/bin/bash", "-c", script], str(cwd), dict(ENV), plan), timeout)
    )


def untouched(ws: Path, outside: Path) -> bool:
    names = sorted(p.name for p in outside.iterdir())
    git = sorted(p.name for p in (ws / ".git").iterdir())
    return (
        names == ["target.txt"]
        and (outside / "target.txt").read_text() == "original\n"
        and git == ["config", "hooks"]
        and (ws / ".git" / "config").read_text() == "[core]\n"
        and not any((ws / ".git" / "hooks").iterdir())
    )


FS_ESCAPES = {
    "absolute": "echo x > {out}/abs.txt",
    "dotdot": "echo x > ../outside/dotdot.txt",
    "symlink_dir": "echo x > link/sym.txt",
    "symlink_file": "echo x >> filelink",
    "new_symlink": "ln -s {out}/target.txt mine && echo x >> mine",
    "hard_link": "ln {out}/target.txt hard; echo x >> hard",
    "proc_self_root": "echo x > /proc/self/root{out}/proc.txt",
    "proc_cwd": "cd {out} && echo x > /proc/self/cwd/cwd.txt",
    "rename_into_place": "echo x > staged.txt; mv staged.txt {out}/moved.txt",
    "truncate": "truncate -s 0 {out}/target.txt",
    "delete": "rm -f {out}/target.txt",
    "git_write": "echo x >> .git/config",
    "git_hook": "printf '#!/bin/sh\\n' > .git/hooks/pre-commit",
    "git_rename": "mv .git moved-git; echo x > moved-git/config",
    "git_umount": "umount -l .git; echo x >> .git/config",
    "unshare_remount": "unshare -m bash -c 'umount -l .git; echo x >> .git/config'",
    "child_subshell": "(echo x > {out}/child.txt)",
    "setsid": "setsid bash -c 'echo x > {out}/setsid.txt'",
    "nohup": "nohup bash -c 'echo x > {out}/nohup.txt' >/dev/null 2>&1; wait",
    "python_fork": "python3 -c \"import os\nif os.fork()==0:\n os.setsid(); open('{out}/fork.txt','w').write('x')\nelse: os.wait()\"",
}


@pytest.mark.parametrize("case", sorted(FS_ESCAPES))
def test_filesystem_escape_is_held(case: str, dirs: tuple[Path, Path]) -> None:
    ws, outside = dirs
    TALLY["tried"] += 1
    run(FS_ESCAPES[case].format(out=outside), ws, WORKSPACE_WRITE)
    assert untouched(ws, outside), case
    TALLY["held"] += 1


def test_read_only_blocks_the_workspace_too(dirs: tuple[Path, Path]) -> None:
    ws, _outside = dirs
    TALLY["tried"] += 1
    result = run("echo x > inside.txt", ws, {"type": "read-only"})
    assert result.exit_code != 0 and not (ws / "inside.txt").exists()
    TALLY["held"] += 1


@pytest.fixture
def listener() -> Iterator[socket.socket]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    yield server
    server.close()


def accepted(server: socket.socket) -> bool:
    try:
        conn, _ = server.accept()
    except TimeoutError:
        return False
    conn.close()
    return True


NET_ESCAPES = {
    "bash_dev_tcp": "echo hi > /dev/tcp/127.0.0.1/{port}",
    "python_connect": "python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)\"",
    "setsid_grandchild": "setsid -w python3 -c \"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2)\"",
    "udp": "python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('127.0.0.1', {port}))\" && echo sent",
}


@pytest.mark.parametrize("case", sorted(NET_ESCAPES))
@pytest.mark.parametrize("policy", [{"type": "read-only"}, WORKSPACE_WRITE])
def test_network_escape_is_held(
    case: str, policy: dict[str, Any], dirs: tuple[Path, Path], listener: socket.socket
) -> None:
    ws, _ = dirs
    TALLY["tried"] += 1
    port = listener.getsockname()[1]
    result = run(NET_ESCAPES[case].format(port=port), ws, policy)
    assert result.exit_code != 0, result.aggregated
    assert not accepted(listener)
    TALLY["held"] += 1


# -- what must keep working ----------------------------------------------------------------------
def test_writes_in_cwd_and_tmp_work(dirs: tuple[Path, Path], tmp_path: Path) -> None:
    ws, _ = dirs
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    policy = {"type": "workspace-write"}
    result = run(
        f"echo a > a.txt && mkdir d && echo b > d/b.txt && echo c > {scratch}/c.txt && cat a.txt", ws, policy
    )
    assert result.exit_code == 0 and result.aggregated == "a\n"
    assert (ws / "d" / "b.txt").read_text() == "b\n" and (scratch / "c.txt").read_text() == "c\n"


def test_env_marks_the_sandbox(dirs: tuple[Path, Path]) -> None:
    ws, _ = dirs
    result = run("echo $CODEX_SANDBOX:$CODEX_SANDBOX_NETWORK_DISABLED", ws, WORKSPACE_WRITE)
    assert result.aggregated == "seccomp:1\n"
    result = run(
        "echo $CODEX_SANDBOX:${CODEX_SANDBOX_NETWORK_DISABLED-unset}",
        ws,
        {**WORKSPACE_WRITE, "network_access": True},
    )
    assert result.aggregated == "seccomp:unset\n"
    assert run("echo ${CODEX_SANDBOX-none}", ws, {"type": "danger-full-access"}).aggregated == "none\n"


def test_network_when_enabled(dirs: tuple[Path, Path], listener: socket.socket) -> None:
    ws, _ = dirs
    port = listener.getsockname()[1]
    policy = {**WORKSPACE_WRITE, "network_access": True}
    result = run(NET_ESCAPES["python_connect"].format(port=port), ws, policy)
    assert result.exit_code == 0, result.aggregated
    assert accepted(listener)


def test_unix_sockets_still_work_without_network(dirs: tuple[Path, Path]) -> None:
    ws, _ = dirs
    result = run(
        "python3 -c \"import socket; a, b = socket.socketpair(); a.send(b'ok'); print(b.recv(2).decode())\"",
        ws,
        WORKSPACE_WRITE,
    )
    assert result.aggregated == "ok\n"


def test_full_access_writes_anywhere(dirs: tuple[Path, Path]) -> None:
    ws, outside = dirs
    assert run(f"echo x > {outside}/free.txt", ws, {"type": "danger-full-access"}).exit_code == 0
    assert (outside / "free.txt").exists()


def test_timeout_kills_the_process_group(dirs: tuple[Path, Path]) -> None:
    ws, _ = dirs
    result = run("sleep 30 & sleep 30; echo never", ws, {"type": "danger-full-access"}, timeout=0.5)
    assert result.timed_out and result.exit_code == 124 and "never" not in result.aggregated
    assert result.duration < 5
