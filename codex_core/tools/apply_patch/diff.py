"""Unified diffs: per-file previews of a patch, and the running diff of everything a turn changed.

The turn diff is what `turn_diff` / `turn/diff/updated` carry: git-style (`diff --git`, file
modes, blob ids), comparing each file as it was before the turn's first patch touched it with
what is on disk now. Paths are relative to the file's git worktree, or absolute outside one.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ZERO_OID = "0" * 40
DEV_NULL = "/dev/null"
NO_NEWLINE = "\\ No newline at end of file"


def _lines(text: str) -> list[str]:
    """Lines with their "\\n" kept (only "\\n" separates lines, like the reference's differ)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, end: int) -> str:
    length = end - start
    if length == 1:
        return str(start + 1)
    return f"{start if length == 0 else start + 1},{length}"


def unified_diff(old: str, new: str, *, context: int = 3, header: tuple[str, str] | None = None) -> str:
    """A unified diff of two texts ("" when equal); `header` adds the ---/+++ lines."""
    a, b = _lines(old), _lines(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[str] = []
    for group in matcher.get_grouped_opcodes(context):
        if not out and header is not None:
            out.append(f"--- {header[0]}\n+++ {header[1]}\n")
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [_line(" ", line) for line in a[i1:i2]]
                continue
            out += [_line("-", line) for line in a[i1:i2]]
            out += [_line("+", line) for line in b[j1:j2]]
    return "".join(out)


def _line(prefix: str, line: str) -> str:
    return prefix + line if line.endswith("\n") else f"{prefix}{line}\n{NO_NEWLINE}\n"


def git_blob_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _mode(path: Path) -> str | None:
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return "120000"
    return "100755" if info.st_mode & 0o111 else "100644"


def _blob(path: Path, mode: str | None) -> bytes | None:
    try:
        if mode == "120000":
            return os.fsencode(os.readlink(path))
        return path.read_bytes()
    except OSError:
        return None


@dataclass
class _Baseline:
    path: Path
    content: bytes | None  # None: the file did not exist before the turn
    mode: str


class TurnDiffTracker:
    """Snapshots files before a turn's patches first touch them; diffs those snapshots against disk."""

    def __init__(self) -> None:
        self._baselines: dict[int, _Baseline] = {}
        self._current: dict[int, Path] = {}  # tracked file -> where it lives now (after moves)
        self._by_path: dict[Path, int] = {}
        self._git_roots: list[Path] = []

    def on_patch_begin(self, changes: dict[Path, Any]) -> None:
        """`changes`: path -> FileChange-like (with `kind` and `move_path`), before they are written."""
        for path, change in changes.items():
            key = self._by_path.get(path)
            if key is None:
                key = len(self._baselines)
                self._by_path[path] = key
                self._current[key] = path
                mode = _mode(path)
                content = _blob(path, mode) if mode is not None else None
                self._baselines[key] = _Baseline(path, content, mode or "100644")
            move = getattr(change, "move_path", None)
            if getattr(change, "kind", None) == "update" and move is not None:
                self._current[key] = Path(move)
                del self._by_path[path]
                self._by_path[Path(move)] = key

    def unified_diff(self) -> str | None:
        parts = []
        keys = sorted(self._baselines, key=lambda k: self._display(self._current[k]))
        for key in keys:
            diff = self._file_diff(key)
            if diff:
                parts.append(diff if diff.endswith("\n") else diff + "\n")
        text = "".join(parts)
        return text if text.strip() else None

    def _file_diff(self, key: int) -> str:
        base = self._baselines[key]
        current = self._current[key]
        mode = _mode(current)
        right = _blob(current, mode) if mode is not None else None
        if base.content == right:
            return ""
        left_name, right_name = self._display(base.path), self._display(current)
        out = [f"diff --git a/{left_name} b/{right_name}\n"]
        if base.content is None:
            out.append(f"new file mode {mode}\n")
        elif right is None:
            out.append(f"deleted file mode {base.mode}\n")
        elif base.mode != mode:
            out.append(f"old mode {base.mode}\nnew mode {mode}\n")
        left_oid = git_blob_oid(base.content) if base.content is not None else ZERO_OID
        right_oid = git_blob_oid(right) if right is not None else ZERO_OID
        out.append(f"index {left_oid}..{right_oid}\n")
        old_header = f"a/{left_name}" if base.content is not None else DEV_NULL
        new_header = f"b/{right_name}" if right is not None else DEV_NULL
        try:
            left_text = (base.content or b"").decode("utf-8")
            right_text = (right or b"").decode("utf-8")
        except UnicodeDecodeError:
            out.append(f"--- {old_header}\n+++ {new_header}\nBinary files differ\n")
            return "".join(out)
        out.append(unified_diff(left_text, right_text, context=3, header=(old_header, new_header)))
        return "".join(out)

    def _display(self, path: Path) -> str:
        root = self._git_root(path)
        if root is not None:
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                pass
        return str(path)

    def _git_root(self, path: Path) -> Path | None:
        directory = path if path.is_dir() else path.parent
        for root in self._git_roots:
            if directory == root or root in directory.parents:
                return root
        for candidate in (directory, *directory.parents):
            if (candidate / ".git").exists():
                self._git_roots.append(candidate)
                return candidate
        return None
