"""Streaming rollout reader.

Files can be very large, so everything here reads line by line and keeps nothing but what
the caller asks for. Tolerated damage: blank lines, a torn last line (crash mid-write), invalid
lines and unknown line kinds (skipped, counted in `ReadStats`, logged once per file).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections import Counter
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from .policy import HEAD_RECORD_LIMIT, ROLLOUT_KINDS, USER_EVENT_SCAN_LIMIT

log = logging.getLogger("codex.rollout")


class RolloutRecord(NamedTuple):
    timestamp: str
    kind: str
    payload: dict[str, Any]


@dataclass
class ReadStats:
    lines: int = 0
    records: int = 0
    blank: int = 0
    invalid: int = 0
    torn_tail: bool = False
    unknown_kinds: Counter[str] = field(default_factory=Counter)


# The envelope exactly as the reference (and our writer) lays it out; lets `iter_records` skip a
# line of an unwanted kind without parsing its (possibly huge) payload.
_ENVELOPE_HEAD = re.compile(rb'\{"timestamp":"[^"\\]{0,64}","type":"([a-z_]{1,32})","payload":')


_READ_BUFFER = 1 << 20


def iter_records(
    path: Path, stats: ReadStats | None = None, kinds: frozenset[str] | None = None
) -> Generator[RolloutRecord, None, None]:
    """Yield `(timestamp, kind, payload)` for each valid line of a rollout file, in order.

    With `kinds`, only records of those kinds are yielded; a complete line whose envelope
    head names another known kind is then skipped unparsed (counted in `stats.records`, its
    payload not validated).
    """
    with contextlib.closing(iter_located_records(path, stats, kinds)) as located:
        for _offset, _length, record in located:
            yield record


def iter_located_records(
    path: Path, stats: ReadStats | None = None, kinds: frozenset[str] | None = None
) -> Generator[tuple[int, int, RolloutRecord], None, None]:
    """`iter_records`, each record with the byte offset and length of its line."""
    st = stats if stats is not None else ReadStats()
    offset = 0
    warned_invalid = warned_unknown = False
    match_head = _ENVELOPE_HEAD.match
    # A large buffer: lines of big tool outputs are long, and the default 8 KiB one makes
    # line iteration several times slower on them.
    with Path(path).open("rb", buffering=_READ_BUFFER) as handle:
        for raw in handle:
            st.lines += 1
            at = offset
            offset += len(raw)
            if kinds is not None and raw.endswith(b"\n"):
                head = match_head(raw)
                if head is not None:
                    skipped = head.group(1).decode()
                    if skipped not in kinds and skipped in ROLLOUT_KINDS:
                        st.records += 1
                        continue
            if not raw.strip():
                st.blank += 1
                continue
            record = _parse(raw)
            if record is None:
                if not raw.endswith(b"\n"):
                    # Only the final line can lack its newline: a write cut short by a crash.
                    st.torn_tail = True
                    log.warning("rollout %s: ignoring torn last line (%d bytes)", path, len(raw))
                    continue
                st.invalid += 1
                if not warned_invalid:
                    warned_invalid = True
                    log.warning(
                        "rollout %s: skipping invalid line %d (further ones not logged)", path, st.lines
                    )
                continue
            if record.kind not in ROLLOUT_KINDS:
                st.unknown_kinds[record.kind] += 1
                if not warned_unknown:
                    warned_unknown = True
                    log.warning("rollout %s: skipping unknown line kind %r", path, record.kind)
                continue
            st.records += 1
            if kinds is None or record.kind in kinds:
                yield at, len(raw), record


def parse_line(raw: bytes) -> RolloutRecord | None:
    """One rollout line as a record; None when it is not a valid envelope."""
    return _parse(raw)


def _parse(raw: bytes) -> RolloutRecord | None:
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(value, dict):
        return None
    kind, payload = value.get("type"), value.get("payload")
    if not isinstance(kind, str) or not isinstance(payload, dict):
        return None
    ts = value.get("timestamp")
    return RolloutRecord(ts if isinstance(ts, str) else "", kind, payload)


def read_session_meta(path: Path) -> dict[str, Any] | None:
    """The payload of the first `session_meta` line within the head of the file."""
    with contextlib.closing(iter_records(path)) as records:
        for index, record in enumerate(records):
            if record.kind == "session_meta":
                return record.payload
            if index >= HEAD_RECORD_LIMIT:
                break
    return None


@dataclass
class RolloutHead:
    """What listing needs from the top of a rollout file."""

    path: Path
    session_meta: dict[str, Any]
    preview: str  # text of the first user_message event, in full; "" without one
    has_user_message: bool

    @property
    def id(self) -> str | None:
        return _str(self.session_meta.get("id"))

    @property
    def created(self) -> str | None:
        """session_meta.timestamp (creation time, ms precision)."""
        return _str(self.session_meta.get("timestamp"))

    @property
    def cwd(self) -> str | None:
        return _str(self.session_meta.get("cwd"))

    @property
    def originator(self) -> str | None:
        return _str(self.session_meta.get("originator"))

    @property
    def cli_version(self) -> str | None:
        return _str(self.session_meta.get("cli_version"))

    @property
    def model_provider(self) -> str | None:
        return _str(self.session_meta.get("model_provider"))

    @property
    def source(self) -> Any:
        """`"vscode"`, `"cli"`, `"exec"`, `"mcp"` or an object such as `{"subagent": ...}`."""
        return self.session_meta.get("source")

    @property
    def git(self) -> dict[str, Any] | None:
        git = self.session_meta.get("git")
        return git if isinstance(git, dict) else None

    @property
    def forked_from_id(self) -> str | None:
        return _str(self.session_meta.get("forked_from_id"))


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_head(path: Path, max_records: int = HEAD_RECORD_LIMIT + USER_EVENT_SCAN_LIMIT) -> RolloutHead | None:
    """session_meta plus first-user-message info, reading only as far as needed.

    Returns None when no session_meta appears within the first `max_records` records (not a
    listable rollout). Stops at the first user_message event.
    """
    meta: dict[str, Any] | None = None
    preview: str | None = None
    with contextlib.closing(iter_records(path)) as records:
        for index, record in enumerate(records):
            if record.kind == "session_meta":
                if meta is None:  # forks carry the source's session_meta too; the first is ours
                    meta = record.payload
            elif record.kind == "event_msg" and record.payload.get("type") == "user_message":
                message = record.payload.get("message")
                preview = message if isinstance(message, str) else ""
            if meta is not None and preview is not None:
                break
            if index + 1 >= max_records:
                break
    if meta is None:
        return None
    return RolloutHead(Path(path), meta, preview or "", preview is not None)


async def read_head_async(path: Path) -> RolloutHead | None:
    # asyncio here, not at the top: the listing index reads heads without an event loop, and a
    # fresh process's first thread/list (app_server.fast_start) is answered before asyncio loads.
    import asyncio

    return await asyncio.to_thread(read_head, path)
