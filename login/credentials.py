"""The credentials the AuthManager hands out (CodexAuth) and the external ChatGPT tokens a client
gives it; login.manager re-exports both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from login.storage import AuthMode, TokenData
from login.tokens import IdTokenInfo, wire_plan_type
from login.values import Value

REFRESH_INTERVAL = timedelta(days=8)
# Refresh a little before the access token's own expiry so a request never leaves with a dead token.
EXPIRY_SKEW = timedelta(seconds=60)


class ExternalTokens(Value):
    _fields = ("access_token", "account_id", "plan_type")
    __slots__ = _fields
    access_token: Final[str]
    account_id: Final[str]
    plan_type: Final[str | None]

    def __init__(self, access_token: str, account_id: str, plan_type: str | None = None) -> None:
        self.access_token = access_token
        self.account_id = account_id
        self.plan_type = plan_type


class CodexAuth(Value):
    """An immutable view of the active credentials."""

    _fields = ("mode", "api_key", "tokens", "last_refresh", "plan_override")
    __slots__ = _fields
    mode: Final[AuthMode]
    api_key: Final[str | None]
    tokens: Final[TokenData | None]
    last_refresh: Final[datetime | None]
    plan_override: Final[str | None]  # external tokens may name the plan explicitly

    def __init__(
        self,
        mode: AuthMode,
        api_key: str | None,
        tokens: TokenData | None,
        last_refresh: datetime | None,
        plan_override: str | None = None,
    ) -> None:
        self.mode = mode
        self.api_key = api_key
        self.tokens = tokens
        self.last_refresh = last_refresh
        self.plan_override = plan_override

    @property
    def is_chatgpt(self) -> bool:
        return self.mode in ("chatgpt", "chatgptAuthTokens")

    @property
    def id_info(self) -> IdTokenInfo:
        return (
            IdTokenInfo.parse(self.tokens.id_token)
            if self.tokens
            else IdTokenInfo(None, None, None, None, None)
        )

    @property
    def access_info(self) -> IdTokenInfo:
        return (
            IdTokenInfo.parse(self.tokens.access_token)
            if self.tokens
            else IdTokenInfo(None, None, None, None, None)
        )

    @property
    def email(self) -> str | None:
        return self.id_info.email or self.access_info.email

    @property
    def account_id(self) -> str | None:
        if self.tokens is None:
            return None
        return self.tokens.account_id or self.id_info.account_id

    @property
    def plan_type(self) -> str:
        """The wire planType (free, plus, ..., unknown)."""
        raw = self.plan_override or self.id_info.plan_type or self.access_info.plan_type
        return wire_plan_type(raw)

    @property
    def bearer_token(self) -> str | None:
        if self.mode == "apikey":
            return self.api_key
        return self.tokens.access_token if self.tokens else None

    def needs_refresh(self, now: datetime) -> bool:
        if self.mode != "chatgpt" or self.tokens is None:
            return False
        if self.last_refresh is None or now - self.last_refresh > REFRESH_INTERVAL:
            return True
        exp = self.access_info.expires_at
        return exp is not None and datetime.fromtimestamp(exp, UTC) - EXPIRY_SKEW <= now
