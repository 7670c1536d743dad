"""Payload structs of the core EventMsg variants (sent as codex/event/* params)."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import (
    F32,
    I32,
    I64,
    SKIP_NONE,
    U32,
    U64,
    CoreModel,
    I64Big,
    JsonValue,
    Named,
    Opt,
    U64Big,
    Usize,
    V1Model,
    W,
)
from .common import RequestId
from .core import (
    CoreCodexErrorInfo,
    CoreExecPolicyAmendment,
    CoreMcpAuthStatus,
    CoreRateLimitSnapshot,
    CoreRemoteSkillSummary,
    CoreReviewTarget,
    CoreSkillsListEntry,
    CoreTextElement,
    ModeKind,
    Resource,
    ResourceTemplate,
    ThreadId,
    Tool,
)
from .core_items import CoreWebSearchAction, ResponseItem, TurnItem


class AgentMessageContentDeltaEvent(CoreModel):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class AgentMessageDeltaEvent(CoreModel):
    delta: str


class AgentMessageEvent(CoreModel):
    message: str


class AgentReasoningDeltaEvent(CoreModel):
    delta: str


class AgentReasoningEvent(CoreModel):
    text: str


class AgentReasoningRawContentDeltaEvent(CoreModel):
    delta: str


class AgentReasoningRawContentEvent(CoreModel):
    text: str


class AgentReasoningSectionBreakEvent(CoreModel):
    item_id: str = ""
    summary_index: I64Big = 0


class ApplyPatchApprovalRequestEvent(CoreModel):
    call_id: str
    turn_id: str = ""
    changes: "dict[str, FileChange]"
    reason: Annotated[str | None, SKIP_NONE] = None
    grant_root: Annotated[str | None, SKIP_NONE] = None


class BackgroundEventEvent(CoreModel):
    message: str


class CallToolResult(V1Model):
    content: list[JsonValue]
    structured_content: Annotated[Opt[JsonValue], W(json_nonnull=True)] = None
    is_error: Opt[bool] = None
    meta: Annotated[Opt[JsonValue], W(json_nonnull=True)] = Field(None, alias="_meta")


class ContextCompactedEvent(CoreModel):
    wire_ts_null = True


class CustomPrompt(CoreModel):
    name: str
    path: str
    content: str
    description: str | None = None
    argument_hint: str | None = None


class DeprecationNoticeEvent(CoreModel):
    summary: str
    details: str | None = None


class DynamicToolCallRequest(V1Model):
    call_id: str
    turn_id: str
    tool: str
    arguments: JsonValue


class ElicitationRequestEvent(CoreModel):
    server_name: str
    id: Annotated[RequestId, W(ts_type="string | number")]
    message: str


class ErrorEvent(CoreModel):
    message: str
    codex_error_info: CoreCodexErrorInfo | None = None


class ExecApprovalRequestEvent(CoreModel):
    call_id: str
    turn_id: str = ""
    command: list[str]
    cwd: str
    reason: Annotated[str | None, SKIP_NONE] = None
    proposed_execpolicy_amendment: Opt[CoreExecPolicyAmendment] = None
    parsed_cmd: "list[ParsedCommand]"


class ExecCommandBeginEvent(CoreModel):
    call_id: str
    process_id: Opt[str] = None
    turn_id: str
    command: list[str]
    cwd: str
    parsed_cmd: "list[ParsedCommand]"
    source: "ExecCommandSource" = "agent"
    interaction_input: Opt[str] = None


class ExecCommandEndEvent(CoreModel):
    call_id: str
    process_id: Opt[str] = None
    turn_id: str
    command: list[str]
    cwd: str
    parsed_cmd: "list[ParsedCommand]"
    source: "ExecCommandSource" = "agent"
    interaction_input: Opt[str] = None
    stdout: str
    stderr: str
    aggregated_output: str = ""
    exit_code: I32
    duration: "Annotated[Duration, W(ts_type='string')]"
    formatted_output: str


class ExecCommandOutputDeltaEvent(CoreModel):
    call_id: str
    stream: "ExecOutputStream"
    chunk: str


class ExitedReviewModeEvent(CoreModel):
    review_output: "ReviewOutputEvent | None" = None


class AddFileChange(CoreModel):
    wire_inline = True
    type: Literal["add"] = "add"
    content: str


class DeleteFileChange(CoreModel):
    wire_inline = True
    type: Literal["delete"] = "delete"
    content: str


class UpdateFileChange(CoreModel):
    wire_inline = True
    type: Literal["update"] = "update"
    unified_diff: str
    move_path: str | None = None


class GetHistoryEntryResponseEvent(CoreModel):
    offset: Usize
    log_id: U64Big
    entry: "HistoryEntry | None" = None


class HistoryEntry(CoreModel):
    conversation_id: str
    ts: U64Big
    text: str


class ItemCompletedEvent(CoreModel):
    thread_id: ThreadId
    turn_id: str
    item: TurnItem


class ItemStartedEvent(CoreModel):
    thread_id: ThreadId
    turn_id: str
    item: TurnItem


class ListCustomPromptsResponseEvent(CoreModel):
    custom_prompts: list[CustomPrompt]


class ListRemoteSkillsResponseEvent(CoreModel):
    skills: list[CoreRemoteSkillSummary]


class ListSkillsResponseEvent(CoreModel):
    skills: list[CoreSkillsListEntry]


class McpInvocation(CoreModel):
    server: str
    tool: str
    arguments: Annotated[JsonValue | None, W(json_any_obj=True)] = None


class McpListToolsResponseEvent(CoreModel):
    tools: dict[str, Tool]
    resources: dict[str, list[Resource]]
    resource_templates: dict[str, list[ResourceTemplate]]
    auth_statuses: dict[str, CoreMcpAuthStatus]


class McpStartupCompleteEvent(CoreModel):
    ready: list[str]
    failed: "list[McpStartupFailure]"
    cancelled: list[str]


class McpStartupFailure(CoreModel):
    server: str
    error: str


class StartingMcpStartupStatus(CoreModel):
    wire_inline = True
    state: Literal["starting"] = "starting"


class ReadyMcpStartupStatus(CoreModel):
    wire_inline = True
    state: Literal["ready"] = "ready"


class FailedMcpStartupStatus(CoreModel):
    wire_inline = True
    state: Literal["failed"] = "failed"
    error: str


class CancelledMcpStartupStatus(CoreModel):
    wire_inline = True
    state: Literal["cancelled"] = "cancelled"


class McpStartupUpdateEvent(CoreModel):
    server: str
    status: "McpStartupStatus"


class McpToolCallBeginEvent(CoreModel):
    call_id: str
    invocation: McpInvocation


class Duration(CoreModel):
    """std::time::Duration as serde writes it; ts-rs spells these fields `string`."""

    wire_ts_file = False
    secs: U64
    nanos: U32


class OkCallToolResult(CoreModel):
    wire_inline = True
    wire_additional = None
    ok: CallToolResult = Field(alias="Ok")


class ErrCallToolResult(CoreModel):
    wire_inline = True
    err: str = Field(alias="Err")


# Result<CallToolResult, String> as serde writes it; inline in TS
ResultOfCallToolResultOrString = Annotated[
    OkCallToolResult | ErrCallToolResult,
    Named("Result_of_CallToolResult_or_String", ts_inline=True),
]


class McpToolCallEndEvent(CoreModel):
    call_id: str
    invocation: McpInvocation
    duration: Annotated[Duration, W(ts_type="string")]
    result: ResultOfCallToolResultOrString


class ReadParsedCommand(CoreModel):
    wire_inline = True
    type: Literal["read"] = "read"
    cmd: str
    name: str
    path: str


class ListFilesParsedCommand(CoreModel):
    wire_inline = True
    type: Literal["list_files"] = "list_files"
    cmd: str
    path: str | None = None


class SearchParsedCommand(CoreModel):
    wire_inline = True
    type: Literal["search"] = "search"
    cmd: str
    query: str | None = None
    path: str | None = None


class UnknownParsedCommand(CoreModel):
    wire_inline = True
    type: Literal["unknown"] = "unknown"
    cmd: str


class PatchApplyBeginEvent(CoreModel):
    call_id: str
    turn_id: str = ""
    auto_approved: bool
    changes: "dict[str, FileChange]"


class PatchApplyEndEvent(CoreModel):
    call_id: str
    turn_id: str = ""
    stdout: str
    stderr: str
    success: bool
    changes: "dict[str, FileChange]" = Field(default_factory=dict)


class PlanDeltaEvent(CoreModel):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


class PlanItemArg(CoreModel):
    wire_additional = False
    step: str
    status: "StepStatus"


class RawResponseItemEvent(CoreModel):
    item: ResponseItem


class ReasoningContentDeltaEvent(CoreModel):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    summary_index: I64Big = 0


class ReasoningRawContentDeltaEvent(CoreModel):
    thread_id: str
    turn_id: str
    item_id: str
    delta: str
    content_index: I64Big = 0


class RemoteSkillDownloadedEvent(CoreModel):
    id: str
    name: str
    path: str


class RequestUserInputEvent(CoreModel):
    call_id: str
    turn_id: str = ""
    questions: "list[RequestUserInputQuestion]"


class RequestUserInputQuestion(V1Model):
    id: str
    header: str
    question: str
    is_other: bool = False
    is_secret: bool = False
    options: "list[RequestUserInputQuestionOption] | None" = None


class RequestUserInputQuestionOption(CoreModel):
    label: str
    description: str


class ReviewCodeLocation(CoreModel):
    absolute_file_path: str
    line_range: "ReviewLineRange"


class ReviewFinding(CoreModel):
    title: str
    body: str
    confidence_score: F32
    priority: I32
    code_location: ReviewCodeLocation


class ReviewLineRange(CoreModel):
    start: U32
    end: U32


class ReviewOutputEvent(CoreModel):
    findings: list[ReviewFinding]
    overall_correctness: str
    overall_explanation: str
    overall_confidence_score: F32


class ReviewRequest(CoreModel):
    target: CoreReviewTarget
    user_facing_hint: Opt[str] = None


class SessionNetworkProxyRuntime(CoreModel):
    http_addr: str
    socks_addr: str
    admin_addr: str


class StreamErrorEvent(CoreModel):
    message: str
    codex_error_info: CoreCodexErrorInfo | None = None
    additional_details: str | None = None


class TerminalInteractionEvent(CoreModel):
    call_id: str
    process_id: str
    stdin: str


class ThreadNameUpdatedEvent(CoreModel):
    thread_id: ThreadId
    thread_name: Opt[str] = None


class ThreadRolledBackEvent(CoreModel):
    num_turns: U32


class TokenCountEvent(CoreModel):
    info: "TokenUsageInfo | None" = None
    rate_limits: CoreRateLimitSnapshot | None = None


class TokenUsage(CoreModel):
    input_tokens: I64
    cached_input_tokens: I64
    output_tokens: I64
    reasoning_output_tokens: I64
    total_tokens: I64


class TokenUsageInfo(CoreModel):
    total_token_usage: TokenUsage
    last_token_usage: TokenUsage
    model_context_window: I64 | None = None


class TurnAbortedEvent(CoreModel):
    turn_id: str | None = None
    reason: "TurnAbortReason"


class TurnCompleteEvent(CoreModel):
    turn_id: str
    last_agent_message: str | None = None


class TurnDiffEvent(CoreModel):
    unified_diff: str


class TurnStartedEvent(CoreModel):
    turn_id: str
    model_context_window: I64Big | None = None
    collaboration_mode_kind: ModeKind = "default"


class UndoCompletedEvent(CoreModel):
    success: bool
    message: str | None = None


class UndoStartedEvent(CoreModel):
    message: str | None = None


class UpdatePlanArgs(CoreModel):
    explanation: str | None = None
    plan: list[PlanItemArg]


class UserMessageEvent(CoreModel):
    message: str
    images: list[str] | None = None
    local_images: list[str] = Field(default_factory=list)
    text_elements: list[CoreTextElement] = Field(default_factory=list)


class ViewImageToolCallEvent(CoreModel):
    call_id: str
    path: str


class WarningEvent(CoreModel):
    message: str


class WebSearchBeginEvent(CoreModel):
    call_id: str


class WebSearchEndEvent(CoreModel):
    call_id: str
    query: str
    action: CoreWebSearchAction


ExecCommandSource = Annotated[
    Literal["agent", "user_shell", "unified_exec_startup", "unified_exec_interaction"],
    Named("ExecCommandSource"),
]


ExecOutputStream = Annotated[Literal["stdout", "stderr"], Named("ExecOutputStream")]


FileChange = Annotated[
    AddFileChange | DeleteFileChange | UpdateFileChange, Field(discriminator="type"), Named("FileChange")
]


McpStartupStatus = Annotated[
    StartingMcpStartupStatus | ReadyMcpStartupStatus | FailedMcpStartupStatus | CancelledMcpStartupStatus,
    Field(discriminator="state"),
    Named("McpStartupStatus"),
]


ParsedCommand = Annotated[
    ReadParsedCommand | ListFilesParsedCommand | SearchParsedCommand | UnknownParsedCommand,
    Field(discriminator="type"),
    Named("ParsedCommand"),
]


StepStatus = Annotated[Literal["pending", "in_progress", "completed"], Named("StepStatus")]


TurnAbortReason = Annotated[Literal["interrupted", "replaced", "review_ended"], Named("TurnAbortReason")]
