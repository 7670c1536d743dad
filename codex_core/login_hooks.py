"""How codex_core reaches the login layer without importing it.

The login package installs a provider (`login.provider.install()`), which every entry point does
as it starts (the CLI, `codex app-server`, `codex mcp-server`). Without one, nothing is logged in:
providers with their own key (`env_key`, a bearer token, OPENAI_API_KEY) still work.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol


class LoginProvider(Protocol):
    def auth_source(self, codex_home: Path, env: Mapping[str, str] | None) -> Any:
        """What model requests authenticate with: the login's API key or ChatGPT tokens."""
        ...

    def current(self, codex_home: Path, env: Mapping[str, str] | None) -> Any:
        """The current login (mode, account id, email), or None when logged out."""
        ...


_provider: LoginProvider | None = None


def install_login_provider(provider: LoginProvider) -> None:
    global _provider
    _provider = provider


def login_provider() -> LoginProvider | None:
    return _provider
