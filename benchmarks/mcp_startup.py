#!/usr/bin/env python3
"""`codex mcp-server` start-up: spawn -> `initialize` answer, then `tools/list`.

    python benchmarks/mcp_startup.py [--runs 30] [--server CMD ...] [--reference CMD ...] [--config TEXT]
                                     [--keep-home]

Defaults: ours as `codex mcp-server` (the CLI in front) and `python -m mcp_server` (the
server alone), the reference as `codex-ref mcp-server` when it is on PATH. Each run spawns the
command with a throw-away HOME / CODEX_HOME, writes one `initialize` line, times the answer,
then sends `notifications/initialized` + `tools/list` and times that answer too, then closes
stdin. The config.toml is empty unless `--config TEXT` gives it settings. With `--keep-home`
the runs of one command share one HOME / CODEX_HOME (as a user's later starts do: whatever an
earlier start left there, such as our parsed-config cache, is used), else each run has a new one
(a first start). Prints medians / p95 per command and ratios against the reference. Stdlib only.
"""

from __future__ import annotations

import argparse
import selectors
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from startup import _read_until_id, percentile, spawn_fresh, tree_rss_kib

INIT = (
    b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
    b'"capabilities":{"elicitation":{}},"clientInfo":{"name":"bench","version":"1"}}}\n'
)
LIST = b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n'


def run_once(
    argv: list[str], timeout: float, config: str = "", home: str | None = None
) -> tuple[float, float, int]:
    scratch = home or tempfile.mkdtemp(prefix="mcp-startup-bench-")
    try:
        proc, start = spawn_fresh(argv, scratch, config=config)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(INIT)
        proc.stdin.flush()
        selector = selectors.DefaultSelector()
        selector.register(proc.stdout, selectors.EVENT_READ)
        _read_until_id(proc, selector, 1, start + timeout)
        init = time.perf_counter() - start
        rss = tree_rss_kib(proc.pid)
        proc.stdin.write(LIST)
        proc.stdin.flush()
        _read_until_id(proc, selector, 2, start + timeout)
        listed = time.perf_counter() - start
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        selector.close()
        proc.stdout.close()
        return init, listed, rss
    finally:
        if home is None:
            shutil.rmtree(scratch, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", action="append", default=[], help="our command line (repeatable)")
    parser.add_argument(
        "--reference", action="append", default=[], help="reference command line (repeatable)"
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument(
        "--config",
        default="",
        help="config.toml text for every run (default empty; e.g. 'model = \"o3\"' to time the check "
        "of a config with settings)",
    )
    parser.add_argument(
        "--keep-home",
        action="store_true",
        help="one HOME / CODEX_HOME for all the runs of a command (later starts, not first ones)",
    )
    args = parser.parse_args()
    ours = args.server or ["codex mcp-server", f"{sys.executable} -m mcp_server"]
    refs = args.reference or (["codex-ref mcp-server"] if shutil.which("codex-ref") else [])
    rows: list[tuple[str, float, float, float, float]] = []
    for command in refs + ours:
        argv = shlex.split(command)
        home = tempfile.mkdtemp(prefix="mcp-startup-bench-") if args.keep_home else None
        run_once(argv, args.timeout, args.config, home)  # page cache (and, kept, the home's caches)
        inits: list[float] = []
        lists: list[float] = []
        rss: list[int] = []
        for _ in range(args.runs):
            init, listed, kib = run_once(argv, args.timeout, args.config, home)
            inits.append(init)
            lists.append(listed)
            rss.append(kib)
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)
        rows.append(
            (
                command,
                statistics.median(inits),
                percentile(inits, 0.95),
                statistics.median(lists),
                statistics.median(rss) / 1024,
            )
        )
    width = max(len(r[0]) for r in rows)
    print(
        f"{'command':<{width}}  {'initialize ms':>13}  {'p95 ms':>8}  {'+tools/list ms':>14}  {'RSS MiB':>8}"
    )
    for command, init, p95, listed, rss_mib in rows:
        print(
            f"{command:<{width}}  {init * 1000:>13.1f}  {p95 * 1000:>8.1f}  {listed * 1000:>14.1f}  {rss_mib:>8.1f}"
        )
    if refs:
        base = rows[0]
        print(f"\nratios vs {base[0]}:")
        for command, init, _p95, listed, _rss in rows[len(refs) :]:
            print(
                f"  {command:<{width}}  initialize x{init / base[1]:.2f}  +tools/list x{listed / base[3]:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
