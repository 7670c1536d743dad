"""Request body and headers, field by field against core.md §1-2."""

from __future__ import annotations

import json
from typing import Any

from mock_model import MockModelServer, message_response

from codex_core.config.providers import ModelProvider
from codex_core.model.auth import EnvKeyAuth, StaticAuth
from codex_core.model.families import model_family
from codex_core.model.request import Prompt, build_headers, build_responses_body, endpoint_url
from codex_core.version import CLI_VERSION
from unit.model.helpers import collect, make_client, provider_for

BODY_KEYS = [
    "model",
    "instructions",
    "input",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "reasoning",
    "store",
    "stream",
    "include",
    "prompt_cache_key",
]

USER_ITEM = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
TOOL = {
    "type": "function",
    "name": "update_plan",
    "description": "d",
    "strict": False,
    "parameters": {"type": "object", "properties": {}, "required": [], "additionalProperties": False},
}


def prompt_for(slug: str) -> Prompt:
    family = model_family(slug)
    return Prompt(
        model=slug,
        instructions="base instructions",
        input=[USER_ITEM],
        tools=[TOOL],
        parallel_tool_calls=family.parallel_tool_calls,
        reasoning=family.reasoning_param(),
        verbosity=family.verbosity_param(),
        prompt_cache_key="thread-uuid",
    )


def test_known_model_body_fields_and_order() -> None:
    body = build_responses_body(prompt_for("gpt-5.2-codex"))
    assert list(body) == BODY_KEYS
    assert body["model"] == "gpt-5.2-codex"
    assert body["instructions"] == "base instructions"
    assert body["input"] == [USER_ITEM]
    assert body["tools"] == [TOOL]
    assert body["tool_choice"] == "auto"
    assert body["parallel_tool_calls"] is True
    assert body["reasoning"] == {"effort": "medium", "summary": "auto"}
    assert body["store"] is False
    assert body["stream"] is True
    assert body["include"] == ["reasoning.encrypted_content"]
    assert body["prompt_cache_key"] == "thread-uuid"
    # Reasoning keys in the reference's order too.
    assert list(body["reasoning"]) == ["effort", "summary"]


def test_unknown_model_body_fields() -> None:
    body = build_responses_body(prompt_for("mock-model"))
    assert list(body) == BODY_KEYS
    assert body["parallel_tool_calls"] is False
    assert body["reasoning"] is None
    assert body["include"] == []
    # Serialized, reasoning is an explicit null (not omitted).
    assert '"reasoning":null' in json.dumps(body, separators=(",", ":"))


def test_text_field_only_with_schema_or_verbosity() -> None:
    prompt = prompt_for("gpt-5.2-codex")
    assert "text" not in build_responses_body(prompt)
    prompt.output_schema = {"type": "object", "properties": {}}
    prompt.verbosity = "low"
    body = build_responses_body(prompt)
    assert list(body)[-1] == "text"
    assert body["text"] == {
        "verbosity": "low",
        "format": {
            "type": "json_schema",
            "strict": True,
            "schema": {"type": "object", "properties": {}},
            "name": "codex_output_schema",
        },
    }
    # gpt-5.2 (non-codex) sends its default verbosity.
    assert build_responses_body(prompt_for("gpt-5.2"))["text"] == {"verbosity": "low"}


async def test_headers_sent_to_the_server(server: MockModelServer) -> None:
    server.enqueue(message_response())
    env = {"MOCK_KEY": "sk-mock", "ORG_VAR": "org-1", "EMPTY_VAR": ""}
    provider = provider_for(
        server.url,
        env_key="MOCK_KEY",
        http_headers={"X-Static": "static-value"},
        env_http_headers={"X-Org": "ORG_VAR", "X-Empty": "EMPTY_VAR", "X-Missing": "NOPE"},
        query_params={"api-version": "2025-01-01", "x": "a b"},
    )
    client = make_client(server.url, auth=EnvKeyAuth(provider, env), env=env, **_fields(provider))
    await collect(client, session_id="thread-123", turn_metadata='{"sandbox":"seccomp"}')
    (request,) = server.requests
    headers = request.headers
    assert request.path == "/v1/responses?api-version=2025-01-01&x=a+b"
    assert headers["authorization"] == "Bearer sk-mock"
    assert headers["accept"] == "text/event-stream"
    assert headers["content-type"] == "application/json"
    assert headers["originator"] == "test_originator"
    assert headers["user-agent"] == "test_client/0.100.0"
    assert headers["session_id"] == "thread-123"
    assert headers["x-codex-turn-metadata"] == '{"sandbox":"seccomp"}'
    assert headers["x-static"] == "static-value"
    assert headers["x-org"] == "org-1"
    assert "x-empty" not in headers and "x-missing" not in headers
    # `version` is for the OpenAI provider only; no conversation_id header in 0.100.0.
    assert "version" not in headers
    assert "conversation_id" not in headers
    assert list(request.body) == BODY_KEYS


def _fields(provider: ModelProvider) -> dict[str, Any]:
    return {
        "env_key": provider.env_key,
        "http_headers": provider.http_headers,
        "env_http_headers": provider.env_http_headers,
        "query_params": provider.query_params,
    }


async def test_openai_provider_headers_and_urls() -> None:
    openai = ModelProvider(
        id="openai",
        name="OpenAI",
        env_http_headers={"OpenAI-Organization": "OPENAI_ORGANIZATION"},
        requires_openai_auth=True,
    )
    headers = await build_headers(
        openai,
        StaticAuth("sk"),
        originator="codex_cli_rs",
        user_agent="ua",
        session_id="t",
        env={"OPENAI_ORGANIZATION": "org-9"},
    )
    assert headers["version"] == CLI_VERSION
    assert headers["openai-organization"] == "org-9"
    assert "x-codex-turn-metadata" not in headers
    assert endpoint_url(openai, StaticAuth("sk"), "responses") == "https://api.openai.com/v1/responses"

    class ChatGpt(StaticAuth):
        chatgpt_mode = True

    assert (
        endpoint_url(openai, ChatGpt("tok"), "responses") == "https://chatgpt.com/backend-api/codex/responses"
    )


async def test_no_auth_provider_sends_no_authorization(server: MockModelServer) -> None:
    server.enqueue(message_response())
    await collect(make_client(server.url, auth=StaticAuth(None)))
    assert "authorization" not in server.requests[0].headers
