"""model/list and experimentalFeature/list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app_server.handlers import RequestContext, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.models import ExperimentalFeatureListParams, ModelListParams
    from app_server.protocol.results import ExperimentalFeatureListResponse, ModelListResponse


def _uses_chatgpt_login(ctx: RequestContext) -> bool:
    # Presets only the ChatGPT backend serves are listed to ChatGPT users, as the reference does.
    from app_server.handlers.account import auth_manager

    auth = auth_manager(ctx.state).current()
    return auth is not None and auth.is_chatgpt


@handler("model/list")
async def model_list(ctx: RequestContext, params: ModelListParams) -> ModelListResponse:
    from codex_core.models_catalog import InvalidCursorError, list_models, paginate

    models = list_models(chatgpt_auth=_uses_chatgpt_login(ctx))
    try:
        page, next_cursor = paginate(models, params.cursor, params.limit, noun="models")
    except InvalidCursorError as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    return {"data": page, "nextCursor": next_cursor}


@handler("experimentalFeature/list")
async def experimental_feature_list(
    ctx: RequestContext, params: ExperimentalFeatureListParams
) -> ExperimentalFeatureListResponse:
    from codex_core.features import experimental_feature_list as feature_entries
    from codex_core.features import resolve_features
    from codex_core.models_catalog import InvalidCursorError, paginate

    effective = ctx.state.server_config().effective
    features = effective.get("features")
    enabled = resolve_features(features if isinstance(features, dict) else None)
    entries = feature_entries(enabled=enabled)
    try:
        page, next_cursor = paginate(entries, params.cursor, params.limit, noun="feature flags")
    except InvalidCursorError as exc:
        raise JsonRpcError.invalid_request(str(exc)) from None
    return {"data": page, "nextCursor": next_cursor}
