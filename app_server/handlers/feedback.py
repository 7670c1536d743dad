"""feedback/upload: save a redacted feedback bundle under CODEX_HOME, and send it when
config `feedback.endpoint` names a URL (the reference sends to its own collector instead)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError
from codex_core.feedback import install_log_ring

if TYPE_CHECKING:
    from app_server.protocol.account import FeedbackUploadParams
    from app_server.protocol.results import FeedbackUploadResponse

log = logging.getLogger("codex.app_server")

# Logs kept from the moment the handlers load (the first request), for includeLogs bundles.
_ring = install_log_ring()


@handler("feedback/upload", detached=True)
async def feedback_upload(ctx: RequestContext, params: FeedbackUploadParams) -> FeedbackUploadResponse:
    from codex_core.feedback import FeedbackUploadError, build_bundle, post_bundle, write_bundle
    from codex_core.uuid7 import uuid7_str
    from codex_core.version import CLI_VERSION

    thread_id = str(params.thread_id) if params.thread_id else f"no-active-thread-{uuid7_str()}"
    rollout_path: Path | None = None
    if params.include_logs and params.thread_id:
        session = ctx.state.threads.get(str(params.thread_id))
        rollout_path = getattr(session, "rollout_path", None) if session is not None else None
    payload = await asyncio.to_thread(
        build_bundle,
        thread_id=thread_id,
        classification=str(params.classification),
        reason=params.reason,
        include_logs=bool(params.include_logs),
        rollout_path=rollout_path,
        cli_version=CLI_VERSION,
        log_lines=_ring.snapshot(),
    )
    try:
        bundle = await asyncio.to_thread(write_bundle, ctx.state.codex_home, payload)
    except OSError as exc:
        raise JsonRpcError.internal(f"failed to upload feedback: {exc}") from None
    log.info("feedback saved to %s", bundle.path)

    endpoint = _endpoint(ctx)
    if endpoint:
        try:
            await post_bundle(endpoint, payload, user_agent=ctx.state.user_agent())
        except FeedbackUploadError as exc:
            raise JsonRpcError.internal(f"failed to upload feedback: {exc}") from None
    return {"threadId": thread_id}


def _endpoint(ctx: RequestContext) -> str | None:
    try:
        effective = ctx.state.server_config().effective
    except Exception:
        return None
    section = effective.get("feedback")
    value = section.get("endpoint") if isinstance(section, dict) else None
    return value if isinstance(value, str) and value.strip() else None
