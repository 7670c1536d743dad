"""Parsing config.toml into the document model of `toml_edit.py`, keeping every byte of text
around each item (its decor) so an edit reprints the untouched parts exactly."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence

from codex_core.config.toml_edit import AoT, Decor, Document, Entry, InlineTable, Key, Table, Value

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_DATE_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}$")
_TIME_AFTER_SPACE = re.compile(r" \d{2}:")
_SCALAR_END = frozenset(" \t\r\n,]}#")


# ----------------------------------------------------------------------------- parsing
class _Parser:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.root = Table()
        self.current = self.root
        self.current_path: list[Key] = []
        self.current_is_array = False
        self.position = 0

    # -- scanning helpers
    def ws(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n and s[i] in " \t":
            i += 1
        return i

    def line_end(self, i: int) -> int:
        """Where the line holding `i` ends: at its `\\n` (or the `\\r` of `\\r\\n`), or the end."""
        j = self.s.find("\n", i)
        if j < 0:
            return self.n
        return j - 1 if j > i and self.s[j - 1] == "\r" else j

    def newline(self, i: int) -> int:
        s = self.s
        if s.startswith("\r\n", i):
            return i + 2
        if i < self.n and s[i] == "\n":
            return i + 1
        return i

    def trailing_ws_comment(self, i: int) -> int:
        i = self.ws(i)
        if i < self.n and self.s[i] == "#":
            i = self.line_end(i)
        return i

    def simple_key(self, i: int) -> tuple[str, str, int]:
        s = self.s
        if s[i] == '"':
            end = self.basic_string_end(i)
        elif s[i] == "'":
            end = s.index("'", i + 1) + 1
        else:
            match = _BARE_KEY.match(s, i)
            if match is None:
                raise ValueError(f"expected a key at offset {i}")
            raw = match.group(0)
            return raw, raw, match.end()
        raw = s[i:end]
        return str(tomllib.loads(f"k = {raw}")["k"]), raw, end

    def key_path(self, i: int) -> tuple[list[Key], int]:
        keys: list[Key] = []
        while True:
            start = i
            i = self.ws(i)
            pre = self.s[start:i]
            name, raw, i = self.simple_key(i)
            start = i
            i = self.ws(i)
            keys.append(Key(name, raw, Decor(), Decor(pre, self.s[start:i])))
            if i < self.n and self.s[i] == ".":
                i += 1
                continue
            break
        first, last = keys[0], keys[-1]
        leaf = Decor(first.dotted.prefix, last.dotted.suffix)
        first.dotted.prefix = ""
        last.dotted.suffix = ""
        last.leaf = leaf
        return keys, i

    def basic_string_end(self, i: int) -> int:
        s, j = self.s, i + 1
        while True:
            ch = s[j]
            if ch == "\\":
                j += 2
            elif ch == '"':
                return j + 1
            else:
                j += 1

    def multiline_end(self, i: int, quote: str) -> int:
        s, j = self.s, i + 3
        while True:
            if quote == '"' and s[j] == "\\":
                j += 2
                continue
            if s.startswith(quote * 3, j):
                end = j + 3
                while end < self.n and s[end] == quote and end - j < 5:
                    end += 1
                return end
            j += 1

    def value_end(self, i: int) -> int:
        s = self.s
        if s.startswith('"""', i):
            return self.multiline_end(i, '"')
        if s.startswith("'''", i):
            return self.multiline_end(i, "'")
        ch = s[i]
        if ch == '"':
            return self.basic_string_end(i)
        if ch == "'":
            return s.index("'", i + 1) + 1
        if ch == "[":
            return self.array_end(i)
        if ch == "{":
            return self.inline_table(i)[1]
        j = i
        while j < self.n and s[j] not in _SCALAR_END:
            j += 1
        if _DATE_PREFIX.match(s[i:j]) and _TIME_AFTER_SPACE.match(s, j):
            j += 1
            while j < self.n and s[j] not in _SCALAR_END:
                j += 1
        return j

    def array_end(self, i: int) -> int:
        s, j = self.s, i + 1
        while True:
            ch = s[j]
            if ch in " \t\r\n,":
                j += 1
            elif ch == "#":
                j = self.line_end(j)
            elif ch == "]":
                return j + 1
            else:
                j = self.value_end(j)

    def inline_table(self, i: int) -> tuple[InlineTable, int]:
        table = InlineTable()
        j = self.ws(i + 1)
        if self.s[j] == "}":
            table.preamble = self.s[i + 1 : j]
            return table, j + 1
        j = i + 1
        while True:
            keys, j = self.key_path(j)
            j += 1  # "="
            value, j = self.value(j)
            self.insert_inline(table, keys, value)
            ch = self.s[j]
            j += 1
            if ch == "}":
                break
        table.preamble = ""
        return table, j

    def value(self, i: int) -> tuple[Value, int]:
        """A value with the spaces around it (decor), up to `,` / `}` inside an inline table."""
        start = self.ws(i)
        pre = self.s[i:start]
        if self.s[start] == "{":
            inline, end = self.inline_table(start)
            value = Value(inline, None)
        else:
            end = self.value_end(start)
            value = Value(None, self.s[start:end])
        after = self.ws(end)
        value.decor = Decor(pre, self.s[end:after])
        return value, after

    @staticmethod
    def insert_inline(table: InlineTable, keys: list[Key], value: Value) -> None:
        current = table
        for key in keys[:-1]:
            entry = current.items.get(key.name)
            if entry is None:
                child = InlineTable(dotted=True)
                current.items[key.name] = Entry(key, Value(child))
                current = child
            else:
                current = entry.item.data
        current.items[keys[-1].name] = Entry(keys[-1], value)

    # -- the document
    def descend(self, table: Table, path: Sequence[Key], dotted: bool) -> Table:
        for key in path:
            entry = table.items.get(key.name)
            if entry is None:
                child = Table(implicit=True, dotted=dotted)
                table.items[key.name] = Entry(key, child)
                table = child
            elif isinstance(entry.item, AoT):
                table = entry.item.tables[-1]
            elif isinstance(entry.item, Table):
                table = entry.item
            else:
                raise ValueError(f"cannot extend the value of `{key.name}`")
        return table

    def finalize_table(self) -> None:
        path = self.current_path
        if not path:
            return
        parent = self.descend(self.root, path[:-1], False)
        last = path[-1]
        if self.current_is_array:
            entry = parent.items.get(last.name)
            if entry is None:
                entry = Entry(last, AoT())
                parent.items[last.name] = entry
            entry.item.tables.append(self.current)
        else:
            parent.items[last.name] = Entry(last, self.current)

    def header(self, keys: list[Key], is_array: bool, decor: Decor) -> None:
        self.finalize_table()
        table = Table()
        if not is_array:
            parent = self.descend(self.root, keys[:-1], False)
            existing = parent.items.pop(keys[-1].name, None)
            if existing is not None and isinstance(existing.item, Table) and existing.item.implicit:
                table = existing.item
        self.position += 1
        table.decor = decor
        table.implicit = False
        table.dotted = False
        table.position = self.position
        self.current = table
        self.current_path = keys
        self.current_is_array = is_array

    def keyval(self, keys: list[Key], value: Value) -> None:
        table = self.descend(self.current, keys[:-1], True)
        table.items[keys[-1].name] = Entry(keys[-1], value)

    def parse(self) -> Document:
        s, n = self.s, self.n
        i = 1 if s.startswith("\ufeff") else 0
        pending = i  # where the blank and comment lines before the next item start
        while True:
            j = self.ws(i)
            if j >= n:
                i = j
                break
            ch = s[j]
            if ch == "#":
                i = self.newline(self.line_end(j))
                continue
            if ch in "\r\n":
                i = self.newline(j)
                continue
            if ch == "[":
                is_array = s.startswith("[[", j)
                keys, k = self.key_path(j + (2 if is_array else 1))
                k += 2 if is_array else 1
                end = self.trailing_ws_comment(k)
                self.header(keys, is_array, Decor(s[pending:j], s[k:end]))
            else:
                keys, k = self.key_path(j)
                keys[-1].leaf.prefix = s[pending:j] + (keys[-1].leaf.prefix or "")
                k += 1  # "="
                start = self.ws(k)
                if s[start] == "{":
                    inline, end = self.inline_table(start)
                    value = Value(inline, None)
                else:
                    end = self.value_end(start)
                    value = Value(None, s[start:end])
                after = self.trailing_ws_comment(end)
                value.decor = Decor(s[k:start], s[end:after])
                self.keyval(keys, value)
                end = after
            i = self.newline(end)
            pending = i
        self.finalize_table()
        return Document(self.root, s[pending:n])


def parse_document(text: str) -> Document:
    """The document model of `text` (valid TOML)."""
    return _Parser(text).parse()
