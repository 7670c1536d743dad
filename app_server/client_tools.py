"""The app-server's side of client-answered tools (`codex_core.tools.dynamic.ClientTools`).

Dynamic tool calls become `item/tool/call` server requests and request_user_input becomes
`item/tool/requestUserInput`, sent to the thread's subscribed connections; the first answer
wins. A client that disconnects or answers with an error counts as no answer (the model is
told the call was cancelled), so a turn never waits on nobody.

Wiring (thread/start, resume, fork): after creating the session,

    from app_server.client_tools import attach_client_tools
    attach_client_tools(state, session, thread_id, params.get("dynamicTools"))
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from app_server.server_requests import ClientError, ConnectionLost

if TYPE_CHECKING:
    from app_server.state import ServerState
    from codex_core.agent.session import Session

log = logging.getLogger("codex.app_server")


class ThreadClientTools:
    def __init__(self, state: ServerState, thread_id: str) -> None:
        self.state = state
        self.thread_id = thread_id

    async def _ask(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        connections = self.state.thread_subscribers(self.thread_id)
        try:
            result = await self.state.server_requests.request(
                method, params, connections, thread_id=self.thread_id
            )
        except (ConnectionLost, ClientError) as exc:
            log.warning("%s for thread %s not answered: %s", method, self.thread_id, exc)
            return None
        return result if isinstance(result, dict) else None

    async def call_tool(self, turn_id: str, call_id: str, tool: str, arguments: Any) -> dict[str, Any] | None:
        params = {
            "threadId": self.thread_id,
            "turnId": turn_id,
            "callId": call_id,
            "tool": tool,
            "arguments": arguments,
        }
        return await self._ask("item/tool/call", params)

    async def request_user_input(
        self, turn_id: str, call_id: str, questions: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        params = {"threadId": self.thread_id, "turnId": turn_id, "itemId": call_id, "questions": questions}
        return await self._ask("item/tool/requestUserInput", params)


def attach_client_tools(
    state: ServerState, session: Session, thread_id: str, dynamic_tools: list[dict[str, Any]] | None = None
) -> None:
    """Route the session's client-answered tools to this thread's connections."""
    from codex_core.tools.dynamic import install_client_tools

    install_client_tools(session, ThreadClientTools(state, thread_id), dynamic_tools)
