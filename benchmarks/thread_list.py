#!/usr/bin/env python3
"""thread/list latency on a large CODEX_HOME.

    python benchmarks/thread_list.py --server "codex app-server" --threads 50000 \
        [--reference "/path/to/codex app-server" --reference-threads 5000 --reference-calls 10]

Generates (once, cached under /tmp keyed by the count) a CODEX_HOME of N realistic rollouts:
session_meta with full base instructions, the developer permissions message, the AGENTS.md and
environment_context user messages and one user turn, created over ~6 months with varied mtimes.
Then per server and per sort key (created_at, updated_at):

* cold first page: the server's own cache removed (pycodex: pycodex-threads.sqlite), fresh
  process, time of the first `thread/list` (limit 25);
* index on disk: the first `thread/list` of a fresh process when an earlier process left its
  cache on disk (median of 5 processes);
* warm first page: p50/p95 over --calls repeated first-page calls in that process;
* full walk: limit 100 pages following nextCursor; checks every thread came back exactly once.

Stdlib only. Ratios are reference / ours.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

INSTRUCTIONS = (
    "You are Codex, a coding agent based on GPT-5. You and the user share the same workspace and "
    "collaborate to achieve the user's goals.\n\n## General\n\n- When searching for text or files, "
    "prefer using `rg` or `rg --files` respectively because `rg` is much faster than alternatives.\n"
) * 40  # ~12 KB, about the size of the real base instructions
PERMISSIONS = (
    "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. "
    "`sandbox_mode` is `workspace-write`: The sandbox permits reading files, and editing files in "
    "`cwd` and `writable_roots`.\nApproval policy is currently on-request.\n</permissions instructions>"
)
PROMPTS = [
    "fix the failing test in the parser module",
    "add a --verbose flag to the CLI and document it",
    "why is the build slow? profile it and suggest changes",
    "refactor the session store to use a dataclass\nkeep the public API the same",
    "write a migration for the new column",
]


def _line(ts: str, kind: str, payload: dict[str, Any]) -> str:
    return json.dumps({"timestamp": ts, "type": kind, "payload": payload}, separators=(",", ":")) + "\n"


def _uuid7(ms: int, rng: random.Random) -> str:
    rand = rng.getrandbits(74)
    value = (ms << 80) | (0x7 << 76) | ((rand >> 62) << 64) | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return str(uuid.UUID(int=value))


def generate(home: Path, count: int) -> None:
    rng = random.Random(count)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=180)
    span = (now - start).total_seconds() - 86_400
    sessions = home / "sessions"
    for n in range(count):
        created = start + timedelta(seconds=int(span * n / count) + rng.randint(0, 60))
        ms = int(created.timestamp() * 1000) + rng.randint(0, 999)
        tid = _uuid7(ms, rng)
        ts = f"{created:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"
        cwd = f"/home/dev/project-{n % 37}"
        meta = {
            "id": tid,
            "timestamp": ts,
            "cwd": cwd,
            "originator": "codex_vscode",
            "cli_version": "0.100.0",
            "source": "vscode" if n % 5 else "cli",
            "model_provider": "mock",
            "base_instructions": {"text": INSTRUCTIONS},
        }
        if n % 3 == 0:
            meta["git"] = {"commit_hash": f"{n:040x}", "branch": "main", "repository_url": "https://x/r.git"}
        prompt = PROMPTS[n % len(PROMPTS)] + f" (#{n})"
        body = [
            _line(ts, "session_meta", meta),
            _line(
                ts,
                "response_item",
                {
                    "type": "message",
                    "role": "developer",
                    "content": [{"type": "input_text", "text": PERMISSIONS}],
                },
            ),
            _line(
                ts,
                "response_item",
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {
                            "type": "input_text",
                            "text": f"# AGENTS.md instructions for {cwd}\n\n<INSTRUCTIONS>\nBe brief."
                            "\n</INSTRUCTIONS>",
                        }
                    ],
                },
            ),
            _line(
                ts,
                "response_item",
                {
                    "type": "message",
                    "role": "user",
                    "content": [
                        {
                            "type": "input_text",
                            "text": f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>bash"
                            "</shell>\n</environment_context>",
                        }
                    ],
                },
            ),
            _line(
                ts,
                "event_msg",
                {
                    "type": "task_started",
                    "turn_id": tid,
                    "model_context_window": 258400,
                    "collaboration_mode_kind": "default",
                },
            ),
            _line(
                ts,
                "response_item",
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]},
            ),
            _line(
                ts,
                "event_msg",
                {
                    "type": "user_message",
                    "message": prompt,
                    "images": [],
                    "local_images": [],
                    "text_elements": [],
                },
            ),
            _line(ts, "event_msg", {"type": "agent_message", "message": "Done."}),
            _line(ts, "event_msg", {"type": "task_complete", "turn_id": tid, "last_agent_message": "Done."}),
        ]
        folder = sessions / f"{created:%Y/%m/%d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"rollout-{created:%Y-%m-%dT%H-%M-%S}-{tid}.jsonl"
        path.write_text("".join(body))
        mtime = min(now.timestamp() - 60, created.timestamp() + rng.randint(5, 3 * 86_400))
        os.utime(path, (mtime, mtime))
    (home / "config.toml").write_text(
        'model = "mock-model"\nmodel_provider = "mock"\n\n[model_providers.mock]\nname = "mock"\n'
        'base_url = "http://127.0.0.1:9/v1"\nenv_key = "MOCK_API_KEY"\nwire_api = "responses"\n'
    )


def codex_home_for(count: int) -> Path:
    root = Path(f"/tmp/pycodex-bench-thread-list-{count}")
    home = root / "codex_home"
    done = root / "complete"
    if not done.exists():
        shutil.rmtree(root, ignore_errors=True)
        home.mkdir(parents=True)
        t0 = time.perf_counter()
        print(f"generating {count} rollouts in {home} ...", file=sys.stderr, flush=True)
        generate(home, count)
        done.write_text("ok")
        print(f"  generated in {time.perf_counter() - t0:.1f}s", file=sys.stderr, flush=True)
    return home


class Client:
    def __init__(self, argv: list[str], home: Path) -> None:
        env = {
            "HOME": str(home.parent),
            "CODEX_HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MOCK_API_KEY": "x",
            "RUST_LOG": "error",
        }
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=home.parent,
        )
        self.next_id = 0
        self.request("initialize", {"clientInfo": {"name": "bench", "version": "1"}})
        self.send({"method": "initialized"})

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited during {method}")
            message = json.loads(line)
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = fn()
    return time.perf_counter() - t0, value


def measure(argv: list[str], home: Path, count: int, calls: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sort_key in ("created_at", "updated_at"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{home}/pycodex-threads.sqlite{suffix}").unlink(missing_ok=True)
        client = Client(argv, home)
        try:
            params = {"limit": 25, "sortKey": sort_key}
            cold, first = timed(lambda: client.request("thread/list", params))  # noqa: B023
            assert len(first["data"]) == min(25, count), len(first["data"])
            warm = [timed(lambda: client.request("thread/list", params))[0] for _ in range(calls)]  # noqa: B023
            seen: list[str] = []
            cursor = None
            t0 = time.perf_counter()
            pages = 0
            while True:
                page = client.request("thread/list", {"limit": 100, "sortKey": sort_key, "cursor": cursor})
                pages += 1
                seen += [t["id"] for t in page["data"]]
                cursor = page["nextCursor"]
                if cursor is None or not page["data"]:
                    break
            walk = time.perf_counter() - t0
        finally:
            client.close()
        # The first call of a fresh process with the index already on disk (what an IDE window
        # opening meets); median of a few processes.
        disk = []
        for _ in range(5):
            client = Client(argv, home)
            try:
                disk.append(timed(lambda: client.request("thread/list", params))[0])  # noqa: B023
            finally:
                client.close()
        warm.sort()
        out[sort_key] = {
            "cold_s": cold,
            "cold_disk_s": statistics.median(disk),
            "warm_p50_ms": statistics.median(warm) * 1000,
            "warm_p95_ms": warm[min(len(warm) - 1, int(len(warm) * 0.95))] * 1000,
            "walk_s": walk,
            "walk_pages": pages,
            "walk_items": len(seen),
            "walk_unique": len(set(seen)),
            "walk_complete": len(seen) == len(set(seen)) == count,
        }
    return out


def report(name: str, count: int, result: dict[str, Any]) -> None:
    print(f"\n{name}  ({count} threads)")
    for key, r in result.items():
        status = "complete" if r["walk_complete"] else f"INCOMPLETE ({r['walk_unique']} unique of {count})"
        print(
            f"  {key:10}  cold first page {r['cold_s']:7.3f} s   index on disk {r['cold_disk_s'] * 1000:7.1f} ms"
            f"   warm p50 {r['warm_p50_ms']:8.1f} ms"
            f"   p95 {r['warm_p95_ms']:8.1f} ms   full walk {r['walk_s']:7.2f} s"
            f" ({r['walk_pages']} pages, {status})"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", required=True)
    parser.add_argument("--threads", type=int, default=50_000)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--reference")
    parser.add_argument("--reference-threads", type=int, help="default: --threads")
    parser.add_argument("--reference-calls", type=int, help="default: --calls")
    args = parser.parse_args()

    home = codex_home_for(args.threads)
    ours = measure(shlex.split(args.server), home, args.threads, args.calls)
    report(f"ours: {args.server}", args.threads, ours)
    targets = all(
        r["warm_p95_ms"] < 100 and r["cold_s"] < 10 and r["walk_s"] < 5 and r["walk_complete"]
        for r in ours.values()
    )
    print(
        f"  targets (warm p95 < 100 ms, cold < 10 s, walk < 5 s, complete): {'met' if targets else 'MISSED'}"
    )
    if args.reference:
        ref_count = args.reference_threads or args.threads
        ref_home = codex_home_for(ref_count)
        ref = measure(shlex.split(args.reference), ref_home, ref_count, args.reference_calls or args.calls)
        report(f"reference: {args.reference}", ref_count, ref)
        if ref_count != args.threads:
            ours_small = measure(
                shlex.split(args.server), ref_home, ref_count, args.reference_calls or args.calls
            )
            report(f"ours on the reference's home ({ref_count} threads)", ref_count, ours_small)
        else:
            ours_small = ours
        print(f"\nratios reference/ours at {ref_count} threads:")
        for key in ref:
            r, o = ref[key], ours_small[key]
            print(
                f"  {key:10}  cold x{r['cold_s'] / o['cold_s']:.1f}"
                f"   index on disk x{r['cold_disk_s'] / o['cold_disk_s']:.1f}   warm p95 x"
                f"{r['warm_p95_ms'] / o['warm_p95_ms']:.1f}   full walk x{r['walk_s'] / o['walk_s']:.1f}"
            )
    return 0 if targets else 1


if __name__ == "__main__":
    sys.exit(main())
