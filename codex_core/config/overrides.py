"""`-c key=value`, `--enable FEATURE` and `--disable FEATURE` turned into a config table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from codex_core.config.errors import ConfigOverrideError
from codex_core.config.keypath import split_key_path
from codex_core.config.merge import set_path


def parse_toml_value(text: str) -> Any:
    """The value as TOML when it parses as one (`5`, `true`, `[1,2]`, `{a=1}`, `"x"`), else the literal text.

    The fallback is what lets `-c model=o3` work without quoting, as in the reference.
    """
    import tomllib  # here: only `-c` needs it, and config loading without `-c` can skip it

    stripped = text.strip()
    try:
        return tomllib.loads(f"__v__ = {stripped}")["__v__"]
    except tomllib.TOMLDecodeError:
        return text


def parse_override(spec: str) -> tuple[list[str], Any]:
    if "=" not in spec:
        raise ConfigOverrideError(f"invalid -c override {spec!r}: expected key=value")
    key, _, raw_value = spec.partition("=")
    key = key.strip()
    if not key:
        raise ConfigOverrideError(f"invalid -c override {spec!r}: empty key")
    try:
        path = split_key_path(key)
    except ValueError as exc:
        raise ConfigOverrideError(f"invalid -c override {spec!r}: {exc}") from None
    return path, parse_toml_value(raw_value)


def feature_overrides(enable: Iterable[str] = (), disable: Iterable[str] = ()) -> list[str]:
    """`--enable X` is exactly `-c features.X=true` (and --disable likewise), so they share one path."""
    specs = [f"features.{name}=true" for name in enable]
    specs += [f"features.{name}=false" for name in disable]
    return specs


def overrides_table(specs: Iterable[str]) -> dict[str, Any]:
    """Fold `-c` specs, in order, into one nested table; a later spec wins over an earlier one."""
    table: dict[str, Any] = {}
    for spec in specs:
        path, value = parse_override(spec)
        set_path(table, path, value)
    return table
