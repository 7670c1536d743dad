"""JWT claim reading (no signature check: the tokens come from our own store or the issuer over TLS)."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

AUTH_CLAIMS_KEY = "https://api.openai.com/auth"
PROFILE_CLAIMS_KEY = "https://api.openai.com/profile"

# Plan names account/read reports; anything else the backend invents is reported as "unknown".
KNOWN_PLANS = frozenset({"free", "go", "plus", "pro", "team", "business", "enterprise", "edu"})


def jwt_payload(token: str) -> dict[str, Any]:
    """The decoded payload of a JWT, or {} when the token is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return {}
    segment = parts[1]
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def auth_claims(token: str) -> dict[str, Any]:
    claims = jwt_payload(token).get(AUTH_CLAIMS_KEY)
    return claims if isinstance(claims, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class IdTokenInfo:
    """What Codex needs from an id token (or an access token, for external auth)."""

    email: str | None
    plan_type: str | None  # raw claim value
    account_id: str | None
    user_id: str | None
    expires_at: int | None  # unix seconds

    @classmethod
    def parse(cls, token: str) -> IdTokenInfo:
        payload = jwt_payload(token)
        claims = payload.get(AUTH_CLAIMS_KEY)
        auth = claims if isinstance(claims, dict) else {}
        email = _str(payload.get("email"))
        if email is None:
            profile = payload.get(PROFILE_CLAIMS_KEY)
            if isinstance(profile, dict):
                email = _str(profile.get("email"))
        exp = payload.get("exp")
        return cls(
            email=email,
            plan_type=_str(auth.get("chatgpt_plan_type")),
            account_id=_str(auth.get("chatgpt_account_id")),
            user_id=_str(auth.get("chatgpt_user_id")) or _str(auth.get("user_id")),
            expires_at=int(exp) if isinstance(exp, int | float) and not isinstance(exp, bool) else None,
        )


def wire_plan_type(raw: str | None) -> str:
    """The account/read `planType` for a claim value."""
    if raw is None:
        return "unknown"
    lowered = raw.lower()
    return lowered if lowered in KNOWN_PLANS else "unknown"


def mask_api_key(key: str) -> str:
    """`sk-test-***56789`: first 8 and last 5 characters; short keys are fully hidden."""
    if len(key) <= 13:
        return "***"
    return f"{key[:8]}***{key[-5:]}"
