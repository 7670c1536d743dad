"""Replay a fixed fuzz corpus into one app-server: no traceback on stderr, exactly one answer per
request, and no answer carrying an id that no parsed line sent (issue 20).

tests/fixtures/fuzz/probe_seed1.jsonl is 2,000 lines of the reliability probe's generator (seed 1,
lines over 8 KiB left out): bad JSON, invalid UTF-8, odd ids, deep nesting, unknown methods,
notifications, stray responses, duplicate ids and every method with params of every type.
tests/fixtures/fuzz/regressions.jsonl holds the lines that once gave a traceback or a guessed id.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from mock_model.server import MockModelServer
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "fuzz"
I64 = (-(2**63), 2**63 - 1)
BATCH = 100
MAX_DEPTH = 100  # past this a request may be refused without an answer (the reference's limit is 128)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def classify(line: bytes) -> tuple[Any, bool] | None:
    """(id, must_answer) for a line that parsed as a JSON object with a valid id, else None.

    must_answer follows the probe: valid UTF-8, nesting <= 100, a string method, an i64 or
    surrogate-free string id. Other lines with a valid id may be answered (once) or not.
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))
    try:
        message = json.loads(line.decode("utf-8"), parse_constant=_no_constants)
        depth = _depth(message)
        # A lone surrogate anywhere (`"\ud800"`): not valid UTF-8 once decoded, so not JSON.
        json.dumps(message, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError):
        return None
    finally:
        sys.setrecursionlimit(limit)
    if not isinstance(message, dict) or "id" not in message:
        return None
    request_id = message["id"]
    if isinstance(request_id, bool) or not isinstance(request_id, int | str):
        return None
    if isinstance(request_id, int) and not I64[0] <= request_id <= I64[1]:
        return None
    must = isinstance(message.get("method"), str) and depth <= MAX_DEPTH
    return request_id, must


def corpus_lines() -> list[bytes]:
    lines: list[bytes] = []
    for name in ("probe_seed1.jsonl", "regressions.jsonl"):
        lines += [line for line in (CORPUS / name).read_bytes().split(b"\n") if line]
    return lines


def test_classify_follows_the_rules() -> None:
    assert classify(b'{"id":1,"method":"x"}') == (1, True)
    assert classify(b'{"id":"a","method":5}') == ("a", False)
    assert classify(b'{"id":1.5,"method":"x"}') is None
    assert classify(b'{"id":9223372036854775808,"method":"x"}') is None
    assert classify(b'{"id":"\\ud800","method":"x"}') is None
    assert classify(b'{"id":5,"method":"x",}') is None
    assert classify(b'{"id":1,"method":"x","params":' + b"[" * 200 + b"]" * 200 + b"}") == (1, False)


def test_replayed_corpus_gets_honest_answers_and_no_traceback(
    codex_bin: str, isolated_env: dict[str, str], codex_home: Path, mock: MockModelServer, tmp_path: Path
) -> None:
    # Nothing may leave the machine: the model is our mock, the ChatGPT backend a closed port.
    write_mock_config(codex_home, mock.url, extra='chatgpt_base_url = "http://127.0.0.1:9/"')
    lines = corpus_lines()
    expected: Counter[Any] = Counter()
    allowed: Counter[Any] = Counter()
    for line in lines:
        found = classify(line)
        if found is not None:
            allowed[found[0]] += 1
            if found[1]:
                expected[found[0]] += 1
    assert sum(expected.values()) > 1000  # the corpus is what it claims to be

    work = tmp_path / "work"
    work.mkdir()
    with StdioAppServer(codex_bin, model_env(isolated_env), cwd=str(work)) as server:
        server.initialize("fuzz-corpus", experimentalApi=True)
        first = len(server.raw_lines)
        # In batches, each closed by a request that must be answered, so a stall shows up at the
        # batch where it happens.
        for start in range(0, len(lines), BATCH):
            server.send_raw(b"".join(line + b"\n" for line in lines[start : start + BATCH]))
            sentinel = f"batch-{start}"
            allowed[sentinel] += 1
            server.send({"id": sentinel, "method": "getUserAgent"})
            assert "userAgent" in server.response(sentinel, timeout=120)["result"]

        def answers() -> Counter[Any]:
            replies = (json.loads(raw) for raw in server.raw_lines[first:])
            return Counter(m["id"] for m in replies if "id" in m and "method" not in m)

        deadline = time.monotonic() + 60
        while any(answers()[i] < n for i, n in expected.items()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert server.close(timeout=60) == 0
        got = answers()
        stderr = "".join(server.stderr_lines)

    assert "Traceback" not in stderr
    unanswered = {i: n - got[i] for i, n in expected.items() if got[i] < n}
    assert not unanswered, f"requests not answered: {list(unanswered)[:10]}"
    extra = {i: n for i, n in got.items() if n > allowed[i]}
    assert not extra, f"answers to ids never sent, or more answers than requests: {list(extra.items())[:10]}"
    # No path a client sends reaches the OS unchecked: over-long ones are -32600 naming the field.
    replies = [json.loads(raw) for raw in server.raw_lines[first:]]
    by_id = {m["id"]: m for m in replies if "id" in m and "method" not in m}
    regressions = (CORPUS / "regressions.jsonl").read_bytes().split(b"\n")
    for line in regressions:
        found = classify(line) if line else None
        if found is None:
            continue
        request = json.loads(line)
        error = by_id[found[0]].get("error")
        # Empty rollout paths get the reference's answers (recorded in flow_v1_error_edges).
        if request["params"].get("rolloutPath") == "":
            assert error is not None and error["code"] == -32603, (request, error)
            assert error["message"].endswith(": Is a directory (os error 21)"), (request, error)
            continue
        if request["params"].get("path") == "":
            assert error is not None and error["code"] == -32600, (request, error)
            continue
        if request["params"].get("conversationId") == "":
            continue
        assert error is not None and error["code"] == -32600, (request, error)
        assert "is not a usable path" in error["message"], (request, error)
        assert "`" in error["message"]
