"""v2 account/login/rate-limit/feedback types."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import I32, I64, V2, Named, OptN, V2Model
from .core import PlanType


class ApiKeyAccount(V2Model):
    wire_inline = True
    type: Literal["apiKey"] = "apiKey"


class ChatgptAccount(V2Model):
    wire_inline = True
    type: Literal["chatgpt"] = "chatgpt"
    email: str
    plan_type: PlanType


class CancelLoginAccountParams(V2Model):
    login_id: str


class CancelLoginAccountResponse(V2Model):
    status: "CancelLoginAccountStatus"


class CreditsSnapshot(V2Model):
    has_credits: bool
    unlimited: bool
    balance: str | None = None


class FeedbackUploadParams(V2Model):
    classification: str
    reason: OptN[str] = None
    thread_id: OptN[str] = None
    include_logs: bool


class FeedbackUploadResponse(V2Model):
    thread_id: str


class GetAccountParams(V2Model):
    refresh_token: bool = False


class GetAccountRateLimitsResponse(V2Model):
    rate_limits: "RateLimitSnapshot"
    rate_limits_by_limit_id: "dict[str, RateLimitSnapshot] | None" = None


class GetAccountResponse(V2Model):
    account: "Account | None" = None
    requires_openai_auth: bool


class ApiKeyLoginAccountParams(V2Model):
    wire_inline = True
    type: Literal["apiKey"] = "apiKey"
    api_key: str


class ChatgptLoginAccountParams(V2Model):
    wire_inline = True
    type: Literal["chatgpt"] = "chatgpt"


class ChatgptAuthTokensLoginAccountParams(V2Model):
    wire_inline = True
    type: Literal["chatgptAuthTokens"] = "chatgptAuthTokens"
    access_token: str
    chatgpt_account_id: str
    chatgpt_plan_type: OptN[str] = None


class ApiKeyLoginAccountResponse(V2Model):
    wire_inline = True
    type: Literal["apiKey"] = "apiKey"


class ChatgptLoginAccountResponse(V2Model):
    wire_inline = True
    type: Literal["chatgpt"] = "chatgpt"
    login_id: str
    auth_url: str


class ChatgptAuthTokensLoginAccountResponse(V2Model):
    wire_inline = True
    type: Literal["chatgptAuthTokens"] = "chatgptAuthTokens"


class LogoutAccountResponse(V2Model):
    pass


class RateLimitSnapshot(V2Model):
    limit_id: str | None = None
    limit_name: str | None = None
    primary: "RateLimitWindow | None" = None
    secondary: "RateLimitWindow | None" = None
    credits: CreditsSnapshot | None = None
    plan_type: PlanType | None = None


class RateLimitWindow(V2Model):
    used_percent: I32
    window_duration_mins: I64 | None = None
    resets_at: I64 | None = None


Account = Annotated[ApiKeyAccount | ChatgptAccount, Field(discriminator="type"), Named("Account", V2)]


CancelLoginAccountStatus = Annotated[Literal["canceled", "notFound"], Named("CancelLoginAccountStatus", V2)]


LoginAccountParams = Annotated[
    ApiKeyLoginAccountParams | ChatgptLoginAccountParams | ChatgptAuthTokensLoginAccountParams,
    Field(discriminator="type"),
    Named("LoginAccountParams", V2),
]


LoginAccountResponse = Annotated[
    ApiKeyLoginAccountResponse | ChatgptLoginAccountResponse | ChatgptAuthTokensLoginAccountResponse,
    Field(discriminator="type"),
    Named("LoginAccountResponse", V2),
]
