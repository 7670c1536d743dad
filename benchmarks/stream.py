#!/usr/bin/env python3
"""Streaming throughput and added latency of an app-server: one message streamed as many deltas.

    python benchmarks/stream.py --server "codex app-server" [--reference "/path/to/codex app-server"]
        [--deltas 20000] [--paced-rate 2000] [--paced-deltas 4000] [--repeat 5] [--detail] [--no-floor]

A local mock Responses API streams one assistant message as N deltas; every delta carries its
sequence number, and the mock records when it wrote it. The client (this script) reads the
server's stdout and records when each `item/agentMessage/delta` arrives. Per server it prints:
- flood: N deltas written as fast as possible -> deltas/s at the client, server CPU ms per delta;
- paced: deltas at a fixed rate -> added latency (mock write -> client read) p50 / p99 and CPU per delta.
On a shared or virtual machine single runs vary a lot (host jitter lands in the tail): --repeat N
runs N interleaved rounds and prints the median of each figure.

The floor: in the same rounds, a relay that does the least any server can do (blocking reads
of the mock's stream, one write of the three lines per delta, no protocol layer) runs through
the same pipeline. Its latency is what the machine adds by itself (the mock, the client, the
scheduler, the hypervisor); a server's p99 can only be judged against a round whose floor is
well under the target. --no-floor skips it.
Stdlib only; everything binds to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CLK_TCK = os.sysconf("SC_CLK_TCK")


class StreamPlan:
    def __init__(self) -> None:
        self.count = 0
        self.rate: float | None = None
        self.written: dict[int, int] = {}


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    payload = {"type": kind, **payload}
    return f"event: {kind}\ndata: {json.dumps(payload, separators=(',', ':'))}\n\n".encode()


def make_mock(plan: StreamPlan) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path == "/written":
                body = json.dumps(plan.written).encode()
            else:
                body = b'{"data":[],"models":[]}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            if self.path == "/plan":
                settings = json.loads(raw)
                plan.count, plan.rate = int(settings["count"]), settings["rate"]
                plan.written.clear()
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            item = {"type": "message", "role": "assistant", "id": "msg_bench", "content": []}
            out = self.wfile
            out.write(_event("response.created", {"response": {"id": "resp_bench"}}))
            out.write(_event("response.output_item.added", {"output_index": 0, "item": item}))
            out.flush()
            interval = 1.0 / plan.rate if plan.rate else 0.0
            start = time.perf_counter()
            text: list[str] = []
            for seq in range(plan.count):
                if interval:
                    target = start + seq * interval
                    while (now := time.perf_counter()) < target:
                        time.sleep(min(target - now, 0.0005))
                delta = f"<{seq}>"
                text.append(delta)
                chunk = _event(
                    "response.output_text.delta",
                    {"item_id": "msg_bench", "output_index": 0, "content_index": 0, "delta": delta},
                )
                out.write(chunk)
                if interval:
                    out.flush()
                plan.written[seq] = time.perf_counter_ns()
            done = dict(item, content=[{"type": "output_text", "text": "".join(text)}])
            out.write(_event("response.output_item.done", {"output_index": 0, "item": done}))
            usage = {
                "input_tokens": 10,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": plan.count,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": 10 + plan.count,
            }
            out.write(_event("response.completed", {"response": {"id": "resp_bench", "usage": usage}}))
            out.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve_floor() -> int:
    """The floor relay: answers just what the benchmark sends and relays the mock's deltas as
    the three lines a server sends per delta, with blocking I/O and nothing else."""
    import socket
    import tomllib
    from urllib.parse import urlsplit

    with open(os.path.join(os.environ["CODEX_HOME"], "config.toml"), "rb") as handle:
        url = urlsplit(tomllib.load(handle)["model_providers"]["bench"]["base_url"])

    def write(*messages: dict[str, Any]) -> None:
        os.write(1, b"".join(json.dumps(m, separators=(",", ":")).encode() + b"\n" for m in messages))

    def relay_turn(thread: str, turn: str) -> None:
        sock = socket.create_connection((url.hostname, url.port))
        body = b"{}"
        sock.sendall(
            f"POST {url.path}/responses HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        pending = b""
        headers_done = False
        while chunk := sock.recv(1 << 16):
            pending += chunk
            if not headers_done:
                if b"\r\n\r\n" not in pending:
                    continue
                pending = pending.split(b"\r\n\r\n", 1)[1]
                headers_done = True
            *events, pending = pending.split(b"\n\n")
            lines: list[dict[str, Any]] = []
            for event in events:
                data = json.loads(event.split(b"data: ", 1)[1])
                if data["type"] == "response.output_text.delta":
                    delta = data["delta"]
                    msg = {"type": "agent_message_content_delta", "thread_id": thread, "turn_id": turn}
                    msg.update(item_id=data["item_id"], delta=delta)
                    lines.append(
                        {
                            "method": "codex/event/agent_message_content_delta",
                            "params": {"id": turn, "msg": msg, "conversationId": thread},
                        }
                    )
                    lines.append(
                        {
                            "method": "item/agentMessage/delta",
                            "params": {
                                "threadId": thread,
                                "turnId": turn,
                                "itemId": data["item_id"],
                                "delta": delta,
                            },
                        }
                    )
                    lines.append(
                        {
                            "method": "codex/event/agent_message_delta",
                            "params": {
                                "id": turn,
                                "msg": {"type": "agent_message_delta", "delta": delta},
                                "conversationId": thread,
                            },
                        }
                    )
                elif data["type"] == "response.completed":
                    lines.append(
                        {"method": "turn/completed", "params": {"threadId": thread, "turn": {"id": turn}}}
                    )
            if lines:
                write(*lines)
        sock.close()

    for raw in sys.stdin.buffer:
        message = json.loads(raw)
        request_id, method = message.get("id"), message.get("method")
        if request_id is None:
            continue
        if method == "thread/start":
            write({"id": request_id, "result": {"thread": {"id": "floor-thread"}}})
        elif method == "turn/start":
            write({"id": request_id, "result": {"turn": {"id": "floor-turn"}}})
            relay_turn("floor-thread", "floor-turn")
        else:
            write({"id": request_id, "result": {}})
    return 0


def cpu_seconds(pid: int) -> float:
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            direct = [int(x) for x in handle.read().split()]
    except OSError:
        return []
    return [c for child in direct for c in (child, *_children(child))]


def _mock_call(url: str, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    import urllib.request

    base = url.rsplit("/v1", 1)[0]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path, data=data, method=method, headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def run_once(command: list[str], plan: StreamPlan, url: str, timeout: float) -> dict[str, Any]:
    _mock_call(url, "POST", "/plan", {"count": plan.count, "rate": plan.rate})
    home = tempfile.mkdtemp(prefix="bench-stream-")
    codex_home = os.path.join(home, ".codex")
    os.makedirs(codex_home)
    with open(os.path.join(codex_home, "config.toml"), "w") as handle:
        handle.write(
            'model = "mock-model"\nmodel_provider = "bench"\napproval_policy = "never"\nsandbox_mode = "read-only"\n'
            f'[model_providers.bench]\nname = "bench"\nbase_url = "{url}"\nenv_key = "BENCH_KEY"\nwire_api = "responses"\n'
            "request_max_retries = 0\nstream_max_retries = 0\n"
        )
    env = {"HOME": home, "CODEX_HOME": codex_home, "PATH": os.environ.get("PATH", ""), "BENCH_KEY": "x"}
    # BENCH_STDERR=path keeps the server's log (with BENCH_LOG=debug) for looking into a slow run.
    stderr = open(os.environ["BENCH_STDERR"], "ab") if os.environ.get("BENCH_STDERR") else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env={**env, "RUST_LOG": os.environ.get("BENCH_LOG", "warn")},
        cwd=home,
    )
    assert proc.stdin is not None and proc.stdout is not None
    # A server that never finishes its turn is killed, which ends the reads below.
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()

    def send(message: dict[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(message).encode() + b"\n")
        proc.stdin.flush()

    def read_until(predicate: Any) -> dict[str, Any]:
        assert proc.stdout is not None
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited, or no turn/completed within {timeout:g}s")
            message = json.loads(line)
            if predicate(message):
                return message

    try:
        send({"id": 1, "method": "initialize", "params": {"clientInfo": {"name": "bench", "version": "1"}}})
        read_until(lambda m: m.get("id") == 1)
        send({"method": "initialized"})
        send({"id": 2, "method": "thread/start", "params": {"experimentalRawEvents": False}})
        thread = read_until(lambda m: m.get("id") == 2)["result"]["thread"]["id"]
        cpu_before = cpu_seconds(proc.pid)
        send(
            {
                "id": 3,
                "method": "turn/start",
                "params": {
                    "threadId": thread,
                    "input": [{"type": "text", "text": "go", "text_elements": []}],
                },
            }
        )
        received: dict[int, int] = {}
        first = last = 0
        while True:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"server exited, or no turn/completed within {timeout:g}s")
            now = time.perf_counter_ns()
            if b'"item/agentMessage/delta"' in line:
                delta = json.loads(line)["params"]["delta"]
                for token in delta.split(">"):
                    if token.startswith("<"):
                        received[int(token[1:])] = now
                first = first or now
                last = now
            elif b'"turn/completed"' in line:
                break
        cpu = cpu_seconds(proc.pid) - cpu_before
        plan.written = {int(k): v for k, v in _mock_call(url, "GET", "/written").items()}
    finally:
        watchdog.cancel()
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)
    by_sequence = [(s, (received[s] - plan.written[s]) / 1e6) for s in sorted(received) if s in plan.written]
    latencies = sorted(latency for _, latency in by_sequence)
    elapsed = max((last - first) / 1e9, 1e-9)
    # Where the tail sits: the worst latency in each tenth of the stream (start-up stalls vs steady state).
    tenth = max(len(by_sequence) // 10, 1)
    windows = [max(lat for _, lat in by_sequence[i : i + tenth]) for i in range(0, len(by_sequence), tenth)]
    return {
        "windows": windows,
        "received": float(len(received)),
        "deltas_per_s": len(received) / elapsed,
        "cpu_ms_per_delta": cpu * 1000 / max(plan.count, 1),
        "p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] if latencies else float("nan"),
    }


def _median_run(found: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {
        key: statistics.median(run[key] for run in found) for key in found[0] if key != "windows"
    }
    merged["windows"] = found[len(found) // 2]["windows"]
    return merged


def _label(command: str, floor: str) -> str:
    return "floor (stdlib relay)" if command == floor else command


def _judge_against_floor(
    rounds: dict[str, list[tuple[dict[str, Any], dict[str, Any]] | None]], floor: str, target_ms: float
) -> None:
    """Rounds in which the machine itself stayed well under the target (floor p99 below half of
    it) are the ones that say something about a server's tail; count the target met in those."""
    quiet = [i for i, r in enumerate(rounds[floor]) if r is not None and r[1]["p99_ms"] < target_ms / 2]
    print(
        f"rounds with a quiet machine (floor paced p99 < {target_ms / 2:g} ms): {len(quiet)} of {len(rounds[floor])}"
    )
    for command, entries in rounds.items():
        if command == floor or not quiet:
            continue
        p99s = [r[1]["p99_ms"] for i in quiet if (r := entries[i]) is not None]
        met = sum(p99 < target_ms for p99 in p99s)
        shown = " ".join(f"{p:.2f}" for p in p99s)
        print(f"  {command[-40:]}: paced p99 < {target_ms:g} ms in {met} of {len(p99s)} ({shown})")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--server", action="append", required=True)
    parser.add_argument("--reference", action="append", default=[])
    parser.add_argument("--deltas", type=int, default=20000)
    parser.add_argument("--paced-rate", type=float, default=2000.0)
    parser.add_argument("--paced-deltas", type=int, default=4000)
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds per server; the table shows the median of each figure"
    )
    parser.add_argument(
        "--detail", action="store_true", help="also print the worst paced latency per tenth of the stream"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a server gets per run before it is killed"
    )
    parser.add_argument(
        "--target-ms", type=float, default=1.0, help="the paced p99 target judged in quiet rounds"
    )
    parser.add_argument(
        "--no-floor", action="store_true", help="skip the floor relay (what the machine adds by itself)"
    )
    parser.add_argument("--serve-mock", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--serve-floor", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        return serve_floor()
    if args.serve_mock:
        # The mock runs in a process of its own so its writes do not compete with the
        # reader for one interpreter lock; both sides stamp times with CLOCK_MONOTONIC.
        server = make_mock(StreamPlan())
        print(server.server_address[1], flush=True)
        threading.Event().wait()
        return 0
    mock_proc = subprocess.Popen(
        [sys.executable, __file__, "--serve-mock", "--server", "x"], stdout=subprocess.PIPE
    )
    try:
        return _compare(args, mock_proc)
    finally:
        mock_proc.terminate()
        mock_proc.wait()


def _compare(args: argparse.Namespace, mock_proc: subprocess.Popen[bytes]) -> int:
    assert mock_proc.stdout is not None
    url = f"http://127.0.0.1:{int(mock_proc.stdout.readline())}/v1"
    plan = StreamPlan()
    floor = shlex.join([sys.executable, __file__, "--serve-floor", "--server", "x"])
    commands = [*args.server, *args.reference, *([] if args.no_floor else [floor])]
    # Per server, one entry per round: (flood, paced), or None when the round failed.
    rounds: dict[str, list[tuple[dict[str, Any], dict[str, Any]] | None]] = {c: [] for c in commands}
    # Rounds interleave the servers, so a noisy stretch of the machine hits them alike.
    for number in range(max(args.repeat, 1)):
        for command in commands:
            argv = shlex.split(command)
            try:
                plan.count, plan.rate = args.deltas, None
                flood = run_once(argv, plan, url, args.timeout)
                plan.count, plan.rate = args.paced_deltas, args.paced_rate
                paced = run_once(argv, plan, url, args.timeout)
            except RuntimeError as exc:
                print(f"round {number + 1}, {_label(command, floor)[-40:]}: left out ({exc})", flush=True)
                rounds[command].append(None)
                continue
            rounds[command].append((flood, paced))
    runs = {command: [r for r in found if r is not None] for command, found in rounds.items()}
    rows = [
        (command, _median_run([f for f, _ in found]), _median_run([p for _, p in found]))
        for command, found in runs.items()
        if found
    ]
    if args.repeat > 1:
        print(f"medians of {args.repeat} rounds")
        for command, entries in rounds.items():
            p99s = " ".join("-" if r is None else f"{r[1]['p99_ms']:.2f}" for r in entries)
            print(f"  paced p99 per round, {_label(command, floor)[-40:]}: {p99s}")
    print(
        f"{'server':<60} {'flood d/s':>10} {'cpu ms/d':>9} | {'paced p50':>9} {'p99 ms':>8} {'cpu ms/d':>9}"
    )
    for command, flood, paced in rows:
        print(
            f"{_label(command, floor)[-60:]:<60} {flood['deltas_per_s']:>10.0f} {flood['cpu_ms_per_delta']:>9.3f} | "
            f"{paced['p50_ms']:>9.3f} {paced['p99_ms']:>8.3f} {paced['cpu_ms_per_delta']:>9.3f}"
        )
    if args.detail:
        for command, _, paced in rows:
            worst = " ".join(f"{w:.2f}" for w in paced["windows"])
            print(f"worst paced ms per tenth, {_label(command, floor)[-40:]}: {worst}")
    servers = [row for row in rows if row[0] != floor]
    if len(servers) > 1:
        base = servers[0]
        for command, flood, paced in servers[1:]:
            print(
                f"ratio ours/{command[-40:]}: throughput x{base[1]['deltas_per_s'] / max(flood['deltas_per_s'], 1e-9):.2f}, "
                f"flood cpu/delta x{base[1]['cpu_ms_per_delta'] / max(flood['cpu_ms_per_delta'], 1e-9):.2f}, "
                f"paced p99 x{base[2]['p99_ms'] / max(paced['p99_ms'], 1e-9):.2f}"
            )
    if floor in rounds:
        _judge_against_floor(rounds, floor, args.target_ms)
    return 0


if __name__ == "__main__":
    sys.exit(main())
