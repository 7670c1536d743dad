"""A pydantic-free first look at a config table: is it certainly one the typed view accepts?

Importing pydantic and building `ConfigToml` costs more than a whole `codex mcp list` may take,
and nearly every config.toml is valid. `surely_valid` answers True only when each key the
typed view knows has a value of exactly its type; anything else (a wrong type, a datetime, an
odd number) answers False and the caller asks pydantic, which also words the error. So a True
here never disagrees with pydantic; a False only costs the slow path.

The tables below mirror `typed.py`; tests/unit/config/test_quick_check.py keeps them in step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]


def _opt(check: Check) -> Check:
    return lambda value: value is None or check(value)


def _str(value: Any) -> bool:
    return isinstance(value, str)


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_ge0(value: Any) -> bool:
    return _int(value) and value >= 0


def _float_ge0(value: Any) -> bool:
    # NaN fails the comparison, as it fails pydantic's `ge=0`.
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _literal(*allowed: str) -> Check:
    return lambda value: isinstance(value, str) and value in allowed


def _list_of(check: Check) -> Check:
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


def _dict_of(check: Check) -> Check:
    return lambda value: (
        isinstance(value, dict) and all(isinstance(key, str) and check(item) for key, item in value.items())
    )


def _table(fields: dict[str, Check], after: Check | None = None) -> Check:
    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        for key, item in value.items():
            if not isinstance(key, str):
                return False
            field_check = fields.get(key)
            if field_check is not None and not field_check(item):
                return False
        return after is None or after(value)

    return check


_STRS = _dict_of(_str)
_STR_LIST = _list_of(_str)
_ASK_FOR_APPROVAL = _literal("untrusted", "on-failure", "on-request", "never")
_SANDBOX_MODE = _literal("read-only", "workspace-write", "danger-full-access")
_REASONING_EFFORT = _literal("none", "minimal", "low", "medium", "high", "xhigh")
_REASONING_SUMMARY = _literal("auto", "concise", "detailed", "none")
_VERBOSITY = _literal("low", "medium", "high")
_WEB_SEARCH = _literal("disabled", "cached", "live")
_PERSONALITY = _literal("none", "friendly", "pragmatic")
_STR_OR_TABLE: Check = lambda value: isinstance(value, str) or _dict_of(lambda _item: True)(value)  # noqa: E731

MODEL_PROVIDER: dict[str, Check] = {
    "name": _opt(_str),
    "base_url": _opt(_str),
    "env_key": _opt(_str),
    "env_key_instructions": _opt(_str),
    "experimental_bearer_token": _opt(_str),
    "wire_api": _opt(_literal("responses", "chat")),
    "query_params": _opt(_STRS),
    "http_headers": _opt(_STRS),
    "env_http_headers": _opt(_STRS),
    "request_max_retries": _opt(_int_ge0),
    "stream_max_retries": _opt(_int_ge0),
    "stream_idle_timeout_ms": _opt(_int_ge0),
    "requires_openai_auth": _opt(_bool),
    "supports_websockets": _opt(_bool),
}
SANDBOX_WORKSPACE_WRITE: dict[str, Check] = {
    "writable_roots": _STR_LIST,
    "network_access": _bool,
    "exclude_tmpdir_env_var": _bool,
    "exclude_slash_tmp": _bool,
}
TOOLS: dict[str, Check] = {"web_search": _opt(_bool), "view_image": _opt(_bool)}
ANALYTICS: dict[str, Check] = {"enabled": _opt(_bool)}
PROFILE: dict[str, Check] = {
    "model": _opt(_str),
    "model_provider": _opt(_str),
    "approval_policy": _opt(_ASK_FOR_APPROVAL),
    "sandbox_mode": _opt(_SANDBOX_MODE),
    "model_reasoning_effort": _opt(_REASONING_EFFORT),
    "model_reasoning_summary": _opt(_REASONING_SUMMARY),
    "model_verbosity": _opt(_VERBOSITY),
    "web_search": _opt(_WEB_SEARCH),
    "chatgpt_base_url": _opt(_str),
    "personality": _opt(_PERSONALITY),
    "features": _opt(_dict_of(_bool)),
    "tools": _opt(_table(TOOLS)),
    "analytics": _opt(_table(ANALYTICS)),
}
MCP_SERVER: dict[str, Check] = {
    "command": _opt(_str),
    "args": _opt(_STR_LIST),
    "env": _opt(_STRS),
    "env_vars": _opt(_STR_LIST),
    "cwd": _opt(_str),
    "url": _opt(_str),
    "bearer_token_env_var": _opt(_str),
    "http_headers": _opt(_STRS),
    "env_http_headers": _opt(_STRS),
    "enabled": _bool,
    "startup_timeout_sec": _opt(_float_ge0),
    "startup_timeout_ms": _opt(_int_ge0),
    "tool_timeout_sec": _opt(_float_ge0),
    "enabled_tools": _opt(_STR_LIST),
    "disabled_tools": _opt(_STR_LIST),
}


def _one_transport(table: Any) -> bool:
    """`McpServerToml`'s own rule: exactly one of `command` and `url`."""
    return (table.get("command") is None) != (table.get("url") is None)


SHELL_ENVIRONMENT_POLICY: dict[str, Check] = {
    "inherit": _opt(_literal("all", "core", "none")),
    "ignore_default_excludes": _opt(_bool),
    "exclude": _opt(_STR_LIST),
    "set": _opt(_STRS),
    "include_only": _opt(_STR_LIST),
    "experimental_use_profile": _opt(_bool),
}
PROJECT: dict[str, Check] = {"trust_level": _opt(_literal("trusted", "untrusted"))}
HISTORY: dict[str, Check] = {
    "persistence": _opt(_literal("save-all", "none")),
    "max_bytes": _opt(_int_ge0),
}
OTEL: dict[str, Check] = {
    "environment": _opt(_str),
    "exporter": _opt(_STR_OR_TABLE),
    "trace_exporter": _opt(_STR_OR_TABLE),
    "log_user_prompt": _opt(_bool),
}
APP: dict[str, Check] = {"enabled": _bool, "disabled_reason": _opt(_str)}
CONFIG: dict[str, Check] = {
    "model": _opt(_str),
    "review_model": _opt(_str),
    "model_provider": _opt(_str),
    "model_context_window": _opt(_int_ge0),
    "model_auto_compact_token_limit": _opt(_int),
    "model_providers": _dict_of(_table(MODEL_PROVIDER)),
    "approval_policy": _opt(_ASK_FOR_APPROVAL),
    "sandbox_mode": _opt(_SANDBOX_MODE),
    "sandbox_workspace_write": _opt(_table(SANDBOX_WORKSPACE_WRITE)),
    "model_reasoning_effort": _opt(_REASONING_EFFORT),
    "model_reasoning_summary": _opt(_REASONING_SUMMARY),
    "model_verbosity": _opt(_VERBOSITY),
    "model_supports_reasoning_summaries": _opt(_bool),
    "personality": _opt(_PERSONALITY),
    "profile": _opt(_str),
    "profiles": _dict_of(_table(PROFILE)),
    "features": _dict_of(_bool),
    "mcp_servers": _dict_of(_table(MCP_SERVER, after=_one_transport)),
    "cli_auth_credentials_store": _opt(_literal("file", "keyring", "auto", "ephemeral")),
    "mcp_oauth_credentials_store": _opt(_literal("auto", "file", "keyring")),
    "forced_login_method": _opt(_literal("chatgpt", "api")),
    "forced_chatgpt_workspace_id": _opt(_str),
    "chatgpt_base_url": _opt(_str),
    "shell_environment_policy": _opt(_table(SHELL_ENVIRONMENT_POLICY)),
    "projects": _dict_of(_table(PROJECT)),
    "project_root_markers": _opt(_STR_LIST),
    "notify": _opt(_STR_LIST),
    "history": _opt(_table(HISTORY)),
    "otel": _opt(_table(OTEL)),
    "web_search": _opt(_WEB_SEARCH),
    "tools": _opt(_table(TOOLS)),
    "analytics": _opt(_table(ANALYTICS)),
    "apps": _opt(_dict_of(_table(APP))),
    "instructions": _opt(_str),
    "developer_instructions": _opt(_str),
    "compact_prompt": _opt(_str),
    "experimental_instructions_file": _opt(_str),
    "hide_agent_reasoning": _opt(_bool),
    "show_raw_agent_reasoning": _opt(_bool),
    "project_doc_max_bytes": _opt(_int_ge0),
    "project_doc_fallback_filenames": _opt(_STR_LIST),
    "file_opener": _opt(_str),
    "disable_response_storage": _opt(_bool),
}

_CONFIG_CHECK = _table(CONFIG)


def surely_valid(config: dict[str, Any]) -> bool:
    """True only when `ConfigToml.model_validate(config)` certainly succeeds."""
    try:
        return _CONFIG_CHECK(config)
    except Exception:
        return False  # anything unforeseen: let pydantic judge
