"""A thread's model-visible history, with the items read from its rollout left on disk.

A resumed thread continues from every response item its rollout holds, and the model gets them
all again with each request. Holding them as Python objects costs more than the file itself
(a 200 MB rollout kept ~230 MiB alive after resume), so `History` keeps the large ones as
(offset, length) of their line and parses the line again whenever the item is read. The items
a session records afterwards stay in memory as given.

The rollout is read through a descriptor opened at resume and held for as long as any of its
items is: the file is append-only, so the offsets stay valid, and a held descriptor still reads
the same file after it is archived (renamed) or deleted.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Iterable, Iterator, MutableSequence
from pathlib import Path
from typing import Any, overload

from .reader import parse_line

Json = dict[str, Any]

# Lines shorter than this stay parsed in memory: small items cost little, and user messages are
# usually small, so rollback and compaction rarely read the file.
STORED_MIN_BYTES = 1024


class RolloutChangedError(RuntimeError):
    """A stored line no longer reads back as the response item it was."""


class RolloutSource:
    """A read-only descriptor on one rollout file, closed when nothing refers to it any more."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._fd = os.open(self.path, os.O_RDONLY)
        self._lock = threading.Lock()  # only for platforms without pread (seek + read)
        self._closer = weakref.finalize(self, os.close, self._fd)

    def read(self, offset: int, length: int) -> bytes:
        if hasattr(os, "pread"):
            parts: list[bytes] = []
            while length > 0:
                chunk = os.pread(self._fd, length, offset)
                if not chunk:
                    break
                parts.append(chunk)
                offset += len(chunk)
                length -= len(chunk)
            return b"".join(parts)
        with self._lock:  # pragma: no cover - Windows
            os.lseek(self._fd, offset, os.SEEK_SET)
            return os.read(self._fd, length)

    def close(self) -> None:
        self._closer()


class StoredItem:
    """One response item left on disk: where its line is, the size of its JSON, and whether it
    is a real user message (what rollback and compaction look for), so those need no read."""

    __slots__ = ("length", "offset", "size", "source", "user")

    def __init__(self, source: RolloutSource, offset: int, length: int, size: int, user: bool) -> None:
        self.source, self.offset, self.length, self.size, self.user = source, offset, length, size, user

    def load(self) -> Json:
        raw = self.source.read(self.offset, self.length)
        record = parse_line(raw) if len(raw) == self.length else None
        if record is None or record.kind != "response_item":
            raise RolloutChangedError(
                f"rollout {self.source.path} changed on disk: the line at byte {self.offset} "
                "is no longer the history item read at resume"
            )
        return record.payload


def payload_size(line_length: int, timestamp: str) -> int:
    """The length of a response item's compact JSON, from the length of its line as the writers
    lay it out: `{"timestamp":"<ts>","type":"response_item","payload":<item>}` and a newline."""
    return max(0, line_length - len('{"timestamp":"","type":"response_item","payload":}\n') - len(timestamp))


_Entry = Json | StoredItem


def _load(entry: _Entry) -> Json:
    return entry.load() if isinstance(entry, StoredItem) else entry


class History(MutableSequence[Json]):
    """A list of response items (dicts) whose stored entries are read back on access. Every
    read of a stored item parses a fresh dict: changing it changes nothing kept."""

    __slots__ = ("_entries",)

    def __init__(self, items: Iterable[Json] = ()) -> None:
        self._entries: list[_Entry] = list(items._entries if isinstance(items, History) else items)

    @classmethod
    def of(cls, items: Iterable[Json] | None) -> History:
        """`items` itself when it is a History (a history put back keeps its entries), else a copy."""
        return items if isinstance(items, History) else cls(items or ())

    def append_stored(self, item: StoredItem) -> None:
        self._entries.append(item)

    @property
    def stored_count(self) -> int:
        return sum(1 for e in self._entries if isinstance(e, StoredItem))

    # -- the sequence ---------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> Json: ...

    @overload
    def __getitem__(self, index: slice) -> History: ...

    def __getitem__(self, index: int | slice) -> Json | History:
        if isinstance(index, slice):
            part = History()
            part._entries = self._entries[index]
            return part
        return _load(self._entries[index])

    @overload
    def __setitem__(self, index: int, value: Json) -> None: ...

    @overload
    def __setitem__(self, index: slice, value: Iterable[Json]) -> None: ...

    def __setitem__(self, index: int | slice, value: Any) -> None:
        if isinstance(index, slice):
            self._entries[index] = list(value._entries if isinstance(value, History) else value)
        else:
            self._entries[index] = value

    def __delitem__(self, index: int | slice) -> None:
        del self._entries[index]

    def insert(self, index: int, value: Json) -> None:
        self._entries.insert(index, value)

    def append(self, value: Json) -> None:
        self._entries.append(value)

    def extend(self, values: Iterable[Json]) -> None:
        self._entries.extend(values._entries if isinstance(values, History) else values)

    def __iter__(self) -> Iterator[Json]:
        for entry in self._entries:
            yield _load(entry)

    def __reversed__(self) -> Iterator[Json]:
        for entry in reversed(self._entries):
            yield _load(entry)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, History):
            return list(self) == list(other)
        if isinstance(other, list):
            return list(self) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        return f"History({len(self._entries)} items, {self.stored_count} on disk)"

    # -- questions answered without reading the file ---------------------------------------------

    def user_message_flags(self) -> list[bool]:
        """Per item: is it a real user message (not injected context)?"""
        from .history import user_message_text

        return [
            e.user if isinstance(e, StoredItem) else user_message_text(e) is not None for e in self._entries
        ]

    def user_messages(self) -> Iterator[Json]:
        """The real user messages, in order (stored ones are read)."""
        for entry, user in zip(self._entries, self.user_message_flags(), strict=True):
            if user:
                yield _load(entry)

    def json_size(self) -> int:
        """About the length of this history as a compact JSON array."""
        import orjson

        size = 2 + max(0, len(self._entries) - 1)
        for entry in self._entries:
            size += entry.size if isinstance(entry, StoredItem) else len(orjson.dumps(entry))
        return size
