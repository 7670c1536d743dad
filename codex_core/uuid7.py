"""UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits; thread and turn ids use it.

Ids made by this process sort in creation order even within one millisecond: the 74 random
bits act as a counter that is bumped (by a random step) while the clock stands still or steps
back, so a later call never yields a smaller id.
"""

from __future__ import annotations

import os
import threading
import time
import uuid

_RAND_BITS = 74  # 12 bits rand_a + 62 bits rand_b
_RAND_MASK = (1 << _RAND_BITS) - 1
_MAX_MS = (1 << 48) - 1

_lock = threading.Lock()
_last_ms = -1
_last_rand = 0


def _compose(ms: int, rand: int) -> int:
    rand_a = rand >> 62
    rand_b = rand & ((1 << 62) - 1)
    return (ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b


def uuid7() -> uuid.UUID:
    global _last_ms, _last_rand
    now_ms = time.time_ns() // 1_000_000
    fresh = int.from_bytes(os.urandom(10), "big") & _RAND_MASK
    with _lock:
        if now_ms > _last_ms:
            ms, rand = now_ms, fresh
        else:
            # Same (or earlier) millisecond: stay on the last timestamp and count upwards;
            # a step of up to 2**32 keeps ids hard to guess while leaving ~2**42 steps.
            ms = _last_ms
            rand = _last_rand + 1 + (fresh & 0xFFFFFFFF)
            if rand > _RAND_MASK:
                ms, rand = ms + 1, fresh >> 1
        _last_ms, _last_rand = min(ms, _MAX_MS), rand
    return uuid.UUID(int=_compose(ms & _MAX_MS, rand))


def uuid7_str() -> str:
    return str(uuid7())


def uuid7_timestamp_ms(value: uuid.UUID | str) -> int:
    """The Unix milliseconds embedded in a UUIDv7."""
    u = value if isinstance(value, uuid.UUID) else uuid.UUID(value)
    return u.int >> 80
