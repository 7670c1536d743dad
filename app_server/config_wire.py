"""The reference's wire shapes of config: v2 `Config` (config/read) and v1 `UserSavedConfig`."""

from __future__ import annotations

from typing import Any

# v2 `Config` fields in the reference's order; every one is present (null when unset).
_SCALARS_HEAD = (
    "model",
    "review_model",
    "model_context_window",
    "model_auto_compact_token_limit",
    "model_provider",
    "approval_policy",
    "sandbox_mode",
)
_SCALARS_MID = ("forced_chatgpt_workspace_id", "forced_login_method", "web_search")
_SCALARS_TAIL = (
    "instructions",
    "developer_instructions",
    "compact_prompt",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_verbosity",
)
_PROFILE_FIELDS = (
    "model",
    "model_provider",
    "approval_policy",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_verbosity",
    "web_search",
    "chatgpt_base_url",
)


def _table(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _sandbox_workspace_write(value: Any) -> dict[str, Any] | None:
    table = _table(value)
    if table is None:
        return None
    return {
        "writable_roots": table.get("writable_roots", []),
        "network_access": table.get("network_access", False),
        "exclude_tmpdir_env_var": table.get("exclude_tmpdir_env_var", False),
        "exclude_slash_tmp": table.get("exclude_slash_tmp", False),
    }


def _with_extras(known: dict[str, Any], table: dict[str, Any]) -> dict[str, Any]:
    for key, value in table.items():
        if key not in known:
            known[key] = value
    return known


def _profile(value: Any) -> dict[str, Any]:
    table = _table(value) or {}
    return _with_extras({name: table.get(name) for name in _PROFILE_FIELDS}, table)


def config_wire(merged: dict[str, Any]) -> dict[str, Any]:
    """The merged layers as the reference's `Config`: known keys first, then every other key as is."""
    out: dict[str, Any] = {name: merged.get(name) for name in _SCALARS_HEAD}
    out["sandbox_workspace_write"] = _sandbox_workspace_write(merged.get("sandbox_workspace_write"))
    for name in _SCALARS_MID:
        out[name] = merged.get(name)
    tools = _table(merged.get("tools"))
    out["tools"] = (
        None
        if tools is None
        else {"web_search": tools.get("web_search"), "view_image": tools.get("view_image")}
    )
    out["profile"] = merged.get("profile")
    profiles = _table(merged.get("profiles")) or {}
    out["profiles"] = {name: _profile(table) for name, table in profiles.items()}
    for name in _SCALARS_TAIL:
        out[name] = merged.get(name)
    analytics = _table(merged.get("analytics"))
    out["analytics"] = (
        None if analytics is None else _with_extras({"enabled": analytics.get("enabled")}, analytics)
    )
    apps = _table(merged.get("apps"))
    out["apps"] = (
        None
        if apps is None
        else {
            app_id: {
                "enabled": (_table(entry) or {}).get("enabled", True),
                "disabled_reason": (_table(entry) or {}).get("disabled_reason"),
            }
            for app_id, entry in apps.items()
        }
    )
    return _with_extras(out, merged)


def user_saved_config_wire(table: dict[str, Any]) -> dict[str, Any]:
    """v1 `getUserSavedConfig`: the user's own config.toml in camelCase."""
    sandbox = _table(table.get("sandbox_workspace_write"))
    tools = _table(table.get("tools"))
    profiles = _table(table.get("profiles")) or {}
    return {
        "approvalPolicy": table.get("approval_policy"),
        "sandboxMode": table.get("sandbox_mode"),
        "sandboxSettings": None
        if sandbox is None
        else {
            # A `[sandbox_workspace_write]` table has every flag: false unless set.
            "writableRoots": sandbox.get("writable_roots", []),
            "networkAccess": sandbox.get("network_access", False),
            "excludeTmpdirEnvVar": sandbox.get("exclude_tmpdir_env_var", False),
            "excludeSlashTmp": sandbox.get("exclude_slash_tmp", False),
        },
        "forcedChatgptWorkspaceId": table.get("forced_chatgpt_workspace_id"),
        "forcedLoginMethod": table.get("forced_login_method"),
        "model": table.get("model"),
        "modelReasoningEffort": table.get("model_reasoning_effort"),
        "modelReasoningSummary": table.get("model_reasoning_summary"),
        "modelVerbosity": table.get("model_verbosity"),
        "tools": None
        if tools is None
        else {"webSearch": tools.get("web_search"), "viewImage": tools.get("view_image")},
        "profile": table.get("profile"),
        "profiles": {
            name: {
                "model": (_table(p) or {}).get("model"),
                "modelProvider": (_table(p) or {}).get("model_provider"),
                "approvalPolicy": (_table(p) or {}).get("approval_policy"),
                "modelReasoningEffort": (_table(p) or {}).get("model_reasoning_effort"),
                "modelReasoningSummary": (_table(p) or {}).get("model_reasoning_summary"),
                "modelVerbosity": (_table(p) or {}).get("model_verbosity"),
                "chatgptBaseUrl": (_table(p) or {}).get("chatgpt_base_url"),
            }
            for name, p in profiles.items()
        },
    }
