"""The one config editor: set / unset / merge values at dotted paths, keeping everything else byte for byte.

Edits go through tomlkit so comments, key order and formatting of untouched parts survive. The
whole result is validated before it is written, the write is atomic, and a caller that read
an older version gets a conflict instead of silently overwriting someone else's change.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from codex_core.atomic import atomic_write_bytes
from codex_core.config.errors import ConfigError, ConfigVersionConflict
from codex_core.config.keypath import split_key_path
from codex_core.config.layers import ConfigLayer, LayerSource, layer_version, parse_toml_text

MergeStrategy = Literal["replace", "upsert"]

_process_lock = threading.Lock()


@dataclass(frozen=True)
class ConfigEdit:
    key_path: str | Sequence[str]
    value: Any  # None removes the key
    merge_strategy: MergeStrategy = "replace"

    def segments(self) -> list[str]:
        if isinstance(self.key_path, str):
            try:
                return split_key_path(self.key_path)
            except ValueError as exc:
                raise ConfigError(f"invalid key path {self.key_path!r}: {exc}") from None
        if not self.key_path:
            raise ConfigError("invalid key path: empty")
        return list(self.key_path)


@dataclass(frozen=True)
class WriteResult:
    path: Path
    version: str
    config: dict[str, Any]


def current_version(path: Path) -> str:
    """The version a reader of `path` sees now (the content hash of its table)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return layer_version({})
    return layer_version(parse_toml_text(text, path))


def apply_edits(
    path: Path,
    edits: Sequence[ConfigEdit],
    *,
    expected_version: str | None = None,
    validate: bool = True,
    source_type: str = "user",
) -> WriteResult:
    import tomlkit

    with _locked(path):
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            text = ""
        before = parse_toml_text(text, path)
        if expected_version is not None and expected_version != layer_version(before):
            raise ConfigVersionConflict(
                "Configuration was modified since last read. Fetch latest version and retry.", path=path
            )
        document = tomlkit.parse(text)
        for edit in edits:
            _apply_one(document, edit.segments(), edit.value, edit.merge_strategy)
        new_text = document.as_string()
        after = parse_toml_text(new_text, path)
        if validate:
            from codex_core.config.validation import validate_layer

            validate_layer(
                ConfigLayer(source=LayerSource(source_type, path), config=after, path=path, text=new_text)
            )
        if new_text != text or not path.exists():
            atomic_write_bytes(path, new_text.encode("utf-8"))
        return WriteResult(path=path, version=layer_version(after), config=after)


def set_value(path: Path, key_path: str, value: Any, **kwargs: Any) -> WriteResult:
    return apply_edits(path, [ConfigEdit(key_path, value)], **kwargs)


def unset_value(path: Path, key_path: str, **kwargs: Any) -> WriteResult:
    return apply_edits(path, [ConfigEdit(key_path, None)], **kwargs)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Serialise writers: threads in this process, and other processes through a lock file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.parent / f".{path.name}.lock"
    with _process_lock:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _is_table(item: Any) -> bool:
    from tomlkit.items import InlineTable, Table

    return isinstance(item, Table | InlineTable) or (hasattr(item, "keys") and not isinstance(item, str))


def _apply_one(document: Any, segments: list[str], value: Any, strategy: MergeStrategy) -> None:
    import tomlkit

    parent: Any = document
    new_nested_table: Any = None
    for depth, segment in enumerate(segments[:-1]):
        child = parent.get(segment) if _is_table(parent) else None
        if child is None or not _is_table(child):
            if value is None:
                return  # deleting below something that is not there: nothing to do
            holds_key = depth == len(segments) - 2 and not isinstance(value, Mapping)
            # Only the table that holds the key gets a header; those above stay implicit ([a.b], not [a]).
            child = tomlkit.table(is_super_table=not holds_key)
            _insert(document, parent, segment, child)
            child = parent[segment]
            if holds_key and parent is not document:
                new_nested_table = child
        parent = child
    key = segments[-1]
    if value is None:
        if key in parent:
            del parent[key]
        return
    existing = parent.get(key)
    if strategy == "upsert" and isinstance(value, Mapping) and existing is not None and _is_table(existing):
        for sub_key, sub_value in value.items():
            _apply_one(existing, [sub_key], sub_value, "upsert")
        return
    _insert(document, parent, key, _to_item(value, inline=_is_inline_context(parent)))
    if new_nested_table is not None:
        # tomlkit renders a sub-table added among sibling tables flush against the next header.
        new_nested_table.add(tomlkit.nl())


def _is_inline_context(parent: Any) -> bool:
    from tomlkit.items import Array, InlineTable

    return isinstance(parent, InlineTable | Array)


def _to_item(value: Any, *, inline: bool) -> Any:
    import tomlkit

    if isinstance(value, Mapping):
        if inline:
            table: Any = tomlkit.inline_table()
            for k, v in value.items():
                table[k] = _to_item(v, inline=True)
            return table
        table = tomlkit.table()
        for k, v in value.items():
            table[k] = _to_item(v, inline=False)
        return table
    if (
        isinstance(value, list | tuple)
        and value
        and not inline
        and all(isinstance(v, Mapping) for v in value)
    ):
        # A list of tables is written as `[[name]]` sections, the way people write them by hand.
        tables = tomlkit.aot()
        for entry in value:
            tables.append(_to_item(entry, inline=False))
        return tables
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        for v in value:
            array.append(_to_item(v, inline=True))
        return array
    return tomlkit.item(value)


def _insert(document: Any, parent: Any, key: str, item: Any) -> None:
    """Set `parent[key]`: in place when it exists; new root scalars go after the last root key.

    Putting a new root scalar at the end would move it under the last table header, which
    changes its meaning; tomlkit's own placement lands it after any comment above the first
    table, which separates that comment from its table.
    """
    from tomlkit.items import AoT, Table

    if key in parent:
        parent[key] = item
        return
    is_table = isinstance(item, Table | AoT)
    if parent is document and not is_table:
        last_key = None
        for body_key, body_item in document.body:
            if body_key is not None and not isinstance(body_item, Table | AoT):
                last_key = body_key
        if last_key is not None:
            document._insert_after(last_key, key, item)
            return
        if any(isinstance(body_item, Table | AoT) for _, body_item in document.body):
            document._insert_at(0, key, item)
            return
    parent[key] = item
