#!/usr/bin/env python3
"""Everyday CLI commands, spawn to exit: ours against the npm-installed and the native reference.

    python benchmarks/cli_startup.py [--runs 20] [--ours CMD] [--npm CMD] [--native CMD] \
        [--command "mcp list" --command=--help ...]

Each run spawns the command with a throw-away HOME / CODEX_HOME (an empty config, as a fresh
install has) and waits for it to exit, output read and dropped. The implementations take turns
within a round, so drift hits them alike. Prints, per command, the median and p95 wall time and
the median CPU time of each, then ours / reference as the median of the per-round ratios.

Defaults: ours is the `codex` beside this Python (the venv's) or on PATH; the native reference
is `codex-ref` on PATH; the npm one (node launcher around the native binary: what users compare
with) is --npm, else $CODEX_NPM_BIN, else node_modules/.bin/codex under /work/ref when present.
Stdlib only.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

from startup import percentile, spawn_fresh

COMMANDS = ["mcp list", "mcp list --json", "mcp get x", "login status", "--help", "--version", "mcp --help"]
NPM_FALLBACK = "/work/ref/node_modules/.bin/codex"


def run_once(
    argv: list[str], scratch_base: str | None = None, extra_env: dict[str, str] | None = None
) -> tuple[float, float]:
    """(wall seconds from spawn to exit, CPU seconds of the process and its children)."""
    scratch = tempfile.mkdtemp(prefix="cli-bench-", dir=scratch_base)
    try:
        proc, start = spawn_fresh(argv, scratch, extra_env)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.close()
        while proc.stdout.read(65536):
            pass
        _, _status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = 0  # reaped above; keeps Popen from waiting again
        proc.stdout.close()
        return elapsed, usage.ru_utime + usage.ru_stime
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def default_ours() -> str:
    beside = os.path.join(os.path.dirname(sys.executable), "codex")
    return beside if os.path.exists(beside) else "codex"


def default_npm() -> str | None:
    found = os.environ.get("CODEX_NPM_BIN") or (NPM_FALLBACK if os.path.exists(NPM_FALLBACK) else None)
    return found


def compare(
    implementations: list[tuple[str, str]],
    commands: list[str],
    runs: int,
    timer: Callable[[str, list[str]], tuple[float, float]] = lambda _label, argv: run_once(argv),
) -> None:
    """Time every command of every implementation, round by round; print the table and ratios
    of each of ours (labels starting with "ours") to each of the others."""
    print(f"{'':<2}{'impl':<10} {'median ms':>10} {'p95 ms':>9} {'cpu ms':>8}")
    for command in commands:
        print(f"codex {command}")
        walls: dict[str, list[float]] = {label: [] for label, _ in implementations}
        cpus: dict[str, list[float]] = {label: [] for label, _ in implementations}
        argvs = {label: [*shlex.split(base), *shlex.split(command)] for label, base in implementations}
        for label in argvs:
            timer(label, argvs[label])  # page cache and bytecode; not counted
        for _ in range(runs):
            for label, argv in argvs.items():
                wall, cpu = timer(label, argv)
                walls[label].append(wall)
                cpus[label].append(cpu)
        for label in argvs:
            print(
                f"  {label:<10} {statistics.median(walls[label]) * 1000:>10.1f}"
                f" {percentile(walls[label], 0.95) * 1000:>9.1f} {statistics.median(cpus[label]) * 1000:>8.1f}"
            )
        for mine in (label for label in argvs if label.startswith("ours")):
            for label in (label for label in argvs if not label.startswith("ours")):
                pairs = zip(walls[mine], walls[label], strict=True)
                ratio = statistics.median(a / b for a, b in pairs)
                print(f"  {mine} / {label}: x{ratio:.2f} (median of per-round ratios)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ours", default=default_ours())
    parser.add_argument("--npm", default=default_npm(), help="the npm-installed codex")
    parser.add_argument("--native", default=shutil.which("codex-ref"), help="the native reference binary")
    parser.add_argument("--command", action="append", default=[], help="arguments after `codex` (repeatable)")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    implementations = [("ours", args.ours)]
    if args.npm:
        implementations.append(("npm", args.npm))
    if args.native:
        implementations.append(("native", args.native))
    print("implementations: " + "; ".join(f"{label} = {command}" for label, command in implementations))
    compare(implementations, args.command or COMMANDS, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
