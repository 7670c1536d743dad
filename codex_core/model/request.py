"""What one model request carries: the prompt, the Responses body, headers and URL."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from codex_core.config.providers import CHATGPT_BASE_URL, OPENAI_API_BASE_URL
from codex_core.model.auth import is_chatgpt_mode
from codex_core.version import CLI_VERSION

if TYPE_CHECKING:
    from codex_core.config.providers import ModelProvider
    from codex_core.model.auth import AuthSource

__all__ = [
    "OUTPUT_SCHEMA_NAME",
    "Prompt",
    "base_url_for",
    "build_headers",
    "build_responses_body",
    "endpoint_url",
]

OUTPUT_SCHEMA_NAME = "codex_output_schema"


@dataclass(slots=True)
class Prompt:
    model: str
    instructions: str
    input: list[dict[str, Any]] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    parallel_tool_calls: bool = False
    # {"effort", "summary"}; None for models without reasoning support (sent as null).
    reasoning: dict[str, Any] | None = None
    output_schema: dict[str, Any] | None = None
    verbosity: str | None = None
    prompt_cache_key: str | None = None


def build_responses_body(prompt: Prompt) -> dict[str, Any]:
    """The ``POST /responses`` body, keys in the reference's order."""
    body: dict[str, Any] = {
        "model": prompt.model,
        "instructions": prompt.instructions,
        "input": prompt.input,
        "tools": prompt.tools,
        "tool_choice": "auto",
        "parallel_tool_calls": prompt.parallel_tool_calls,
        "reasoning": prompt.reasoning,
        "store": False,
        "stream": True,
        # Encrypted reasoning lets us resend reasoning items with store=false.
        "include": ["reasoning.encrypted_content"] if prompt.reasoning is not None else [],
        "prompt_cache_key": prompt.prompt_cache_key,
    }
    text: dict[str, Any] = {}
    if prompt.verbosity is not None:
        text["verbosity"] = prompt.verbosity
    if prompt.output_schema is not None:
        text["format"] = {
            "type": "json_schema",
            "strict": True,
            "schema": prompt.output_schema,
            "name": OUTPUT_SCHEMA_NAME,
        }
    if text:
        body["text"] = text
    return body


def base_url_for(provider: ModelProvider, auth: AuthSource) -> str:
    if provider.base_url:
        return provider.base_url.rstrip("/")
    # Only the openai provider leaves base_url unset: the host depends on the login kind.
    return CHATGPT_BASE_URL if is_chatgpt_mode(auth) else OPENAI_API_BASE_URL


def endpoint_url(provider: ModelProvider, auth: AuthSource, path: str) -> str:
    url = f"{base_url_for(provider, auth)}/{path.lstrip('/')}"
    if provider.query_params:
        url += ("&" if "?" in url else "?") + urlencode(dict(provider.query_params))
    return url


async def build_headers(
    provider: ModelProvider,
    auth: AuthSource,
    *,
    originator: str,
    user_agent: str,
    session_id: str | None,
    turn_metadata: str | None = None,
    subagent: str | None = None,
    env: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Request headers, lower-cased.  Provider headers come first so ours win on conflicts."""
    environ: Mapping[str, str] = os.environ if env is None else env
    headers: dict[str, str] = {}
    for name, value in provider.http_headers.items():
        headers[name.lower()] = value
    for name, var in provider.env_http_headers.items():
        value = environ.get(var, "")
        if value.strip():
            headers[name.lower()] = value
    if provider.id == "openai" or is_chatgpt_mode(auth):
        headers.setdefault("version", CLI_VERSION)
    headers.update({k.lower(): v for k, v in (await auth.headers()).items()})
    headers["accept"] = "text/event-stream"
    headers["content-type"] = "application/json"
    headers["originator"] = originator
    headers["user-agent"] = user_agent
    if session_id:
        headers["session_id"] = session_id
    if turn_metadata is not None:
        headers["x-codex-turn-metadata"] = turn_metadata
    if subagent:
        headers["x-openai-subagent"] = subagent
    return headers
