"""Helpers for the core's events (their types: `codex_core.events`): usage, rate limits, errors.

Transports translate each event into the v2 notifications; the legacy stream is the events themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.events import TokenUsageFields

NULL_RATE_LIMITS: dict[str, Any] = {
    "limit_id": "codex",
    "limit_name": None,
    "primary": None,
    "secondary": None,
    "credits": None,
    "plan_type": None,
}

# Core error kinds (snake_case here; the v2 API camel-cases them).
ERROR_INFO_CORE = {
    "contextWindowExceeded": "context_window_exceeded",
    "usageLimitExceeded": "usage_limit_exceeded",
    "serverOverloaded": "server_overloaded",
    "internalServerError": "internal_server_error",
    "unauthorized": "unauthorized",
    "badRequest": "bad_request",
    "sandboxError": "sandbox_error",
    "threadRollbackFailed": "thread_rollback_failed",
    "other": "other",
}
_STATUS_KINDS = {
    "httpConnectionFailed": "http_connection_failed",
    "responseStreamConnectionFailed": "response_stream_connection_failed",
    "responseStreamDisconnected": "response_stream_disconnected",
    "responseTooManyFailedAttempts": "response_too_many_failed_attempts",
}


def core_error_info(kind: str | None, http_status: int | None = None) -> Any:
    """A model error's kind (camelCase, as the model client names it) in the core's snake_case form."""
    if kind is None:
        return None
    if kind in _STATUS_KINDS:
        return {_STATUS_KINDS[kind]: {"http_status_code": http_status}}
    return ERROR_INFO_CORE.get(kind, "other")


def usage_dict(usage: Any) -> dict[str, int]:
    return {
        "input_tokens": int(usage.input_tokens),
        "cached_input_tokens": int(usage.cached_input_tokens),
        "output_tokens": int(usage.output_tokens),
        "reasoning_output_tokens": int(usage.reasoning_output_tokens),
        "total_tokens": int(usage.total_tokens),
    }


def add_usage(info: dict[str, Any] | None, last: dict[str, int], window: int) -> dict[str, Any]:
    """Token info after one more response: `last` is that response, `total` the thread's running sum."""
    previous = info["total_token_usage"] if info else None
    total = {key: last[key] + (previous[key] if previous else 0) for key in last}
    return {"total_token_usage": total, "last_token_usage": last, "model_context_window": window}


def estimated_usage(session: Any) -> TokenUsageFields:
    """`info` and `rate_limits` of a token_count sent after the history was rewritten (rollback,
    compaction): the totals so far, and as the last count the size the next request would have,
    estimated at four bytes a token of instructions and history."""
    zero = {
        "input_tokens": 0,
        "cached_input_tokens": 0,
        "output_tokens": 0,
        "reasoning_output_tokens": 0,
        "total_tokens": 0,
    }
    info = session.token_info
    total = dict(info["total_token_usage"]) if info else dict(zero)
    size = len(session.settings.base_instructions.encode()) + session.history.json_size()
    last = {**zero, "total_tokens": size // 4}
    window = session.settings.context_window
    return {
        "info": {"total_token_usage": total, "last_token_usage": last, "model_context_window": window},
        # Before any response there are no limits to report (the reference sends null then).
        "rate_limits": session.rate_limits if info else None,
    }
