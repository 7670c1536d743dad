"""No orphans (issue 20): every descendant of a tool command dies when the command ends, times
out or is interrupted, however it detached (setsid, nohup, a double fork, a daemon)."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from codex_core.sandbox.policy import plan_for_policy
from codex_core.tools.exec_runner import SpawnRequest, run_to_completion, spawn

ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}
LATE_S = 2  # each escapee writes its file this long after the command started

ESCAPES = {
    "setsid": "setsid sh -c 'sleep {late}; echo x > {out}' >/dev/null 2>&1 &",
    "nohup": "nohup sh -c 'sleep {late}; echo x > {out}' >/dev/null 2>&1 &",
    "background": "sh -c 'sleep {late}; echo x > {out}' &",
    "double_fork": "( (sleep {late}; echo x > {out}) & ) ; true",
    "daemon": (
        'python3 -c "import os,time\n'
        "if os.fork(): os._exit(0)\n"
        "os.setsid()\n"
        "if os.fork(): os._exit(0)\n"
        "os.closerange(0, 3)\n"
        "time.sleep({late}); open('{out}','w').write('x')\""
    ),
}


def script(case: str, out: Path) -> str:
    return ESCAPES[case].format(late=LATE_S, out=out)


def run(command: str, cwd: Path, timeout: float = 10, policy: dict[str, str] | None = None) -> int:
    plan = plan_for_policy(policy, cwd, ENV) if policy is not None else None
    request = SpawnRequest(["/bin/bash", "-c", command], str(cwd), dict(ENV), plan)
    return asyncio.run(run_to_completion(request, timeout)).exit_code


def assert_never_written(files: list[Path]) -> None:
    time.sleep(LATE_S + 1.0)
    written = [path.name for path in files if path.exists()]
    assert not written, f"outlived their command: {written}"


def test_descendants_die_when_the_command_ends(tmp_path: Path) -> None:
    files = [tmp_path / f"{case}.txt" for case in ESCAPES]
    started = time.monotonic()
    for case, out in zip(ESCAPES, files, strict=True):
        assert run(script(case, out) + "\necho done", tmp_path) == 0
    assert time.monotonic() - started < LATE_S  # the command returned at once, its escapee did not wait
    assert_never_written(files)


def test_descendants_die_in_the_sandbox_too(tmp_path: Path) -> None:
    policy = {"type": "workspace-write"}
    files = [tmp_path / f"sandboxed-{case}.txt" for case in ("setsid", "nohup", "double_fork")]
    for case, out in zip(("setsid", "nohup", "double_fork"), files, strict=True):
        assert run(script(case, out), tmp_path, policy=policy) == 0
    assert_never_written(files)


def test_descendants_die_on_timeout(tmp_path: Path) -> None:
    files = [tmp_path / f"timeout-{case}.txt" for case in ESCAPES]
    for case, out in zip(ESCAPES, files, strict=True):
        began = time.monotonic()
        assert run(script(case, out) + "\nsleep 30", tmp_path, timeout=0.3) == 124
        assert time.monotonic() - began < 3
    assert_never_written(files)


def test_descendants_die_on_interrupt(tmp_path: Path) -> None:
    out = tmp_path / "interrupted.txt"

    async def interrupted() -> None:
        request = SpawnRequest(
            ["/bin/bash", "-c", script("setsid", out) + "\nsleep 30"], str(tmp_path), dict(ENV)
        )
        task = asyncio.ensure_future(run_to_completion(request, None))
        await asyncio.sleep(0.3)
        task.cancel()  # a turn interrupted while its command runs
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(interrupted())
    assert_never_written([out])


def test_exit_status_and_output_are_the_commands(tmp_path: Path) -> None:
    async def both() -> tuple[int, str, int]:
        request = SpawnRequest(
            ["/bin/bash", "-c", "echo out; echo err >&2; exit 3"], str(tmp_path), dict(ENV)
        )
        first = await run_to_completion(request, 10)
        killed = await run_to_completion(
            SpawnRequest(["/bin/bash", "-c", "kill -TERM $$"], str(tmp_path), dict(ENV)), 10
        )
        return first.exit_code, first.aggregated, killed.exit_code

    code, output, signalled = asyncio.run(both())
    assert (code, output, signalled) == (3, "out\nerr\n", 143)


def test_a_tty_session_keeps_its_terminal_and_loses_its_escapees(tmp_path: Path) -> None:
    out = tmp_path / "tty.txt"

    async def session() -> str:
        command = "(exec </dev/tty) && echo has-a-tty; " + script("setsid", out) + "\nsleep 30"
        process = await spawn(SpawnRequest(["/bin/bash", "-c", command], str(tmp_path), dict(ENV), tty=True))
        deadline = time.monotonic() + 5
        while b"has-a-tty" not in bytes(process.aggregated.to_bytes()) and time.monotonic() < deadline:
            await process.wait_for_change(deadline)
        process.write(b"\x03")  # ^C reaches the command (the keeper ignores it)
        await process.wait(5)
        code = process.returncode
        await process.terminate()
        return f"{process.aggregated.to_bytes().decode()}|{code}"

    text, _, code = asyncio.run(session()).rpartition("|")
    assert "has-a-tty" in text
    assert code == "130"
    assert_never_written([out])


def test_no_keeper_is_left_behind(tmp_path: Path) -> None:
    before = set(os.listdir("/proc"))
    assert run("true", tmp_path) == 0
    time.sleep(0.2)
    ours = [pid for pid in set(os.listdir("/proc")) - before if pid.isdigit() and _parent(pid) == os.getpid()]
    assert not ours


def _parent(pid: str) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return -1
    return int(stat.rpartition(")")[2].split()[1])
