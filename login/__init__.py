"""Codex authentication: stored credentials, the process-wide AuthManager, and the login flows.

Importing this package is cheap (no httpx, no rich): network code is imported when a flow runs.
"""

from __future__ import annotations

from login.manager import (
    AuthManager,
    CodexAuth,
    ExternalRefreshFailed,
    ExternalTokens,
    LoginRestricted,
    ManagedAuthSource,
)
from login.oauth import CLIENT_ID, DEFAULT_ISSUER, OAuthError, RefreshFailed, issuer_url
from login.storage import AuthDotJson, AuthStorageError, TokenData
from login.tokens import mask_api_key

__all__ = [
    "CLIENT_ID",
    "DEFAULT_ISSUER",
    "AuthDotJson",
    "AuthManager",
    "AuthStorageError",
    "CodexAuth",
    "ExternalRefreshFailed",
    "ExternalTokens",
    "LoginRestricted",
    "ManagedAuthSource",
    "OAuthError",
    "RefreshFailed",
    "TokenData",
    "issuer_url",
    "mask_api_key",
]
