"""Write realistic rollout files into a CODEX_HOME for listing tests (and the benchmark)."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson


def thread_uuid(created: datetime, n: int) -> str:
    """A UUIDv7-shaped id whose time prefix follows `created` (distinct per n)."""
    ms = int(created.timestamp() * 1000)
    rand = uuid.UUID(int=(n * 0x9E3779B97F4A7C15) & ((1 << 128) - 1)).hex
    raw = f"{ms:012x}7{rand[13:16]}{'89ab'[n % 4]}{rand[17:32]}"
    return str(uuid.UUID(raw))


def _line(ts: str, kind: str, payload: dict[str, Any]) -> bytes:
    return orjson.dumps({"timestamp": ts, "type": kind, "payload": payload}) + b"\n"


def write_rollout(
    codex_home: Path,
    created: datetime,
    thread_id: str,
    *,
    preview: str | None = "hello",
    provider: str | None = "mock",
    source: Any = "vscode",
    cwd: str = "/home/dev/project",
    git: dict[str, Any] | None = None,
    archived: bool = False,
    meta: bool = True,
    mtime: float | None = None,
    instructions: str = "You are a coding agent running in the Codex CLI.",
) -> Path:
    stamp = created.astimezone(UTC)
    name = f"rollout-{stamp:%Y-%m-%dT%H-%M-%S}-{thread_id}.jsonl"
    folder = codex_home / ("archived_sessions" if archived else f"sessions/{stamp:%Y/%m/%d}")
    folder.mkdir(parents=True, exist_ok=True)
    ts = f"{stamp:%Y-%m-%dT%H:%M:%S}.{stamp.microsecond // 1000:03d}Z"
    out = bytearray()
    if meta:
        payload: dict[str, Any] = {
            "id": thread_id,
            "timestamp": ts,
            "cwd": cwd,
            "originator": "codex_vscode",
            "cli_version": "0.100.0",
            "source": source,
            "base_instructions": {"text": instructions},
        }
        if provider is not None:
            payload["model_provider"] = provider
        if source is None:
            del payload["source"]
        if git is not None:
            payload["git"] = git
        out += _line(ts, "session_meta", payload)
    text = "<permissions instructions>\nFilesystem sandboxing defines which files can be read or written."
    out += _line(
        ts,
        "response_item",
        {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": text}]},
    )
    env = f"<environment_context>\n  <cwd>{cwd}</cwd>\n  <shell>bash</shell>\n</environment_context>"
    out += _line(
        ts,
        "response_item",
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": env}]},
    )
    if preview is not None:
        out += _line(
            ts, "event_msg", {"type": "task_started", "turn_id": "t1", "model_context_window": 258400}
        )
        out += _line(
            ts,
            "response_item",
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": preview}]},
        )
        out += _line(
            ts,
            "event_msg",
            {
                "type": "user_message",
                "message": preview,
                "images": [],
                "local_images": [],
                "text_elements": [],
            },
        )
    path = folder / name
    path.write_bytes(bytes(out))
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path
