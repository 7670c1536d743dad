"""Differential transcripts: normalization (run-dependent values to placeholders, output chunks
merged) and comparison with a golden, ordered except where the reference itself is racy.

The rules are the conformance kit's (see its README), so goldens recorded with the kit compare here
unchanged. Stdlib only.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

# ---- ordering --------------------------------------------------------------------------------

# Kinds the reference emits at racy moments: compared only among themselves.
RACY_KINDS = frozenset(
    {"turn/started", "thread/tokenUsage/updated", "account/rateLimits/updated", "codex/event/token_count"}
)
# Notifications dropped from the transcript (sent whenever MCP startup happens to finish).
DROPPED_NOTIFICATIONS = frozenset({"codex/event/mcp_startup_complete"})

# ---- normalization ---------------------------------------------------------------------------

_HEX = "[0-9a-fA-F]"
_UUID = re.compile(f"{_HEX}{{8}}(?:-{_HEX}{{4}}){{3}}-{_HEX}{{12}}")
_ISO_TIME = re.compile(
    r"""
    \d{4}-\d{2}-\d{2}           # date
    T\d{2}[:-]\d{2}[:-]\d{2}    # time; dashes in rollout file names
    (?:\.\d+)?                  # fraction
    (?:Z|[+-]\d{2}:\d{2})?      # zone
    """,
    re.VERBOSE,
)
_DATE_DIR = re.compile(r"/\d{4}/\d{2}/\d{2}/")
_SHA256 = re.compile(r"\bsha256:[0-9a-f]{64}\b")

TIMESTAMP = "<timestamp>"
# Keys whose value is replaced whatever it is (except null): a duration may be {secs, nanos}.
_WHOLE_VALUE_KEYS = dict.fromkeys(
    ("durationMs", "duration_ms", "duration", "wallTime", "wall_time"), "<duration>"
)
# Keys whose value is replaced when it is a scalar (not null, not an object or array).
_SCALAR_KEYS: dict[str, str] = {
    **dict.fromkeys(
        (
            "createdAt",
            "updatedAt",
            "created_at",
            "updated_at",
            "timestamp",
            "startedAt",
            "completedAt",
            "archivedAt",
            "lastUsedAt",
            "resetsAt",
            "resets_at",
        ),
        TIMESTAMP,
    ),
    **dict.fromkeys(("pid", "processId", "process_id"), "<pid>"),
    **dict.fromkeys(("cliVersion", "cli_version"), "<version>"),
    **dict.fromkeys(("userAgent", "user_agent"), "<user-agent>"),
}
# Output streamed in OS-dependent chunks; merged per item and stream.
_CHUNKED_OUTPUT = frozenset(
    {
        "item/commandExecution/outputDelta",
        "item/fileChange/outputDelta",
        "codex/event/exec_command_output_delta",
    }
)


class _Scrubber:
    """Replaces run-dependent values by placeholders; one instance per transcript, so the same
    UUID gets the same ``<idN>`` everywhere, numbered by first appearance."""

    def __init__(self, replacements: Iterable[tuple[str, str]]) -> None:
        # longest first, so CODEX_HOME (inside HOME) is replaced before HOME
        self._replacements = sorted(set(replacements), key=lambda pair: (-len(pair[0]), pair))
        self._uuid_tokens: dict[str, str] = {}

    def _uuid_token(self, match: re.Match[str]) -> str:
        token = self._uuid_tokens.setdefault(match.group(0).lower(), f"<id{len(self._uuid_tokens) + 1}>")
        return token

    def text(self, s: str) -> str:
        for needle, token in self._replacements:
            s = s.replace(needle, token)
        s = _UUID.sub(self._uuid_token, s)
        s = _ISO_TIME.sub(TIMESTAMP, s)
        s = _DATE_DIR.sub("/<date>/", s)
        return _SHA256.sub("<sha256>", s)

    def tree(self, value: Any, key: str | None = None) -> Any:
        if key is not None and value is not None:
            token = _WHOLE_VALUE_KEYS.get(key)
            if token is None and not isinstance(value, (dict, list)):
                token = _SCALAR_KEYS.get(key)
            if token is not None:
                return token
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.tree(item) for item in value]
        if isinstance(value, dict):
            # Values are visited in sorted key order (placeholder numbers must not depend on the
            # order the server wrote the keys in), then the keys themselves in their own order.
            scrubbed = {}
            for k in sorted(value):
                scrubbed[k] = self.tree(value[k], k)
            return {self.text(k): scrubbed[k] for k in value}
        return value


def merge_output_chunks(messages: Sequence[Any]) -> list[Any]:
    """Fold every command/patch output chunk into the first one of its item and stream
    (v2 ``params.delta`` text; legacy base64 ``params.msg.chunk``)."""
    merged: list[Any] = []
    heads: dict[tuple[Any, ...], dict[str, Any]] = {}
    for message in messages:
        is_chunk = (
            isinstance(message, dict) and "id" not in message and message.get("method") in _CHUNKED_OUTPUT
        )
        if not is_chunk:
            merged.append(message)
            continue
        params = message.get("params") or {}
        legacy = params.get("msg") or {}
        key = (message["method"], params.get("itemId"), legacy.get("call_id"), legacy.get("stream"))
        head = heads.get(key)
        if head is None:
            heads[key] = copy.deepcopy(message)
            merged.append(heads[key])
        elif "chunk" in legacy:
            head_msg = head["params"]["msg"]
            data = base64.b64decode(head_msg["chunk"]) + base64.b64decode(legacy["chunk"])
            head_msg["chunk"] = base64.b64encode(data).decode()
        else:
            head["params"]["delta"] += params.get("delta", "")
    return merged


def normalize(messages: Sequence[Any], replacements: Iterable[tuple[str, str]]) -> list[Any]:
    """The normalized copy of a raw transcript; ``replacements`` are (literal, placeholder) pairs
    for the sandbox paths and the mock URL. The input is left untouched."""
    scrubber = _Scrubber(replacements)
    return [scrubber.tree(message) for message in merge_output_chunks(messages)]


# ---- comparison ------------------------------------------------------------------------------


def message_kind(message: Any) -> Any:
    """Ordering class: a notification's method, ``request:<method>`` for a server->client
    request, ``response``, ``~restart`` for a restart marker, ``raw`` for a non-object."""
    if not isinstance(message, dict):
        return "raw"
    if "~restart" in message:
        return "~restart"
    if "method" not in message:
        return "response"
    if "id" in message:
        return f"request:{message['method']}"
    return message["method"]


def _brief(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def path_diff(expected: Any, actual: Any, where: str = "$", limit: int = 8) -> list[str]:
    """Up to ``limit`` lines ``path: expected X, got Y`` for where two values differ."""
    lines: list[str] = []

    def walk(a: Any, b: Any, at: str) -> None:
        if len(lines) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for k in [*a, *(k for k in b if k not in a)]:
                if len(lines) >= limit:
                    return
                sub = f"{at}.{k}"
                if k not in b:
                    lines.append(f"{sub}: missing (expected {_brief(a[k])})")
                elif k not in a:
                    lines.append(f"{sub}: unexpected {_brief(b[k])}")
                else:
                    walk(a[k], b[k], sub)
        elif isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                if len(lines) >= limit:
                    return
                sub = f"{at}[{i}]"
                if i >= len(b):
                    lines.append(f"{sub}: missing (expected {_brief(a[i])})")
                elif i >= len(a):
                    lines.append(f"{sub}: unexpected {_brief(b[i])}")
                else:
                    walk(a[i], b[i], sub)
        elif a != b:
            lines.append(f"{at}: expected {_brief(a)}, got {_brief(b)}")

    walk(expected, actual, where)
    return lines


def _first_difference(label: str, expected: list[Any], actual: list[Any]) -> str | None:
    for i, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            detail = "\n    ".join(path_diff(want, got)) or "(values differ)"
            return f"{label} message #{i} ({message_kind(want)}) differs:\n    {detail}"
    if len(actual) > len(expected):
        i = len(expected)
        return f"{label} message #{i}: unexpected extra message {_brief(actual[i])}"
    if len(expected) > len(actual):
        i = len(actual)
        return f"{label} message #{i}: missing, expected {_brief(expected[i])}"
    return None


def compare(expected: Sequence[Any], actual: Sequence[Any], unordered: Iterable[Any]) -> str | None:
    """None when two normalized transcripts match, else the first difference. Messages of an
    ``unordered`` kind are taken out of the sequence and compared only with their own kind."""
    floating_kinds = set(unordered)

    def partition(messages: Sequence[Any]) -> tuple[list[Any], dict[Any, list[Any]]]:
        fixed: list[Any] = []
        floating: dict[Any, list[Any]] = {}
        for message in messages:
            kind = message_kind(message)
            if kind in floating_kinds:
                floating.setdefault(kind, []).append(message)
            else:
                fixed.append(message)
        return fixed, floating

    want_fixed, want_floating = partition(expected)
    got_fixed, got_floating = partition(actual)
    problem = _first_difference("ordered", want_fixed, got_fixed)
    if problem:
        return problem
    for kind in sorted(set(want_floating) | set(got_floating), key=str):
        problem = _first_difference(f"{kind!r}", want_floating.get(kind, []), got_floating.get(kind, []))
        if problem:
            return problem
    return None
