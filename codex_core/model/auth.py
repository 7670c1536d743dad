"""Where the model request's credentials come from.

`AuthSource` is the small interface the client needs; the ChatGPT-token AuthManager (a later
piece) implements the same protocol and sets ``chatgpt_mode = True``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from codex_core.model.errors import MissingEnvVar

if TYPE_CHECKING:
    from codex_core.config.providers import ModelProvider

__all__ = [
    "AuthSource",
    "EnvKeyAuth",
    "StaticAuth",
    "auth_for_provider",
    "is_chatgpt_mode",
]


@runtime_checkable
class AuthSource(Protocol):
    async def headers(self) -> dict[str, str]:
        """Auth headers for the next request (``Authorization`` and, for ChatGPT, the account id)."""
        ...

    async def on_unauthorized(self) -> bool:
        """Called after a 401: refresh credentials; True when retrying the request makes sense."""
        ...


def is_chatgpt_mode(auth: object) -> bool:
    """ChatGPT auth picks the ChatGPT backend as the default base URL."""
    return bool(getattr(auth, "chatgpt_mode", False))


class StaticAuth:
    """A fixed bearer token, or no credentials at all (local providers such as ollama)."""

    chatgpt_mode = False

    def __init__(self, token: str | None) -> None:
        self._token = token

    async def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._token}"} if self._token else {}

    async def on_unauthorized(self) -> bool:
        return False


class EnvKeyAuth:
    """Bearer token read from the provider's ``env_key`` variable at request time."""

    chatgpt_mode = False

    def __init__(self, provider: ModelProvider, env: Mapping[str, str] | None = None) -> None:
        if not provider.env_key:
            raise ValueError(f"provider `{provider.id}` has no env_key")
        self._var = provider.env_key
        self._instructions = provider.env_key_instructions
        self._env: Mapping[str, str] = os.environ if env is None else env

    def api_key(self) -> str:
        value = self._env.get(self._var, "")
        if not value.strip():
            raise MissingEnvVar(self._var, self._instructions)
        return value

    async def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.api_key()}"}

    async def on_unauthorized(self) -> bool:
        return False


def auth_for_provider(
    provider: ModelProvider,
    env: Mapping[str, str] | None = None,
    *,
    codex_home: Path | None = None,
) -> AuthSource:
    """Credentials for ``provider``.

    Order: the provider's ``env_key`` → ``experimental_bearer_token`` → for providers that use
    OpenAI auth, ``OPENAI_API_KEY`` from the environment, then the login.AuthManager → none.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    if provider.env_key:
        return EnvKeyAuth(provider, environ)
    if provider.experimental_bearer_token:
        return StaticAuth(provider.experimental_bearer_token)
    if provider.requires_openai_auth or provider.id == "openai":
        key = environ.get("OPENAI_API_KEY", "")
        if key.strip():
            return StaticAuth(key)
        if codex_home is not None:
            # The login layer's AuthManager: API key or ChatGPT tokens, refreshed and shared.
            from codex_core.login_hooks import login_provider

            login = login_provider()
            if login is not None:
                source: AuthSource = login.auth_source(Path(codex_home), env)
                return source
    return StaticAuth(None)
