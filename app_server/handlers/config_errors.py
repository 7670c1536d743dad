"""The reference's JSON-RPC errors for requests that need a configuration that does not load."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app_server.jsonrpc import JsonRpcError

if TYPE_CHECKING:
    from codex_core.config.errors import ConfigError


def _is_validation(exc: ConfigError) -> bool:
    from codex_core.config.errors import ConfigValidationError

    return isinstance(exc, ConfigValidationError)


def _serde_detail(exc: ConfigError) -> str:
    """serde's form for a value of the wrong type: the message, then the key on its own line."""
    return f"{exc.detail}\nin `{exc.key}`\n" if exc.key else f"{exc.detail}\n"


def deriving_error(exc: ConfigError) -> JsonRpcError:
    """thread/start, thread/resume, thread/fork, newConversation, ...: a bad value from the
    request's own overrides reads as serde words it (no file to point at)."""
    if _is_validation(exc) and exc.path is None:
        return JsonRpcError.invalid_request(f"error deriving config: {_serde_detail(exc)}")
    return JsonRpcError.invalid_request(f"error deriving config: {exc.located()}")


def reading_error(exc: ConfigError) -> JsonRpcError:
    """config/read."""
    if _is_validation(exc):
        return JsonRpcError.internal(f"invalid configuration: {_serde_detail(exc)}")
    return JsonRpcError.internal(f"failed to read configuration layers: {exc.located()}")


def saved_config_error(exc: ConfigError) -> JsonRpcError:
    """getUserSavedConfig."""
    if _is_validation(exc):
        return JsonRpcError.internal(f"failed to parse config.toml: {_serde_detail(exc)}")
    return JsonRpcError.internal(f"failed to load configuration: {exc.located()}")


def loading_error(exc: ConfigError) -> JsonRpcError:
    """A config write whose target file cannot even be read as TOML."""
    return JsonRpcError.internal(f"failed to load configuration: {exc.located()}")
