"""Nested-table helpers shared by the loader, overrides and the editor."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any


def deep_merge(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """A new table: `overlay` over `base`, tables merged key by key, anything else replaced."""
    result = copy.deepcopy(dict(base))
    for key, value in overlay.items():
        existing = result.get(key)
        if isinstance(existing, dict) and isinstance(value, Mapping):
            result[key] = deep_merge(existing, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def set_path(table: dict[str, Any], path: list[str], value: Any) -> None:
    """Set `value` at `path`, creating (or replacing non-table values with) tables on the way."""
    node = table
    for segment in path[:-1]:
        child = node.get(segment)
        if not isinstance(child, dict):
            child = {}
            node[segment] = child
        node = child
    node[path[-1]] = value


def get_path(table: Mapping[str, Any], path: list[str]) -> tuple[bool, Any]:
    node: Any = table
    for segment in path:
        if not isinstance(node, Mapping) or segment not in node:
            return False, None
        node = node[segment]
    return True, node


def iter_leaves(
    table: Mapping[str, Any], prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every non-table value with its path (arrays are leaves; an empty table yields nothing)."""
    for key, value in table.items():
        path = (*prefix, key)
        if isinstance(value, Mapping):
            yield from iter_leaves(value, path)
        else:
            yield path, value


def iter_origin_leaves(value: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """The keys `config/read` reports origins for, as the reference lists them: every scalar,
    array elements by index (`args.0`, `args.1`, tables in arrays by their keys); an empty
    table or array names nothing."""
    if isinstance(value, Mapping):
        for key, child in value.items():
            yield from iter_origin_leaves(child, (*prefix, str(key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from iter_origin_leaves(child, (*prefix, str(index)))
    elif prefix:
        yield prefix, value
