from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import orjson
import pytest

from codex_core.rollout.reader import ReadStats, iter_records
from codex_core.rollout.writer import RolloutWriteError, RolloutWriter, encode_line

REPO = Path(__file__).resolve().parents[3]
META = {
    "id": "01a205b9-845c-7843-bac9-fd46cf0d4373",
    "timestamp": "2026-11-23T00:06:13.852Z",
    "cwd": "/home/dev/project",
    "originator": "obs_client",
    "cli_version": "0.100.0",
    "source": "vscode",
    "model_provider": "mock",
    "base_instructions": {"text": "You are Codex."},
}
LINE_RE = re.compile(
    rb'^\{"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","type":"([a-z_]+)","payload":\{.*\}\}$'
)


def rollout(codex_home: Path) -> Path:
    return (
        codex_home
        / "sessions/2026/11/23/rollout-2026-11-23T00-06-13-01a205b9-845c-7843-bac9-fd46cf0d4373.jsonl"
    )


async def test_nothing_on_disk_until_first_append(codex_home: Path) -> None:
    path = rollout(codex_home)
    writer = RolloutWriter(path, META)
    await writer.flush()
    writer.flush_sync()
    assert not writer.materialized
    assert not (codex_home / "sessions").exists()
    writer.append("event_msg", {"type": "task_started", "turn_id": "t1", "model_context_window": 258400})
    assert writer.materialized
    await writer.flush()
    lines = path.read_bytes().splitlines()
    assert [orjson.loads(line)["type"] for line in lines] == ["session_meta", "event_msg"]
    assert orjson.loads(lines[0])["payload"] == META
    await writer.close()


async def test_close_without_append_creates_nothing(codex_home: Path) -> None:
    writer = RolloutWriter(rollout(codex_home), META)
    await writer.close()
    await writer.close()  # idempotent
    assert not (codex_home / "sessions").exists()
    with pytest.raises(RuntimeError):
        writer.append("event_msg", {"type": "user_message"})


async def test_exact_line_format(codex_home: Path) -> None:
    path = rollout(codex_home)
    writer = RolloutWriter(path, META)
    payload = {
        "type": "user_message",
        "message": 'héllo "there"\n',
        "images": [],
        "local_images": [],
        "text_elements": [],
    }
    writer.append("event_msg", payload)
    writer.append_many([("turn_context", {"turn_id": "t", "model": "m"}), ("compacted", {"message": "s"})])
    await writer.close()
    data = path.read_bytes()
    assert data.endswith(b"\n") and b"\r" not in data
    lines = data.split(b"\n")[:-1]
    assert [LINE_RE.match(line)[1] for line in lines] == [  # type: ignore[index]
        b"session_meta",
        b"event_msg",
        b"turn_context",
        b"compacted",
    ]
    assert b'"payload":{"type":"user_message","message":"h\xc3\xa9llo \\"there\\"\\n","images":[]' in lines[1]
    assert b": " not in lines[3] and b", " not in lines[3]  # compact
    assert list(orjson.loads(lines[1])) == ["timestamp", "type", "payload"]
    assert encode_line("compacted", {"message": "s"}, "2026-11-23T00:06:13.909Z") == (
        b'{"timestamp":"2026-11-23T00:06:13.909Z","type":"compacted","payload":{"message":"s"}}\n'
    )
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o666 & ~_umask()


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


async def test_flush_means_written_and_append_never_blocks(codex_home: Path) -> None:
    gate = threading.Event()

    class SlowWriter(RolloutWriter):
        @staticmethod
        def _write_all(fd: int, data: bytes) -> None:
            gate.wait(10)
            RolloutWriter._write_all(fd, data)

    path = rollout(codex_home)
    writer = SlowWriter(path, META)
    started = time.monotonic()
    for i in range(200):
        writer.append("event_msg", {"type": "agent_message", "message": str(i)})
    assert time.monotonic() - started < 1.0  # the disk is stuck, yet appends returned
    flush = asyncio.ensure_future(writer.flush())
    await asyncio.sleep(0)
    assert not flush.done()
    gate.set()
    await asyncio.wait_for(flush, 10)
    # Everything appended before flush() is on disk now.
    assert len(path.read_bytes().splitlines()) == 201
    assert writer.lines_written == 201
    await writer.close()


async def test_many_concurrent_appends_keep_per_task_order(codex_home: Path) -> None:
    path = rollout(codex_home)
    writer = RolloutWriter(path, META)

    async def producer(name: str) -> None:
        for i in range(300):
            writer.append("event_msg", {"type": "agent_message", "message": f"{name}:{i}"})
            if i % 17 == 0:
                await asyncio.sleep(0)
            if i % 101 == 0:
                await writer.flush()

    await asyncio.gather(*(producer(f"p{n}") for n in range(8)))
    await writer.flush()
    records = list(iter_records(path))
    assert records[0].kind == "session_meta"
    assert [r.kind for r in records].count("session_meta") == 1
    seen: dict[str, list[int]] = {}
    for record in records[1:]:
        name, index = record.payload["message"].split(":")
        seen.setdefault(name, []).append(int(index))
    assert seen == {f"p{n}": list(range(300)) for n in range(8)}
    await writer.close()


def test_appends_from_threads_keep_meta_first(codex_home: Path) -> None:
    path = rollout(codex_home)
    writer = RolloutWriter(path, META)

    def produce(n: int) -> None:
        for _ in range(50):
            writer.append("event_msg", {"type": "x", "n": n})

    threads = [threading.Thread(target=produce, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.close_sync(10)
    lines = path.read_bytes().splitlines()
    assert len(lines) == 301
    assert orjson.loads(lines[0])["type"] == "session_meta"


async def test_write_failure_surfaces_on_flush(codex_home: Path) -> None:
    blocker = codex_home / "sessions"
    blocker.write_text("not a directory")
    writer = RolloutWriter(rollout(codex_home), META)
    writer.append("event_msg", {"type": "user_message", "message": "x"})
    with pytest.raises(RolloutWriteError):
        await writer.flush()
    with pytest.raises(RolloutWriteError):
        writer.flush_sync(5)
    with pytest.raises(RolloutWriteError):
        await writer.close()


async def test_cancelled_flush_does_not_break_the_writer(codex_home: Path) -> None:
    writer = RolloutWriter(rollout(codex_home), META)
    writer.append("event_msg", {"type": "agent_message", "message": "a"})
    task = asyncio.ensure_future(writer.flush())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    writer.append("event_msg", {"type": "agent_message", "message": "b"})
    await writer.flush()
    assert writer.lines_written == 3
    await writer.close()


async def test_resume_appends_after_existing_lines_without_meta(codex_home: Path) -> None:
    path = rollout(codex_home)
    first = RolloutWriter(path, META)
    first.append("event_msg", {"type": "agent_message", "message": "one"})
    await first.close()
    with pytest.raises(FileNotFoundError):
        RolloutWriter.append_to_existing(codex_home / "missing.jsonl")
    second = RolloutWriter.append_to_existing(path)
    second.append("event_msg", {"type": "agent_message", "message": "two"})
    await second.close()
    kinds = [(r.kind, r.payload.get("message")) for r in iter_records(path)]
    assert kinds == [("session_meta", None), ("event_msg", "one"), ("event_msg", "two")]


async def test_resume_after_torn_last_line(codex_home: Path) -> None:
    path = rollout(codex_home)
    path.parent.mkdir(parents=True)
    good = encode_line("session_meta", META) + encode_line(
        "event_msg", {"type": "agent_message", "message": "a"}
    )
    path.write_bytes(good + b'{"timestamp":"2026-11-23T00:06:14.101Z","type":"event_msg","payload":{"ty')
    writer = RolloutWriter.append_to_existing(path)
    writer.append("event_msg", {"type": "agent_message", "message": "after crash"})
    await writer.close()
    stats = ReadStats()
    records = list(iter_records(path, stats))
    assert [r.payload.get("message") for r in records] == [None, "a", "after crash"]
    assert stats.invalid == 1 and not stats.torn_tail  # the old torn line is now a closed, skipped line
    assert path.read_bytes().endswith(b'"after crash"}}\n')


CHILD = r"""
import sys
from pathlib import Path
from codex_core.rollout.writer import RolloutWriter

writer = RolloutWriter(Path(sys.argv[1]), {"id": "child", "timestamp": "2026-11-23T00:06:13.852Z"})
pad = "x" * 4000
i = 0
while True:
    writer.append("event_msg", {"type": "agent_message", "message": f"{i} {pad}"})
    i += 1
    if i % 50 == 0:
        writer.flush_sync()  # bounded backlog; the writer thread is busy when the kill lands
        if i == 200:
            print("ready", flush=True)
"""


def test_sigkill_leaves_only_complete_lines_and_resume_is_clean(codex_home: Path) -> None:
    path = rollout(codex_home)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, env=env, cwd=REPO
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    data = path.read_bytes()
    *complete, tail = data.split(b"\n")
    assert len(complete) >= 201
    parsed = [orjson.loads(line) for line in complete]  # every complete line parses
    assert parsed[0]["type"] == "session_meta"
    numbers = [int(p["payload"]["message"].split()[0]) for p in parsed[1:]]
    assert numbers == list(range(len(numbers)))  # no gaps, no duplicates
    if tail:  # at most the last line is torn
        with pytest.raises(orjson.JSONDecodeError):
            orjson.loads(tail)

    writer = RolloutWriter.append_to_existing(path)
    writer.append("event_msg", {"type": "agent_message", "message": "resumed"})
    writer.close_sync(10)
    stats = ReadStats()
    records = list(iter_records(path, stats))
    assert records[-1].payload["message"] == "resumed"
    assert len(records) == len(complete) + 1
    assert stats.invalid == (1 if tail else 0) and not stats.torn_tail
