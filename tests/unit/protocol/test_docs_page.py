"""docs/app-server-methods.md is what the registry and the checked examples generate."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

from app_server.protocol.docs_page import check_examples, load_examples, render
from app_server.protocol.registry import METHODS

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/app-server-methods.md"


def test_every_method_has_a_valid_example() -> None:
    examples = load_examples()
    assert set(examples) == {spec.method for spec in METHODS}
    assert check_examples(examples) == []


def test_the_committed_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), "run: python -m app_server.protocol.docs_page"
    for spec in METHODS:
        assert f"### `{spec.method}`\n" in PAGE.read_text(encoding="utf-8")


def test_the_checker_catches_drift() -> None:
    examples = load_examples()
    start = examples["thread/start"]
    examples["thread/start"] = dataclasses.replace(start, params={"cwd": "/p", "sandboxMode": "x"})
    examples["turn/start"] = dataclasses.replace(examples["turn/start"], params={"input": []})
    turn_started = examples["turn/started"]
    examples["turn/started"] = dataclasses.replace(
        turn_started, params={**turn_started.params, "turn": {**turn_started.params["turn"], "error": "x"}}
    )
    del examples["thread/read"]
    problems = check_examples(examples)
    assert any(p.startswith("thread/start: params.sandboxMode: unknown field") for p in problems), problems
    assert any(p.startswith("turn/start: params: ") and "threadId" in p for p in problems), problems
    assert any(p.startswith("turn/started: params") for p in problems), problems
    assert "thread/read: no example in examples.jsonl" in problems


def test_check_mode_of_the_generator(tmp_path: Path) -> None:
    stale = tmp_path / "page.md"
    stale.write_text("old\n")
    args = [sys.executable, "-m", "app_server.protocol.docs_page", "--check"]
    refused = subprocess.run([*args, str(stale)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "out of date" in refused.stderr
    current = subprocess.run([*args, str(PAGE)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert current.returncode == 0, current.stderr
