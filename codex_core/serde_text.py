"""How serde names a value in its `invalid type` messages; the reference's errors use this wording.

A dependency-free leaf module: both the config loader and the protocol validator phrase
errors the way the reference does.
"""

from __future__ import annotations

from typing import Any


def unexpected(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{'true' if value else 'false'}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value}"'
    if isinstance(value, list):
        return "sequence"
    if isinstance(value, dict):
        return "map"
    return type(value).__name__
