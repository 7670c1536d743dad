"""Normalized events produced by a model stream, whatever the wire API.

The agent loop consumes only these; both the Responses and Chat Completions parsers map
their SSE payloads onto them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex_core.model.errors import ModelError

__all__ = [
    "Completed",
    "Created",
    "ModelEvent",
    "OutputItemAdded",
    "OutputItemDone",
    "OutputTextDelta",
    "RateLimits",
    "ReasoningContentDelta",
    "ReasoningSummaryDelta",
    "ReasoningSummaryPartAdded",
    "Retrying",
    "TokenUsage",
]


@dataclass(frozen=True, slots=True)
class TokenUsage:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0
    total_tokens: int = 0

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input_tokens + other.input_tokens,
            self.cached_input_tokens + other.cached_input_tokens,
            self.output_tokens + other.output_tokens,
            self.reasoning_output_tokens + other.reasoning_output_tokens,
            self.total_tokens + other.total_tokens,
        )

    def to_wire(self) -> dict[str, int]:
        """camelCase shape used by `thread/tokenUsage/updated`."""
        return {
            "totalTokens": self.total_tokens,
            "inputTokens": self.input_tokens,
            "cachedInputTokens": self.cached_input_tokens,
            "outputTokens": self.output_tokens,
            "reasoningOutputTokens": self.reasoning_output_tokens,
        }


@dataclass(slots=True)
class Created:
    response_id: str | None


@dataclass(slots=True)
class OutputItemAdded:
    item: dict[str, Any]


@dataclass(slots=True)
class OutputItemDone:
    item: dict[str, Any]


@dataclass(slots=True)
class OutputTextDelta:
    item_id: str | None
    delta: str


@dataclass(slots=True)
class ReasoningSummaryPartAdded:
    item_id: str | None
    summary_index: int


@dataclass(slots=True)
class ReasoningSummaryDelta:
    item_id: str | None
    delta: str
    summary_index: int


@dataclass(slots=True)
class ReasoningContentDelta:
    item_id: str | None
    delta: str
    content_index: int


@dataclass(slots=True)
class Completed:
    response_id: str | None
    usage: TokenUsage | None


@dataclass(slots=True)
class RateLimits:
    """Snapshot in the core snake_case shape:
    ``{limit_id, limit_name, primary{used_percent, window_minutes, resets_at}, secondary, credits, plan_type}``.
    """

    snapshot: dict[str, Any] | None


@dataclass(slots=True)
class Retrying:
    """Emitted before each retry sleep.

    ``message`` is what the reference shows (``Reconnecting... n/max``); ``error`` is the failure
    being retried (its ``str`` is the reference's ``additionalDetails``).  Any item started by the
    failed attempt is void: the retry re-sends the same request from scratch.
    """

    attempt: int
    max_attempts: int
    delay_s: float
    message: str
    error: ModelError | None = None


ModelEvent = (
    Created
    | OutputItemAdded
    | OutputItemDone
    | OutputTextDelta
    | ReasoningSummaryPartAdded
    | ReasoningSummaryDelta
    | ReasoningContentDelta
    | Completed
    | RateLimits
    | Retrying
)
