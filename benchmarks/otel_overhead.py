"""Turn wall time with `[otel] exporter = "none"` vs otlp-http pointed at a dead port.

Runs a real `codex app-server` against the test mock model (a tool call then a message) and
prints the median turn time for both configs. No assertions: a dead collector must not show up
in the turn time because exports run on the batch processor's background thread.

    .venv/bin/python benchmarks/otel_overhead.py [--turns N]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from mock_model.server import MockModelServer, function_call_response, message_response
from support.appserver import StdioAppServer, codex_executable
from support.turns import model_env, run_turn, start_thread, write_mock_config

PLAN = {"plan": [{"step": "measure", "status": "in_progress"}]}


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed on exit: nothing listens there


def turn_times(otel: str, turns: int) -> tuple[list[float], float]:
    """Per-turn wall times, and the time the server took to shut down (the final flush)."""
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as mock:
        home = Path(tmp) / "home"
        codex_home = home / ".codex"
        codex_home.mkdir(parents=True)
        workspace = Path(tmp) / "ws"
        workspace.mkdir()
        write_mock_config(codex_home, mock.url, provider_extra=otel)
        env = model_env({"HOME": str(home), "CODEX_HOME": str(codex_home), "PATH": "/usr/bin:/bin"})
        samples = []
        with StdioAppServer(codex_executable(), env, cwd=str(workspace)) as server:
            server.initialize("bench")
            thread = start_thread(server)
            for i in range(turns):
                mock.enqueue(function_call_response("update_plan", PLAN, f"call_{i}"), message_response("ok"))
                started = time.perf_counter()
                run_turn(server, thread, f"turn {i}")
                samples.append(time.perf_counter() - started)
            closing = time.perf_counter()
            server.close()
            shutdown_s = time.perf_counter() - closing
        return samples, shutdown_s


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    dead = f"http://127.0.0.1:{dead_port()}/v1/logs"
    configs = {
        "exporter none": '[otel]\nexporter = "none"\n',
        "otlp-http (dead port)": f'[otel]\n[otel.exporter.otlp-http]\nendpoint = "{dead}"\nprotocol = "binary"\n',
    }
    for label, otel in configs.items():
        samples, shutdown_s = turn_times(otel, args.turns)
        print(
            f"{label:24s} median turn {statistics.median(samples) * 1000:7.1f} ms"
            f"  max {max(samples) * 1000:7.1f} ms  shutdown {shutdown_s * 1000:7.1f} ms  ({len(samples)} turns)"
        )


if __name__ == "__main__":
    main()
