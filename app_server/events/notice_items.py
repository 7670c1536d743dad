"""v2 notifications for session notices: deprecation_notice -> `deprecationNotice`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents


def deprecation_notice(events: ThreadEvents, event_id: str, msg: dict[str, Any]) -> None:
    events.state.notify_thread(
        events.thread_id,
        "deprecationNotice",
        {"summary": msg.get("summary", ""), "details": msg.get("details")},
    )


V2_HANDLERS: dict[str, Callable[[ThreadEvents, str, dict[str, Any]], None]] = {
    "deprecation_notice": deprecation_notice,
}
