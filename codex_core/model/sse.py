"""Responses API stream parsing: SSE payloads -> normalized events; rate-limit headers.

Transport-free, so it is unit-testable and shared by the HTTP client and any future
websocket transport.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import orjson

from codex_core.model.errors import StreamDisconnected, error_from_failed_event
from codex_core.model.events import (
    Completed,
    Created,
    ModelEvent,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    RateLimits,
    ReasoningContentDelta,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    TokenUsage,
)

__all__ = [
    "ResponsesStreamParser",
    "StreamParser",
    "parse_rate_limit_headers",
    "parse_usage",
]


class StreamParser(Protocol):
    """One parser per attempt; ``completed`` turns true once the response is whole."""

    completed: bool

    def feed(self, event: str, data: str) -> list[ModelEvent]:
        """Events for one SSE message; raises `ModelError` for a failed response."""
        ...

    def finish(self) -> list[ModelEvent]:
        """Called at end of body; raises when the response did not complete."""
        ...


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_usage(usage: Any) -> TokenUsage | None:
    if not isinstance(usage, dict):
        return None
    input_details = usage.get("input_tokens_details") or {}
    output_details = usage.get("output_tokens_details") or {}
    return TokenUsage(
        input_tokens=_int(usage.get("input_tokens")),
        cached_input_tokens=_int(
            input_details.get("cached_tokens") if isinstance(input_details, dict) else 0
        ),
        output_tokens=_int(usage.get("output_tokens")),
        reasoning_output_tokens=_int(
            output_details.get("reasoning_tokens") if isinstance(output_details, dict) else 0
        ),
        total_tokens=_int(usage.get("total_tokens")),
    )


class ResponsesStreamParser:
    def __init__(self) -> None:
        self.completed = False

    def feed(self, event: str, data: str) -> list[ModelEvent]:
        try:
            payload = orjson.loads(data)
        except ValueError:
            return []  # The reference skips unparsable events too.
        if not isinstance(payload, dict):
            return []
        kind = payload.get("type") or event
        item = payload.get("item")
        item_id = payload.get("item_id")
        delta = payload.get("delta")
        if kind == "response.created":
            response = payload.get("response") or {}
            return [Created(response.get("id") if isinstance(response, dict) else None)]
        if kind == "response.output_item.added" and isinstance(item, dict):
            return [OutputItemAdded(item)]
        if kind == "response.output_item.done" and isinstance(item, dict):
            return [OutputItemDone(item)]
        if kind == "response.output_text.delta" and isinstance(delta, str):
            return [OutputTextDelta(item_id, delta)]
        if kind == "response.reasoning_summary_part.added":
            index = payload.get("summary_index")
            return [ReasoningSummaryPartAdded(item_id, index)] if isinstance(index, int) else []
        if kind == "response.reasoning_summary_text.delta" and isinstance(delta, str):
            index = payload.get("summary_index")
            return [ReasoningSummaryDelta(item_id, delta, index)] if isinstance(index, int) else []
        if kind == "response.reasoning_text.delta" and isinstance(delta, str):
            index = payload.get("content_index")
            return [ReasoningContentDelta(item_id, delta, index)] if isinstance(index, int) else []
        if kind == "response.completed":
            response = payload.get("response")
            if not isinstance(response, dict):
                return []
            self.completed = True
            return [Completed(response.get("id"), parse_usage(response.get("usage")))]
        if kind == "response.failed":
            response = payload.get("response")
            error = response.get("error") if isinstance(response, dict) else None
            raise error_from_failed_event(error if isinstance(error, dict) else None)
        if kind == "response.incomplete":
            response = payload.get("response") or {}
            details = response.get("incomplete_details") if isinstance(response, dict) else None
            reason = details.get("reason") if isinstance(details, dict) else None
            raise StreamDisconnected(f"Incomplete response returned, reason: {reason or 'unknown'}")
        if kind == "error":
            error = payload.get("error") if isinstance(payload.get("error"), dict) else payload
            raise error_from_failed_event(error)
        if kind == "codex.rate_limits":
            return [RateLimits(_rate_limit_event(payload))]
        return []

    def finish(self) -> list[ModelEvent]:
        if not self.completed:
            raise StreamDisconnected(
                "stream disconnected before completion: stream closed before response.completed"
            )
        return []


# ---- rate limits -----------------------------------------------------------------------------


def _header_float(headers: Mapping[str, str], name: str) -> float | None:
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    raw = headers.get(name)
    try:
        return int(raw) if raw is not None else None
    except ValueError:
        return None


def _header_bool(headers: Mapping[str, str], name: str) -> bool | None:
    raw = (headers.get(name) or "").strip().lower()
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    return None


def _window(headers: Mapping[str, str], prefix: str, which: str) -> dict[str, Any] | None:
    used = _header_float(headers, f"{prefix}-{which}-used-percent")
    if used is None:
        return None
    minutes = _header_int(headers, f"{prefix}-{which}-window-minutes")
    resets_at = _header_int(headers, f"{prefix}-{which}-reset-at")
    # A window of all zeros means "no data" to the reference.
    if used == 0.0 and not minutes and resets_at is None:
        return None
    return {"used_percent": used, "window_minutes": minutes, "resets_at": resets_at}


def parse_rate_limit_headers(headers: Mapping[str, str], limit_id: str = "codex") -> dict[str, Any]:
    """Snapshot from ``x-codex-*`` headers; always a snapshot (all nulls when absent), as upstream.

    ``headers`` must be case-insensitive or lower-cased.
    """
    prefix = "x-" + limit_id.strip().lower().replace("_", "-")
    credits: dict[str, Any] | None = None
    has_credits = _header_bool(headers, "x-codex-credits-has-credits")
    unlimited = _header_bool(headers, "x-codex-credits-unlimited")
    if has_credits is not None and unlimited is not None:
        balance = (headers.get("x-codex-credits-balance") or "").strip() or None
        credits = {"has_credits": has_credits, "unlimited": unlimited, "balance": balance}
    limit_name = (headers.get(f"{prefix}-limit-name") or "").strip() or None
    return {
        "limit_id": limit_id.strip().lower().replace("-", "_"),
        "limit_name": limit_name,
        "primary": _window(headers, prefix, "primary"),
        "secondary": _window(headers, prefix, "secondary"),
        "credits": credits,
        "plan_type": None,
    }


def _event_window(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("used_percent"), int | float):
        return None
    return {
        "used_percent": float(raw["used_percent"]),
        "window_minutes": raw.get("window_minutes"),
        "resets_at": raw.get("reset_at"),
    }


def _rate_limit_event(payload: dict[str, Any]) -> dict[str, Any]:
    raw_limits = payload.get("rate_limits")
    limits: dict[str, Any] = raw_limits if isinstance(raw_limits, dict) else {}
    raw_credits = payload.get("credits")
    credits = None
    if isinstance(raw_credits, dict):
        credits = {
            "has_credits": bool(raw_credits.get("has_credits")),
            "unlimited": bool(raw_credits.get("unlimited")),
            "balance": raw_credits.get("balance"),
        }
    name = payload.get("metered_limit_name") or payload.get("limit_name")
    return {
        "limit_id": str(name).strip().lower().replace("-", "_") if name else "codex",
        "limit_name": None,
        "primary": _event_window(limits.get("primary")),
        "secondary": _event_window(limits.get("secondary")),
        "credits": credits,
        "plan_type": payload.get("plan_type"),
    }
