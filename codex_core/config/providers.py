"""Model providers: the reference's built-ins, merged with `[model_providers.*]` from config."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex_core.config.typed import ConfigToml, ModelProviderToml

DEFAULT_REQUEST_MAX_RETRIES = 4
DEFAULT_STREAM_MAX_RETRIES = 5
DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000
# The reference caps user-supplied retry counts so a typo cannot retry forever.
MAX_RETRIES_CAP = 100
DEFAULT_OSS_PORT = 11434
LMSTUDIO_PORT = 1234
OPENAI_API_BASE_URL = "https://api.openai.com/v1"
CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/codex"


@dataclass(frozen=True)
class ModelProvider:
    id: str
    name: str
    base_url: str | None = None  # None: chosen by auth mode (API key vs ChatGPT) for openai
    env_key: str | None = None
    env_key_instructions: str | None = None
    experimental_bearer_token: str | None = None
    wire_api: str = "responses"
    query_params: Mapping[str, str] = field(default_factory=dict)
    http_headers: Mapping[str, str] = field(default_factory=dict)
    env_http_headers: Mapping[str, str] = field(default_factory=dict)
    request_max_retries: int = DEFAULT_REQUEST_MAX_RETRIES
    stream_max_retries: int = DEFAULT_STREAM_MAX_RETRIES
    stream_idle_timeout_ms: int = DEFAULT_STREAM_IDLE_TIMEOUT_MS
    requires_openai_auth: bool = False
    supports_websockets: bool = False


def builtin_providers(env: Mapping[str, str] | None = None) -> dict[str, ModelProvider]:
    environ = os.environ if env is None else env
    openai_base = environ.get("OPENAI_BASE_URL") or None
    oss_base = environ.get("CODEX_OSS_BASE_URL")
    if not oss_base:
        port = environ.get("CODEX_OSS_PORT") or str(DEFAULT_OSS_PORT)
        oss_base = f"http://localhost:{port}/v1"
    return {
        "openai": ModelProvider(
            id="openai",
            name="OpenAI",
            base_url=openai_base,
            wire_api="responses",
            env_http_headers={
                "OpenAI-Organization": "OPENAI_ORGANIZATION",
                "OpenAI-Project": "OPENAI_PROJECT",
            },
            requires_openai_auth=True,
            supports_websockets=True,
        ),
        "ollama": ModelProvider(id="ollama", name="gpt-oss", base_url=oss_base, wire_api="responses"),
        "lmstudio": ModelProvider(
            id="lmstudio",
            name="gpt-oss",
            base_url=f"http://localhost:{LMSTUDIO_PORT}/v1",
            wire_api="responses",
        ),
    }


def _from_toml(provider_id: str, raw: ModelProviderToml) -> ModelProvider:
    return ModelProvider(
        id=provider_id,
        name=raw.name or provider_id,
        base_url=raw.base_url,
        env_key=raw.env_key,
        env_key_instructions=raw.env_key_instructions,
        experimental_bearer_token=raw.experimental_bearer_token,
        wire_api=raw.wire_api or "responses",
        query_params=dict(raw.query_params or {}),
        http_headers=dict(raw.http_headers or {}),
        env_http_headers=dict(raw.env_http_headers or {}),
        request_max_retries=min(
            raw.request_max_retries if raw.request_max_retries is not None else DEFAULT_REQUEST_MAX_RETRIES,
            MAX_RETRIES_CAP,
        ),
        stream_max_retries=min(
            raw.stream_max_retries if raw.stream_max_retries is not None else DEFAULT_STREAM_MAX_RETRIES,
            MAX_RETRIES_CAP,
        ),
        stream_idle_timeout_ms=(
            raw.stream_idle_timeout_ms
            if raw.stream_idle_timeout_ms is not None
            else DEFAULT_STREAM_IDLE_TIMEOUT_MS
        ),
        requires_openai_auth=bool(raw.requires_openai_auth),
        supports_websockets=bool(raw.supports_websockets),
    )


def all_providers(config: ConfigToml, env: Mapping[str, str] | None = None) -> dict[str, ModelProvider]:
    """Built-ins plus the user's; a user provider with a built-in's id does not replace it (as the reference)."""
    providers = builtin_providers(env)
    for provider_id, raw in config.model_providers.items():
        providers.setdefault(provider_id, _from_toml(provider_id, raw))
    return providers


def resolve_provider(config: ConfigToml, env: Mapping[str, str] | None = None) -> ModelProvider:
    provider_id = config.model_provider or "openai"
    providers = all_providers(config, env)
    if provider_id not in providers:
        from codex_core.config.errors import ConfigError

        # The reference's words (thread/start answers "error deriving config: " and this).
        raise ConfigError(f"Model provider `{provider_id}` not found", key="model_provider")
    return providers[provider_id]
