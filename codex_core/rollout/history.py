"""Rebuilding a thread from its rollout: the v2 `turns` shown by thread/read, resume and fork,
and the model-visible history a resumed thread continues from.

Turns come only from persisted `event_msg` lines (task_started / task_complete / turn_aborted
delimit them; user_message, agent_message, agent_reasoning, context_compacted, ... give the
items), so tool calls never appear in rebuilt turns, exactly as with the reference. Item ids
are synthesised `item-1`, `item-2`, ... across the whole thread.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex_core.uuid7 import uuid7_str

from .reader import ReadStats, RolloutRecord, iter_located_records, iter_records
from .stored_history import STORED_MIN_BYTES, History, RolloutSource, StoredItem, payload_size

# Text the reference prefixes to every compaction summary (templates/compact/summary_prefix.md).
SUMMARY_PREFIX = (
    "Another language model started to solve this problem and produced a summary of its thinking "
    "process. You also have access to the state of the tools that were used by that language model. "
    "Use this to build on the work that has already been done and avoid duplicating work. Here is the "
    "summary produced by the other language model, use the information in this summary to  assist "
    "with your own analysis:"
)
COMPACT_USER_MESSAGE_MAX_TOKENS = 20_000

Json = dict[str, Any]


# ----------------------------------------------------------------------------------------------
# Turns


@dataclass
class _Turn:
    id: str
    items: list[Json] = field(default_factory=list)
    status: str = "completed"
    error: Json | None = None
    opened_explicitly: bool = False  # started by task_started: kept even without items
    saw_compaction: bool = False  # holds a `compacted` line: kept even without items

    def to_wire(self) -> Json:
        return {"id": self.id, "items": list(self.items), "status": self.status, "error": self.error}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def v2_error_info(info: Any) -> Any:
    """Core `codex_error_info` (snake_case) -> v2 `codexErrorInfo` (camelCase)."""
    if isinstance(info, str):
        return _camel(info)
    if isinstance(info, dict):
        return {
            _camel(k): ({_camel(ik): iv for ik, iv in v.items()} if isinstance(v, dict) else v)
            for k, v in info.items()
        }
    return None


def _affects_turn_status(info: Any) -> bool:
    # A failed rollback request is reported as an error but does not fail the running turn.
    return bool(info != "thread_rollback_failed")


def v2_web_search_action(action: Any) -> Json | None:
    if not isinstance(action, dict):
        return None
    kind = action.get("type")
    if kind == "search":
        return {"type": "search", "query": action.get("query"), "queries": action.get("queries")}
    if kind == "open_page":
        return {"type": "openPage", "url": action.get("url")}
    if kind == "find_in_page":
        return {"type": "findInPage", "url": action.get("url"), "pattern": action.get("pattern")}
    return {"type": "other"}


def _v2_text_element(element: Any) -> Any:
    if not isinstance(element, dict):
        return element
    byte_range = element.get("byteRange", element.get("byte_range"))
    return {"byteRange": byte_range, "placeholder": element.get("placeholder")}


class ThreadHistoryBuilder:
    """Feeds on rollout records (or live events) and produces v2 Turn dicts."""

    def __init__(self) -> None:
        self._turns: list[_Turn] = []
        self._current: _Turn | None = None
        self._next_item = 1

    # -- input --------------------------------------------------------------------------------

    def handle_record(self, kind: str, payload: Mapping[str, Any]) -> None:
        if kind == "event_msg":
            self.handle_event(payload)
        elif kind == "compacted":
            self._ensure_turn().saw_compaction = True

    def handle_event(self, msg: Mapping[str, Any]) -> None:
        kind = msg.get("type")
        if kind == "user_message":
            self._user_message(msg)
        elif kind == "agent_message":
            text = msg.get("message")
            if isinstance(text, str) and text:
                self._push({"type": "agentMessage", "id": self._item_id(), "text": text})
        elif kind in ("agent_reasoning", "agent_reasoning_raw_content"):
            self._reasoning(msg, "summary" if kind == "agent_reasoning" else "content")
        elif kind in ("web_search_begin", "web_search_end"):
            ended = kind == "web_search_end"
            query = msg.get("query") if ended else ""
            self._upsert_current(
                {
                    "type": "webSearch",
                    "id": msg.get("call_id", ""),
                    "query": query if isinstance(query, str) else "",
                    "action": v2_web_search_action(msg.get("action")) if ended else None,
                }
            )
        # context_compacted leaves no item: the reference reads a compaction turn back with none.
        # entered/exited_review_mode leave no item either: the reference reads a review back as its
        # request (twice, as announced) and the review's message.
        elif kind in ("item_started", "item_completed"):
            self._plan_item(msg)
        elif kind == "error":
            self._error(msg)
        elif kind == "thread_rolled_back":
            self._rollback(msg.get("num_turns"))
        elif kind == "turn_aborted":
            self._aborted(msg.get("turn_id"))
        elif kind == "task_started":
            if self._current is not None and self._current.status == "inProgress":
                # A turn that never ended before the next began was cut off (a crash, kill -9).
                self._current.status = "interrupted"
            self._finish_current()
            turn_id = msg.get("turn_id")
            self._current = _Turn(
                id=turn_id if isinstance(turn_id, str) else uuid7_str(),
                status="inProgress",
                opened_explicitly=True,
            )
        elif kind == "task_complete":
            self._completed(msg.get("turn_id"))
        # token_count, undo_completed and anything else carry no items.

    # -- output -------------------------------------------------------------------------------

    def finish(self, running_turn_id: str | None = None) -> list[Json]:
        """All turns; an unfinished last turn that is not `running_turn_id` was cut off and reads
        as interrupted (a deliberate difference: the reference reads it as completed)."""
        current = self._current
        if current is not None and current.status == "inProgress" and current.id != running_turn_id:
            current.status = "interrupted"
        self._finish_current()
        return [turn.to_wire() for turn in self._turns]

    def snapshot(self) -> list[Json]:
        """Turns so far including the open one, without closing it."""
        turns = [turn.to_wire() for turn in self._turns]
        if self._current is not None and self._keep(self._current):
            turns.append(self._current.to_wire())
        return turns

    @property
    def has_active_turn(self) -> bool:
        return self._current is not None

    # -- internals ----------------------------------------------------------------------------

    def _item_id(self) -> str:
        item_id = f"item-{self._next_item}"
        self._next_item += 1
        return item_id

    def _ensure_turn(self) -> _Turn:
        if self._current is None:
            # Streams without task_started (older files) get an implicit turn.
            self._current = _Turn(id=uuid7_str())
        return self._current

    def _push(self, item: Json) -> None:
        self._ensure_turn().items.append(item)

    @staticmethod
    def _keep(turn: _Turn) -> bool:
        return bool(turn.items) or turn.opened_explicitly or turn.saw_compaction

    def _finish_current(self) -> None:
        turn, self._current = self._current, None
        if turn is not None and self._keep(turn):
            self._turns.append(turn)

    def _find(self, turn_id: Any) -> _Turn | None:
        if not isinstance(turn_id, str):
            return None
        if self._current is not None and self._current.id == turn_id:
            return self._current
        return next((t for t in self._turns if t.id == turn_id), None)

    def _user_message(self, msg: Mapping[str, Any]) -> None:
        current = self._current
        if (
            current is not None
            and not current.opened_explicitly
            and not (current.saw_compaction and not current.items)
        ):
            # Implicit turns (no task_started) end where the next user input begins.
            self._finish_current()
        content: list[Json] = []
        text = msg.get("message")
        if isinstance(text, str) and text.strip():
            elements = msg.get("text_elements") or []
            content.append(
                {"type": "text", "text": text, "text_elements": [_v2_text_element(e) for e in elements]}
            )
        for url in msg.get("images") or []:
            content.append({"type": "image", "url": url})
        for path in msg.get("local_images") or []:
            content.append({"type": "localImage", "path": path})
        self._push({"type": "userMessage", "id": self._item_id(), "content": content})

    def _reasoning(self, msg: Mapping[str, Any], slot: str) -> None:
        text = msg.get("text")
        if not isinstance(text, str) or not text:
            return
        turn = self._ensure_turn()
        if turn.items and turn.items[-1].get("type") == "reasoning":
            # Consecutive reasoning events are sections of one reasoning item.
            turn.items[-1][slot].append(text)
            return
        item: Json = {"type": "reasoning", "id": self._item_id(), "summary": [], "content": []}
        item[slot].append(text)
        turn.items.append(item)

    def _upsert_current(self, item: Json) -> None:
        _upsert(self._ensure_turn().items, item)

    def _plan_item(self, msg: Mapping[str, Any]) -> None:
        item = msg.get("item")
        if not isinstance(item, dict) or item.get("type") != "Plan":
            return
        text = item.get("text")
        if not isinstance(text, str) or not text:
            return
        turn = self._find(msg.get("turn_id"))
        if turn is not None:
            _upsert(turn.items, {"type": "plan", "id": item.get("id", ""), "text": text})

    def _error(self, msg: Mapping[str, Any]) -> None:
        info = msg.get("codex_error_info")
        if not _affects_turn_status(info) or self._current is None:
            return
        message = msg.get("message")
        self._current.status = "failed"
        self._current.error = {
            "message": message if isinstance(message, str) else "",
            "codexErrorInfo": v2_error_info(info),
            "additionalDetails": None,
        }

    def _aborted(self, turn_id: Any) -> None:
        turn = self._find(turn_id) or self._current
        if turn is not None:
            turn.status = "interrupted"

    def _completed(self, turn_id: Any) -> None:
        turn = self._find(turn_id)
        if turn is None:
            turn = self._current
        if turn is None:
            return
        if turn.status in ("completed", "inProgress"):  # failed/interrupted stay as they are
            turn.status = "completed"
        if turn is self._current:
            self._finish_current()

    def _rollback(self, num_turns: Any) -> None:
        self._finish_current()
        n = num_turns if isinstance(num_turns, int) and num_turns > 0 else 0
        if n:
            del self._turns[max(0, len(self._turns) - n) :]
        # Ids continue after the surviving items, as the reference renumbers.
        self._next_item = sum(len(t.items) for t in self._turns) + 1


def _upsert(items: list[Json], item: Json) -> None:
    for index, existing in enumerate(items):
        if existing.get("id") == item.get("id"):
            items[index] = item
            return
    items.append(item)


# The only line kinds `ThreadHistoryBuilder.handle_record` looks at.
TURN_RECORD_KINDS = frozenset({"event_msg", "compacted"})


def build_turns_from_records(
    records: Iterable[RolloutRecord | tuple[str, str, Mapping[str, Any]]],
    running_turn_id: str | None = None,
) -> list[Json]:
    builder = ThreadHistoryBuilder()
    for _ts, kind, payload in records:
        builder.handle_record(kind, payload)
    return builder.finish(running_turn_id)


def build_turns(path: Path, stats: ReadStats | None = None, running_turn_id: str | None = None) -> list[Json]:
    """v2 turns of the thread stored at `path` (streams the file). `running_turn_id`: the turn
    running right now, if any (the only unfinished turn that reads as inProgress)."""
    return build_turns_from_records(iter_records(path, stats, kinds=TURN_RECORD_KINDS), running_turn_id)


async def build_turns_async(path: Path, running_turn_id: str | None = None) -> list[Json]:
    """`build_turns` off the event loop (rollouts can be large)."""
    return await asyncio.to_thread(build_turns, path, None, running_turn_id)


# ----------------------------------------------------------------------------------------------
# Model-visible history for resume

_CONTEXT_PREFIXES = (
    "# agents.md instructions for ",
    "<environment_context>",
    "<user_instructions>",
    "<skill>",
    "<user_shell_command>",
    "<turn_aborted>",
    "<subagent_notification>",
)
_IMAGE_TAG = re.compile(r"^</?(?:local_)?image(?:\s[^>]*)?>$")


def is_contextual_user_text(text: str) -> bool:
    """Injected context (AGENTS.md, environment, interrupt markers...) rather than user input."""
    lowered = text.lstrip().lower()
    return any(lowered.startswith(prefix) for prefix in _CONTEXT_PREFIXES)


def user_message_text(item: Mapping[str, Any]) -> str | None:
    """The typed text of a real user message item; None for other items and injected context."""
    if item.get("type") != "message" or item.get("role") != "user":
        return None
    content = [p for p in item.get("content") or [] if isinstance(p, dict)]
    texts = [p.get("text") for p in content if p.get("type") == "input_text"]
    if any(isinstance(t, str) and is_contextual_user_text(t) for t in texts):
        return None
    pieces: list[str] = []
    for index, part in enumerate(content):
        if part.get("type") != "input_text" or not isinstance(part.get("text"), str):
            continue
        text = part["text"]
        near_image = any(
            0 <= j < len(content) and content[j].get("type") == "input_image" for j in (index - 1, index + 1)
        )
        if near_image and _IMAGE_TAG.match(text.strip()):
            continue  # the <image>...</image> wrappers around an attached image
        pieces.append(text)
    return "".join(pieces)


def _approx_tokens(text: str) -> int:
    return (len(text.encode()) + 3) // 4


def _truncate_to_tokens(text: str, max_tokens: int) -> str:
    """Keep the start and end of `text` within ~max_tokens, marking the cut (approximation of
    the reference's middle truncation)."""
    data = text.encode()
    budget = max_tokens * 4
    if len(data) <= budget:
        return text
    head = data[: budget // 2].decode(errors="ignore")
    tail = data[len(data) - (budget - budget // 2) :].decode(errors="ignore")
    removed = _approx_tokens(text) - max_tokens
    return f"{head}…{removed} tokens truncated…{tail}"


def _user_item(text: str) -> Json:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def collect_user_messages(items: Iterable[Mapping[str, Any]]) -> list[str]:
    out: list[str] = []
    for item in items:
        text = user_message_text(item)
        if text is not None and not text.startswith(SUMMARY_PREFIX + "\n"):
            out.append(text)
    return out


def build_compacted_history(
    initial_context: list[Json],
    user_messages: list[str],
    summary_text: str,
    max_tokens: int = COMPACT_USER_MESSAGE_MAX_TOKENS,
) -> list[Json]:
    """initial context + the most recent user messages (within `max_tokens`) + the summary."""
    selected: list[str] = []
    remaining = max_tokens
    for message in reversed(user_messages):
        if remaining <= 0:
            break
        tokens = _approx_tokens(message)
        if tokens <= remaining:
            selected.append(message)
            remaining -= tokens
        else:
            selected.append(_truncate_to_tokens(message, remaining))
            break
    history = list(initial_context)
    history.extend(_user_item(m) for m in reversed(selected))
    history.append(_user_item(summary_text or "(no summary available)"))
    return history


def drop_last_user_turns(items: Sequence[Json], num_turns: int) -> list[Json] | History:
    """History without its last `num_turns` user turns (each starts at a real user message).
    Dropping more turns than exist keeps only what preceded the first user message. A `History`
    comes back as one (its stored items stay on disk)."""
    if num_turns <= 0:
        return items if isinstance(items, History) else list(items)
    if isinstance(items, History):
        flags = items.user_message_flags()
    else:
        flags = [user_message_text(item) is not None for item in items]
    starts = [i for i, user in enumerate(flags) if user]
    if not starts:
        return items if isinstance(items, History) else list(items)
    cut = starts[0] if num_turns >= len(starts) else starts[-num_turns]
    return items[:cut] if isinstance(items, History) else list(items[:cut])


@dataclass
class ResumeState:
    """What a resumed thread continues from."""

    items: History  # model-visible history; the caller re-adds the initial context
    token_usage: Json | None  # `info` of the last token_count event that had one
    turn_context: Json | None  # payload of the last turn_context line (model, effort, ...)
    session_meta: Json | None  # the file's first session_meta payload
    stats: ReadStats = field(default_factory=ReadStats)


def model_history(path: Path) -> ResumeState:
    """Replay a rollout into the response items the model should see next (streams the file).

    response_item lines accumulate; a `compacted` line replaces everything so far with its
    `replacement_history` or, for local compaction, with the kept user messages plus the
    summary; `thread_rolled_back` drops the last N user turns. Items on lines of
    `STORED_MIN_BYTES` or more stay on disk (see `stored_history`): they are parsed here once,
    to be checked, and read again when the history is.
    """
    stats = ReadStats()
    source = RolloutSource(path)
    items = History()
    usage: Json | None = None
    context: Json | None = None
    meta: Json | None = None
    for offset, length, (ts, kind, payload) in iter_located_records(path, stats):
        if kind == "response_item":
            if length >= STORED_MIN_BYTES:
                user = user_message_text(payload) is not None
                items.append_stored(StoredItem(source, offset, length, payload_size(length, ts), user))
            else:
                items.append(payload)
        elif kind == "compacted":
            replacement = payload.get("replacement_history")
            if isinstance(replacement, list):
                items = History(r for r in replacement if isinstance(r, dict))
            else:
                message = payload.get("message")
                summary = message if isinstance(message, str) else ""
                items = History(
                    build_compacted_history([], collect_user_messages(items.user_messages()), summary)
                )
        elif kind == "event_msg":
            msg_type = payload.get("type")
            if msg_type == "thread_rolled_back":
                n = payload.get("num_turns")
                kept = drop_last_user_turns(items, n if isinstance(n, int) else 0)
                items = History.of(kept)
            elif msg_type == "token_count" and isinstance(payload.get("info"), dict):
                usage = payload["info"]
        elif kind == "turn_context":
            context = payload
        elif kind == "session_meta" and meta is None:
            meta = payload
    return ResumeState(items, usage, context, meta, stats)


async def model_history_async(path: Path) -> ResumeState:
    return await asyncio.to_thread(model_history, path)
