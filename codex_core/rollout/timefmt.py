"""Timestamp formats used in rollout files and the session index.

* envelope: `2026-11-23T00:06:13.909Z` (UTC, milliseconds, truncated like the reference, `Z`)
* session index: `2026-11-23T00:00:15.294414749Z` (RFC3339, always nine fractional digits)
* file names: `2026-11-23T00-06-13` (UTC, seconds, `-` instead of `:`)
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

_NS_PER_S = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$"
)
_FILE_TS = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})$")


def utc_now() -> datetime:
    return datetime.now(UTC)


def _as_utc(dt: datetime) -> datetime:
    # Naive datetimes are taken as UTC: every timestamp we write is UTC.
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def format_envelope(dt: datetime | None = None) -> str:
    """`YYYY-MM-DDThh:mm:ss.mmmZ`; sub-millisecond digits are cut, not rounded."""
    d = _as_utc(dt) if dt is not None else utc_now()
    return f"{d:%Y-%m-%dT%H:%M:%S}.{d.microsecond // 1000:03d}Z"


def format_seconds(dt: datetime) -> str:
    """`YYYY-MM-DDThh:mm:ssZ` (list cursors)."""
    return f"{_as_utc(dt):%Y-%m-%dT%H:%M:%S}Z"


def format_file_stamp(dt: datetime) -> str:
    """`YYYY-MM-DDThh-mm-ss`, the stamp inside rollout file names."""
    return f"{_as_utc(dt):%Y-%m-%dT%H-%M-%S}"


def now_ns() -> int:
    return time.time_ns()


def format_rfc3339_nanos(ns: int | None = None) -> str:
    """RFC3339 UTC with nine fractional digits from nanoseconds since the epoch (default: now)."""
    value = time.time_ns() if ns is None else ns
    seconds, frac = divmod(value, _NS_PER_S)
    d = _EPOCH + timedelta(seconds=seconds)
    return f"{d:%Y-%m-%dT%H:%M:%S}.{frac:09d}Z"


def parse_rfc3339_ns(text: str) -> int:
    """Nanoseconds since the epoch for any RFC3339 timestamp (0-9 fractional digits, Z or offset)."""
    m = _RFC3339.match(text.strip())
    if m is None:
        raise ValueError(f"invalid RFC3339 timestamp: {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac = m.group(7) or ""
    zone = m.group(8)
    base = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6]))
        base -= sign * offset
    whole = (base - _EPOCH) // timedelta(seconds=1)
    return whole * _NS_PER_S + int(frac.ljust(9, "0") or "0")


def parse_timestamp(text: str) -> datetime:
    """A UTC datetime (microsecond precision) from an envelope or RFC3339 timestamp."""
    ns = parse_rfc3339_ns(text)
    seconds, frac = divmod(ns, _NS_PER_S)
    return _EPOCH + timedelta(seconds=seconds, microseconds=frac // 1000)


def parse_file_stamp(text: str) -> datetime | None:
    """The UTC datetime of a `YYYY-MM-DDThh-mm-ss` stamp, or None if it is not one."""
    m = _FILE_TS.match(text)
    if m is None:
        return None
    y, mo, d, h, mi, s = (int(g) for g in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=UTC)
    except ValueError:
        return None
