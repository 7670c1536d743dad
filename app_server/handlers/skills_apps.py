"""skills/config/write, skills/remote/read, skills/remote/write and app/list.

Both use `chatgpt_base_url` from config. Remote skills come from the public catalogue next to
the backend and need no login (`codex_core.remote_skills`); apps need a ChatGPT login (an API key
is not enough), and how `app/list` assembles its list (directory, accessible apps from the apps
MCP server, caches) is in `codex_core.apps`.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.config import SkillsConfigWriteParams
    from app_server.protocol.results import (
        AppsListResponse,
        SkillsConfigWriteResponse,
        SkillsRemoteReadResponse,
        SkillsRemoteWriteResponse,
    )
    from app_server.protocol.skills_apps import (
        AppsListParams,
        SkillsRemoteReadParams,
        SkillsRemoteWriteParams,
    )
    from codex_core.backend_client import BackendClient
    from login.manager import CodexAuth

log = logging.getLogger("codex.app_server")

# As the reference: an internal error, whether nobody or an API key is signed in.
NO_CHATGPT_TOKEN = "failed to list apps: ChatGPT token not available"


# -- skills/config/write ---------------------------------------------------------------------------
@handler("skills/config/write")
async def skills_config_write(
    ctx: RequestContext, params: SkillsConfigWriteParams
) -> SkillsConfigWriteResponse:
    from codex_core.config.editor import ConfigEdit, apply_edits
    from codex_core.config.errors import ConfigError

    path = str(params.path)
    enabled = bool(params.enabled)
    config_path = ctx.state.codex_home / "config.toml"

    def write() -> None:
        entries = _skill_entries(config_path)
        kept = [entry for entry in entries if entry.get("path") != path]
        # A skill is on unless listed as off: enabling drops its entry, disabling adds one.
        if not enabled:
            kept.append({"path": path, "enabled": False})
        value: Any = kept if kept else None
        apply_edits(config_path, [ConfigEdit(["skills", "config"], value)])

    try:
        await asyncio.to_thread(write)
    except (ConfigError, OSError) as exc:
        raise JsonRpcError.internal(f"failed to update skill settings: {exc}") from None
    ctx.state.invalidate_skills()
    return {"effectiveEnabled": enabled}


def _skill_entries(config_path: Path) -> list[dict[str, Any]]:
    import tomllib

    try:
        data = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    skills = data.get("skills")
    entries = skills.get("config") if isinstance(skills, dict) else None
    if not isinstance(entries, list):
        return []
    return [dict(entry) for entry in entries if isinstance(entry, dict)]


# -- the ChatGPT backend ---------------------------------------------------------------------------
async def _signed_in_client(ctx: RequestContext) -> tuple[BackendClient, CodexAuth]:
    """A backend client with the signed-in ChatGPT user's tokens (for app/list), or its error."""
    from app_server.handlers.account import auth_manager
    from codex_core.backend_client import BackendAuth, BackendClient
    from login.oauth import OAuthError

    manager = auth_manager(ctx.state)
    auth = await asyncio.to_thread(manager.current)
    if auth is None or not auth.is_chatgpt:
        raise JsonRpcError.internal(NO_CHATGPT_TOKEN)
    try:
        auth = await manager.ensure_fresh() or auth
    except OAuthError as exc:
        raise JsonRpcError.internal(f"failed to list apps: {exc}") from None
    token = auth.bearer_token
    if not token:
        raise JsonRpcError.internal(NO_CHATGPT_TOKEN)
    try:
        base_url = ctx.state.server_config().typed.chatgpt_base_url
    except Exception as exc:
        raise JsonRpcError.invalid_request(f"failed to load configuration: {exc}") from None
    client = BackendClient(base_url, BackendAuth(token, auth.account_id), user_agent=ctx.state.user_agent())
    return client, auth


@handler("skills/remote/read", detached=True)
async def skills_remote_read(ctx: RequestContext, params: SkillsRemoteReadParams) -> SkillsRemoteReadResponse:
    from codex_core.remote_skills import RemoteSkillError, fetch_catalogue

    try:
        skills = await fetch_catalogue(
            ctx.state.server_config().typed.chatgpt_base_url, ctx.state.user_agent()
        )
    except RemoteSkillError as exc:
        raise JsonRpcError.internal(f"failed to read remote skills: {exc}") from None
    return {"data": [{"id": s.id, "name": s.name, "description": s.description} for s in skills]}


@handler("skills/remote/write", detached=True)
async def skills_remote_write(
    ctx: RequestContext, params: SkillsRemoteWriteParams
) -> SkillsRemoteWriteResponse:
    from codex_core.remote_skills import RemoteSkillError, download

    try:
        skill, target = await download(
            ctx.state.server_config().typed.chatgpt_base_url,
            ctx.state.codex_home,
            str(params.hazelnut_id),
            is_preload=bool(params.is_preload),
            user_agent=ctx.state.user_agent(),
        )
    except RemoteSkillError as exc:
        raise JsonRpcError.internal(f"failed to download remote skill: {exc}") from None
    ctx.state.invalidate_skills()
    return {"id": skill.id, "name": skill.name, "path": str(target)}


@handler("app/list", detached=True)
async def app_list(ctx: RequestContext, params: AppsListParams) -> AppsListResponse:
    """Loads the directory and the accessible apps concurrently, broadcasting `app/list/updated`
    with the merged list each time one of them arrives, then answers with a page of the final
    list (the notifications come first)."""
    from codex_core.apps import (
        AppListError,
        AppsIdentity,
        AppsSource,
        InvalidAppsCursor,
        is_workspace_plan,
        load_app_list,
        paginate_apps,
        parse_cursor,
    )
    from codex_core.features import resolve_features

    features: Any = ctx.state.server_config().effective.get("features")
    if params.thread_id is not None:
        from app_server.handlers.threads import loaded_session

        # A thread decides with the configuration it was started with.
        session = loaded_session(ctx, str(params.thread_id))
        features = session.settings.config.effective.get("features")
    if "apps" not in resolve_features(features if isinstance(features, dict) else None):
        return {"data": [], "nextCursor": None}
    try:
        start = parse_cursor(params.cursor)
    except InvalidAppsCursor as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None

    client, auth = await _signed_in_client(ctx)
    info = auth.id_info
    plan = auth.plan_override or info.plan_type or auth.access_info.plan_type
    identity = AppsIdentity(client.base_url, auth.account_id, info.user_id, is_workspace_plan(plan))
    env = dict(ctx.state.options.env) if ctx.state.options.env is not None else dict(os.environ)

    def updated(apps: list[dict[str, Any]]) -> None:
        ctx.state.broadcast("app/list/updated", {"data": apps})

    try:
        apps = await load_app_list(
            AppsSource(client, identity, env), force_refetch=bool(params.force_refetch), on_update=updated
        )
        page = paginate_apps(apps, start, params.limit)
        return {"data": page["data"], "nextCursor": page["nextCursor"]}
    except (AppListError, InvalidAppsCursor) as exc:
        code = JsonRpcError.invalid_request if isinstance(exc, InvalidAppsCursor) else JsonRpcError.internal
        raise code(str(exc)) from None
