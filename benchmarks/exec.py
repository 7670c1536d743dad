"""Added latency of the sandboxed command path vs a plain subprocess, running `true`.

Prints the median over N runs of: plain `subprocess.run(["true"])`, the tool runner without a
sandbox, and the runner with the workspace-write sandbox (Landlock + seccomp + read-only .git).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from codex_core.sandbox.policy import plan_for_policy
from codex_core.tools.exec_runner import SpawnRequest, run_to_completion

RUNS = 100
ENV = {"PATH": "/usr/bin:/bin"}


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def timed_runner(cwd: str, sandboxed: bool) -> list[float]:
    samples = []
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = plan_for_policy({"type": "workspace-write"}, cwd, ENV) if sandboxed else None
        result = await run_to_completion(SpawnRequest(["true"], cwd, dict(ENV), plan), 10)
        samples.append(time.perf_counter() - started)
        assert result.exit_code == 0
    return samples


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / ".git").mkdir()
        plain = []
        for _ in range(RUNS):
            started = time.perf_counter()
            subprocess.run(["true"], cwd=tmp, env=ENV, check=True)
            plain.append(time.perf_counter() - started)
        unsandboxed = asyncio.run(timed_runner(tmp, sandboxed=False))
        sandboxed = asyncio.run(timed_runner(tmp, sandboxed=True))
    base = median_ms(plain)
    print(f"runs={RUNS} (median)")
    print(f"plain subprocess       {base:7.2f} ms")
    print(
        f"runner, no sandbox     {median_ms(unsandboxed):7.2f} ms  (+{median_ms(unsandboxed) - base:.2f} ms)"
    )
    print(
        f"runner, sandboxed      {median_ms(sandboxed):7.2f} ms  (+{median_ms(sandboxed) - base:.2f} ms added)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
