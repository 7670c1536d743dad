"""config.toml as the reference edits it: a small model of the Rust `toml_edit` document.

The reference (codex 0.100.0) parses config.toml with `toml_edit`, changes it, and prints it
back. Where the edited text puts a new key, what a removed key takes with it and how a new
value is spelled all follow from how `toml_edit` attaches the text around an item to it:

* the blank lines and comment lines before a key or a `[table]` header are that item's
  *prefix*: removing the item removes them, and a new key or table goes in after them;
* what follows a value or a header on its line (spaces, a comment) is its *suffix*;
* what follows the last item of the file is the document's *trailing* text: new tables go
  before it;
* a table prints where its header was; a new table prints after the table it follows in the
  document tree (so `[mcp_servers.docs.env]` right after `[mcp_servers.docs]`, and new
  top-level tables at the end);
* a new value is spelled the way `toml_edit` spells it (`"basic"`, `'literal\\'` when the
  string holds a backslash, triple quotes for multi-line strings, floats in full decimal).

Only the parts codex's writes reach are modelled; the text of untouched values is kept as is.
The document must be valid TOML (the caller checks that with `tomllib` first).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "AoT",
    "Decor",
    "Document",
    "Entry",
    "InlineTable",
    "Key",
    "Table",
    "Value",
    "clear_path",
    "item_from_value",
    "parse_document",
    "set_path",
    "string_repr",
]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}$")
_TIME_AFTER_SPACE = re.compile(r" \d{2}:")
_SCALAR_END = frozenset(" \t\r\n,]}#")


# ----------------------------------------------------------------------------- model
@dataclass
class Decor:
    """Text before and after an item; None means "never set": printing uses the default."""

    prefix: str | None = None
    suffix: str | None = None

    def copy(self) -> Decor:
        return Decor(self.prefix, self.suffix)


@dataclass
class Key:
    name: str
    raw: str | None = None  # as written in the file; None: the default spelling
    leaf: Decor = field(default_factory=Decor)  # around the key path, when this key ends it
    dotted: Decor = field(default_factory=Decor)  # around this key inside a dotted path

    def text(self) -> str:
        return self.raw if self.raw is not None else key_repr(self.name)


@dataclass
class Value:
    """A value: `raw` text from the file, or `data` to be spelled the `toml_edit` way.

    `data` is a Python scalar, a list of `Value`s (an array) or an `InlineTable`.
    """

    data: Any = None
    raw: str | None = None
    decor: Decor = field(default_factory=Decor)


@dataclass
class InlineTable:
    items: dict[str, Entry] = field(default_factory=dict)
    preamble: str | None = None
    dotted: bool = False


@dataclass
class Table:
    items: dict[str, Entry] = field(default_factory=dict)
    decor: Decor = field(default_factory=Decor)
    implicit: bool = False
    dotted: bool = False
    position: int | None = None


@dataclass
class AoT:
    tables: list[Table] = field(default_factory=list)


@dataclass
class Entry:
    key: Key
    item: Any  # a Table, AoT or Value; always a Value inside an inline table


@dataclass
class Document:
    root: Table
    trailing: str = ""

    def render(self) -> str:
        return _render_document(self)


# ----------------------------------------------------------------------------- spelling
def key_repr(name: str) -> str:
    if name and _BARE_KEY.fullmatch(name):
        return name
    return _basic_string(name, multiline=False)


def string_repr(value: str) -> str:
    """How `toml_edit` spells a new string value (its `infer_style`)."""
    multiline = False
    max_singles = 0
    singles = 0
    prefer_literal = False
    can_be_pretty = True
    for ch in value:
        if can_be_pretty:
            if ch == "'":
                singles += 1
                if singles >= 3:
                    can_be_pretty = False
            else:
                max_singles = max(max_singles, singles)
                singles = 0
            if ch == "\t":
                pass
            elif ch in '\\"':
                prefer_literal = True
            elif ch == "\n":
                multiline = True
            elif ch <= "\x1f":
                can_be_pretty = False
        elif ch == "\n":
            multiline = True
    if singles > 0 and value.endswith("'"):
        can_be_pretty = False
    if not prefer_literal:
        can_be_pretty = False
    if not can_be_pretty:
        return _basic_string(value, multiline=multiline)
    max_singles = max(max_singles, singles)
    if multiline:
        return f"'''\n{value}'''"
    if max_singles >= 1:
        return f"'''{value}'''"
    return f"'{value}'"


_ESCAPES = {"\b": "\\b", "\t": "\\t", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}


def _basic_string(value: str, *, multiline: bool) -> str:
    out = ['"""\n' if multiline else '"']
    for ch in value:
        if ch == "\n":
            out.append("\n" if multiline else "\\n")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch <= "\x1f" or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"""' if multiline else '"')
    return "".join(out)


def float_repr(value: float) -> str:
    """Rust's `Display` for f64 (shortest round trip, never an exponent), `.0` on whole numbers."""
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "-0.0" if str(value).startswith("-") else "0.0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text if "." in text else f"{text}.0"


def _datetime_repr(value: Any) -> str:
    if isinstance(value, _dt.datetime):
        text = value.replace(tzinfo=None).isoformat()
        offset = value.utcoffset()
        if offset is None:
            return text
        if offset == _dt.timedelta(0):
            return text + "Z"
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        minutes = abs(minutes)
        return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return str(value.isoformat())


def _scalar_repr(data: Any) -> str:
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int):
        return str(data)
    if isinstance(data, float):
        return float_repr(data)
    if isinstance(data, str):
        return string_repr(data)
    if isinstance(data, _dt.date | _dt.time):
        return _datetime_repr(data)
    raise TypeError(f"cannot write {type(data).__name__} to TOML")


# ----------------------------------------------------------------------------- building items
def item_from_value(value: Any, *, sort_keys: bool = True, arrays_of_tables: bool = False) -> Any:
    """A new item for a TOML value, as the reference's `toml_value_to_item` builds it.

    A table becomes a `[table]` section (sub-tables its own sections), everything else a
    value; tables inside arrays are inline. Keys are sorted, as the reference's maps are.
    `arrays_of_tables` writes a non-empty list of tables as `[[name]]` sections instead.
    """
    if isinstance(value, Mapping):
        table = Table(implicit=False)
        keys = sorted(value) if sort_keys else list(value)
        for key in keys:
            table.items[str(key)] = Entry(
                Key(str(key)),
                item_from_value(value[key], sort_keys=sort_keys, arrays_of_tables=arrays_of_tables),
            )
        return table
    if (
        arrays_of_tables
        and isinstance(value, list | tuple)
        and value
        and all(isinstance(v, Mapping) for v in value)
    ):
        return AoT([item_from_value(v, sort_keys=False) for v in value])
    return Value(_value_data(value, sort_keys=sort_keys))


def _value_data(value: Any, *, sort_keys: bool) -> Any:
    if isinstance(value, Mapping):
        inline = InlineTable()
        keys = sorted(value) if sort_keys else list(value)
        for key in keys:
            inline.items[str(key)] = Entry(Key(str(key)), Value(_value_data(value[key], sort_keys=sort_keys)))
        return inline
    if isinstance(value, list | tuple):
        return [Value(_value_data(v, sort_keys=sort_keys)) for v in value]
    _scalar_repr(value)  # fail early on what TOML cannot hold
    return value


# ----------------------------------------------------------------------------- editing
def _new_implicit_table() -> Table:
    return Table(implicit=True)


def _table_from_inline(inline: InlineTable) -> Table:
    table = _new_implicit_table()
    for name, entry in inline.items.items():
        value = entry.item
        copied = Value(value.data, value.raw, Decor(value.decor.prefix, ""))
        table.items[name] = Entry(Key(name), copied)
    return table


def _table_for_write(entry: Entry) -> Table | None:
    item = entry.item
    if isinstance(item, Table):
        return item
    if isinstance(item, Value):
        entry.item = (
            _table_from_inline(item.data) if isinstance(item.data, InlineTable) else _new_implicit_table()
        )
        return entry.item  # type: ignore[no-any-return]
    return None


def _table_for_read(entry: Entry) -> Table | None:
    item = entry.item
    if isinstance(item, Table):
        return item
    if isinstance(item, Value) and isinstance(item.data, InlineTable):
        entry.item = _table_from_inline(item.data)
        return entry.item  # type: ignore[no-any-return]
    return None


def _descend(document: Document, segments: Sequence[str], *, create: bool) -> Table | None:
    current = document.root
    for segment in segments:
        entry = current.items.get(segment)
        if entry is None:
            if not create:
                return None
            entry = Entry(Key(segment), _new_implicit_table())
            current.items[segment] = entry
        table = _table_for_write(entry) if create else _table_for_read(entry)
        if table is None:
            return None
        current = table
    return current


def _preserve_decor(existing: Any, replacement: Any) -> None:
    if isinstance(existing, Table) and isinstance(replacement, Table):
        replacement.decor = existing.decor.copy()
        for name, old in existing.items.items():
            new = replacement.items.get(name)
            if new is None:
                continue
            new.key.leaf = old.key.leaf.copy()
            new.key.dotted = old.key.dotted.copy()
            _preserve_decor(old.item, new.item)
    elif isinstance(existing, Value) and isinstance(replacement, Value):
        replacement.decor = existing.decor.copy()


def set_path(document: Document, segments: Sequence[str], item: Any) -> bool:
    """Put `item` at `segments`, creating implicit tables above it (the reference's SetPath)."""
    if not segments:
        return False
    parent = _descend(document, segments[:-1], create=True)
    if parent is None:
        return False
    last = segments[-1]
    existing = parent.items.get(last)
    if existing is not None:
        _preserve_decor(existing.item, item)
        existing.item = item
    else:
        parent.items[last] = Entry(Key(last), item)
    return True


def clear_path(document: Document, segments: Sequence[str]) -> bool:
    """Remove what is at `segments`, with the comments above it (the reference's ClearPath)."""
    if not segments:
        return False
    parent = _descend(document, segments[:-1], create=False)
    if parent is None:
        return False
    return parent.items.pop(segments[-1], None) is not None


def replace_table_entries(document: Document, table_key: str, entries: Mapping[str, Any]) -> bool:
    """The reference's `ReplaceMcpServers`: `[table_key]` holds exactly `entries`, each rewritten.

    An entry written inline (`name = { ... }`) stays inline, its keys merged; the others are
    replaced by fresh tables (their comments go with the old text). No entries: the table goes.
    """
    root = document.root
    if not entries:
        return root.items.pop(table_key, None) is not None
    entry = root.items.get(table_key)
    if entry is None:
        entry = Entry(Key(table_key), _new_implicit_table())
        root.items[table_key] = entry
    table = _table_for_write(entry)
    if table is None:
        table = _new_implicit_table()
        entry.item = table
    for name in [n for n in table.items if n not in entries]:
        del table.items[name]
    for name, value in entries.items():
        fresh = item_from_value(value, sort_keys=False)
        existing = table.items.get(name)
        if existing is None:
            table.items[name] = Entry(Key(name), fresh)
        elif isinstance(existing.item, Value) and isinstance(existing.item.data, InlineTable):
            _merge_inline(existing.item.data, _value_data(value, sort_keys=False))
        else:
            existing.item = fresh
    return True


def _merge_inline(existing: InlineTable, replacement: InlineTable) -> None:
    for name in [n for n in existing.items if n not in replacement.items]:
        del existing.items[name]
    for name, new in replacement.items.items():
        old = existing.items.get(name)
        if old is not None:
            new.item.decor = old.item.decor.copy()
            old.item = new.item
        else:
            existing.items[name] = new


# ----------------------------------------------------------------------------- printing
def _decor_text(text: str | None, default: str) -> str:
    return default if text is None else text


def _key_path_text(keys: Sequence[Key], default: tuple[str, str]) -> str:
    leaf = keys[-1].leaf
    out = [_decor_text(leaf.prefix, default[0])]
    for index, key in enumerate(keys):
        if index:
            out.append(".")
            out.append(_decor_text(key.dotted.prefix, ""))
        out.append(key.text())
        if index == len(keys) - 1:
            out.append(_decor_text(leaf.suffix, default[1]))
        else:
            out.append(_decor_text(key.dotted.suffix, ""))
    return "".join(out)


def _header_keys(path: Sequence[Key]) -> tuple[str, str]:
    """The key path of a `[header]`, and comment lines to print before it.

    A table made from a value (`name = { ... }` given a key below it) prints its header with
    the key's spacing from the value line, as `toml_edit` does; `toml_edit` also puts the
    comment lines above that line inside the brackets, which leaves a file that does not
    parse. Those lines go before the header instead.
    """
    leaf = path[-1].leaf
    pieces = [leaf.prefix, leaf.suffix]
    pieces += [key.dotted.prefix for key in path[1:]] + [key.dotted.suffix for key in path[:-1]]
    if all(_blank(piece) for piece in pieces):
        return "", _key_path_text(path, ("", ""))
    parts = []
    for index, key in enumerate(path):
        before = key.dotted.prefix if index else ""
        after = key.dotted.suffix if index < len(path) - 1 else ""
        parts.append(f"{_spaces_only(before)}{key.text()}{_spaces_only(after)}")
    header = _spaces_only(leaf.prefix) + ".".join(parts) + _spaces_only(leaf.suffix)
    return ("" if _blank(leaf.prefix) else leaf.prefix or ""), header


def _blank(text: str | None) -> bool:
    return text is None or text.strip(" \t") == ""


def _spaces_only(text: str | None) -> str:
    return text if text is not None and _blank(text) else ""


def _value_text(value: Value, default: tuple[str, str]) -> str:
    return (
        _decor_text(value.decor.prefix, default[0])
        + _value_body(value)
        + _decor_text(value.decor.suffix, default[1])
    )


def _value_body(value: Value) -> str:
    if value.raw is not None:
        return value.raw
    data = value.data
    if isinstance(data, InlineTable):
        return _inline_text(data)
    if isinstance(data, list):
        parts = ["["]
        for index, element in enumerate(data):
            if index:
                parts.append(",")
            parts.append(_value_text(element, ("", "") if index == 0 else (" ", "")))
        parts.append("]")
        return "".join(parts)
    return _scalar_repr(data)


def _inline_values(inline: InlineTable, parent: list[Key]) -> list[tuple[list[Key], Value]]:
    values: list[tuple[list[Key], Value]] = []
    for entry in inline.items.values():
        path = [*parent, entry.key]
        value = entry.item
        if isinstance(value.data, InlineTable) and value.data.dotted and value.raw is None:
            values.extend(_inline_values(value.data, path))
        else:
            values.append((path, value))
    return values


def _inline_text(inline: InlineTable) -> str:
    parts = ["{", inline.preamble or ""]
    children = _inline_values(inline, [])
    for index, (path, value) in enumerate(children):
        if index:
            parts.append(",")
        parts.append(_key_path_text(path, (" ", " ")))
        parts.append("=")
        parts.append(_value_text(value, (" ", " ") if index == len(children) - 1 else (" ", "")))
    parts.append("}")
    return "".join(parts)


def _table_values(table: Table, parent: list[Key]) -> list[tuple[list[Key], Value]]:
    values: list[tuple[list[Key], Value]] = []
    for entry in table.items.values():
        path = [*parent, entry.key]
        item = entry.item
        if isinstance(item, Table):
            if item.dotted:
                values.extend(_table_values(item, path))
        elif isinstance(item, Value):
            if isinstance(item.data, InlineTable) and item.data.dotted and item.raw is None:
                values.extend(_inline_values(item.data, path))
            else:
                values.append((path, item))
    return values


def _nested_tables(root: Table) -> Iterator[tuple[int, Table, list[Key], bool]]:
    last_position = 0

    def visit(table: Table, path: list[Key], is_array: bool) -> Iterator[tuple[int, Table, list[Key], bool]]:
        nonlocal last_position
        if not table.dotted:
            if table.position is not None:
                last_position = table.position
            yield last_position, table, path, is_array
        for entry in table.items.values():
            if isinstance(entry.item, Table):
                yield from visit(entry.item, [*path, entry.key], False)
            elif isinstance(entry.item, AoT):
                for child in entry.item.tables:
                    yield from visit(child, [*path, entry.key], True)

    yield from visit(root, [], False)


def _render_document(document: Document) -> str:
    tables = sorted(_nested_tables(document.root), key=lambda t: t[0])
    out: list[str] = []
    first_table = True
    for _, table, path, is_array in tables:
        children = _table_values(table, [])
        if not path:
            if children:
                first_table = False
        elif is_array or not (table.implicit and not children):
            default_prefix = "" if first_table else "\n"
            first_table = False
            moved, header_keys = _header_keys(path)
            out.append(_decor_text(table.decor.prefix, default_prefix))
            out.append(moved)
            out.append("[[" if is_array else "[")
            out.append(header_keys)
            out.append("]]" if is_array else "]")
            out.append(_decor_text(table.decor.suffix, ""))
            out.append("\n")
        for key_path, value in children:
            out.append(_key_path_text(key_path, ("", " ")))
            out.append("=")
            out.append(_value_text(value, (" ", "")))
            out.append("\n")
    out.append(document.trailing)
    return "".join(out)


def parse_document(text: str) -> Document:
    """The document model of `text` (valid TOML): see toml_parse.py."""
    from codex_core.config.toml_parse import parse_document as parse

    return parse(text)
