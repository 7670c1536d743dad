"""Shared helpers for the model-client tests."""

from __future__ import annotations

from typing import Any

from codex_core.config.providers import ModelProvider
from codex_core.model.auth import AuthSource, StaticAuth
from codex_core.model.client import ModelClient
from codex_core.model.events import ModelEvent
from codex_core.model.request import Prompt


class FakeSleep:
    """Records requested delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def provider_for(url: str, **overrides: Any) -> ModelProvider:
    fields: dict[str, Any] = {
        "id": "mock",
        "name": "mock",
        "base_url": url,
        "request_max_retries": 0,
        "stream_max_retries": 0,
    }
    fields.update(overrides)
    return ModelProvider(**fields)


def make_client(
    url: str,
    *,
    auth: AuthSource | None = None,
    sleep: FakeSleep | None = None,
    env: dict[str, str] | None = None,
    **provider_overrides: Any,
) -> ModelClient:
    return ModelClient(
        provider_for(url, **provider_overrides),
        auth or StaticAuth("test-key"),
        originator="test_originator",
        user_agent="test_client/0.100.0",
        env=env or {},
        sleep=sleep,
        rand=lambda: 0.5,  # no jitter: backoff is exactly 200 ms x 2^(n-1)
    )


def simple_prompt(model: str = "mock-model") -> Prompt:
    return Prompt(
        model=model,
        instructions="be helpful",
        input=[{"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
    )


async def collect(client: ModelClient, prompt: Prompt | None = None, **kwargs: Any) -> list[ModelEvent]:
    kwargs.setdefault("session_id", "thread-1")
    return [event async for event in client.stream(prompt or simple_prompt(), **kwargs)]
