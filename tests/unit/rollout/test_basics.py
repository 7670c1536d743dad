"""timefmt, uuid7 and paths."""

from __future__ import annotations

import itertools
import os
import re
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from codex_core.rollout import paths, timefmt
from codex_core.uuid7 import uuid7, uuid7_str, uuid7_timestamp_ms

# -- timefmt ----------------------------------------------------------------------------------


def test_envelope_timestamp_is_utc_millis_truncated() -> None:
    dt = datetime(2026, 11, 23, 0, 6, 13, 909_999, tzinfo=UTC)
    assert timefmt.format_envelope(dt) == "2026-11-23T00:06:13.909Z"
    # Other zones are converted, naive values are taken as UTC.
    plus2 = dt.astimezone(timezone(timedelta(hours=2)))
    assert timefmt.format_envelope(plus2) == "2026-11-23T00:06:13.909Z"
    assert timefmt.format_envelope(dt.replace(tzinfo=None)) == "2026-11-23T00:06:13.909Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", timefmt.format_envelope())


def test_rfc3339_nanos_round_trip() -> None:
    ns = 1_795_392_015_294_414_749
    text = timefmt.format_rfc3339_nanos(ns)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", text)
    assert timefmt.parse_rfc3339_ns(text) == ns
    assert timefmt.format_rfc3339_nanos(1_000_000_000) == "1970-01-01T00:00:01.000000000Z"
    assert re.fullmatch(r".*\.\d{9}Z", timefmt.format_rfc3339_nanos())


def test_parse_timestamps() -> None:
    assert timefmt.parse_timestamp("2026-11-23T00:06:13.909Z") == datetime(
        2026, 11, 23, 0, 6, 13, 909_000, tzinfo=UTC
    )
    assert timefmt.parse_timestamp("2026-11-23T00:00:15.294414749Z").microsecond == 294_414
    assert timefmt.parse_timestamp("2026-11-23T02:00:15+02:00") == datetime(
        2026, 11, 23, 0, 0, 15, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        timefmt.parse_timestamp("yesterday")
    assert timefmt.parse_file_stamp("2026-11-23T00-02-13") == datetime(2026, 11, 23, 0, 2, 13, tzinfo=UTC)
    assert timefmt.parse_file_stamp("2026-13-23T00-02-13") is None


# -- uuid7 ------------------------------------------------------------------------------------


def test_uuid7_layout_and_time() -> None:
    before = time.time_ns() // 1_000_000
    value = uuid7()
    after = time.time_ns() // 1_000_000
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= uuid7_timestamp_ms(value) <= after + 1
    assert uuid.UUID(uuid7_str()).version == 7


def test_uuid7_strictly_increasing_within_a_millisecond() -> None:
    values = [uuid7() for _ in range(20_000)]  # many share a millisecond
    assert all(a < b for a, b in itertools.pairwise(values))
    strings = [str(v) for v in values]
    assert strings == sorted(strings)
    assert len(set(strings)) == len(strings)


# -- paths ------------------------------------------------------------------------------------

TID = "01a205b5-da58-7042-a10a-61ed643aa7dc"


def test_rollout_path_layout(codex_home: Path) -> None:
    created = datetime(2026, 11, 23, 0, 2, 13, 500_000, tzinfo=UTC)
    path = paths.rollout_path(codex_home, TID, created)
    assert path == codex_home / "sessions/2026/11/23" / f"rollout-2026-11-23T00-02-13-{TID}.jsonl"
    # Local times are converted to UTC for both the folder and the name.
    local = created.astimezone(timezone(timedelta(hours=-5)))
    assert paths.rollout_path(codex_home, TID, local) == path
    assert paths.archived_dir(codex_home) == codex_home / "archived_sessions"


def test_parse_rollout_file_name() -> None:
    parsed = paths.parse_rollout_file_name(f"rollout-2026-11-23T00-02-13-{TID}.jsonl")
    assert parsed == (datetime(2026, 11, 23, 0, 2, 13, tzinfo=UTC), uuid.UUID(TID))
    for bad in (
        "rollout-2026-11-23T00-02-13.jsonl",
        f"rollout-2026-11-23T00:02:13-{TID}.jsonl",
        "x.jsonl",
        "",
    ):
        assert paths.parse_rollout_file_name(bad) is None


def test_unarchived_path(codex_home: Path) -> None:
    name = f"rollout-2026-11-23T00-02-13-{TID}.jsonl"
    assert paths.unarchived_path(codex_home, name) == codex_home / "sessions/2026/11/23" / name
    with pytest.raises(paths.RolloutPathError):
        paths.unarchived_path(codex_home, "notes.txt")


def test_resolve_inside_accepts_sessions_and_archive(codex_home: Path) -> None:
    inside = codex_home / "sessions/2026/11/23/rollout-x.jsonl"
    assert paths.resolve_inside(codex_home, inside) == inside.resolve()
    assert paths.resolve_inside(codex_home, str(codex_home / "archived_sessions/a.jsonl")).name == "a.jsonl"
    # Relative paths are relative to CODEX_HOME.
    assert paths.resolve_inside(codex_home, "sessions/2026/x.jsonl") == (codex_home / "sessions/2026/x.jsonl")


def test_resolve_inside_refuses_escapes(codex_home: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jsonl"
    outside.write_text("{}\n")
    refused: list[str | Path] = [
        outside,
        codex_home / "config.toml",
        codex_home / "sessions",
        codex_home / "sessions/../auth.json",
        codex_home / "sessions/2026/../../archived_sessions/x.jsonl",  # '..' refused even if inside
        "",
        "sessions/x\x00.jsonl",
    ]
    for candidate in refused:
        with pytest.raises(paths.RolloutPathError):
            paths.resolve_inside(codex_home, candidate)
    # A symlink inside sessions/ pointing outside is refused after resolution.
    (codex_home / "sessions").mkdir()
    link = codex_home / "sessions/link.jsonl"
    os.symlink(outside, link)
    with pytest.raises(paths.RolloutPathError, match="outside"):
        paths.resolve_inside(codex_home, link)
    dir_link = codex_home / "sessions/2026"
    os.symlink(tmp_path, dir_link)
    with pytest.raises(paths.RolloutPathError):
        paths.resolve_inside(codex_home, dir_link / "secret.jsonl")


def test_resolve_inside_through_symlinked_home(codex_home: Path, tmp_path: Path) -> None:
    alias = tmp_path / "alias_home"
    os.symlink(codex_home, alias)
    target = alias / "sessions/2026/11/23/r.jsonl"
    assert paths.resolve_inside(codex_home, target) == (codex_home / "sessions/2026/11/23/r.jsonl").resolve()
    assert paths.resolve_inside(alias, codex_home / "archived_sessions/r.jsonl").name == "r.jsonl"
