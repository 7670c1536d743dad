"""The core's events, one TypedDict per EventMsg variant it sends (the reference's `codex/event/*`
payloads, snake_case, with their `type` tag).

Required keys are the ones always on the wire; `NotRequired` ones may be absent (the reference's
`skip_serializing_if`). `tests/unit/protocol/test_core_event_types.py` checks each against its
export model in `app_server/protocol/events.py`, so a field changed on one side fails there.
Nested values the core passes through untouched (turn items, rate limits, review targets) stay
plain JSON objects.

No `from __future__ import annotations` here: Python 3.11 only sees `NotRequired` in evaluated
annotations (`__required_keys__` would be wrong otherwise).
"""

from collections.abc import Callable
from typing import Any, Literal, NotRequired, TypeAlias, TypedDict

JsonObject: TypeAlias = dict[str, Any]

TurnAbortReason: TypeAlias = Literal["interrupted", "replaced", "review_ended"]
ExecCommandSource: TypeAlias = Literal[
    "agent", "user_shell", "unified_exec_startup", "unified_exec_interaction"
]
ExecOutputStream: TypeAlias = Literal["stdout", "stderr"]


class Duration(TypedDict):
    """std::time::Duration as serde writes it."""

    secs: int
    nanos: int


class TokenUsageFields(TypedDict):
    """What a `token_count` says besides its tag (also built before the event, see `estimated_usage`)."""

    info: JsonObject | None
    rate_limits: JsonObject | None


# -- turn lifecycle ----------------------------------------------------------------------------


class TaskStartedEvent(TypedDict):
    type: Literal["task_started"]
    turn_id: str
    model_context_window: int | None
    collaboration_mode_kind: str


class TaskCompleteEvent(TypedDict):
    type: Literal["task_complete"]
    turn_id: str
    last_agent_message: str | None


class TurnAbortedEvent(TypedDict):
    type: Literal["turn_aborted"]
    turn_id: str | None
    reason: TurnAbortReason


class ErrorEvent(TypedDict):
    type: Literal["error"]
    message: str
    # A CodexErrorInfo: a snake_case name, or {kind: {details}}.
    codex_error_info: str | JsonObject | None


class StreamErrorEvent(TypedDict):
    type: Literal["stream_error"]
    message: str
    codex_error_info: str | JsonObject | None
    additional_details: str | None


class WarningEvent(TypedDict):
    type: Literal["warning"]
    message: str


class TokenCountEvent(TokenUsageFields):
    type: Literal["token_count"]


class ContextCompactedEvent(TypedDict):
    type: Literal["context_compacted"]


class ThreadRolledBackEvent(TypedDict):
    type: Literal["thread_rolled_back"]
    num_turns: int


class ThreadNameUpdatedEvent(TypedDict):
    type: Literal["thread_name_updated"]
    thread_id: str
    thread_name: NotRequired[str]


class DeprecationNoticeEvent(TypedDict):
    type: Literal["deprecation_notice"]
    summary: str
    details: str | None


class ShutdownCompleteEvent(TypedDict):
    type: Literal["shutdown_complete"]


# -- items and streamed model output -----------------------------------------------------------


class ItemStartedEvent(TypedDict):
    type: Literal["item_started"]
    thread_id: str
    turn_id: str
    item: JsonObject  # a core TurnItem (`UserMessage`, `AgentMessage`, `Reasoning`, ...)


class ItemCompletedEvent(TypedDict):
    type: Literal["item_completed"]
    thread_id: str
    turn_id: str
    item: JsonObject


class AgentMessageContentDeltaEvent(TypedDict):
    type: Literal["agent_message_content_delta"]
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class AgentMessageDeltaEvent(TypedDict):
    type: Literal["agent_message_delta"]
    delta: str


class AgentMessageEvent(TypedDict):
    type: Literal["agent_message"]
    message: str


class ReasoningContentDeltaEvent(TypedDict):
    type: Literal["reasoning_content_delta"]
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    summary_index: int


class ReasoningRawContentDeltaEvent(TypedDict):
    type: Literal["reasoning_raw_content_delta"]
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    content_index: int


class AgentReasoningDeltaEvent(TypedDict):
    type: Literal["agent_reasoning_delta"]
    delta: str


class AgentReasoningRawContentDeltaEvent(TypedDict):
    type: Literal["agent_reasoning_raw_content_delta"]
    delta: str


class AgentReasoningSectionBreakEvent(TypedDict):
    type: Literal["agent_reasoning_section_break"]
    item_id: str
    summary_index: int


class AgentReasoningEvent(TypedDict):
    type: Literal["agent_reasoning"]
    text: str


class AgentReasoningRawContentEvent(TypedDict):
    type: Literal["agent_reasoning_raw_content"]
    text: str


class UserMessageEvent(TypedDict):
    type: Literal["user_message"]
    message: str
    images: list[str] | None
    local_images: list[str]
    text_elements: list[JsonObject]


class WebSearchBeginEvent(TypedDict):
    type: Literal["web_search_begin"]
    call_id: str


class WebSearchEndEvent(TypedDict):
    type: Literal["web_search_end"]
    call_id: str
    query: str
    action: JsonObject


class EnteredReviewModeEvent(TypedDict):
    type: Literal["entered_review_mode"]
    target: JsonObject
    user_facing_hint: NotRequired[str]


class ExitedReviewModeEvent(TypedDict):
    type: Literal["exited_review_mode"]
    review_output: JsonObject | None


# -- commands ----------------------------------------------------------------------------------


class ExecCommandFields(TypedDict):
    """What a command's begin and end events both say about it."""

    call_id: str
    process_id: NotRequired[str]  # unified exec only
    turn_id: str
    command: list[str]
    cwd: str
    parsed_cmd: list[JsonObject]
    source: ExecCommandSource
    interaction_input: NotRequired[str]


class ExecCommandBeginEvent(ExecCommandFields):
    type: Literal["exec_command_begin"]


class ExecCommandEndEvent(ExecCommandFields):
    type: Literal["exec_command_end"]
    stdout: str
    stderr: str
    aggregated_output: str
    exit_code: int
    duration: Duration
    formatted_output: str


class ExecCommandOutputDeltaEvent(TypedDict):
    type: Literal["exec_command_output_delta"]
    call_id: str
    stream: ExecOutputStream
    chunk: str  # base64


class TerminalInteractionEvent(TypedDict):
    type: Literal["terminal_interaction"]
    call_id: str
    process_id: str
    stdin: str


class ExecApprovalRequestEvent(TypedDict):
    type: Literal["exec_approval_request"]
    call_id: str
    turn_id: str
    command: list[str]
    cwd: str
    reason: NotRequired[str]
    proposed_execpolicy_amendment: NotRequired[list[str]]
    parsed_cmd: list[JsonObject]


# -- patches, plans, images ---------------------------------------------------------------------


class PatchCallFields(TypedDict):
    call_id: str
    turn_id: str


class PatchApplyBeginEvent(PatchCallFields):
    type: Literal["patch_apply_begin"]
    auto_approved: bool
    changes: dict[str, JsonObject]  # path -> FileChange


class PatchApplyEndEvent(PatchCallFields):
    type: Literal["patch_apply_end"]
    stdout: str
    stderr: str
    success: bool
    changes: dict[str, JsonObject]


class ApplyPatchApprovalRequestEvent(PatchCallFields):
    type: Literal["apply_patch_approval_request"]
    changes: dict[str, JsonObject]
    reason: NotRequired[str]
    grant_root: NotRequired[str]


class TurnDiffEvent(TypedDict):
    type: Literal["turn_diff"]
    unified_diff: str


class PlanItem(TypedDict):
    step: str
    status: Literal["pending", "in_progress", "completed"]


class PlanUpdate(TypedDict):
    explanation: str | None
    plan: list[PlanItem]


class PlanUpdateEvent(PlanUpdate):
    type: Literal["plan_update"]


class ViewImageToolCallEvent(TypedDict):
    type: Literal["view_image_tool_call"]
    call_id: str
    path: str


# -- client tools ------------------------------------------------------------------------------


class DynamicToolCallRequestEvent(TypedDict):
    """camelCase on the wire, as the reference's DynamicToolCallRequest is."""

    type: Literal["dynamic_tool_call_request"]
    callId: str
    turnId: str
    tool: str
    arguments: Any


class RequestUserInputEvent(TypedDict):
    type: Literal["request_user_input"]
    call_id: str
    turn_id: str
    questions: list[JsonObject]


# -- MCP ---------------------------------------------------------------------------------------


class McpStartupFailure(TypedDict):
    server: str
    error: str


class McpStartupSummary(TypedDict):
    ready: list[str]
    failed: list[McpStartupFailure]
    cancelled: list[str]


class McpStartupCompleteEvent(McpStartupSummary):
    type: Literal["mcp_startup_complete"]


class McpStartupStatus(TypedDict):
    state: Literal["starting", "ready", "failed", "cancelled"]
    error: NotRequired[str]


class McpStartupUpdateEvent(TypedDict):
    type: Literal["mcp_startup_update"]
    server: str
    status: McpStartupStatus


class McpInvocation(TypedDict):
    server: str
    tool: str
    arguments: JsonObject | None


class McpToolCallBeginEvent(TypedDict):
    type: Literal["mcp_tool_call_begin"]
    call_id: str
    invocation: McpInvocation


class McpToolCallProgressEvent(TypedDict):
    """Ours only (the reference's EventMsg has no such variant): drives item/mcpToolCall/progress."""

    type: Literal["mcp_tool_call_progress"]
    call_id: str
    message: str


class McpToolCallEndEvent(TypedDict):
    type: Literal["mcp_tool_call_end"]
    call_id: str
    invocation: McpInvocation
    duration: Duration
    result: JsonObject  # {"Ok": CallToolResult} or {"Err": message}


CoreEvent: TypeAlias = (
    TaskStartedEvent
    | TaskCompleteEvent
    | TurnAbortedEvent
    | ErrorEvent
    | StreamErrorEvent
    | WarningEvent
    | TokenCountEvent
    | ContextCompactedEvent
    | ThreadRolledBackEvent
    | ThreadNameUpdatedEvent
    | DeprecationNoticeEvent
    | ShutdownCompleteEvent
    | ItemStartedEvent
    | ItemCompletedEvent
    | AgentMessageContentDeltaEvent
    | AgentMessageDeltaEvent
    | AgentMessageEvent
    | ReasoningContentDeltaEvent
    | ReasoningRawContentDeltaEvent
    | AgentReasoningDeltaEvent
    | AgentReasoningRawContentDeltaEvent
    | AgentReasoningSectionBreakEvent
    | AgentReasoningEvent
    | AgentReasoningRawContentEvent
    | UserMessageEvent
    | WebSearchBeginEvent
    | WebSearchEndEvent
    | EnteredReviewModeEvent
    | ExitedReviewModeEvent
    | ExecCommandBeginEvent
    | ExecCommandEndEvent
    | ExecCommandOutputDeltaEvent
    | TerminalInteractionEvent
    | ExecApprovalRequestEvent
    | PatchApplyBeginEvent
    | PatchApplyEndEvent
    | ApplyPatchApprovalRequestEvent
    | TurnDiffEvent
    | PlanUpdateEvent
    | ViewImageToolCallEvent
    | DynamicToolCallRequestEvent
    | RequestUserInputEvent
    | McpStartupUpdateEvent
    | McpStartupCompleteEvent
    | McpToolCallBeginEvent
    | McpToolCallProgressEvent
    | McpToolCallEndEvent
)

# Where a thread's events go: (event id: the turn id or "", event).
EventSink: TypeAlias = Callable[[str, CoreEvent], None]

# Event types only we send (no EventMsg variant in the reference): no export model to match.
CORE_ONLY_TYPES = frozenset({"mcp_tool_call_progress"})
