#!/usr/bin/env python3
"""Startup latency and idle memory of ``app-server`` implementations.

    python benchmarks/startup.py --server "codex app-server" [--runs 30] \
        [--reference "/path/to/codex app-server" ...]

For every command: spawn it with a throw-away HOME / CODEX_HOME (empty config), send
one ``initialize`` request line, time spawn -> response line, sample the resident
memory of the whole process tree (the npm launcher is node plus a native child), then
send ``thread/start`` at once (as IDE clients do) and time it too, then close stdin
and wait for exit.  Prints median / p95 latency, median RSS and the median first
``thread/start`` per command, and ratios against the first command.  Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import selectors
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

INIT_LINE = b'{"id":1,"method":"initialize","params":{"clientInfo":{"name":"bench","version":"1"}}}\n'
THREAD_LINES = b'{"method":"initialized"}\n{"id":2,"method":"thread/start","params":{}}\n'


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            direct = [int(x) for x in handle.read().split()]
    except OSError:
        return found
    for child in direct:
        found.append(child)
        found.extend(_children(child))
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` plus all its descendants, in KiB."""
    return sum(_rss_kib(p) for p in (pid, *_children(pid)))


def _read_until_id(
    proc: subprocess.Popen[bytes], selector: selectors.BaseSelector, request_id: int, deadline: float
) -> None:
    assert proc.stdout is not None
    buffer = b""
    marker = f'"id":{request_id}'.encode()
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or not selector.select(remaining):
            proc.kill()
            raise TimeoutError(f"no answer to request {request_id} in time")
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            raise RuntimeError(f"server exited early (code {proc.wait()})")
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        if any(marker in line.replace(b" ", b"") for line in lines):
            return


def spawn_fresh(
    argv: list[str], scratch: str, extra_env: dict[str, str] | None = None, config: str = ""
) -> tuple[subprocess.Popen[bytes], float]:
    """Start `argv` with a throw-away HOME / CODEX_HOME (config.toml holding `config`, empty by
    default) under `scratch`, as a fresh install would (plus `extra_env`); returns the process
    and the moment it was spawned."""
    home = os.path.join(scratch, "home")
    codex_home = os.path.join(home, ".codex")
    os.makedirs(codex_home, exist_ok=True)  # exists when a caller reuses one home (--keep-home)
    with open(os.path.join(codex_home, "config.toml"), "w") as handle:
        handle.write(config)
    env = {"HOME": home, "CODEX_HOME": codex_home, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.update(extra_env or {})
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=scratch
    )
    return proc, start


def run_once(argv: list[str], timeout: float) -> tuple[float, int, float]:
    """One cold start: (seconds until the initialize response, tree RSS in KiB, seconds for a
    thread/start sent right after that response)."""
    scratch = tempfile.mkdtemp(prefix="startup-bench-")
    try:
        proc, start = spawn_fresh(argv, scratch)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(INIT_LINE)
        proc.stdin.flush()
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        _read_until_id(proc, selector, 1, start + timeout)
        elapsed = time.perf_counter() - start
        rss = tree_rss_kib(proc.pid)
        thread_start = time.perf_counter()
        proc.stdin.write(THREAD_LINES)
        proc.stdin.flush()
        _read_until_id(proc, selector, 2, thread_start + timeout)
        thread_elapsed = time.perf_counter() - thread_start
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        selector.close()
        proc.stdout.close()
        return elapsed, rss, thread_elapsed
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", action="append", default=[], help="server command line (repeatable)")
    parser.add_argument(
        "--reference", action="append", default=[], help="reference command line (repeatable)"
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    commands = args.server + args.reference
    if not commands:
        parser.error("give at least one --server or --reference")

    rows: list[tuple[str, float, float, float, float]] = []
    for command in commands:
        argv = shlex.split(command)
        run_once(argv, args.timeout)  # warm the page cache; not counted
        times: list[float] = []
        rss: list[int] = []
        threads: list[float] = []
        for _ in range(args.runs):
            elapsed, kib, thread_elapsed = run_once(argv, args.timeout)
            times.append(elapsed)
            rss.append(kib)
            threads.append(thread_elapsed)
        rows.append(
            (
                command,
                statistics.median(times),
                percentile(times, 0.95),
                statistics.median(rss) / 1024,
                statistics.median(threads),
            )
        )

    width = max(len(r[0]) for r in rows)
    print(f"{'server':<{width}}  {'median ms':>10}  {'p95 ms':>10}  {'RSS MiB':>9}  {'thread/start ms':>15}")
    for command, median, p95, rss_mib, thread in rows:
        print(
            f"{command:<{width}}  {median * 1000:>10.1f}  {p95 * 1000:>10.1f}  {rss_mib:>9.1f}  {thread * 1000:>15.1f}"
        )
    if len(rows) > 1:
        base = rows[0]
        print(f"\nratios vs {base[0]}:")
        for command, median, p95, rss_mib, thread in rows[1:]:
            print(
                f"  {command:<{width}}  median x{median / base[1]:.2f}  p95 x{p95 / base[2]:.2f}"
                f"  RSS x{rss_mib / base[3]:.2f}  thread/start x{thread / base[4]:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
