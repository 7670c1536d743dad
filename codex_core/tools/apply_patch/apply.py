"""Turn parsed hunks into file changes: locate chunks in files, preview them, write them.

Two steps, as in the reference: `verify` resolves paths and computes every file's new content
(so approvals and events can show exact changes before anything is written), and `apply`
re-reads the files and writes them. Each file is replaced atomically; a failure part-way
leaves the earlier files changed, like the reference.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from codex_core.atomic import atomic_write_bytes
from codex_core.tools.apply_patch.diff import unified_diff
from codex_core.tools.apply_patch.parser import (
    AddFile,
    DeleteFile,
    Hunk,
    ParseError,
    UpdateChunk,
    UpdateFile,
    parse_patch,
)


class PatchError(Exception):
    """The patch parsed but cannot be applied to these files; `str()` is what the model reads."""


def io_message(exc: BaseException) -> str:
    """An OS error worded like the reference's (`No such file or directory (os error 2)`)."""
    if isinstance(exc, UnicodeDecodeError):
        return "stream did not contain valid UTF-8"
    if isinstance(exc, OSError) and exc.errno is not None:
        from codex_core.serde_text import io_error_text

        return io_error_text(exc)
    return str(exc)


# ---- locating chunks ---------------------------------------------------------------------------

_PUNCTUATION = str.maketrans(
    {
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),
        **dict.fromkeys(
            "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "
        ),
    }
)


def _normalise(line: str) -> str:
    return line.strip().translate(_PUNCTUATION)


_PASSES = (
    lambda s: s,
    str.rstrip,
    str.strip,
    _normalise,
)


def seek_sequence(lines: list[str], pattern: list[str], start: int, eof: bool) -> int | None:
    """Index where `pattern` occurs in `lines` at or after `start`, or None.

    Each pass is looser than the previous one (exact, then ignoring trailing whitespace, then
    surrounding whitespace, then typographic punctuation), so an exact match always wins. With
    `eof` the search starts where the pattern would end the file.
    """
    if not pattern:
        return start
    if len(pattern) > len(lines):
        return None
    first = len(lines) - len(pattern) if eof else start
    last = len(lines) - len(pattern)
    for norm in _PASSES:
        wanted = [norm(p) for p in pattern]
        for i in range(first, last + 1):
            if all(norm(lines[i + k]) == wanted[k] for k in range(len(pattern))):
                return i
    return None


# ---- file text with its line endings -----------------------------------------------------------


@dataclass
class _Text:
    """A file as lines plus each line's ending, so untouched lines keep theirs (CRLF files stay CRLF)."""

    lines: list[str]
    endings: list[str]  # "\n", "\r\n" or "" (a last line without newline)
    preferred: str

    @classmethod
    def parse(cls, contents: str) -> _Text:
        lines: list[str] = []
        endings: list[str] = []
        preferred: str | None = None
        start = 0
        while (newline := contents.find("\n", start)) >= 0:
            piece = contents[start:newline]
            ending = "\r\n" if piece.endswith("\r") else "\n"
            lines.append(piece[:-1] if ending == "\r\n" else piece)
            endings.append(ending)
            preferred = preferred or ending  # the first newline decides, as editors do
            start = newline + 1
        if start < len(contents):
            lines.append(contents[start:])
            endings.append("")
        return cls(lines, endings, preferred or "\n")

    def replace(self, replacements: list[tuple[int, int, list[str]]]) -> None:
        # Back to front, so earlier indices stay valid.
        for start, old_len, new in sorted(replacements, key=lambda r: r[0], reverse=True):
            del self.lines[start : start + old_len]
            del self.endings[start : start + old_len]
            self.lines[start:start] = new
            self.endings[start:start] = [self.preferred] * len(new)
        # Updated files always end with a newline (the reference's long-standing behaviour).
        self.endings = [ending or self.preferred for ending in self.endings]

    def text(self) -> str:
        return "".join(line + ending for line, ending in zip(self.lines, self.endings, strict=True))


def _replacements(
    lines: list[str], display: str, chunks: list[UpdateChunk]
) -> list[tuple[int, int, list[str]]]:
    found: list[tuple[int, int, list[str]]] = []
    index = 0
    for chunk in chunks:
        if chunk.change_context is not None:
            at = seek_sequence(lines, [chunk.change_context], index, False)
            if at is None:
                raise PatchError(f"Failed to find context '{chunk.change_context}' in {display}")
            index = at + 1
        if not chunk.old_lines:
            # Pure insertion: at the end, but before a trailing blank line if the file has one.
            at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
            found.append((at, 0, list(chunk.new_lines)))
            continue
        old, new = chunk.old_lines, chunk.new_lines
        at = seek_sequence(lines, old, index, chunk.is_end_of_file)
        if at is None and old[-1] == "":
            # A trailing "" stands for the file's final newline, which `lines` doesn't contain.
            old = old[:-1]
            if new and new[-1] == "":
                new = new[:-1]
            at = seek_sequence(lines, old, index, chunk.is_end_of_file)
        if at is None:
            joined = "\n".join(chunk.old_lines)
            raise PatchError(f"Failed to find expected lines in {display}:\n{joined}")
        found.append((at, len(old), list(new)))
        index = at + len(old)
    return found


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def updated_contents(path: Path, display: str, chunks: list[UpdateChunk]) -> tuple[str, str]:
    """(original, new) contents of `path` after applying `chunks`."""
    try:
        original = read_text(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise PatchError(f"Failed to read file to update {display}: {io_message(exc)}") from exc
    text = _Text.parse(original)
    text.replace(_replacements(text.lines, display, chunks))
    return original, text.text()


# ---- verify: the proposed changes --------------------------------------------------------------


@dataclass
class FileChange:
    kind: str  # "add", "delete", "update"
    content: str = ""  # add: new content; delete: current content
    unified_diff: str = ""  # update: diff with one line of context
    move_path: Path | None = None
    new_content: str = ""  # update: content after the patch
    # The path events show: the cwd joined with the patch's path as written, `..` kept, as the
    # reference reports it (the key of `changes` is the normalised path the patch writes).
    event_path: str = ""

    def to_event(self) -> dict[str, object]:
        """The core FileChange (`changes` values in approval and patch events)."""
        if self.kind == "update":
            return {
                "type": "update",
                "unified_diff": self.unified_diff,
                "move_path": str(self.move_path) if self.move_path is not None else None,
            }
        return {"type": self.kind, "content": self.content}


@dataclass
class PatchAction:
    changes: dict[Path, FileChange]
    patch: str  # envelope text, re-parsed when applied
    cwd: Path
    hunks: list[Hunk] = field(default_factory=list)

    def event_changes(self) -> dict[str, dict[str, object]]:
        return {change.event_path or str(path): change.to_event() for path, change in self.changes.items()}


def resolve(cwd: Path, path: str) -> Path:
    return Path(os.path.normpath(cwd / path)) if not os.path.isabs(path) else Path(path)


def verify(patch_text: str, cwd: Path) -> PatchAction:
    """Parse the patch and compute each file's change against the current files.

    Raises ParseError (bad patch) or PatchError (does not fit the files).
    """
    parsed = parse_patch(patch_text)
    changes: dict[Path, FileChange] = {}
    for hunk in parsed.hunks:
        path = resolve(cwd, hunk.path)
        shown = hunk.path if os.path.isabs(hunk.path) else os.path.join(cwd, hunk.path)
        if isinstance(hunk, AddFile):
            changes[path] = FileChange("add", content=hunk.contents)
        elif isinstance(hunk, DeleteFile):
            try:
                content = read_text(path)
            except (OSError, UnicodeDecodeError) as exc:
                raise PatchError(f"Failed to read {path}: {io_message(exc)}") from exc
            changes[path] = FileChange("delete", content=content)
        else:
            original, new = updated_contents(path, str(path), hunk.chunks)
            changes[path] = FileChange(
                "update",
                unified_diff=unified_diff(original, new, context=1),
                move_path=resolve(cwd, hunk.move_path) if hunk.move_path is not None else None,
                new_content=new,
            )
        changes[path].event_path = shown
    return PatchAction(changes, parsed.patch, cwd, parsed.hunks)


# ---- apply -------------------------------------------------------------------------------------


@dataclass
class ApplyResult:
    stdout: str
    stderr: str

    @property
    def exit_code(self) -> int:
        return 1 if self.stderr else 0

    @property
    def success(self) -> bool:
        return self.exit_code == 0


def _new_file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write(path: Path, display: str, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PatchError(f"Failed to create parent directories for {display}") from exc
    try:
        atomic_write_bytes(path, text.encode("utf-8"), default_mode=_new_file_mode())
    except OSError as exc:
        raise PatchError(f"Failed to write file {display}") from exc


def apply_patch_text(patch_text: str, cwd: Path) -> ApplyResult:
    """Apply a patch the way the reference's `apply_patch` program does: summary on stdout,
    the first error on stderr (exit code 1). Paths are shown as the patch wrote them."""
    try:
        hunks = parse_patch(patch_text).hunks
    except ParseError as exc:
        from codex_core.tools.apply_patch.parser import InvalidHunk, InvalidPatch

        if isinstance(exc, InvalidHunk):
            return ApplyResult("", f"Invalid patch hunk on line {exc.line_number}: {exc.message}\n")
        assert isinstance(exc, InvalidPatch)
        return ApplyResult("", f"Invalid patch: {exc.message}\n")
    added: list[str] = []
    modified: list[str] = []
    deleted: list[str] = []
    try:
        if not hunks:
            raise PatchError("No files were modified.")
        for hunk in hunks:
            path = resolve(cwd, hunk.path)
            if isinstance(hunk, AddFile):
                _write(path, hunk.path, hunk.contents)
                added.append(hunk.path)
            elif isinstance(hunk, DeleteFile):
                try:
                    if path.is_dir() and not path.is_symlink():
                        raise IsADirectoryError(21, "Is a directory")
                    path.unlink()
                except OSError as exc:
                    raise PatchError(f"Failed to delete file {hunk.path}") from exc
                deleted.append(hunk.path)
            elif isinstance(hunk, UpdateFile):
                _original, new = updated_contents(path, hunk.path, hunk.chunks)
                if hunk.move_path is not None:
                    _write(resolve(cwd, hunk.move_path), hunk.move_path, new)
                    try:
                        path.unlink()
                    except OSError as exc:
                        raise PatchError(f"Failed to remove original {hunk.path}") from exc
                    modified.append(hunk.move_path)
                else:
                    _write(path, hunk.path, new)
                    modified.append(hunk.path)
    except PatchError as exc:
        return ApplyResult("", f"{exc}\n")
    lines = ["Success. Updated the following files:"]
    lines += [f"A {p}" for p in added] + [f"M {p}" for p in modified] + [f"D {p}" for p in deleted]
    return ApplyResult("\n".join(lines) + "\n", "")
