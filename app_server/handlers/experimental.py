"""Experimental methods (need `capabilities.experimentalApi`): background terminals clean,
collaborationMode/list and the capability-gate probe mock/experimentalMethod."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError
from codex_core.agent.collaboration import collaboration_mode_presets

if TYPE_CHECKING:
    from app_server.protocol.models import CollaborationModeListParams, MockExperimentalMethodParams
    from app_server.protocol.results import (
        CollaborationModeListResponse,
        MockExperimentalMethodResponse,
        ThreadBackgroundTerminalsCleanResponse,
    )
    from app_server.protocol.threads import ThreadBackgroundTerminalsCleanParams


@handler("collaborationMode/list")
async def collaboration_mode_list(
    ctx: RequestContext, params: CollaborationModeListParams
) -> CollaborationModeListResponse:
    return {"data": collaboration_mode_presets()}


@handler("mock/experimentalMethod")
async def mock_experimental_method(
    ctx: RequestContext, params: MockExperimentalMethodParams
) -> MockExperimentalMethodResponse:
    return {"echoed": params.value}


@handler("thread/backgroundTerminals/clean")
async def thread_background_terminals_clean(
    ctx: RequestContext, params: ThreadBackgroundTerminalsCleanParams
) -> ThreadBackgroundTerminalsCleanResponse:
    kill_session_processes = _session_killer()
    thread_id = str(params.thread_id)
    session = ctx.state.threads.get(thread_id)
    if session is None:
        raise JsonRpcError.invalid_request(f"thread not found: {thread_id}")
    kill_session_processes(session)
    return {}


def _session_killer() -> Any:
    """`kill_session_processes` from wherever the exec tools keep it (exec_common, formerly exec_command)."""
    import importlib

    for module in ("codex_core.tools.exec_common", "codex_core.tools.exec_command"):
        try:
            found = getattr(importlib.import_module(module), "kill_session_processes", None)
        except ImportError:
            continue
        if found is not None:
            return found
    raise JsonRpcError.internal("background terminals are not available")
