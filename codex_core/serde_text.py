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


def expected_variants(names: list[str] | tuple[str, ...]) -> str:
    """serde's list of the variants an enum takes, after "unknown variant `x`, ": `expected `a``,
    `expected `a` or `b``, `expected one of `a`, `b`, `c``."""
    quoted = [f"`{name}`" for name in names]
    if not quoted:
        return "there are no variants"
    if len(quoted) == 1:
        return f"expected {quoted[0]}"
    if len(quoted) == 2:
        return f"expected {quoted[0]} or {quoted[1]}"
    return f"expected one of {', '.join(quoted)}"


def io_error_text(exc: OSError) -> str:
    """An OS error as Rust's `io::Error` displays it (`No such file or directory (os error 2)`),
    the wording the reference's messages embed."""
    if exc.errno is None:
        return str(exc)
    import os

    return f"{exc.strerror or os.strerror(exc.errno)} (os error {exc.errno})"
