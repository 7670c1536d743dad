"""OpenTelemetry log events (the reference's `codex.*` events). Light: no OTel import here.

`telemetry_of(session)` is what hooks call; with no `[otel]` exporter it returns a no-op that
never imports OpenTelemetry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex_core.otel.telemetry import NOOP, Telemetry, shutdown_all, telemetry_for

if TYPE_CHECKING:
    from codex_core.agent.session import Session
    from codex_core.agent.settings import SessionSettings

__all__ = ["NOOP", "Telemetry", "shutdown_all", "telemetry_for", "telemetry_of"]


def telemetry_of(session: Session, settings: SessionSettings | None = None) -> Telemetry:
    """The session's event recorder, bound to its conversation and current model."""
    settings = settings if settings is not None else session.settings
    base = telemetry_for(settings.config)
    if not base.enabled:
        return base
    from codex_core.model.auth import is_chatgpt_mode

    # Building the client resolves the auth (it is needed for the turn anyway).
    client = session._client if session._client is not None else session.model_client(settings)
    auth_mode = "ChatGPT" if is_chatgpt_mode(client.auth) else "ApiKey"
    account_id = getattr(client.auth, "account_id", None)
    return base.bound(
        conversation_id=session.thread_id,
        model=settings.model,
        slug=settings.family.slug,
        auth_mode=auth_mode,
        account_id=account_id if isinstance(account_id, str) else None,
    )
