"""Auth sources, model families and error mapping (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mock_model import MockModelServer

from codex_core.config.providers import ModelProvider
from codex_core.model.auth import EnvKeyAuth, StaticAuth, auth_for_provider
from codex_core.model.errors import (
    BadRequest,
    ContextWindowExceeded,
    InternalServerError,
    MissingEnvVar,
    Other,
    ServerOverloaded,
    StreamDisconnected,
    UsageLimitExceeded,
    error_from_failed_event,
    error_from_http,
    retry_after_seconds,
)
from codex_core.model.families import model_family
from codex_core.model.sse import ResponsesStreamParser, parse_rate_limit_headers
from login.manager import ManagedAuthSource
from unit.model.helpers import collect, make_client

# ---- auth ----


async def test_missing_env_key_is_a_clear_error(server: MockModelServer) -> None:
    provider = ModelProvider(
        id="mock",
        name="mock",
        base_url=server.url,
        env_key="MOCK_KEY",
        env_key_instructions="Get one at example.com.",
    )
    auth = auth_for_provider(provider, {})
    assert isinstance(auth, EnvKeyAuth)
    with pytest.raises(MissingEnvVar) as info:
        await collect(make_client(server.url, auth=auth))
    assert str(info.value) == "Missing environment variable: `MOCK_KEY`. Get one at example.com."
    assert server.requests == []  # nothing was sent


async def test_auth_for_provider_choices(tmp_path: Path) -> None:
    from codex_core.login_hooks import install_login_provider, login_provider
    from login.provider import install

    previous = login_provider()
    install()  # as every entry point does: the core reaches the AuthManager through the hook
    try:
        await _check_auth_choices(tmp_path)
    finally:
        if previous is not None:
            install_login_provider(previous)


async def _check_auth_choices(tmp_path: Path) -> None:
    openai = ModelProvider(id="openai", name="OpenAI", requires_openai_auth=True)
    env_auth = auth_for_provider(openai, {"OPENAI_API_KEY": "sk-env"}, codex_home=tmp_path)
    assert await env_auth.headers() == {"authorization": "Bearer sk-env"}

    (tmp_path / "auth.json").write_text(json.dumps({"auth_mode": "apikey", "OPENAI_API_KEY": "sk-file"}))
    file_auth = auth_for_provider(openai, {}, codex_home=tmp_path)
    assert isinstance(file_auth, ManagedAuthSource)  # auth.json is read through the one AuthManager
    assert await file_auth.headers() == {"authorization": "Bearer sk-file"}
    assert await file_auth.on_unauthorized() is False  # unchanged key: retrying is pointless

    assert await auth_for_provider(openai, {}, codex_home=tmp_path / "nowhere").headers() == {}

    bearer = ModelProvider(id="x", name="x", experimental_bearer_token="tok")
    assert await auth_for_provider(bearer, {}).headers() == {"authorization": "Bearer tok"}

    ollama = ModelProvider(id="ollama", name="gpt-oss", base_url="http://localhost:11434/v1")
    none_auth = auth_for_provider(ollama, {"OPENAI_API_KEY": "sk-env"})
    assert isinstance(none_auth, StaticAuth)
    assert await none_auth.headers() == {}


# ---- families ----


@pytest.mark.parametrize(
    "slug", ["gpt-5.2-codex", "gpt-5.3-codex", "gpt-5.1-codex-max", "gpt-5.1-codex-mini"]
)
def test_codex_presets(slug: str) -> None:
    family = model_family(slug)
    assert family.context_window == 258_400
    assert family.auto_compact_limit == 244_800
    assert family.supports_reasoning
    assert family.reasoning_param() == {"effort": "medium", "summary": "auto"}
    assert family.supports_freeform_apply_patch
    assert family.truncation_policy == ("tokens", 10_000)
    assert family.verbosity_param() is None


def test_parallel_tool_calls_per_model() -> None:
    assert model_family("gpt-5.2-codex").parallel_tool_calls is True
    assert model_family("gpt-5.1-codex-max").parallel_tool_calls is False
    assert model_family("gpt-5.2").parallel_tool_calls is True


def test_unknown_model() -> None:
    family = model_family("mock-model")
    assert not family.known
    assert family.context_window == 258_400
    assert family.reasoning_param("high") is None
    assert family.parallel_tool_calls is False
    assert family.supports_freeform_apply_patch is False
    assert family.apply_patch_tool is None
    assert family.truncation_policy == ("bytes", 10_000)


def test_family_overrides() -> None:
    family = model_family("gpt-5.2-codex").with_overrides(
        context_window=100_000, auto_compact_token_limit=50_000
    )
    assert family.context_window == 95_000
    assert family.auto_compact_limit == 50_000
    assert (
        model_family("gpt-5.2-codex").with_overrides(auto_compact_token_limit=10**9).auto_compact_limit
        == 244_800
    )
    assert model_family("gpt-5.2-codex").reasoning_param("high", "detailed") == {
        "effort": "high",
        "summary": "detailed",
    }


# ---- errors ----


def test_http_error_mapping() -> None:
    ctx = error_from_http(400, json.dumps({"error": {"code": "context_length_exceeded"}}), {})
    assert isinstance(ctx, ContextWindowExceeded) and not ctx.retryable
    bad = error_from_http(400, '{"error":{"message":"bad tool"}}', {})
    assert isinstance(bad, BadRequest) and bad.codex_error_info == "badRequest"
    assert not bad.retryable
    usage = error_from_http(429, json.dumps({"error": {"type": "usage_limit_reached"}}), {})
    assert isinstance(usage, UsageLimitExceeded) and not usage.retryable
    assert str(usage) == "You've hit your usage limit. Try again later."
    assert usage.codex_error_info_json() == "usageLimitExceeded"
    plus = error_from_http(
        429, json.dumps({"error": {"type": "usage_limit_reached", "plan_type": "plus"}}), {}
    )
    assert str(plus) == (
        "You've hit your usage limit. Upgrade to Pro (https://openai.com/chatgpt/pricing), visit "
        "https://chatgpt.com/codex/settings/usage to purchase more credits or try again later."
    )
    ise = error_from_http(500, "", {})
    assert isinstance(ise, InternalServerError) and ise.retryable
    assert str(ise) == "We're currently experiencing high demand, which may cause temporary errors."
    overloaded = error_from_http(503, json.dumps({"error": {"code": "server_is_overloaded"}}), {})
    assert isinstance(overloaded, ServerOverloaded) and overloaded.retryable
    teapot = error_from_http(418, '{"error":{"message":"short and stout"}}', {"x-request-id": "req-1"})
    assert isinstance(teapot, Other) and not teapot.retryable
    assert str(teapot) == "unexpected status 418 I'm a Teapot: short and stout, request id: req-1"


def test_failed_event_mapping() -> None:
    assert isinstance(error_from_failed_event({"code": "context_length_exceeded"}), ContextWindowExceeded)
    generic = error_from_failed_event({"code": "server_error", "message": "boom"})
    assert isinstance(generic, StreamDisconnected) and generic.retryable
    assert str(generic) == "stream disconnected before completion: boom"
    assert generic.retry_after is None
    limited = error_from_failed_event(
        {"code": "rate_limit_exceeded", "message": "Please try again in 250ms."}
    )
    assert limited.retry_after == 0.25


def test_retry_after_parsing() -> None:
    assert retry_after_seconds({"Retry-After": "3"}) == 3.0
    assert retry_after_seconds({"retry-after-ms": "20", "retry-after": "9"}) == 0.02
    date = "Wed, 21 Oct 2015 07:28:10 GMT"
    assert retry_after_seconds({"retry-after": date}, now=1445412480.0) == 10.0
    assert retry_after_seconds({"retry-after": "garbage"}) is None
    assert retry_after_seconds({}) is None


def test_parser_ignores_unknown_and_garbage() -> None:
    parser = ResponsesStreamParser()
    assert parser.feed("response.in_progress", '{"type":"response.in_progress"}') == []
    assert parser.feed("x", "not json") == []
    assert not parser.completed


def test_rate_limit_snapshot_defaults_to_nulls() -> None:
    assert parse_rate_limit_headers({}) == {
        "limit_id": "codex",
        "limit_name": None,
        "primary": None,
        "secondary": None,
        "credits": None,
        "plan_type": None,
    }


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, codex_core.model.client, codex_core.model.chat, codex_core.model.auth; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
