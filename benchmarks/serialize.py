"""Throughput of the protocol hot paths (plain script: prints figures, asserts nothing).

.venv/bin/python benchmarks/serialize.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import orjson

from app_server.protocol import registry, serialize
from app_server.protocol.validation import parse_params


def rate(fn: Callable[[], object], n: int) -> float:
    fn()  # warm-up: builds the validators/serializers
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def main() -> None:
    delta_spec = registry.server_notification("item/agentMessage/delta")
    assert delta_spec is not None
    params = delta_spec.params(thread_id="t-1", turn_id="turn-1", item_id="msg_1", delta="Hello, wor")
    n = 200_000
    print(
        f"item/agentMessage/delta serialize: {rate(lambda: serialize.notification(delta_spec.method, params), n):,.0f} msg/s"
    )

    start_spec = registry.client_request("turn/start")
    assert start_spec is not None
    line = orjson.dumps(
        {
            "id": 7,
            "method": "turn/start",
            "params": {
                "threadId": "019a0000-0000-7000-8000-000000000001",
                "input": [{"type": "text", "text": "run the tests", "text_elements": []}],
                "approvalPolicy": "on-request",
                "sandboxPolicy": {"type": "readOnly"},
                "effort": "medium",
            },
        }
    )

    def parse() -> None:
        msg = orjson.loads(line)
        parse_params(start_spec, msg["params"])

    print(f"turn/start parse (JSON line -> model): {rate(parse, 50_000):,.0f} msg/s")


if __name__ == "__main__":
    main()
