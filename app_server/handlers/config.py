"""config/read, config/value/write, config/batchWrite, configRequirements/read, getUserSavedConfig, setDefaultModel."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app_server.config_wire import config_wire, user_saved_config_wire
from app_server.handlers import RequestContext, config_errors, handler
from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from app_server.protocol.config import ConfigBatchWriteParams, ConfigReadParams, ConfigValueWriteParams
    from app_server.protocol.legacy_v1 import SetDefaultModelParams
    from app_server.protocol.results import (
        ConfigReadResponse,
        ConfigRequirementsReadResponse,
        ConfigWriteResponse,
        GetUserSavedConfigResponse,
        SetDefaultModelResponse,
    )

REQUIREMENTS_PATH = Path("/etc/codex/requirements.toml")


def _write_error(message: str, code: str) -> JsonRpcError:
    return JsonRpcError.invalid_request(message, {"config_write_error_code": code})


@handler("config/read")
async def config_read(ctx: RequestContext, params: ConfigReadParams) -> ConfigReadResponse:
    from codex_core.config.errors import ConfigError

    cwd = Path(params.cwd) if params.cwd else None
    try:
        loaded = ctx.state.load_config(cwd=cwd)
    except ConfigError as exc:
        raise config_errors.reading_error(exc) from None
    result: ConfigReadResponse = {"config": config_wire(loaded.merged), "origins": loaded.origins()}
    if params.include_layers:
        result["layers"] = loaded.layers_wire()
    return result


@handler("config/value/write")
async def config_value_write(ctx: RequestContext, params: ConfigValueWriteParams) -> ConfigWriteResponse:
    from codex_core.config.editor import ConfigEdit

    edit = ConfigEdit(params.key_path, params.value, params.merge_strategy)
    return _write(ctx, [edit], params.file_path, params.expected_version)


@handler("config/batchWrite")
async def config_batch_write(ctx: RequestContext, params: ConfigBatchWriteParams) -> ConfigWriteResponse:
    from codex_core.config.editor import ConfigEdit

    edits = [ConfigEdit(e.key_path, e.value, e.merge_strategy) for e in params.edits]
    return _write(ctx, edits, params.file_path, params.expected_version)


def _write(
    ctx: RequestContext, edits: list[Any], file_path: str | None, expected_version: str | None
) -> ConfigWriteResponse:
    from codex_core.config.editor import apply_edits
    from codex_core.config.errors import (
        ConfigError,
        ConfigPathNotFound,
        ConfigSyntaxError,
        ConfigValidationError,
        ConfigValueError,
        ConfigVersionConflict,
    )
    from codex_core.config.home import user_config_path

    user_path = user_config_path(ctx.state.codex_home)
    target = Path(file_path).expanduser() if file_path else user_path
    if target.absolute() != user_path.absolute():
        raise _write_error(
            f"Only the user config file can be written ({user_path}); {target} is read-only here.",
            "configLayerReadonly",
        )
    try:
        result = apply_edits(target, edits, expected_version=expected_version, arrays_of_tables=False)
    except ConfigVersionConflict as exc:
        raise _write_error(exc.detail, "configVersionConflict") from None
    except ConfigPathNotFound as exc:
        raise _write_error(exc.detail, "configPathNotFound") from None
    except ConfigValueError as exc:
        raise _write_error(exc.detail, "configValidationError") from None
    except ConfigSyntaxError as exc:
        raise config_errors.loading_error(exc) from None
    except ConfigValidationError as exc:
        where = f"in `{exc.key}`\n" if exc.key else ""
        raise _write_error(f"Invalid configuration: {exc.detail}\n{where}", "configValidationError") from None
    except ConfigError as exc:
        raise _write_error(f"Invalid configuration: {exc}", "configValidationError") from None
    except (TypeError, ValueError) as exc:  # a JSON value TOML cannot hold (null inside an array, ...)
        raise _write_error(f"Invalid configuration: {exc}", "configValidationError") from None
    response: ConfigWriteResponse = {
        "status": "ok",
        "version": result.version,
        "filePath": str(result.path),
        "overriddenMetadata": None,
    }
    overridden = _overridden(ctx, edits)
    if overridden is not None:
        response["status"] = "okOverridden"
        response["overriddenMetadata"] = overridden
    return response


def _overridden(ctx: RequestContext, edits: list[Any]) -> dict[str, Any] | None:
    """When a higher layer (project, -c flags) still decides the value, say which and what it is."""
    from codex_core.config.errors import ConfigError
    from codex_core.config.merge import get_path

    try:
        loaded = ctx.state.load_config()
    except ConfigError:
        return None
    user_index = next(i for i, layer in enumerate(loaded.layers) if layer.source.type == "user")
    for edit in edits:
        segments = edit.segments()
        layer = loaded.layer_for_key(segments)
        if layer is None or loaded.layers.index(layer) <= user_index:
            continue
        _, effective = get_path(loaded.merged, segments)
        return {
            "message": f"`{'.'.join(segments)}` is set by a higher-precedence {layer.source.type} layer, "
            "which overrides the value written to the user config.",
            "overridingLayer": layer.metadata_wire(),
            "effectiveValue": effective,
        }
    return None


@handler("configRequirements/read")
async def config_requirements_read(ctx: RequestContext, params: None) -> ConfigRequirementsReadResponse:
    return {"requirements": read_requirements(REQUIREMENTS_PATH)}


def read_requirements(path: Path) -> dict[str, Any] | None:
    """Admin-enforced limits from requirements.toml; None when there is no such file."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise JsonRpcError.invalid_request(f"invalid requirements file {path}: {exc}") from None
    residency = table.get("enforce_residency")
    return {
        "allowedApprovalPolicies": table.get("allowed_approval_policies"),
        "allowedSandboxModes": table.get("allowed_sandbox_modes"),
        "allowedWebSearchModes": table.get("allowed_web_search_modes"),
        "enforceResidency": residency if isinstance(residency, str) else None,
    }


@handler("getUserSavedConfig")
async def get_user_saved_config(ctx: RequestContext, params: None) -> GetUserSavedConfigResponse:
    from codex_core.config.errors import ConfigError

    try:
        loaded = ctx.state.load_config()
    except ConfigError as exc:
        raise config_errors.saved_config_error(exc) from None
    return {"config": user_saved_config_wire(loaded.user_layer.config)}


@handler("setDefaultModel")
async def set_default_model(ctx: RequestContext, params: SetDefaultModelParams) -> SetDefaultModelResponse:
    """As the reference: `model` and `model_reasoning_effort` of the active profile (the one the
    server runs with, else the file's `profile = ...`), or top-level; null removes the key."""
    from codex_core.config.editor import set_model
    from codex_core.config.errors import ConfigError
    from codex_core.config.home import user_config_path

    try:
        profile = ctx.state.load_config().profile
    except ConfigError:
        profile = None
    try:
        set_model(
            user_config_path(ctx.state.codex_home), params.model, params.reasoning_effort, profile=profile
        )
    except ConfigError as exc:
        raise config_errors.loading_error(exc) from None
    return {}
