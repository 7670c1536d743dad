"""`$CODEX_HOME/history.jsonl`, the message history the reference's terminal UI appends to: the
id and size a v1 `sessionConfigured` reports for it (we read it, never write it)."""

from __future__ import annotations

import os

HISTORY_FILE = "history.jsonl"


def history_metadata(codex_home: str | os.PathLike[str]) -> tuple[int, int]:
    """(log id, entry count): the file's inode and its number of lines; (0, 0) without a file."""
    path = os.path.join(codex_home, HISTORY_FILE)
    try:
        with open(path, "rb") as handle:
            log_id = os.fstat(handle.fileno()).st_ino
            count = 0
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
    except OSError:
        return 0, 0
    return log_id, count
