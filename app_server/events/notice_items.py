"""v2 notifications for session notices: deprecation_notice -> `deprecationNotice`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app_server.events.translator import ThreadEvents, V2Handler
    from codex_core.events import DeprecationNoticeEvent


def deprecation_notice(events: ThreadEvents, event_id: str, msg: DeprecationNoticeEvent) -> None:
    events.state.notify_thread(
        events.thread_id,
        "deprecationNotice",
        {"summary": msg["summary"], "details": msg["details"]},
    )


V2_HANDLERS: dict[str, V2Handler] = {
    "deprecation_notice": deprecation_notice,
}
