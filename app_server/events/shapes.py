"""Core (snake_case) shapes -> v2 (camelCase) shapes for items, usage, rate limits and errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.events import Duration, ErrorEvent, StreamErrorEvent


def thread_item(item: dict[str, Any]) -> dict[str, Any]:
    """A core TurnItem as the v2 ThreadItem."""
    kind = item.get("type")
    item_id = item.get("id", "")
    if kind == "UserMessage":
        from app_server.input_wire import v2_user_input

        return {"type": "userMessage", "id": item_id, "content": v2_user_input(item.get("content", []))}
    if kind == "AgentMessage":
        text = "".join(part.get("text", "") for part in item.get("content", []) if isinstance(part, dict))
        return {"type": "agentMessage", "id": item_id, "text": text}
    if kind == "Reasoning":
        return {
            "type": "reasoning",
            "id": item_id,
            "summary": item.get("summary_text", []),
            "content": item.get("raw_content", []),
        }
    if kind == "ContextCompaction":
        return {"type": "contextCompaction", "id": item_id}
    if kind == "Plan":
        return {"type": "plan", "id": item_id, "text": item.get("text", "")}
    if kind == "WebSearch":
        from codex_core.rollout.history import v2_web_search_action

        return {
            "type": "webSearch",
            "id": item_id,
            "query": item.get("query", ""),
            "action": v2_web_search_action(item.get("action")),
        }
    if kind in ("enteredReviewMode", "exitedReviewMode"):
        return item
    # Items the core emits already in v2 form (command executions, file changes, MCP calls).
    return item


def token_usage(usage: dict[str, Any]) -> dict[str, int]:
    return {
        "totalTokens": usage["total_tokens"],
        "inputTokens": usage["input_tokens"],
        "cachedInputTokens": usage["cached_input_tokens"],
        "outputTokens": usage["output_tokens"],
        "reasoningOutputTokens": usage["reasoning_output_tokens"],
    }


def token_usage_info(info: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": token_usage(info["total_token_usage"]),
        "last": token_usage(info["last_token_usage"]),
        "modelContextWindow": info.get("model_context_window"),
    }


def _window(window: dict[str, Any] | None) -> dict[str, Any] | None:
    if window is None:
        return None
    return {
        "usedPercent": window.get("used_percent"),
        "windowDurationMins": window.get("window_minutes"),
        "resetsAt": window.get("resets_at"),
    }


def rate_limits(snapshot: dict[str, Any]) -> dict[str, Any]:
    credits = snapshot.get("credits")
    return {
        "limitId": snapshot.get("limit_id"),
        "limitName": snapshot.get("limit_name"),
        "primary": _window(snapshot.get("primary")),
        "secondary": _window(snapshot.get("secondary")),
        "credits": None
        if credits is None
        else {
            "hasCredits": credits.get("has_credits"),
            "unlimited": credits.get("unlimited"),
            "balance": credits.get("balance"),
        },
        "planType": snapshot.get("plan_type"),
    }


def duration_ms(duration: Duration) -> int:
    """A core Duration as the v2 items' `durationMs`."""
    return duration["secs"] * 1000 + duration["nanos"] // 1_000_000


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def error_info(info: Any) -> Any:
    """Core CodexErrorInfo (`context_window_exceeded`, `{http_connection_failed: {...}}`) -> v2 camelCase."""
    if info is None:
        return None
    if isinstance(info, str):
        return _camel(info)
    if isinstance(info, dict):
        return {_camel(key): {_camel(k): v for k, v in (value or {}).items()} for key, value in info.items()}
    return "other"


def turn_error(msg: ErrorEvent | StreamErrorEvent) -> dict[str, Any]:
    return {
        "message": msg["message"],
        "codexErrorInfo": error_info(msg["codex_error_info"]),
        "additionalDetails": msg["additional_details"] if msg["type"] == "stream_error" else None,
    }
