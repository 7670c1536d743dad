"""The one place the agent builds what a turn's tools see of their thread (`ToolContext`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex_core.otel import telemetry_of
from codex_core.tools.base import ToolContext

if TYPE_CHECKING:
    from codex_core.agent.session import Session, TurnState


def tool_context(session: Session, turn: TurnState) -> ToolContext:
    """The context `turn`'s tools run in: the turn's id, settings and locals, and the session
    through the narrow `ToolThread` view. Telemetry is bound to the session when first asked for."""
    return ToolContext(session, turn.id, turn.settings, turn.locals, lambda: telemetry_of(session))
