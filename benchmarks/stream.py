#!/usr/bin/env python3
"""Streaming throughput and added latency of an app-server: one message streamed as many deltas.

    python benchmarks/stream.py --server "codex app-server" [--reference "/path/to/codex app-server"]
        [--deltas 20000] [--paced-rate 2000] [--paced-deltas 4000] [--repeat 10] [--detail] [--no-floor]

A local mock Responses API streams one assistant message as N deltas; every delta carries its
sequence number, and the mock records when it wrote it. The client (this script) reads the
server's stdout and records when each `item/agentMessage/delta` arrives. Per server it prints:
- flood: N deltas written as fast as possible (the mock sends 64 events per write, and the client
  cuts the delta out of each line unparsed, so neither is what limits the rate) -> deltas/s at
  the client, server CPU ms per delta;
- paced: deltas at a fixed rate -> added latency (mock write -> client read) p50 / p99 and CPU per delta.
On a shared or virtual machine single runs vary a lot (host jitter lands in the tail): --repeat N
(default 10) runs N interleaved rounds (each round runs every server once, flood then paced, in
an order that rotates from round to round) and prints the median of each figure.

The targets are ratios against the reference in the same rounds (rounds where one of the two
failed are left out of both), each printed with a verdict line:
- paced: ours' p99 no worse than the reference's (median over at least 10 rounds);
- flood: throughput at least 4x the reference's, at no more than 0.3x its CPU per delta.

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
FLOOD_BATCH = 64  # events per write of the mock in the flood run


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
            batch: list[bytes] = []
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
                if interval:
                    out.write(chunk)
                    out.flush()
                    plan.written[seq] = time.perf_counter_ns()
                    continue
                # Flood: writes of many events at once, so that the mock is not what limits the
                # rate (one send per event capped every server near the same figure).
                batch.append(chunk)
                if len(batch) == FLOOD_BATCH or seq == plan.count - 1:
                    out.write(b"".join(batch))
                    stamp = time.perf_counter_ns()
                    for done in range(seq + 1 - len(batch), seq + 1):
                        plan.written[done] = stamp
                    batch.clear()
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
                # The client stays cheap (it must not be what limits a flood): the delta's text,
                # `<seq>` markers only, is cut out of the line without parsing it.
                at = line.find(b'"delta":"')
                if at >= 0:
                    delta = line[at + 9 : line.find(b'"', at + 9)].decode()
                else:
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


# Issue 21's targets, as ratios ours / reference over the same rounds.
PACED_P99_MAX_RATIO = 1.0
FLOOD_THROUGHPUT_MIN_RATIO = 4.0
FLOOD_CPU_MAX_RATIO = 0.3
MIN_ROUNDS = 10


def _verdicts(
    rounds: dict[str, list[tuple[dict[str, Any], dict[str, Any]] | None]],
    ours: str,
    reference: str,
    floor: str | None,
) -> None:
    """One verdict line per target, from the rounds where both servers finished."""
    pairs = [(o, r) for o, r in zip(rounds[ours], rounds[reference], strict=True) if o and r]
    name = reference[-40:]
    if not pairs:
        print(f"verdict vs {name}: no round where both finished")
        return
    few = f" (only {len(pairs)} rounds; the target asks for {MIN_ROUNDS})" if len(pairs) < MIN_ROUNDS else ""

    def median(side: int, run: int, key: str) -> float:
        return float(statistics.median(pair[side][run][key] for pair in pairs))

    def line(label: str, ours_v: float, ref_v: float, unit: str, ok: bool, target: str) -> None:
        ratio = ours_v / max(ref_v, 1e-12)
        verdict = "OK" if ok else "MISS"
        digits = 0 if ours_v >= 100 else 3
        print(
            f"verdict {label:<20} ours {ours_v:9.{digits}f} {unit:<8} reference {ref_v:9.{digits}f} {unit:<8} "
            f"ratio {ratio:6.2f} (target {target}) {verdict}{few}"
        )

    print(f"targets vs {name}, medians over the {len(pairs)} rounds both finished:")
    ours_p99, ref_p99 = median(0, 1, "p99_ms"), median(1, 1, "p99_ms")
    line("paced p99", ours_p99, ref_p99, "ms", ours_p99 <= ref_p99 * PACED_P99_MAX_RATIO, "<= 1")
    not_worse = sum(o[1]["p99_ms"] <= r[1]["p99_ms"] for o, r in pairs)
    print(f"  paced p99 no worse than the reference's in {not_worse} of {len(pairs)} rounds")
    ours_tp, ref_tp = median(0, 0, "deltas_per_s"), median(1, 0, "deltas_per_s")
    tp_ok = ours_tp >= ref_tp * FLOOD_THROUGHPUT_MIN_RATIO
    line("flood throughput", ours_tp, ref_tp, "deltas/s", tp_ok, f">= {FLOOD_THROUGHPUT_MIN_RATIO:g}")
    floor_runs = [r for r in rounds.get(floor or "", []) if r is not None]
    if floor_runs:
        floor_tp = float(statistics.median(r[0]["deltas_per_s"] for r in floor_runs))
        # A server as fast as the relay that does nothing is held back by the rest of the pipeline
        # (the mock, the client, the other load on the machine), not by itself.
        print(
            f"  flood throughput of the floor relay: {floor_tp:.0f} deltas/s (ours at {ours_tp / floor_tp:.2f}x it,"
            f" the reference at {ref_tp / floor_tp:.2f}x; near 1 the pipeline sets the rate, not the server)"
        )
    ours_cpu, ref_cpu = median(0, 0, "cpu_ms_per_delta"), median(1, 0, "cpu_ms_per_delta")
    cpu_ok = ours_cpu <= ref_cpu * FLOOD_CPU_MAX_RATIO
    line("flood CPU per delta", ours_cpu, ref_cpu, "ms", cpu_ok, f"<= {FLOOD_CPU_MAX_RATIO:g}")
    ours_pcpu, ref_pcpu = median(0, 1, "cpu_ms_per_delta"), median(1, 1, "cpu_ms_per_delta")
    print(
        f"  (paced CPU per delta: ours {ours_pcpu:.3f} ms, reference {ref_pcpu:.3f} ms, ratio {ours_pcpu / max(ref_pcpu, 1e-12):.2f})"
    )


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
        "--repeat", type=int, default=10, help="rounds per server; the table shows the median of each figure"
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
    # Rounds interleave the servers, so a noisy stretch of the machine hits them alike; the order
    # rotates so that none always runs first (or right after the same neighbour).
    for number in range(max(args.repeat, 1)):
        shift = number % len(commands)
        for command in commands[shift:] + commands[:shift]:
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
        done = [(c, rounds[c][-1]) for c in commands]
        figures = "  ".join(
            f"{_label(c, floor)[-24:]}: {r[0]['deltas_per_s']:.0f} d/s, p99 {r[1]['p99_ms']:.2f} ms"
            for c, r in done
            if r is not None
        )
        print(f"round {number + 1}: {figures}", flush=True)
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
    if floor in rounds:
        _judge_against_floor(rounds, floor, args.target_ms)
    for reference in args.reference:
        _verdicts(rounds, args.server[0], reference, None if args.no_floor else floor)
    return 0


if __name__ == "__main__":
    sys.exit(main())
