"""Errors raised by the model client, with the reference's messages and `codexErrorInfo` codes.

Every error carries ``retryable``: whether the client's own retry loop may try again.  The
agent loop only sees errors that are final (retries exhausted or not retryable).
"""

from __future__ import annotations

import email.utils
import http
import json
import re
import time
from collections.abc import Mapping
from typing import Any

__all__ = [
    "BadRequest",
    "ConnectionFailed",
    "ContextWindowExceeded",
    "InternalServerError",
    "MissingEnvVar",
    "ModelError",
    "Other",
    "QuotaExceeded",
    "RetryLimitExceeded",
    "ServerOverloaded",
    "StreamDisconnected",
    "Unauthorized",
    "UsageLimitExceeded",
    "UsageNotIncluded",
    "error_from_failed_event",
    "error_from_http",
    "retry_after_seconds",
    "status_text",
]

CONTEXT_WINDOW_MESSAGE = (
    "Codex ran out of room in the model's context window. "
    "Start a new thread or clear earlier history before retrying."
)
QUOTA_MESSAGE = "Quota exceeded. Check your plan and billing details."
USAGE_NOT_INCLUDED_MESSAGE = (
    "To use Codex with your ChatGPT plan, upgrade to Plus: https://openai.com/chatgpt/pricing."
)
INTERNAL_SERVER_ERROR_MESSAGE = "We're currently experiencing high demand, which may cause temporary errors."
SERVER_OVERLOADED_MESSAGE = "Selected model is at capacity. Please try a different model."
STREAM_PREFIX = "stream disconnected before completion: "

# These codexErrorInfo variants are objects carrying the HTTP status on the wire.
_WITH_STATUS = frozenset(
    {
        "httpConnectionFailed",
        "responseStreamConnectionFailed",
        "responseStreamDisconnected",
        "responseTooManyFailedAttempts",
    }
)


class ModelError(Exception):
    """Base class; ``str(err)`` is the message the reference displays."""

    default_info: str | None = "other"
    default_retryable = False

    def __init__(
        self,
        message: str,
        codex_error_info: str | None = None,
        http_status: int | None = None,
        *,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.codex_error_info = codex_error_info if codex_error_info is not None else self.default_info
        self.http_status = http_status
        self.retryable = self.default_retryable if retryable is None else retryable
        # Server-requested delay before the next attempt (Retry-After, "try again in Xs").
        self.retry_after = retry_after

    def codex_error_info_json(self) -> str | dict[str, Any] | None:
        """The v2 wire shape: a bare string, or ``{name: {"httpStatusCode": n}}``."""
        info = self.codex_error_info
        if info in _WITH_STATUS:
            return {info: {"httpStatusCode": self.http_status}}
        return info

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.http_status})"


class ContextWindowExceeded(ModelError):
    default_info = "contextWindowExceeded"

    def __init__(self, message: str = CONTEXT_WINDOW_MESSAGE, http_status: int | None = None) -> None:
        super().__init__(message, http_status=http_status)


class UsageLimitExceeded(ModelError):
    default_info = "usageLimitExceeded"


class QuotaExceeded(UsageLimitExceeded):
    def __init__(self, message: str = QUOTA_MESSAGE, http_status: int | None = None) -> None:
        super().__init__(message, http_status=http_status)


class UsageNotIncluded(UsageLimitExceeded):
    def __init__(self, message: str = USAGE_NOT_INCLUDED_MESSAGE, http_status: int | None = None) -> None:
        super().__init__(message, http_status=http_status)


class Unauthorized(ModelError):
    default_info = "unauthorized"


class ConnectionFailed(ModelError):
    default_info = "httpConnectionFailed"
    default_retryable = True


class StreamDisconnected(ModelError):
    default_info = "responseStreamDisconnected"
    default_retryable = True


class ServerOverloaded(ModelError):
    default_info = "serverOverloaded"

    def __init__(self, message: str = SERVER_OVERLOADED_MESSAGE, http_status: int | None = None) -> None:
        super().__init__(message, http_status=http_status)


class InternalServerError(ModelError):
    default_info = "internalServerError"
    default_retryable = True

    def __init__(self, message: str = INTERNAL_SERVER_ERROR_MESSAGE, http_status: int | None = 500) -> None:
        super().__init__(message, http_status=http_status)


class RetryLimitExceeded(ModelError):
    default_info = "responseTooManyFailedAttempts"


class BadRequest(ModelError):
    default_info = "badRequest"


class Other(ModelError):
    default_info = "other"


class MissingEnvVar(ModelError):
    """The provider's `env_key` is unset (the reference's `EnvVarError`)."""

    default_info = "other"

    def __init__(self, var: str, instructions: str | None = None) -> None:
        message = f"Missing environment variable: `{var}`."
        if instructions:
            message += f" {instructions}"
        super().__init__(message)
        self.var = var
        self.instructions = instructions


def status_text(status: int) -> str:
    """``429 Too Many Requests``, as Rust's `StatusCode` displays it."""
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _error_object(body: str) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {}
    if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
        error: dict[str, Any] = parsed["error"]
        return error
    return {}


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Delay requested by ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = (lowered.get("retry-after") or "").strip()
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(when.timestamp() - current, 0.0)


_TRY_AGAIN = re.compile(r"(?i)try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)")


def _delay_from_message(code: str | None, message: str) -> float | None:
    # Rate-limit failures inside the stream say "Please try again in 1.2s".
    if code != "rate_limit_exceeded":
        return None
    match = _TRY_AGAIN.search(message)
    if not match:
        return None
    value = float(match.group(1))
    return value / 1000.0 if match.group(2).lower() == "ms" else value


def error_from_failed_event(error: Mapping[str, Any] | None) -> ModelError:
    """Map the ``error`` object of ``response.failed`` (or an ``error`` event)."""
    err = dict(error or {})
    code = err.get("code") if isinstance(err.get("code"), str) else None
    message = str(err.get("message") or "")
    if code == "context_length_exceeded":
        return ContextWindowExceeded()
    if code == "insufficient_quota":
        return QuotaExceeded()
    if code == "usage_not_included":
        return UsageNotIncluded()
    if code in ("server_is_overloaded", "slow_down"):
        return ServerOverloaded()
    return StreamDisconnected(
        STREAM_PREFIX + (message or "response.failed event received"),
        retry_after=_delay_from_message(code, message),
    )


def _format_reset(resets_at: float) -> str:
    when = time.localtime(resets_at)
    if time.strftime("%Y-%m-%d", when) == time.strftime("%Y-%m-%d"):
        return time.strftime("%-I:%M %p", when)
    day = when.tm_mday
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return time.strftime(f"%b %-d{suffix}, %Y %-I:%M %p", when)


def _usage_limit_message(err: Mapping[str, Any]) -> str:
    """The reference's plan-specific wording for a 429 ``usage_limit_reached``."""
    plan = err.get("plan_type")
    resets_at = err.get("resets_at")
    reset = _format_reset(resets_at) if isinstance(resets_at, int | float) else None
    or_later = f" or try again at {reset}." if reset else " or try again later."
    later = f" Try again at {reset}." if reset else " Try again later."
    head = "You've hit your usage limit."
    if plan == "free":
        return f"{head} Upgrade to Plus to continue using Codex (https://openai.com/chatgpt/pricing)."
    if plan == "plus":
        return (
            f"{head} Upgrade to Pro (https://openai.com/chatgpt/pricing), visit "
            f"https://chatgpt.com/codex/settings/usage to purchase more credits{or_later}"
        )
    if plan == "pro":
        return f"{head} Visit https://chatgpt.com/codex/settings/usage to purchase more credits{or_later}"
    if plan in ("team", "business"):
        return f"{head} To get more access now, send a request to your admin{or_later}"
    return head + later


def error_from_http(
    status: int,
    body: str,
    headers: Mapping[str, str],
) -> ModelError:
    """Map a non-2xx response.  ``retryable`` marks what the request-level loop may retry."""
    err = _error_object(body)
    code = err.get("code") if isinstance(err.get("code"), str) else None
    err_type = err.get("type") if isinstance(err.get("type"), str) else None
    retry_after = retry_after_seconds(headers)
    request_id = headers.get("x-request-id") or headers.get("x-oai-request-id")
    id_suffix = f", request id: {request_id}" if request_id else ""

    if code == "context_length_exceeded":
        return ContextWindowExceeded(http_status=status)
    if status == 401:
        return Unauthorized(
            f"unexpected status {status_text(status)}: {_display_body(err, body)}{id_suffix}",
            http_status=status,
        )
    if status == 400:
        return BadRequest(body, http_status=status)
    if status == 429:
        if err_type == "usage_limit_reached" or code == "usage_limit_reached":
            return UsageLimitExceeded(_usage_limit_message(err), http_status=status)
        if err_type == "usage_not_included" or code == "usage_not_included":
            return UsageNotIncluded(http_status=status)
        if code == "insufficient_quota" or err_type == "insufficient_quota":
            return QuotaExceeded(http_status=status)
        return RetryLimitExceeded(
            f"exceeded retry limit, last status: {status_text(status)}{id_suffix}",
            http_status=status,
            retryable=True,
            retry_after=retry_after,
        )
    if status == 503 and code in ("server_is_overloaded", "slow_down"):
        # Transient at the HTTP layer, but surfaces as "at capacity" once retries run out.
        error: ModelError = ServerOverloaded(http_status=status)
        error.retryable = True
        error.retry_after = retry_after
        return error
    if status == 500:
        error = InternalServerError(http_status=status)
        error.retry_after = retry_after
        return error
    return Other(
        f"unexpected status {status_text(status)}: {_display_body(err, body)}{id_suffix}",
        http_status=status,
        retryable=status >= 500,
        retry_after=retry_after,
    )


def _display_body(err: Mapping[str, Any], body: str) -> str:
    message = err.get("message")
    if isinstance(message, str) and message.strip():
        return message.strip()
    trimmed = body.strip()
    if not trimmed:
        return "Unknown error"
    return trimmed if len(trimmed) <= 1000 else trimmed[:1000] + "..."
