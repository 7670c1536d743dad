"""Codex authentication: stored credentials, the process-wide AuthManager, and the login flows.

Importing this package costs nothing: the names below are imported on first use (PEP 562), so
`login.provider` can be installed on the start-up path without loading the AuthManager.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "AuthManager": "login.manager",
    "CodexAuth": "login.manager",
    "ExternalRefreshFailed": "login.manager",
    "ExternalTokens": "login.manager",
    "LoginRestricted": "login.manager",
    "ManagedAuthSource": "login.manager",
    "CLIENT_ID": "login.oauth",
    "DEFAULT_ISSUER": "login.oauth",
    "OAuthError": "login.oauth",
    "RefreshFailed": "login.oauth",
    "issuer_url": "login.oauth",
    "AuthDotJson": "login.storage",
    "AuthStorageError": "login.storage",
    "TokenData": "login.storage",
    "mask_api_key": "login.tokens",
}

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


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'login' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
