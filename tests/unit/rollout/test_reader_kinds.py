"""`iter_records(kinds=...)`: the fast path that skips unwanted lines without parsing them."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_core.rollout.history import TURN_RECORD_KINDS, build_turns, build_turns_from_records
from codex_core.rollout.reader import ReadStats, iter_records

NAMES = ["simple_turn", "reasoning_tools", "interrupted_and_failed", "rollback", "compaction", "damaged"]


@pytest.mark.parametrize("name", NAMES)
def test_kinds_filter_equals_filtering_afterwards(fixtures: Path, name: str) -> None:
    path = fixtures / f"{name}.jsonl"
    full, fast = ReadStats(), ReadStats()
    everything = list(iter_records(path, full))
    wanted = list(iter_records(path, fast, kinds=TURN_RECORD_KINDS))
    assert wanted == [r for r in everything if r.kind in TURN_RECORD_KINDS]
    assert (fast.lines, fast.records, fast.blank, fast.torn_tail) == (
        full.lines,
        full.records,
        full.blank,
        full.torn_tail,
    )
    assert build_turns(path) == build_turns_from_records(everything)


def test_torn_or_foreign_layout_lines_are_still_parsed(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"type":"event_msg","timestamp":"t","payload":{"type":"agent_message","message":"x"}}\n'
        '{"timestamp":"t","type":"response_item","payload":{"type":"message","role":"user","content":[]}}\n'
        '{"timestamp":"t","type":"response_item","payload":{"type":"mess'
    )
    stats = ReadStats()
    records = list(iter_records(path, stats, kinds=frozenset({"event_msg"})))
    assert [r.kind for r in records] == ["event_msg"]  # other key order: parsed, kept
    assert stats.records == 2 and stats.torn_tail  # torn last line: detected, not skipped
