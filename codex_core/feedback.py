"""Feedback bundles: what `feedback/upload` saves (and optionally sends).

A bundle is one JSON file under ``$CODEX_HOME/feedback/``: the classification and reason,
the thread's rollout when asked for logs, and the most recent log lines this process kept.
Everything that looks like a credential (API keys, bearer tokens, JWTs, token fields) is
replaced by ``[REDACTED]`` before anything touches the disk or the network.
"""

from __future__ import annotations

import collections
import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from codex_core.atomic import atomic_write_bytes

REDACTED = "[REDACTED]"
MAX_LOG_LINES = 2000
MAX_ROLLOUT_BYTES = 8 * 1024 * 1024
FEEDBACK_TIMEOUT_S = 30.0

_SECRET_PATTERNS: tuple[re.Pattern[str], ...] = (
    # JSON / TOML / env style `"access_token": "..."`, `api_key = '...'`, `OPENAI_API_KEY=...`
    re.compile(
        r"""(?ix)
        (?P<key>["']?[a-z0-9_\-]*(?:token|secret|password|api[_-]?key|authorization)[a-z0-9_\-]*["']?
           \s*[:=]\s*)
        (?P<quote>["']?)(?:(?:bearer|basic)\s+)?(?P<value>(?!\[REDACTED\])[^"'\s,}]+)"""
    ),
    re.compile(r"(?i)\b(bearer|basic)\s+[a-z0-9._~+/=\-]{8,}"),
    re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"),  # JWTs
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),  # OpenAI-style keys
    re.compile(r"\b(?:gh[pousr]|github_pat)_[A-Za-z0-9_]{16,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),
)


def redact(text: str) -> str:
    """`text` with credential-looking substrings replaced by ``[REDACTED]``."""

    def keyed(match: re.Match[str]) -> str:
        return f"{match.group('key')}{match.group('quote')}{REDACTED}"

    text = _SECRET_PATTERNS[0].sub(keyed, text)
    text = _SECRET_PATTERNS[1].sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    for pattern in _SECRET_PATTERNS[2:]:
        text = pattern.sub(REDACTED, text)
    return text


class LogRing(logging.Handler):
    """Keeps the last formatted log lines of this process for feedback bundles."""

    def __init__(self, capacity: int = MAX_LOG_LINES) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line that cannot be formatted is not worth a crash
            self.handleError(record)

    def snapshot(self) -> list[str]:
        return list(self.lines)


_ring: LogRing | None = None
_ring_lock = threading.Lock()


def install_log_ring(logger_name: str = "codex") -> LogRing:
    """Attach (once) the ring buffer to the `codex` logger tree."""
    global _ring
    with _ring_lock:
        if _ring is None:
            _ring = LogRing()
            logging.getLogger(logger_name).addHandler(_ring)
        return _ring


@dataclass(frozen=True)
class FeedbackBundle:
    path: Path
    payload: dict[str, Any]


def build_bundle(
    *,
    thread_id: str,
    classification: str,
    reason: str | None,
    include_logs: bool,
    rollout_path: Path | None,
    cli_version: str,
    log_lines: list[str] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "threadId": thread_id,
        "classification": classification,
        "reason": redact(reason) if reason else reason,
        "createdAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "cliVersion": cli_version,
        "includeLogs": include_logs,
    }
    if include_logs:
        payload["logs"] = [redact(line) for line in (log_lines or [])]
        payload["rollout"] = _read_rollout(rollout_path)
        payload["rolloutPath"] = str(rollout_path) if rollout_path else None
    return payload


def _read_rollout(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_ROLLOUT_BYTES + 1)
    except OSError:
        return None
    text = data[:MAX_ROLLOUT_BYTES].decode("utf-8", errors="replace")
    return redact(text)


def write_bundle(codex_home: Path, payload: dict[str, Any]) -> FeedbackBundle:
    """Save `payload` as ``feedback/<UTC timestamp>-<thread id>.json`` (mode 0600)."""
    directory = codex_home / "feedback"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe_id = re.sub(r"[^A-Za-z0-9_\-]", "_", str(payload.get("threadId") or "feedback"))
    path = directory / f"{stamp}-{safe_id}.json"
    atomic_write_bytes(path, orjson.dumps(payload, option=orjson.OPT_INDENT_2), mode=0o600)
    return FeedbackBundle(path, payload)


class FeedbackUploadError(Exception):
    pass


async def post_bundle(endpoint: str, payload: dict[str, Any], *, user_agent: str | None = None) -> None:
    import httpx

    headers = {"content-type": "application/json"}
    if user_agent:
        headers["user-agent"] = user_agent
    try:
        async with httpx.AsyncClient(timeout=FEEDBACK_TIMEOUT_S) as client:
            response = await client.post(endpoint, content=orjson.dumps(payload), headers=headers)
    except httpx.HTTPError as exc:
        raise FeedbackUploadError(f"request to {endpoint} failed: {type(exc).__name__}") from None
    if response.status_code // 100 != 2:
        raise FeedbackUploadError(f"{endpoint} answered with status {response.status_code}")
