"""OpenTelemetry log events (the reference's `codex.*` events). Light: no OTel import here.

`telemetry_of(session)` is what hooks call; with no `[otel]` exporter it returns a no-op that
never imports OpenTelemetry.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from codex_core.otel.telemetry import NOOP, Telemetry, sanitize_tag, shutdown_all, telemetry_for

if TYPE_CHECKING:
    from codex_core.agent.session import Session
    from codex_core.agent.settings import SessionSettings
    from login.manager import CodexAuth

__all__ = ["NOOP", "Telemetry", "auth_metadata", "shutdown_all", "telemetry_for", "telemetry_of"]

log = logging.getLogger(__name__)


def telemetry_of(session: Session, settings: SessionSettings | None = None) -> Telemetry:
    """The session's event recorder, bound to its conversation and current model."""
    settings = settings if settings is not None else session.settings
    base = telemetry_for(settings.config)
    if not base.enabled:
        return base
    return base.bound(
        conversation_id=session.thread_id,
        model=settings.model,
        slug=settings.family.slug,
        originator=sanitize_tag(session.originator),
        **auth_metadata(_login(session, settings)),
    )


def auth_metadata(auth: CodexAuth | None) -> dict[str, Any]:
    """`auth_mode`, account id and email as the reference reports them: from the login (not from
    the model provider's key), `ApiKey` or `Chatgpt` (its TelemetryAuthMode), none when logged out."""
    if auth is None:
        return {"auth_mode": None, "account_id": None, "account_email": None}
    return {
        "auth_mode": "ApiKey" if auth.mode == "apikey" else "Chatgpt",
        "account_id": auth.account_id,
        "account_email": auth.email,
    }


def _login(session: Session, settings: SessionSettings) -> CodexAuth | None:
    try:
        from codex_core.login_hooks import login_provider

        provider = login_provider()
        if provider is None:
            return None
        login: CodexAuth | None = provider.current(settings.config.codex_home, session.env)
        return login
    except Exception:  # telemetry must never fail a turn
        log.debug("otel: login state unavailable", exc_info=True)
        return None
