"""ChatGPT plan usage (account/rateLimits/read): GET {chatgpt_base_url}/wham/usage, mapped to the wire snapshot."""

from __future__ import annotations

import math
from typing import Any

from login.oauth import HTTP_TIMEOUT_S, OAuthError

DEFAULT_CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/"


def usage_url(base_url: str | None) -> str:
    base = (base_url or DEFAULT_CHATGPT_BASE_URL).rstrip("/")
    # The ChatGPT backend serves it under /wham; a Codex API server under /api/codex.
    return f"{base}/wham/usage" if "/backend-api" in base else f"{base}/api/codex/usage"


async def fetch_usage(base_url: str | None, headers: dict[str, str]) -> dict[str, Any]:
    import httpx

    try:
        async with httpx.AsyncClient(timeout=HTTP_TIMEOUT_S) as client:
            response = await client.get(usage_url(base_url), headers=headers)
    except httpx.HTTPError as exc:
        raise OAuthError(f"failed to fetch codex rate limits: {type(exc).__name__}") from None
    if response.status_code // 100 != 2:
        raise OAuthError(f"failed to fetch codex rate limits: status {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise OAuthError("failed to fetch codex rate limits: invalid JSON") from None
    if not isinstance(data, dict):
        raise OAuthError("failed to fetch codex rate limits: unexpected response")
    return data


def _window(raw: Any) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        return None
    used = raw.get("used_percent")
    seconds = raw.get("limit_window_seconds")
    reset = raw.get("reset_at")
    return {
        "usedPercent": round(used) if isinstance(used, int | float) else 0,
        "windowDurationMins": math.ceil(seconds / 60)
        if isinstance(seconds, int | float) and seconds > 0
        else None,
        "resetsAt": int(reset) if isinstance(reset, int | float) else None,
    }


def _plan(raw: Any) -> str | None:
    from login.tokens import wire_plan_type

    return wire_plan_type(raw) if isinstance(raw, str) else None


def _snapshot(limit_id: str, name: str | None, rate: Any, credits: Any, plan: str | None) -> dict[str, Any]:
    rate = rate if isinstance(rate, dict) else {}
    credit_view = None
    if isinstance(credits, dict):
        balance = credits.get("balance")
        credit_view = {
            "hasCredits": bool(credits.get("has_credits")),
            "unlimited": bool(credits.get("unlimited")),
            "balance": None if balance is None else str(balance),
        }
    return {
        "limitId": limit_id,
        "limitName": name,
        "primary": _window(rate.get("primary_window")),
        "secondary": _window(rate.get("secondary_window")),
        "credits": credit_view,
        "planType": plan,
    }


def rate_limits_response(payload: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(payload.get("plan_type"))
    main = _snapshot("codex", None, payload.get("rate_limit"), payload.get("credits"), plan)
    by_id: dict[str, Any] = {"codex": main}
    extra = payload.get("additional_rate_limits")
    if isinstance(extra, list):
        for item in extra:
            if not isinstance(item, dict):
                continue
            limit_id = item.get("metered_feature") or item.get("limit_id")
            if isinstance(limit_id, str) and limit_id:
                name = item.get("limit_name")
                by_id[limit_id] = _snapshot(
                    limit_id, name if isinstance(name, str) else None, item.get("rate_limit"), None, plan
                )
    return {"rateLimits": main, "rateLimitsByLimitId": by_id}
