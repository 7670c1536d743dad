"""One sink per thread: each core event goes out as `codex/event/<type>` and, where the reference has
one, as a v2 notification, in the reference's order, to the thread's subscribers.

The tables below map an event type to its translation; each translation takes that type's
TypedDict (`codex_core.events`), and `tests/unit/app_server/test_event_translation_types.py`
checks that every table entry's parameter is the event its key names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app_server.events import shapes
from app_server.jsonrpc import RequestId, result_message

if TYPE_CHECKING:
    from app_server.connection import Connection
    from app_server.state import ServerState
    from codex_core.events import (
        AgentMessageContentDeltaEvent,
        AgentReasoningSectionBreakEvent,
        ContextCompactedEvent,
        CoreEvent,
        EnteredReviewModeEvent,
        ErrorEvent,
        ExitedReviewModeEvent,
        ItemCompletedEvent,
        ItemStartedEvent,
        ReasoningContentDeltaEvent,
        ReasoningRawContentDeltaEvent,
        StreamErrorEvent,
        TaskCompleteEvent,
        TokenCountEvent,
        TurnAbortedEvent,
    )

# A v2 translation: (the thread's translator, event id, the event of the type it is registered for).
V2Handler = Callable[["ThreadEvents", str, Any], None]


@dataclass
class ThreadEvents:
    state: ServerState
    thread_id: str
    # "v1" for threads made by the legacy API: the reference sends them no turn-level v2
    # notifications such as turn/diff/updated (item notifications still go out).
    api_version: str = "v2"
    # Patch call ids with an item in progress: their output deltas are file-change deltas.
    open_patches: set[str] = field(default_factory=set)
    # Interrupt requests answered when the abort is recorded, just before turn/completed.
    pending_interrupts: list[tuple[Connection, RequestId, Any]] = field(default_factory=list)
    _turn_errors: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __call__(self, event_id: str, msg: CoreEvent) -> None:
        kind = msg["type"]
        self.state.notify_legacy_event(self.thread_id, event_id, msg)
        v2 = _V2.get(kind) or EXTRA_V2.get(kind)
        if v2 is not None:
            v2(self, event_id, msg)

    # -- v2 translations ---------------------------------------------------------------------
    def send_item(self, method: str, item: dict[str, Any], event_id: str, turn_id: str | None = None) -> None:
        """`item/started` / `item/completed` for an item of this thread (tool modules use this too):
        in the event's turn if it names one, else the event id's."""
        turn_id = str(turn_id or event_id)
        self.state.notify_thread(
            self.thread_id, method, {"item": item, "threadId": self.thread_id, "turnId": turn_id}
        )

    def _item(self, method: str, event_id: str, msg: ItemStartedEvent | ItemCompletedEvent) -> None:
        # The event's id names the client's turn: a review's sub-agent items carry the reviewer's
        # own turn id in `msg`, but belong to the review turn the client started.
        turn_id = event_id or msg["turn_id"]
        self.state.notify_thread(
            self.thread_id,
            method,
            {"item": shapes.thread_item(msg["item"]), "threadId": self.thread_id, "turnId": turn_id},
        )

    def item_started(self, event_id: str, msg: ItemStartedEvent) -> None:
        self._item("item/started", event_id, msg)

    def item_completed(self, event_id: str, msg: ItemCompletedEvent) -> None:
        self._item("item/completed", event_id, msg)

    def _review_item(self, event_id: str, item: dict[str, Any]) -> None:
        params = {"item": item, "threadId": self.thread_id, "turnId": event_id}
        self.state.notify_thread(self.thread_id, "item/started", params)
        self.state.notify_thread(self.thread_id, "item/completed", params)

    def entered_review_mode(self, event_id: str, msg: EnteredReviewModeEvent) -> None:
        hint = msg.get("user_facing_hint") or ""
        self._review_item(event_id, {"type": "enteredReviewMode", "id": event_id, "review": hint})

    def exited_review_mode(self, event_id: str, msg: ExitedReviewModeEvent) -> None:
        from codex_core.agent.review import render_review

        output = msg["review_output"]
        text = render_review(output) if output is not None else ""
        self._review_item(event_id, {"type": "exitedReviewMode", "id": event_id, "review": text})

    def agent_message_delta(self, event_id: str, msg: AgentMessageContentDeltaEvent) -> None:
        self.state.notify_thread(
            self.thread_id,
            "item/agentMessage/delta",
            {
                "threadId": self.thread_id,
                "turnId": msg["turn_id"],
                "itemId": msg["item_id"],
                "delta": msg["delta"],
            },
        )

    def reasoning_summary_delta(self, event_id: str, msg: ReasoningContentDeltaEvent) -> None:
        self.state.notify_thread(
            self.thread_id,
            "item/reasoning/summaryTextDelta",
            {
                "threadId": self.thread_id,
                "turnId": msg["turn_id"],
                "itemId": msg["item_id"],
                "delta": msg["delta"],
                "summaryIndex": msg["summary_index"],
            },
        )

    def reasoning_text_delta(self, event_id: str, msg: ReasoningRawContentDeltaEvent) -> None:
        self.state.notify_thread(
            self.thread_id,
            "item/reasoning/textDelta",
            {
                "threadId": self.thread_id,
                "turnId": msg["turn_id"],
                "itemId": msg["item_id"],
                "delta": msg["delta"],
                "contentIndex": msg["content_index"],
            },
        )

    def reasoning_part_added(self, event_id: str, msg: AgentReasoningSectionBreakEvent) -> None:
        self.state.notify_thread(
            self.thread_id,
            "item/reasoning/summaryPartAdded",
            {
                "threadId": self.thread_id,
                "turnId": event_id,
                "itemId": msg["item_id"],
                "summaryIndex": msg["summary_index"],
            },
        )

    def token_count(self, event_id: str, msg: TokenCountEvent) -> None:
        info = msg["info"]
        if info is not None:
            self.state.notify_thread(
                self.thread_id,
                "thread/tokenUsage/updated",
                {"threadId": self.thread_id, "turnId": event_id, "tokenUsage": shapes.token_usage_info(info)},
            )
        limits = msg["rate_limits"]
        if limits is not None:
            # account/* go to every initialized connection, as in the reference.
            self.state.broadcast("account/rateLimits/updated", {"rateLimits": shapes.rate_limits(limits)})

    def error(self, event_id: str, msg: ErrorEvent) -> None:
        error = shapes.turn_error(msg)
        self._turn_errors[event_id] = error
        self.state.notify_thread(
            self.thread_id,
            "error",
            {"error": error, "willRetry": False, "threadId": self.thread_id, "turnId": event_id},
        )

    def stream_error(self, event_id: str, msg: StreamErrorEvent) -> None:
        self.state.notify_thread(
            self.thread_id,
            "error",
            {
                "error": shapes.turn_error(msg),
                "willRetry": True,
                "threadId": self.thread_id,
                "turnId": event_id,
            },
        )

    def task_complete(self, event_id: str, msg: TaskCompleteEvent) -> None:
        turn_id = msg["turn_id"] or event_id
        error = self._turn_errors.pop(turn_id, None)
        status = "failed" if error is not None else "completed"
        self._turn_completed(turn_id, status, error)

    def turn_aborted(self, event_id: str, msg: TurnAbortedEvent) -> None:
        turn_id = msg["turn_id"] or event_id
        self._turn_errors.pop(turn_id, None)
        pending, self.pending_interrupts = self.pending_interrupts, []
        for connection, request_id, result in pending:
            connection.send(result_message(request_id, result))
        self._turn_completed(turn_id, "interrupted", None)

    def _turn_completed(self, turn_id: str, status: str, error: dict[str, Any] | None) -> None:
        turn: dict[str, Any] = {"id": turn_id, "items": [], "status": status, "error": error}
        self.state.notify_thread(self.thread_id, "turn/completed", {"threadId": self.thread_id, "turn": turn})

    def context_compacted(self, event_id: str, msg: ContextCompactedEvent) -> None:
        self.state.notify_thread(
            self.thread_id, "thread/compacted", {"threadId": self.thread_id, "turnId": event_id}
        )


# Translations owned by other modules (tool items: command executions, file changes, plans ...)
# join the table at import time: event type -> function(ThreadEvents, event id, msg).
EXTRA_V2: dict[str, V2Handler] = {}


def _load_extras() -> None:
    from app_server.events import exec_items, mcp_items, notice_items, patch_items

    EXTRA_V2.update(exec_items.V2_HANDLERS)
    EXTRA_V2.update(patch_items.V2_HANDLERS)
    EXTRA_V2.update(mcp_items.V2_HANDLERS)
    EXTRA_V2.update(notice_items.V2_HANDLERS)


_V2: dict[str, V2Handler] = {
    "item_started": ThreadEvents.item_started,
    "item_completed": ThreadEvents.item_completed,
    "agent_message_content_delta": ThreadEvents.agent_message_delta,
    "reasoning_content_delta": ThreadEvents.reasoning_summary_delta,
    "reasoning_raw_content_delta": ThreadEvents.reasoning_text_delta,
    "agent_reasoning_section_break": ThreadEvents.reasoning_part_added,
    "token_count": ThreadEvents.token_count,
    "error": ThreadEvents.error,
    "stream_error": ThreadEvents.stream_error,
    "task_complete": ThreadEvents.task_complete,
    "turn_aborted": ThreadEvents.turn_aborted,
    "context_compacted": ThreadEvents.context_compacted,
    "entered_review_mode": ThreadEvents.entered_review_mode,
    "exited_review_mode": ThreadEvents.exited_review_mode,
}

_load_extras()
