"""Turn pydantic validation errors into serde-style messages with file, line and key."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from codex_core.config.errors import ConfigValidationError
from codex_core.config.keypath import join_key_path
from codex_core.config.locate import locate_value
from codex_core.serde_text import expected_variants, unexpected

if TYPE_CHECKING:
    from pydantic import ValidationError

    from codex_core.config.layers import ConfigLayer
    from codex_core.config.typed import ConfigToml

_EXPECTED_BY_TYPE = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean",
    "string_type": "a string",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "list_type": "an array",
}


describe_value = unexpected


def describe_error(error: Any) -> str:
    kind = error.get("type", "")
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        # As the TOML deserializer reads an enum (recorded from 0.100.0): a table names its
        # variant by its first key; any other non-string is refused whole.
        if isinstance(value, dict) and value:
            value = next(iter(value))
        elif not isinstance(value, str):
            return "invalid type: unit variant, expected string only"
        return f"unknown variant `{value}`, {expected_variants(allowed)}"
    if kind in _EXPECTED_BY_TYPE:
        return f"invalid type: {describe_value(value)}, expected {_EXPECTED_BY_TYPE[kind]}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return f"invalid value: {describe_value(value)}, {error.get('msg', '').lower()}"
    if kind == "value_error":
        message = str(error.get("msg", ""))
        return message.removeprefix("Value error, ")
    return str(error.get("msg", "invalid value"))


def _key_path(loc: Sequence[Any], data: dict[str, Any]) -> list[str]:
    """The error location as config keys: pydantic adds union branch names to `loc`, which are not keys."""
    path: list[str] = []
    node: Any = data
    for segment in loc:
        if isinstance(node, dict) and isinstance(segment, str) and segment in node:
            path.append(segment)
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int) and 0 <= segment < len(node):
            path.append(str(segment))
            node = node[segment]
    return path


def validate_config(effective: dict[str, Any], layers: Sequence[ConfigLayer]) -> ConfigToml:
    """Validate the merged table; on failure blame the highest layer that set the bad key."""
    from pydantic import ValidationError

    from codex_core.config.typed import ConfigToml

    try:
        return ConfigToml.model_validate(effective)
    except ValidationError as exc:
        raise _to_config_error(exc, effective, layers) from None


def validate_layer(layer: ConfigLayer) -> None:
    """Check one file before writing it, so a bad edit never lands on disk."""
    validate_config(layer.config, [layer])


def _to_config_error(
    exc: ValidationError, effective: dict[str, Any], layers: Sequence[ConfigLayer]
) -> ConfigValidationError:
    first = exc.errors()[0]
    key_path = _key_path(first.get("loc", ()), effective)
    message = describe_error(first)
    extra = len(exc.errors()) - 1
    if extra:
        message += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    source = next((layer for layer in reversed(layers) if _defines(layer.config, key_path)), None)
    if source is None or _value_at(source.config, key_path) != _value_at(effective, key_path):
        # The bad value came from above every layer (a request's own overrides): no file to point at.
        return ConfigValidationError(message, key=join_key_path(key_path) or None)
    for layer in reversed(layers):
        if layer.path is None or not _defines(layer.config, key_path):
            continue
        span = locate_value(layer.text, key_path) if layer.text else None
        return ConfigValidationError(
            message,
            path=layer.path,
            line=span.line if span else None,
            column=span.start_column if span else None,
            end_column=span.end_column if span else None,
            key=join_key_path(key_path) or None,
        )
    origin = f"in {source.source.type} overrides: "
    return ConfigValidationError(origin + message, key=join_key_path(key_path) or None)


_ABSENT = object()


def _value_at(config: dict[str, Any], path: Sequence[str]) -> Any:
    """The value at a dotted key path (list indices as digits), or `_ABSENT`."""
    node: Any = config
    for segment in path:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
            node = node[int(segment)]
        else:
            return _ABSENT
    return node


def _defines(config: dict[str, Any], path: Sequence[str]) -> bool:
    return _value_at(config, path) is not _ABSENT
