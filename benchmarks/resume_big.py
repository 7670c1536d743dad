#!/usr/bin/env python3
"""thread/resume and thread/read on one very large rollout.

    python benchmarks/resume_big.py --server "codex app-server" \
        [--reference "/path/to/codex app-server"] [--size-mb 200] [--runs 1]

Generates (once, cached under /tmp keyed by the size) a CODEX_HOME holding one rollout of about
--size-mb MB in the reference's line format: many turns, each with the user message, the
turn_context, reasoning with encrypted_content, a few function calls whose outputs are large,
token counts and the final assistant message. Then per server, each measurement in a fresh
process (cwd = a workspace, env = HOME/CODEX_HOME/PATH only):

* resume: wall time of `thread/resume` (request written -> response parsed by the client), peak
  RSS (VmHWM, summed over the server's process tree, read from /proc right after the response),
  and the RSS the server keeps once it has settled (VmRSS polled until it holds still, at most
  --settle seconds); then, in the same process, `thread/read` with includeTurns on the loaded
  thread (its time, and whether its turns equal the ones resume returned);
* read: the same for `thread/read` with includeTurns in a fresh process.

The generated file is never written to (the resume sends no turn). Stdlib only.
Ratios are ours / reference (time: lower is better; peak RSS: target < 0.5; kept RSS: target <= 1).
With --runs N, each figure is the median over N fresh processes.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, NamedTuple

CACHE = Path("/tmp/pycodex-bench-resume-big")
THREAD_ID = "01a20622-0000-7000-8000-00000000b1a5"
FILE_NAME = f"rollout-2026-01-02T03-04-05-{THREAD_ID}.jsonl"
INSTRUCTIONS = (
    "You are Codex, a coding agent based on GPT-5. You and the user share the same workspace and "
    "collaborate to achieve the user's goals.\n\n## General\n\n- When searching for text or files, "
    "prefer using `rg` or `rg --files` respectively because `rg` is much faster than alternatives.\n"
) * 70
PERMISSIONS = (
    "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written. "
    "`sandbox_mode` is `workspace-write`.\nApproval policy is currently on-request.\n"
    "</permissions instructions>"
)
RATE_LIMITS = {
    "limit_id": "codex",
    "limit_name": None,
    "primary": None,
    "secondary": None,
    "credits": None,
    "plan_type": None,
}


class Writer:
    def __init__(self, handle: Any, start_ms: int) -> None:
        self.handle, self.ms = handle, start_ms

    def ts(self) -> str:
        self.ms += 37
        secs, ms = divmod(self.ms, 1000)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"

    def line(self, kind: str, payload: dict[str, Any]) -> None:
        envelope = {"timestamp": self.ts(), "type": kind, "payload": payload}
        self.handle.write(json.dumps(envelope, separators=(",", ":"), ensure_ascii=False) + "\n")


def _usage(total: int) -> dict[str, Any]:
    last = {
        "input_tokens": 9000,
        "cached_input_tokens": 8000,
        "output_tokens": 400,
        "reasoning_output_tokens": 128,
        "total_tokens": 9400,
    }
    total_usage = {k: v * total for k, v in last.items()}
    return {
        "type": "token_count",
        "info": {"total_token_usage": total_usage, "last_token_usage": last, "model_context_window": 258400},
        "rate_limits": RATE_LIMITS,
    }


def generate(size_mb: int) -> Path:
    root = CACHE / f"{size_mb}mb"
    codex_home = root / "home" / ".codex"
    workspace = root / "workspace"
    path = codex_home / "sessions" / "2026" / "01" / "02" / FILE_NAME
    done = root / "complete"
    if done.exists():
        return root
    path.parent.mkdir(parents=True, exist_ok=True)
    workspace.mkdir(parents=True, exist_ok=True)
    rng = random.Random(42)
    target = size_mb * 1024 * 1024
    cwd = str(workspace)
    words = [
        "the",
        "parser",
        "module",
        "fails",
        "when",
        "the",
        "input",
        "has",
        "trailing",
        "whitespace",
        "and",
        "a",
        "nested",
        "block",
    ]
    with path.open("w", encoding="utf-8") as handle:
        w = Writer(handle, 1767323045000)
        w.line(
            "session_meta",
            {
                "id": THREAD_ID,
                "timestamp": w.ts(),
                "cwd": cwd,
                "originator": "codex_vscode",
                "cli_version": "0.100.0",
                "source": "vscode",
                "model_provider": "mock",
                "base_instructions": {"text": INSTRUCTIONS},
            },
        )
        w.line(
            "response_item",
            {
                "type": "message",
                "role": "developer",
                "content": [{"type": "input_text", "text": PERMISSIONS}],
            },
        )
        env_text = f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>bash</shell>\n</environment_context>"
        w.line(
            "response_item",
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": env_text}]},
        )
        turn = 0
        while handle.tell() < target:
            turn += 1
            turn_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            prompt = f"turn {turn}: " + " ".join(rng.choice(words) for _ in range(rng.randint(8, 60)))
            w.line(
                "event_msg",
                {
                    "type": "task_started",
                    "turn_id": turn_id,
                    "model_context_window": 258400,
                    "collaboration_mode_kind": "default",
                },
            )
            w.line(
                "response_item",
                {"type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]},
            )
            w.line(
                "event_msg",
                {
                    "type": "user_message",
                    "message": prompt,
                    "images": [],
                    "local_images": [],
                    "text_elements": [],
                },
            )
            for step in range(rng.randint(2, 5)):
                w.line(
                    "turn_context",
                    {
                        "turn_id": turn_id,
                        "cwd": cwd,
                        "approval_policy": "on-request",
                        "sandbox_policy": {"type": "read-only"},
                        "model": "mock-model",
                        "personality": "pragmatic",
                        "collaboration_mode": {
                            "mode": "default",
                            "settings": {
                                "model": "mock-model",
                                "reasoning_effort": None,
                                "developer_instructions": None,
                            },
                        },
                        "summary": "auto",
                        "truncation_policy": {"mode": "bytes", "limit": 10000},
                    },
                )
                summary = f"**Inspecting step {step}**\n\n" + " ".join(rng.choice(words) for _ in range(30))
                encrypted = base64.b64encode(rng.randbytes(rng.randint(2000, 9000))).decode()
                w.line("event_msg", {"type": "agent_reasoning", "text": summary})
                w.line(
                    "response_item",
                    {
                        "type": "reasoning",
                        "summary": [{"type": "summary_text", "text": summary}],
                        "content": None,
                        "encrypted_content": encrypted,
                    },
                )
                call_id = f"call_{turn}_{step}"
                args = json.dumps({"cmd": f"rg -n '{rng.choice(words)}' src", "yield_time_ms": 10000})
                w.line(
                    "response_item",
                    {"type": "function_call", "name": "exec_command", "arguments": args, "call_id": call_id},
                )
                w.line("event_msg", _usage(turn * 5 + step))
                body = "\n".join(
                    f"src/module_{rng.randint(0, 999)}.py:{rng.randint(1, 4000)}: "
                    + " ".join(rng.choice(words) for _ in range(12))
                    for _ in range(rng.randint(50, 400))
                )
                output = (
                    f"Chunk ID: {rng.getrandbits(24):06x}\nWall time: 0.0{rng.randint(100, 999)} seconds\n"
                    f"Process exited with code 0\nOriginal token count: {len(body) // 4}\nOutput:\n{body}\n"
                )
                w.line(
                    "response_item", {"type": "function_call_output", "call_id": call_id, "output": output}
                )
            answer = "Done. " + " ".join(rng.choice(words) for _ in range(rng.randint(20, 200)))
            w.line("event_msg", _usage(turn * 5 + 5))
            w.line("event_msg", {"type": "agent_message", "message": answer})
            w.line(
                "response_item",
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": answer}],
                },
            )
            w.line("event_msg", {"type": "task_complete", "turn_id": turn_id, "last_agent_message": answer})
    (codex_home / "config.toml").write_text(
        'model = "mock-model"\nmodel_provider = "mock"\napproval_policy = "on-request"\n'
        'sandbox_mode = "read-only"\n\n[model_providers.mock]\nname = "mock"\n'
        'base_url = "http://127.0.0.1:9/v1"\nwire_api = "responses"\nenv_key = "MOCK_PROVIDER_API_KEY"\n'
        f'request_max_retries = 0\nstream_max_retries = 0\n\n[projects."{workspace}"]\ntrust_level = "trusted"\n'
    )
    done.write_text(f"{turn} turns\n")
    return root


# -- process measurement ---------------------------------------------------------------------------


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo += [int(c) for c in handle.read().split()]
        except OSError:
            pass
    return out


def _status_kib(pid: int, field: str) -> int:
    """`field` (VmHWM: peak, VmRSS: now) of /proc/<pid>/status, summed over the process tree."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith(field):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def peak_rss_kib(pid: int) -> int:
    return _status_kib(pid, "VmHWM:")


def settled_rss_kib(pid: int, limit: float) -> int:
    """VmRSS once it holds still: within 1 MiB for 2 s (at most `limit` s). Servers free what a
    big request built at their own pace, and may load more (a warm-up) right after answering."""
    deadline = time.monotonic() + limit
    mark = _status_kib(pid, "VmRSS:")
    since = time.monotonic()
    now = mark
    while time.monotonic() < deadline and time.monotonic() - since < 2.0:
        time.sleep(0.1)
        now = _status_kib(pid, "VmRSS:")
        if abs(now - mark) > 1024:
            mark, since = now, time.monotonic()
    return now


class Server:
    def __init__(self, cmd: list[str], root: Path) -> None:
        home = root / "home"
        env = {
            "HOME": str(home),
            "CODEX_HOME": str(home / ".codex"),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MOCK_PROVIDER_API_KEY": "mock-key",
        }
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=root / "workspace",
        )
        self.next_id = 0

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        self.proc.stdin.write(json.dumps(message).encode() + b"\n")
        self.proc.stdin.flush()
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited during {method}")
            reply = json.loads(line)
            if reply.get("id") == self.next_id and "method" not in reply:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply["result"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        # drain stdout so the server can exit (notifications may still be queued)
        threading.Thread(target=lambda: self.proc.stdout and self.proc.stdout.read(), daemon=True).start()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Figures(NamedTuple):
    seconds: float  # the call itself
    peak_kib: int  # VmHWM of the tree right after the answer
    base_kib: int  # VmHWM after initialize
    kept_kib: int  # settled VmRSS after the call
    read_seconds: float  # resume only: thread/read with turns afterwards, same process
    read_same: bool  # resume only: those turns equal the ones resume returned


def measure(cmd: list[str], root: Path, method: str, settle: float) -> Figures:
    """One call in a fresh process (for resume, then a thread/read of the loaded thread)."""
    server = Server(cmd, root)
    try:
        server.request("initialize", {"clientInfo": {"name": "bench", "title": "Bench", "version": "1.0.0"}})
        assert server.proc.stdin is not None
        server.proc.stdin.write(b'{"method":"initialized"}\n')
        server.proc.stdin.flush()
        base = peak_rss_kib(server.proc.pid)
        params: dict[str, Any] = {"threadId": THREAD_ID}
        if method == "thread/read":
            params["includeTurns"] = True
        started = time.perf_counter()
        result = server.request(method, params)
        elapsed = time.perf_counter() - started
        peak = peak_rss_kib(server.proc.pid)
        turns = result["thread"].get("turns") or []
        if not turns:
            raise RuntimeError(f"{method} returned no turns")
        del result
        kept = settled_rss_kib(server.proc.pid, settle)
        read_seconds, same = 0.0, True
        if method == "thread/resume":
            started = time.perf_counter()
            read = server.request("thread/read", {"threadId": THREAD_ID, "includeTurns": True})
            read_seconds = time.perf_counter() - started
            same = read["thread"].get("turns") == turns
    finally:
        server.close()
    return Figures(elapsed, peak, base, kept, read_seconds, same)


def _command(line: str) -> list[str]:
    """Split a command line; resolve the program now (the servers run with another cwd)."""
    cmd = shlex.split(line)
    found = shutil.which(cmd[0]) or shutil.which(cmd[0], path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"not found: {cmd[0]}")
    return [os.path.abspath(found), *cmd[1:]]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", required=True, help="our app-server command line")
    parser.add_argument("--reference", help="the reference app-server command line")
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1, help="fresh processes per measurement (median kept)")
    parser.add_argument("--only", choices=["resume", "read"], help="measure one call only")
    parser.add_argument("--settle", type=float, default=15.0, help="longest wait for RSS to settle (s)")
    args = parser.parse_args()

    started = time.perf_counter()
    root = generate(args.size_mb)
    rollout = next((root / "home" / ".codex" / "sessions").rglob("*.jsonl"))
    size = rollout.stat().st_size
    print(
        f"rollout: {rollout} {size / 2**20:.0f} MiB, {(root / 'complete').read_text().strip()} "
        f"(ready in {time.perf_counter() - started:.1f} s)"
    )
    servers = [("ours", _command(args.server))]
    if args.reference:
        servers.append(("reference", _command(args.reference)))
    methods = [m for m in ("thread/resume", "thread/read") if args.only is None or m.endswith(args.only)]
    results: dict[tuple[str, str], Figures] = {}
    for name, cmd in servers:
        for method in methods:
            runs = [measure(cmd, root, method, args.settle) for _ in range(args.runs)]
            fig = Figures(
                statistics.median(r.seconds for r in runs),
                int(statistics.median(r.peak_kib for r in runs)),
                int(statistics.median(r.base_kib for r in runs)),
                int(statistics.median(r.kept_kib for r in runs)),
                statistics.median(r.read_seconds for r in runs),
                all(r.read_same for r in runs),
            )
            results[(name, method)] = fig
            line = (
                f"{name:9} {method:13} {fig.seconds:7.2f} s   peak RSS {fig.peak_kib / 1024:5.0f} MiB"
                f"   kept RSS {fig.kept_kib / 1024:5.0f} MiB   (after initialize {fig.base_kib / 1024:.0f} MiB)"
            )
            if method == "thread/resume":
                same = "same turns" if fig.read_same else "TURNS DIFFER"
                line += f"   then thread/read {fig.read_seconds:.2f} s ({same})"
            print(line, flush=True)
    if args.reference:
        for method in methods:
            ours, ref = results[("ours", method)], results[("reference", method)]
            time_ratio = ours.seconds / ref.seconds
            peak_ratio, kept_ratio = ours.peak_kib / ref.peak_kib, ours.kept_kib / ref.kept_kib
            # What the server keeps is a target after resume (the thread stays loaded), not after
            # a read of an unloaded thread.
            kept_ok = kept_ratio <= 1.0 or method != "thread/resume"
            verdict = "OK" if time_ratio <= 1.0 and peak_ratio < 0.5 and kept_ok else "MISS"
            line = (
                f"ratio ours/reference {method:13} time {time_ratio:.2f}  peak RSS {peak_ratio:.2f}"
                f"  kept RSS {kept_ratio:.2f}"
            )
            if method == "thread/resume":
                line += f"  then thread/read {ours.read_seconds / ref.read_seconds:.2f}"
            print(f"{line}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
