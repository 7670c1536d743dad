"""Fuzzy file search behind the ``fuzzyFileSearch`` method.

Walks each root honouring ``.gitignore`` / ``.ignore`` / ``.git/info/exclude`` (hidden
files are *included* and symlinks followed, like the reference), scores every file
path relative to its root with an fzf-style fuzzy subsequence scorer and returns the
best :data:`MATCH_LIMIT` matches, score descending then path ascending.

Scoring follows the same scheme as the reference's matcher (16 per matched char,
boundary / camelCase bonuses, gap penalties, doubled bonus on the first char, optimal
alignment), so scores are of the same magnitude and usually identical.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import os
import stat
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from codex_core.ignore_rules import GitIgnore, Scope, base_scopes, is_ignored

__all__ = [
    "MATCH_LIMIT",
    "GitIgnore",
    "PendingSearches",
    "fuzzy_file_search",
    "score_path",
    "search_files",
]

MATCH_LIMIT = 50
# Entries walked between two looks at the cancellation flag.
_CANCEL_CHECK_INTERVAL = 1024

# --------------------------------------------------------------------------- scoring

_SCORE_MATCH = 16
_PENALTY_GAP_START = 3
_PENALTY_GAP_EXTENSION = 1
_BONUS_BOUNDARY = _SCORE_MATCH // 2
_BONUS_NON_WORD = _SCORE_MATCH // 2
_BONUS_CAMEL = _BONUS_BOUNDARY - _PENALTY_GAP_EXTENSION
_BONUS_CONSECUTIVE = _PENALTY_GAP_START + _PENALTY_GAP_EXTENSION
_BONUS_FIRST_CHAR_MULTIPLIER = 2
_BONUS_BOUNDARY_WHITE = _BONUS_BOUNDARY + 2
_BONUS_BOUNDARY_DELIMITER = _BONUS_BOUNDARY + 1

# Character classes; word classes compare greater than _DELIMITER.
_WHITE, _NON_WORD, _DELIMITER, _LOWER, _UPPER, _LETTER, _NUMBER = range(7)


def _char_class(ch: str) -> int:
    if ch.isascii():
        if "a" <= ch <= "z":
            return _LOWER
        if "A" <= ch <= "Z":
            return _UPPER
        if "0" <= ch <= "9":
            return _NUMBER
        if ch == "/":
            return _DELIMITER
        if ch.isspace():
            return _WHITE
        return _NON_WORD
    if ch.islower():
        return _LOWER
    if ch.isupper():
        return _UPPER
    if ch.isnumeric():
        return _NUMBER
    if ch.isalpha():
        return _LETTER
    if ch.isspace():
        return _WHITE
    return _NON_WORD


def _bonus(prev: int, cur: int) -> int:
    if cur > _DELIMITER:
        if prev == _WHITE:
            return _BONUS_BOUNDARY_WHITE
        if prev == _DELIMITER:
            return _BONUS_BOUNDARY_DELIMITER
        if prev == _NON_WORD:
            return _BONUS_BOUNDARY
    if (prev == _LOWER and cur == _UPPER) or (prev != _NUMBER and cur == _NUMBER):
        return _BONUS_CAMEL
    if cur == _WHITE:
        return _BONUS_BOUNDARY_WHITE
    if cur in (_NON_WORD, _DELIMITER):
        return _BONUS_NON_WORD
    return 0


def _position_bonus(text: str, j: int) -> int:
    # Paths are scored as if preceded by a path delimiter.
    prev = _char_class(text[j - 1]) if j > 0 else _DELIMITER
    return _bonus(prev, _char_class(text[j]))


@dataclass(frozen=True, slots=True)
class _Atom:
    needle: str
    case_sensitive: bool


def _parse_atoms(query: str) -> list[_Atom]:
    """Split on unescaped whitespace (``\\ `` keeps a literal space); smart case per atom."""
    atoms: list[_Atom] = []
    current: list[str] = []
    escaped = False
    for ch in query:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch.isspace():
            if current:
                atoms.append(_make_atom("".join(current)))
                current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    if current:
        atoms.append(_make_atom("".join(current)))
    return atoms


def _make_atom(text: str) -> _Atom:
    sensitive = any(ch.isupper() for ch in text)
    return _Atom(text if sensitive else _fold(text), sensitive)


def _fold(text: str) -> str:
    """Lower-case without changing the length (so indices stay aligned)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_subsequence(needle: str, hay: str) -> bool:
    pos = 0
    find = hay.find
    for ch in needle:
        pos = find(ch, pos)
        if pos < 0:
            return False
        pos += 1
    return True


def _score_atom(needle: str, hay: str, text: str, want_indices: bool) -> tuple[int, list[int]] | None:
    """Best alignment of ``needle`` in ``hay`` (``text`` is the unfolded original)."""
    m = len(needle)
    # Greedy forward / backward passes bound where each needle char can sit.
    lo: list[int] = []
    pos = 0
    for ch in needle:
        pos = hay.find(ch, pos)
        if pos < 0:
            return None
        lo.append(pos)
        pos += 1
    hi = [0] * m
    end = len(hay)
    for i in range(m - 1, -1, -1):
        end = hay.rfind(needle[i], 0, end)
        hi[i] = end
    if m == 1:
        top_j, top = -1, -1
        j = lo[0]
        while 0 <= j <= hi[0]:
            score = _SCORE_MATCH + _position_bonus(text, j) * _BONUS_FIRST_CHAR_MULTIPLIER
            if score > top:  # a lone char keeps its earliest best position
                top, top_j = score, j
            j = hay.find(needle[0], j + 1)
        return top, [top_j]

    # rows[i] maps position -> (score, first_bonus_of_run, parent position)
    rows: list[dict[int, tuple[int, int, int]]] = []
    first: dict[int, tuple[int, int, int]] = {}
    j = lo[0]
    while 0 <= j <= hi[0]:
        b = _position_bonus(text, j)
        first[j] = (_SCORE_MATCH + b * _BONUS_FIRST_CHAR_MULTIPLIER, b, -1)
        j = hay.find(needle[0], j + 1)
    rows.append(first)
    for i in range(1, m):
        prev = rows[-1]
        prev_positions = sorted(prev)
        row: dict[int, tuple[int, int, int]] = {}
        ch = needle[i]
        pointer = 0
        run_best = None  # max over prev positions k <= j-2 of (score + k), with its k
        run_k = -1
        j = hay.find(ch, lo[i])
        while 0 <= j <= hi[i]:
            while pointer < len(prev_positions) and prev_positions[pointer] <= j - 2:
                k = prev_positions[pointer]
                value = prev[k][0] + k
                if run_best is None or value >= run_best:
                    run_best, run_k = value, k
                pointer += 1
            b = _position_bonus(text, j)
            best: tuple[int, int, int] | None = None
            if run_best is not None:
                # gap of g = j-k-1 chars costs 3 + (g-1).
                best = (run_best - j - 1 + _SCORE_MATCH + b, b, run_k)
            linked = prev.get(j - 1)
            if linked is not None:
                first_bonus = linked[1]
                if b >= _BONUS_BOUNDARY and b > first_bonus:
                    first_bonus = b
                bonus = max(b, first_bonus, _BONUS_CONSECUTIVE)
                candidate = (linked[0] + _SCORE_MATCH + bonus, first_bonus, j - 1)
                if best is None or candidate[0] >= best[0]:
                    best = candidate
            if best is not None:
                row[j] = best
            j = hay.find(ch, j + 1)
        if not row:
            return None
        rows.append(row)
    last = rows[-1]
    end_j = max(last, key=lambda p: (last[p][0], p))
    score = last[end_j][0]
    if not want_indices:
        return score, []
    indices = [end_j]
    for i in range(m - 1, 0, -1):
        indices.append(rows[i][indices[-1]][2])
    indices.reverse()
    return score, indices


def _score(
    atoms: Sequence[_Atom], text: str, folded: str | None, want_indices: bool
) -> tuple[int, list[int]] | None:
    total = 0
    indices: set[int] = set()
    for atom in atoms:
        hay = text if atom.case_sensitive else (folded if folded is not None else _fold(text))
        if not _is_subsequence(atom.needle, hay):
            return None
        result = _score_atom(atom.needle, hay, text, want_indices)
        if result is None:
            return None
        total += result[0]
        indices.update(result[1])
    return total, sorted(indices)


def score_path(query: str, path: str) -> tuple[int, list[int]] | None:
    """Score one candidate string: ``(score, sorted char indices)`` or None if no match."""
    atoms = _parse_atoms(query)
    return _score(atoms, path, _fold(path), True)


# ------------------------------------------------------------------- ignore rules


class _Cancelled(Exception):
    pass


def _walk(root: str, cancel: threading.Event | None) -> Iterable[str]:
    """Root-relative ``/``-separated paths of the non-ignored files under ``root``."""
    counter = 0
    try:
        root_stat = os.stat(root)
    except OSError:
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        return
    # Loops are detected against the directory's ancestors only, so a tree reached
    # through two different symlinks is listed under both paths (as the reference does).
    root_key = (root_stat.st_dev, root_stat.st_ino)
    stack: list[tuple[str, str, list[Scope], frozenset[tuple[int, int]]]] = [
        (root, "", base_scopes(root), frozenset({root_key}))
    ]
    while stack:
        directory, rel_dir, inherited, ancestors = stack.pop()
        try:
            with os.scandir(directory) as iterator:
                entries = list(iterator)
        except OSError:
            continue
        scopes = inherited
        names = {entry.name for entry in entries}
        local = [name for name in (".gitignore", ".ignore") if name in names]
        if local:
            scopes = list(inherited)
            strip = len(rel_dir) + 1 if rel_dir else 0
            for name in local:
                rules = GitIgnore.from_file(os.path.join(directory, name))
                if rules is not None:
                    scopes.append(Scope(rules, strip, ""))
        for entry in entries:
            counter += 1
            if cancel is not None and counter % _CANCEL_CHECK_INTERVAL == 0 and cancel.is_set():
                raise _Cancelled
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_dir = entry.is_dir()  # follows symlinks, like the reference
            except OSError:
                continue
            if scopes and is_ignored(scopes, rel, is_dir):
                continue
            if is_dir:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                key = (st.st_dev, st.st_ino)
                if key in ancestors:
                    continue  # symlink loop
                stack.append((entry.path, rel, scopes, ancestors | {key}))
            else:
                yield rel


# ------------------------------------------------------------------------- search


def search_files(
    query: str,
    roots: Sequence[str],
    cancel: threading.Event | None = None,
    *,
    limit: int = MATCH_LIMIT,
) -> list[dict[str, Any]]:
    """Blocking search; returns ``FuzzyFileSearchResult`` dicts (empty when cancelled)."""
    atoms = _parse_atoms(query)
    # Keep the best `limit` as a min-heap on (score, inverted path order).
    heap: list[tuple[int, _Desc, int, str]] = []
    try:
        for root_index, root in enumerate(roots):
            for rel in _walk(root, cancel):
                result = _score(atoms, rel, _fold(rel), False)
                if result is None:
                    continue
                item = (result[0], _Desc(rel), root_index, rel)
                if len(heap) < limit:
                    heapq.heappush(heap, item)
                elif item[:2] > heap[0][:2]:
                    heapq.heapreplace(heap, item)
    except _Cancelled:
        return []
    if cancel is not None and cancel.is_set():
        return []
    ranked = sorted(heap, key=lambda entry: (-entry[0], entry[3]))
    files: list[dict[str, Any]] = []
    for score, _, root_index, rel in ranked:
        scored = _score(atoms, rel, _fold(rel), True)
        indices = scored[1] if scored is not None else []
        files.append(
            {
                "root": roots[root_index],
                "path": rel,
                "file_name": rel.rsplit("/", 1)[-1],
                "score": score,
                "indices": indices,
            }
        )
    return files


class _Desc:
    """Wraps a path so that heap ordering treats larger paths as smaller."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __lt__(self, other: _Desc) -> bool:
        return self.value > other.value

    def __gt__(self, other: _Desc) -> bool:
        return self.value < other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


async def fuzzy_file_search(
    query: str,
    roots: Sequence[str],
    cancel: asyncio.Event | None = None,
    *,
    limit: int = MATCH_LIMIT,
) -> list[dict[str, Any]]:
    """Async ``fuzzyFileSearch``: the walk runs in a worker thread.

    An empty query or no roots gives ``[]`` without walking.  Setting ``cancel`` (or
    cancelling the awaiting task) stops the walk; a cancelled search yields ``[]``.
    """
    if not query or not roots:
        return []
    flag = threading.Event()
    watcher: asyncio.Task[None] | None = None
    if cancel is not None:
        if cancel.is_set():
            return []

        async def _relay() -> None:
            await cancel.wait()
            flag.set()

        watcher = asyncio.create_task(_relay())
    try:
        return await asyncio.to_thread(search_files, query, list(roots), flag, limit=limit)
    finally:
        flag.set()  # also stops the thread if our task was cancelled mid-walk
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher


class PendingSearches:
    """Cancellation tokens for ``fuzzyFileSearch``: a new search with the same
    ``cancellationToken`` cancels the previous one still running."""

    def __init__(self) -> None:
        self._events: dict[str, asyncio.Event] = {}

    def begin(self, token: str | None) -> asyncio.Event:
        event = asyncio.Event()
        if token is not None:
            previous = self._events.get(token)
            if previous is not None:
                previous.set()
            self._events[token] = event
        return event

    def finish(self, token: str | None, event: asyncio.Event) -> None:
        if token is not None and self._events.get(token) is event:
            del self._events[token]
