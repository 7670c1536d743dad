"""The one config editor: set / unset / merge values at dotted paths, as the reference writes them.

An edit works like the reference's config service (codex 0.100.0): the value is merged into the
file's table first, and only a path whose value really changes is written, with the whole new
value at that path. The text is edited the way the reference's `toml_edit` does it
(`toml_edit.py`): untouched lines stay byte for byte, a removed key takes the comment lines above
it along, new tables go before the comment that ends the file. The result is validated before
it is written; the write is atomic, through a symlink to its target, and leaves the file at mode
0600 (the reference writes a fresh private file each time). An edit that changes nothing does
not touch the file. A caller that read an older version gets a conflict instead of silently
overwriting someone else's change.
"""

from __future__ import annotations

import copy
import datetime as _dt
import fcntl
import os
import threading
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from codex_core.atomic import atomic_write_bytes
from codex_core.config.errors import (
    ConfigError,
    ConfigPathNotFound,
    ConfigValueError,
    ConfigVersionConflict,
)
from codex_core.config.keypath import split_key_path
from codex_core.config.layers import ConfigLayer, LayerSource, layer_version, parse_toml_text
from codex_core.config.reference_shape import duration_secs, reference_shape

MergeStrategy = Literal["replace", "upsert"]

CONFIG_FILE_MODE = 0o600
_I64 = 1 << 63
_U64 = 1 << 64

_process_lock = threading.Lock()


@dataclass(frozen=True)
class ConfigEdit:
    key_path: str | Sequence[str]
    value: Any  # None removes the key
    merge_strategy: MergeStrategy = "replace"

    def segments(self) -> list[str]:
        if isinstance(self.key_path, str):
            if not self.key_path.strip():
                raise ConfigValueError("keyPath must not be empty")
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
    return layer_version(reference_shape(parse_toml_text(text, path), path.parent))


def apply_edits(
    path: Path,
    edits: Sequence[ConfigEdit],
    *,
    expected_version: str | None = None,
    validate: bool = True,
    source_type: str = "user",
    arrays_of_tables: bool = True,
) -> WriteResult:
    """Apply `edits` in order, all or nothing.

    Raises ConfigVersionConflict, ConfigPathNotFound (clearing below a missing table),
    ConfigValueError (a value TOML cannot hold) and ConfigValidationError. A list of tables is
    written as `[[name]]` sections; `arrays_of_tables=False` writes it inline, as the
    reference's config/value/write does.
    """
    from codex_core.config.toml_edit import clear_path, item_from_value, parse_document, set_path

    with _locked(path):
        target = _write_target(path)
        text = _read(target)
        before = reference_shape(parse_toml_text(text or "", path), path.parent)
        if expected_version is not None and expected_version != layer_version(before):
            raise ConfigVersionConflict(
                "Configuration was modified since last read. Fetch latest version and retry.", path=path
            )
        config = copy.deepcopy(before)
        changes: list[tuple[list[str], Any]] = []
        for edit in edits:
            segments = edit.segments()
            value = toml_value(edit.value)
            original = copy.deepcopy(value_at_path(config, segments))
            _merge(config, segments, value, edit.merge_strategy)
            updated = value_at_path(config, segments)
            if not same_value(original, updated):
                changes.append((segments, copy.deepcopy(updated)))
        new_text = text or ""
        if changes:
            document = parse_document(new_text)
            for segments, updated in changes:
                if updated is None:
                    clear_path(document, segments)
                else:
                    set_path(document, segments, item_from_value(updated, arrays_of_tables=arrays_of_tables))
            new_text = document.render()
        if validate:
            from codex_core.config.validation import validate_layer

            validate_layer(
                ConfigLayer(source=LayerSource(source_type, path), config=config, path=path, text=new_text)
            )
        if changes:
            _check_written(new_text, config, path, shape=True)
        if changes:
            atomic_write_bytes(target, new_text.encode("utf-8"), mode=CONFIG_FILE_MODE)
        return WriteResult(path=path, version=layer_version(config), config=config)


def set_value(path: Path, key_path: str, value: Any, **kwargs: Any) -> WriteResult:
    return apply_edits(path, [ConfigEdit(key_path, value)], **kwargs)


def unset_value(path: Path, key_path: str, **kwargs: Any) -> WriteResult:
    return apply_edits(path, [ConfigEdit(key_path, None)], **kwargs)


def replace_mcp_servers(path: Path, servers: Mapping[str, Mapping[str, Any]]) -> bool:
    """`codex mcp add/remove`: the user config's `[mcp_servers]` becomes exactly `servers`.

    Like the reference, every server is written afresh in its canonical form
    (`mcp_server_table`), in name order; one written inline stays inline. No servers: the
    table goes. Returns whether the file was written.
    """
    from codex_core.config.toml_edit import parse_document, replace_table_entries

    with _locked(path):
        target = _write_target(path)
        text = _read(target)
        before = parse_toml_text(text or "", path)
        wanted = {name: dict(servers[name]) for name in sorted(servers)}
        document = parse_document(text or "")
        if not replace_table_entries(document, "mcp_servers", wanted):
            return False
        new_text = document.render()
        expected = {key: value for key, value in before.items() if key != "mcp_servers"}
        if wanted:
            expected["mcp_servers"] = wanted
        _check_written(new_text, expected, path)
        atomic_write_bytes(target, new_text.encode("utf-8"), mode=CONFIG_FILE_MODE)
        return True


def set_model(path: Path, model: str | None, effort: str | None, *, profile: str | None = None) -> bool:
    """setDefaultModel, as the reference's `SetModel` edit: `model` and `model_reasoning_effort`
    under `[profiles.<profile>]` (`profile`, else the file's own `profile = ...`) or at the top;
    None removes the key. Returns whether the file was written."""
    from codex_core.config.toml_edit import Value, clear_path, parse_document, set_path

    with _locked(path):
        target = _write_target(path)
        text = _read(target)
        table = parse_toml_text(text or "", path)
        document = parse_document(text or "")
        if profile is None and isinstance(table.get("profile"), str):
            profile = table["profile"]
        prefix = ["profiles", profile] if profile is not None else []
        written = False
        for key, value in (("model", model), ("model_reasoning_effort", effort)):
            if value is None:
                written |= clear_path(document, [*prefix, key])
            else:
                written |= set_path(document, [*prefix, key], Value(value))
        if written:
            new_text = document.render()
            _check_parses(new_text, path)
            atomic_write_bytes(target, new_text.encode("utf-8"), mode=CONFIG_FILE_MODE)
        return written


def mcp_server_table(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A server's table as the reference writes it back: fixed key order, defaults left out,
    `startup_timeout_ms` as `startup_timeout_sec`, keys it does not know dropped."""
    table: dict[str, Any] = {}
    if raw.get("command") is not None:
        table["command"] = raw["command"]
        if raw.get("args"):
            table["args"] = list(raw["args"])
        if raw.get("env"):
            table["env"] = dict(sorted(raw["env"].items()))
        if raw.get("env_vars"):
            table["env_vars"] = list(raw["env_vars"])
        if raw.get("cwd") is not None:
            table["cwd"] = raw["cwd"]
    else:
        table["url"] = raw["url"]
        if raw.get("bearer_token_env_var") is not None:
            table["bearer_token_env_var"] = raw["bearer_token_env_var"]
        for name in ("http_headers", "env_http_headers"):
            if raw.get(name):
                table[name] = dict(sorted(raw[name].items()))
    if raw.get("enabled") is False:
        table["enabled"] = False
    if raw.get("required") is True:
        table["required"] = True
    startup = raw.get("startup_timeout_sec")
    if startup is not None:
        table["startup_timeout_sec"] = duration_secs(float(startup))
    elif raw.get("startup_timeout_ms") is not None:
        table["startup_timeout_sec"] = duration_secs(int(raw["startup_timeout_ms"]) / 1000)
    if raw.get("tool_timeout_sec") is not None:
        table["tool_timeout_sec"] = duration_secs(float(raw["tool_timeout_sec"]))
    for name in ("enabled_tools", "disabled_tools", "scopes"):
        if raw.get(name):
            table[name] = list(raw[name])
    return table


# ----------------------------------------------------------------------------- values
def toml_value(value: Any) -> Any:
    """A JSON value as the TOML value the reference makes of it (serde_json -> toml::Value).

    None (at the top) stays None: the key is removed. Integers beyond 64 bits become floats,
    as serde_json reads them; between i64 and u64 they are refused, as toml refuses them.
    """
    if value is None:
        return None
    return _toml(value)


def _toml(value: Any) -> Any:
    if value is None:
        raise ConfigValueError("invalid value: invalid type: null, expected any valid TOML value")
    if isinstance(value, bool | str | float | _dt.date | _dt.time):
        return value
    if isinstance(value, int):
        if -_I64 <= value < _I64:
            return value
        if _I64 <= value < _U64:
            raise ConfigValueError("invalid value: u64 value was too large")
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _toml(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_toml(v) for v in value]
    raise ConfigValueError(f"invalid value: cannot write {type(value).__name__} to TOML")


def value_at_path(root: Any, segments: Sequence[str]) -> Any:
    """The value at `segments` (array elements by index), or None."""
    node = root
    for segment in segments:
        if isinstance(node, dict):
            if segment not in node:
                return None
            node = node[segment]
        elif isinstance(node, list):
            try:
                index = int(segment)
            except ValueError:
                return None
            if not 0 <= index < len(node):
                return None
            node = node[index]
        else:
            return None
    return node


def same_value(a: Any, b: Any) -> bool:
    """TOML value equality: an integer is not a float, a boolean not an integer."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _merge(root: dict[str, Any], segments: Sequence[str], value: Any, strategy: MergeStrategy) -> None:
    """The reference's `apply_merge` on the file's table."""
    if value is None:
        _clear(root, segments)
        return
    *parents, last = segments
    holder: Any = None
    node: Any = root
    for segment in parents:
        if not isinstance(node, dict):
            node = {}
            holder[0][holder[1]] = node
        if segment not in node:
            node[segment] = {}
        holder = (node, segment)
        node = node[segment]
    if not isinstance(node, dict):
        raise ConfigValueError("cannot set value on non-table parent")
    existing = node.get(last)
    if strategy == "upsert" and isinstance(existing, dict) and isinstance(value, dict):
        _merge_tables(existing, value)
        return
    node[last] = value


def _merge_tables(base: dict[str, Any], overlay: dict[str, Any]) -> None:
    for key, value in overlay.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            _merge_tables(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def _clear(root: dict[str, Any], segments: Sequence[str]) -> None:
    *parents, last = segments
    node: Any = root
    for segment in parents:
        if not isinstance(node, dict) or segment not in node:
            raise ConfigPathNotFound("Path not found")
        node = node[segment]
    if not isinstance(node, dict):
        raise ConfigPathNotFound("Path not found")
    node.pop(last, None)


def _check_parses(text: str, path: Path) -> None:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"internal error: the edited config would not parse ({exc})", path=path) from None


def _check_written(text: str, expected: dict[str, Any], path: Path, *, shape: bool = False) -> None:
    """The edited text must read back as the table the edit produced (a table left empty may
    vanish: one that only held sub-tables has no header of its own to print)."""
    try:
        written = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"internal error: the edited config would not parse ({exc})", path=path) from None
    if shape:
        written = reference_shape(written, path.parent)
        expected = reference_shape(expected, path.parent)
    if not same_value(_without_empty_tables(written), _without_empty_tables(expected)):
        raise ConfigError("internal error: the edited config would not read back as written", path=path)


def _without_empty_tables(value: Any) -> Any:
    if isinstance(value, dict):
        pruned = {key: _without_empty_tables(child) for key, child in value.items()}
        return {key: child for key, child in pruned.items() if child != {} or not isinstance(child, dict)}
    if isinstance(value, list):
        return [_without_empty_tables(child) for child in value]
    return value


# ----------------------------------------------------------------------------- files
def _write_target(path: Path) -> Path:
    """Where a write lands: through a symlink to the file it points at, as the reference writes."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


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
