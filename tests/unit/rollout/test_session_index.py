from __future__ import annotations

import re
from pathlib import Path

import orjson

from codex_core.rollout import session_index as si

A = "01a205b9-845c-7843-bac9-fd46cf0d4373"
B = "01a205bd-02b1-7c3e-8a61-2f0d9e4c7b15"


def test_append_format(codex_home: Path) -> None:
    si.append_thread_name(codex_home, A, "My named thread", "2026-11-23T00:00:15.294414749Z")
    assert (codex_home / "session_index.jsonl").read_bytes() == (
        b'{"id":"01a205b9-845c-7843-bac9-fd46cf0d4373","thread_name":"My named thread",'
        b'"updated_at":"2026-11-23T00:00:15.294414749Z"}\n'
    )
    entry = si.append_thread_name(codex_home, B, "other")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", entry.updated_at)


def test_latest_wins_and_missing_file(codex_home: Path) -> None:
    assert si.find_thread_name(codex_home, A) is None
    si.append_thread_name(codex_home, A, "first")
    si.append_thread_name(codex_home, B, "bee")
    si.append_thread_name(codex_home, A, "second")
    assert si.find_thread_name(codex_home, A) == "second"
    assert si.find_thread_name(codex_home, A.upper()) == "second"
    assert si.latest_names(codex_home) == {A: "second", B: "bee"}
    assert si.latest_names(codex_home, [B]) == {B: "bee"}


def test_torn_and_invalid_lines_are_tolerated(codex_home: Path) -> None:
    si.append_thread_name(codex_home, A, "kept")
    with (codex_home / "session_index.jsonl").open("ab") as handle:
        handle.write(b'[1]\n{"id":"x"}\n{"id":"' + A.encode() + b'","thread_name":"to')  # torn
    si.append_thread_name(codex_home, B, "after torn")
    lines = (codex_home / "session_index.jsonl").read_bytes().splitlines()
    assert orjson.loads(lines[-1])["thread_name"] == "after torn"
    assert si.latest_names(codex_home) == {A: "kept", B: "after torn"}


async def test_async_helpers(codex_home: Path) -> None:
    await si.append_thread_name_async(codex_home, A, "async name")
    assert await si.find_thread_name_async(codex_home, A) == "async name"
