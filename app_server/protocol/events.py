"""EventMsg: the core event union, one variant per payload struct."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import CoreModel, Named, Opt, U64Big, Usize
from .core import CoreAskForApproval, CoreSandboxPolicy, ReasoningEffort, ThreadId

# The variants below subclass the payload structs; pydantic resolves their inherited
# annotations in this module, so it needs the payload module's whole namespace.
from .event_payloads import *  # noqa: F403
from .event_payloads import (
    AgentMessageContentDeltaEvent,
    AgentMessageDeltaEvent,
    AgentMessageEvent,
    AgentReasoningDeltaEvent,
    AgentReasoningEvent,
    AgentReasoningRawContentDeltaEvent,
    AgentReasoningRawContentEvent,
    AgentReasoningSectionBreakEvent,
    ApplyPatchApprovalRequestEvent,
    BackgroundEventEvent,
    ContextCompactedEvent,
    DeprecationNoticeEvent,
    DynamicToolCallRequest,
    ElicitationRequestEvent,
    ErrorEvent,
    ExecApprovalRequestEvent,
    ExecCommandBeginEvent,
    ExecCommandEndEvent,
    ExecCommandOutputDeltaEvent,
    ExitedReviewModeEvent,
    GetHistoryEntryResponseEvent,
    ItemCompletedEvent,
    ItemStartedEvent,
    ListCustomPromptsResponseEvent,
    ListRemoteSkillsResponseEvent,
    ListSkillsResponseEvent,
    McpListToolsResponseEvent,
    McpStartupCompleteEvent,
    McpStartupUpdateEvent,
    McpToolCallBeginEvent,
    McpToolCallEndEvent,
    PatchApplyBeginEvent,
    PatchApplyEndEvent,
    PlanDeltaEvent,
    RawResponseItemEvent,
    ReasoningContentDeltaEvent,
    ReasoningRawContentDeltaEvent,
    RemoteSkillDownloadedEvent,
    RequestUserInputEvent,
    ReviewRequest,
    SessionNetworkProxyRuntime,
    StreamErrorEvent,
    TerminalInteractionEvent,
    ThreadNameUpdatedEvent,
    ThreadRolledBackEvent,
    TokenCountEvent,
    TurnAbortedEvent,
    TurnCompleteEvent,
    TurnDiffEvent,
    TurnStartedEvent,
    UndoCompletedEvent,
    UndoStartedEvent,
    UpdatePlanArgs,
    UserMessageEvent,
    ViewImageToolCallEvent,
    WarningEvent,
    WebSearchBeginEvent,
    WebSearchEndEvent,
)
from .event_payloads_collab import *  # noqa: F403
from .event_payloads_collab import (
    CollabAgentInteractionBeginEvent,
    CollabAgentInteractionEndEvent,
    CollabAgentSpawnBeginEvent,
    CollabAgentSpawnEndEvent,
    CollabCloseBeginEvent,
    CollabCloseEndEvent,
    CollabResumeBeginEvent,
    CollabResumeEndEvent,
    CollabWaitingBeginEvent,
    CollabWaitingEndEvent,
)


class ErrorEventMsg(ErrorEvent):
    wire_inline = True
    wire_newtype = ErrorEvent
    type: Literal["error"] = "error"


class WarningEventMsg(WarningEvent):
    wire_inline = True
    wire_newtype = WarningEvent
    type: Literal["warning"] = "warning"


class ContextCompactedEventMsg(ContextCompactedEvent):
    wire_inline = True
    wire_newtype = ContextCompactedEvent
    type: Literal["context_compacted"] = "context_compacted"


class ThreadRolledBackEventMsg(ThreadRolledBackEvent):
    wire_inline = True
    wire_newtype = ThreadRolledBackEvent
    type: Literal["thread_rolled_back"] = "thread_rolled_back"


class TaskStartedEventMsg(TurnStartedEvent):
    wire_inline = True
    wire_newtype = TurnStartedEvent
    type: Literal["task_started"] = "task_started"


class TaskCompleteEventMsg(TurnCompleteEvent):
    wire_inline = True
    wire_newtype = TurnCompleteEvent
    type: Literal["task_complete"] = "task_complete"


class TokenCountEventMsg(TokenCountEvent):
    wire_inline = True
    wire_newtype = TokenCountEvent
    type: Literal["token_count"] = "token_count"


class AgentMessageEventMsg(AgentMessageEvent):
    wire_inline = True
    wire_newtype = AgentMessageEvent
    type: Literal["agent_message"] = "agent_message"


class UserMessageEventMsg(UserMessageEvent):
    wire_inline = True
    wire_newtype = UserMessageEvent
    type: Literal["user_message"] = "user_message"


class AgentMessageDeltaEventMsg(AgentMessageDeltaEvent):
    wire_inline = True
    wire_newtype = AgentMessageDeltaEvent
    type: Literal["agent_message_delta"] = "agent_message_delta"


class AgentReasoningEventMsg(AgentReasoningEvent):
    wire_inline = True
    wire_newtype = AgentReasoningEvent
    type: Literal["agent_reasoning"] = "agent_reasoning"


class AgentReasoningDeltaEventMsg(AgentReasoningDeltaEvent):
    wire_inline = True
    wire_newtype = AgentReasoningDeltaEvent
    type: Literal["agent_reasoning_delta"] = "agent_reasoning_delta"


class AgentReasoningRawContentEventMsg(AgentReasoningRawContentEvent):
    wire_inline = True
    wire_newtype = AgentReasoningRawContentEvent
    type: Literal["agent_reasoning_raw_content"] = "agent_reasoning_raw_content"


class AgentReasoningRawContentDeltaEventMsg(AgentReasoningRawContentDeltaEvent):
    wire_inline = True
    wire_newtype = AgentReasoningRawContentDeltaEvent
    type: Literal["agent_reasoning_raw_content_delta"] = "agent_reasoning_raw_content_delta"


class AgentReasoningSectionBreakEventMsg(AgentReasoningSectionBreakEvent):
    wire_inline = True
    wire_newtype = AgentReasoningSectionBreakEvent
    type: Literal["agent_reasoning_section_break"] = "agent_reasoning_section_break"


class SessionConfiguredEvent(CoreModel):
    session_id: ThreadId
    forked_from_id: ThreadId | None = None
    thread_name: Opt[str] = None
    model: str
    model_provider_id: str
    approval_policy: CoreAskForApproval
    sandbox_policy: CoreSandboxPolicy
    cwd: str
    reasoning_effort: ReasoningEffort | None = None
    history_log_id: U64Big
    history_entry_count: Usize
    initial_messages: "list[EventMsg] | None" = None
    network_proxy: Opt[SessionNetworkProxyRuntime] = None
    rollout_path: str | None = None


class SessionConfiguredEventMsg(SessionConfiguredEvent):
    wire_inline = True
    wire_newtype = SessionConfiguredEvent
    type: Literal["session_configured"] = "session_configured"


class ThreadNameUpdatedEventMsg(ThreadNameUpdatedEvent):
    wire_inline = True
    wire_newtype = ThreadNameUpdatedEvent
    type: Literal["thread_name_updated"] = "thread_name_updated"


class McpStartupUpdateEventMsg(McpStartupUpdateEvent):
    wire_inline = True
    wire_newtype = McpStartupUpdateEvent
    type: Literal["mcp_startup_update"] = "mcp_startup_update"


class McpStartupCompleteEventMsg(McpStartupCompleteEvent):
    wire_inline = True
    wire_newtype = McpStartupCompleteEvent
    type: Literal["mcp_startup_complete"] = "mcp_startup_complete"


class McpToolCallBeginEventMsg(McpToolCallBeginEvent):
    wire_inline = True
    wire_newtype = McpToolCallBeginEvent
    type: Literal["mcp_tool_call_begin"] = "mcp_tool_call_begin"


class McpToolCallEndEventMsg(McpToolCallEndEvent):
    wire_inline = True
    wire_newtype = McpToolCallEndEvent
    type: Literal["mcp_tool_call_end"] = "mcp_tool_call_end"


class WebSearchBeginEventMsg(WebSearchBeginEvent):
    wire_inline = True
    wire_newtype = WebSearchBeginEvent
    type: Literal["web_search_begin"] = "web_search_begin"


class WebSearchEndEventMsg(WebSearchEndEvent):
    wire_inline = True
    wire_newtype = WebSearchEndEvent
    type: Literal["web_search_end"] = "web_search_end"


class ExecCommandBeginEventMsg(ExecCommandBeginEvent):
    wire_inline = True
    wire_newtype = ExecCommandBeginEvent
    type: Literal["exec_command_begin"] = "exec_command_begin"


class ExecCommandOutputDeltaEventMsg(ExecCommandOutputDeltaEvent):
    wire_inline = True
    wire_newtype = ExecCommandOutputDeltaEvent
    type: Literal["exec_command_output_delta"] = "exec_command_output_delta"


class TerminalInteractionEventMsg(TerminalInteractionEvent):
    wire_inline = True
    wire_newtype = TerminalInteractionEvent
    type: Literal["terminal_interaction"] = "terminal_interaction"


class ExecCommandEndEventMsg(ExecCommandEndEvent):
    wire_inline = True
    wire_newtype = ExecCommandEndEvent
    type: Literal["exec_command_end"] = "exec_command_end"


class ViewImageToolCallEventMsg(ViewImageToolCallEvent):
    wire_inline = True
    wire_newtype = ViewImageToolCallEvent
    type: Literal["view_image_tool_call"] = "view_image_tool_call"


class ExecApprovalRequestEventMsg(ExecApprovalRequestEvent):
    wire_inline = True
    wire_newtype = ExecApprovalRequestEvent
    type: Literal["exec_approval_request"] = "exec_approval_request"


class RequestUserInputEventMsg(RequestUserInputEvent):
    wire_inline = True
    wire_newtype = RequestUserInputEvent
    type: Literal["request_user_input"] = "request_user_input"


class DynamicToolCallRequestEventMsg(DynamicToolCallRequest):
    wire_inline = True
    wire_newtype = DynamicToolCallRequest
    type: Literal["dynamic_tool_call_request"] = "dynamic_tool_call_request"


class ElicitationRequestEventMsg(ElicitationRequestEvent):
    wire_inline = True
    wire_newtype = ElicitationRequestEvent
    type: Literal["elicitation_request"] = "elicitation_request"


class ApplyPatchApprovalRequestEventMsg(ApplyPatchApprovalRequestEvent):
    wire_inline = True
    wire_newtype = ApplyPatchApprovalRequestEvent
    type: Literal["apply_patch_approval_request"] = "apply_patch_approval_request"


class DeprecationNoticeEventMsg(DeprecationNoticeEvent):
    wire_inline = True
    wire_newtype = DeprecationNoticeEvent
    type: Literal["deprecation_notice"] = "deprecation_notice"


class BackgroundEventEventMsg(BackgroundEventEvent):
    wire_inline = True
    wire_newtype = BackgroundEventEvent
    type: Literal["background_event"] = "background_event"


class UndoStartedEventMsg(UndoStartedEvent):
    wire_inline = True
    wire_newtype = UndoStartedEvent
    type: Literal["undo_started"] = "undo_started"


class UndoCompletedEventMsg(UndoCompletedEvent):
    wire_inline = True
    wire_newtype = UndoCompletedEvent
    type: Literal["undo_completed"] = "undo_completed"


class StreamErrorEventMsg(StreamErrorEvent):
    wire_inline = True
    wire_newtype = StreamErrorEvent
    type: Literal["stream_error"] = "stream_error"


class PatchApplyBeginEventMsg(PatchApplyBeginEvent):
    wire_inline = True
    wire_newtype = PatchApplyBeginEvent
    type: Literal["patch_apply_begin"] = "patch_apply_begin"


class PatchApplyEndEventMsg(PatchApplyEndEvent):
    wire_inline = True
    wire_newtype = PatchApplyEndEvent
    type: Literal["patch_apply_end"] = "patch_apply_end"


class TurnDiffEventMsg(TurnDiffEvent):
    wire_inline = True
    wire_newtype = TurnDiffEvent
    type: Literal["turn_diff"] = "turn_diff"


class GetHistoryEntryResponseEventMsg(GetHistoryEntryResponseEvent):
    wire_inline = True
    wire_newtype = GetHistoryEntryResponseEvent
    type: Literal["get_history_entry_response"] = "get_history_entry_response"


class McpListToolsResponseEventMsg(McpListToolsResponseEvent):
    wire_inline = True
    wire_newtype = McpListToolsResponseEvent
    type: Literal["mcp_list_tools_response"] = "mcp_list_tools_response"


class ListCustomPromptsResponseEventMsg(ListCustomPromptsResponseEvent):
    wire_inline = True
    wire_newtype = ListCustomPromptsResponseEvent
    type: Literal["list_custom_prompts_response"] = "list_custom_prompts_response"


class ListSkillsResponseEventMsg(ListSkillsResponseEvent):
    wire_inline = True
    wire_newtype = ListSkillsResponseEvent
    type: Literal["list_skills_response"] = "list_skills_response"


class ListRemoteSkillsResponseEventMsg(ListRemoteSkillsResponseEvent):
    wire_inline = True
    wire_newtype = ListRemoteSkillsResponseEvent
    type: Literal["list_remote_skills_response"] = "list_remote_skills_response"


class RemoteSkillDownloadedEventMsg(RemoteSkillDownloadedEvent):
    wire_inline = True
    wire_newtype = RemoteSkillDownloadedEvent
    type: Literal["remote_skill_downloaded"] = "remote_skill_downloaded"


class SkillsUpdateAvailableEventMsg(CoreModel):
    wire_inline = True
    type: Literal["skills_update_available"] = "skills_update_available"


class PlanUpdateEventMsg(UpdatePlanArgs):
    wire_inline = True
    wire_newtype = UpdatePlanArgs
    type: Literal["plan_update"] = "plan_update"


class TurnAbortedEventMsg(TurnAbortedEvent):
    wire_inline = True
    wire_newtype = TurnAbortedEvent
    type: Literal["turn_aborted"] = "turn_aborted"


class ShutdownCompleteEventMsg(CoreModel):
    wire_inline = True
    type: Literal["shutdown_complete"] = "shutdown_complete"


class EnteredReviewModeEventMsg(ReviewRequest):
    wire_inline = True
    wire_newtype = ReviewRequest
    type: Literal["entered_review_mode"] = "entered_review_mode"


class ExitedReviewModeEventMsg(ExitedReviewModeEvent):
    wire_inline = True
    wire_newtype = ExitedReviewModeEvent
    type: Literal["exited_review_mode"] = "exited_review_mode"


class RawResponseItemEventMsg(RawResponseItemEvent):
    wire_inline = True
    wire_newtype = RawResponseItemEvent
    type: Literal["raw_response_item"] = "raw_response_item"


class ItemStartedEventMsg(ItemStartedEvent):
    wire_inline = True
    wire_newtype = ItemStartedEvent
    type: Literal["item_started"] = "item_started"


class ItemCompletedEventMsg(ItemCompletedEvent):
    wire_inline = True
    wire_newtype = ItemCompletedEvent
    type: Literal["item_completed"] = "item_completed"


class AgentMessageContentDeltaEventMsg(AgentMessageContentDeltaEvent):
    wire_inline = True
    wire_newtype = AgentMessageContentDeltaEvent
    type: Literal["agent_message_content_delta"] = "agent_message_content_delta"


class PlanDeltaEventMsg(PlanDeltaEvent):
    wire_inline = True
    wire_newtype = PlanDeltaEvent
    type: Literal["plan_delta"] = "plan_delta"


class ReasoningContentDeltaEventMsg(ReasoningContentDeltaEvent):
    wire_inline = True
    wire_newtype = ReasoningContentDeltaEvent
    type: Literal["reasoning_content_delta"] = "reasoning_content_delta"


class ReasoningRawContentDeltaEventMsg(ReasoningRawContentDeltaEvent):
    wire_inline = True
    wire_newtype = ReasoningRawContentDeltaEvent
    type: Literal["reasoning_raw_content_delta"] = "reasoning_raw_content_delta"


class CollabAgentSpawnBeginEventMsg(CollabAgentSpawnBeginEvent):
    wire_inline = True
    wire_newtype = CollabAgentSpawnBeginEvent
    type: Literal["collab_agent_spawn_begin"] = "collab_agent_spawn_begin"


class CollabAgentSpawnEndEventMsg(CollabAgentSpawnEndEvent):
    wire_inline = True
    wire_newtype = CollabAgentSpawnEndEvent
    type: Literal["collab_agent_spawn_end"] = "collab_agent_spawn_end"


class CollabAgentInteractionBeginEventMsg(CollabAgentInteractionBeginEvent):
    wire_inline = True
    wire_newtype = CollabAgentInteractionBeginEvent
    type: Literal["collab_agent_interaction_begin"] = "collab_agent_interaction_begin"


class CollabAgentInteractionEndEventMsg(CollabAgentInteractionEndEvent):
    wire_inline = True
    wire_newtype = CollabAgentInteractionEndEvent
    type: Literal["collab_agent_interaction_end"] = "collab_agent_interaction_end"


class CollabWaitingBeginEventMsg(CollabWaitingBeginEvent):
    wire_inline = True
    wire_newtype = CollabWaitingBeginEvent
    type: Literal["collab_waiting_begin"] = "collab_waiting_begin"


class CollabWaitingEndEventMsg(CollabWaitingEndEvent):
    wire_inline = True
    wire_newtype = CollabWaitingEndEvent
    type: Literal["collab_waiting_end"] = "collab_waiting_end"


class CollabCloseBeginEventMsg(CollabCloseBeginEvent):
    wire_inline = True
    wire_newtype = CollabCloseBeginEvent
    type: Literal["collab_close_begin"] = "collab_close_begin"


class CollabCloseEndEventMsg(CollabCloseEndEvent):
    wire_inline = True
    wire_newtype = CollabCloseEndEvent
    type: Literal["collab_close_end"] = "collab_close_end"


class CollabResumeBeginEventMsg(CollabResumeBeginEvent):
    wire_inline = True
    wire_newtype = CollabResumeBeginEvent
    type: Literal["collab_resume_begin"] = "collab_resume_begin"


class CollabResumeEndEventMsg(CollabResumeEndEvent):
    wire_inline = True
    wire_newtype = CollabResumeEndEvent
    type: Literal["collab_resume_end"] = "collab_resume_end"


EventMsg = Annotated[
    ErrorEventMsg
    | WarningEventMsg
    | ContextCompactedEventMsg
    | ThreadRolledBackEventMsg
    | TaskStartedEventMsg
    | TaskCompleteEventMsg
    | TokenCountEventMsg
    | AgentMessageEventMsg
    | UserMessageEventMsg
    | AgentMessageDeltaEventMsg
    | AgentReasoningEventMsg
    | AgentReasoningDeltaEventMsg
    | AgentReasoningRawContentEventMsg
    | AgentReasoningRawContentDeltaEventMsg
    | AgentReasoningSectionBreakEventMsg
    | SessionConfiguredEventMsg
    | ThreadNameUpdatedEventMsg
    | McpStartupUpdateEventMsg
    | McpStartupCompleteEventMsg
    | McpToolCallBeginEventMsg
    | McpToolCallEndEventMsg
    | WebSearchBeginEventMsg
    | WebSearchEndEventMsg
    | ExecCommandBeginEventMsg
    | ExecCommandOutputDeltaEventMsg
    | TerminalInteractionEventMsg
    | ExecCommandEndEventMsg
    | ViewImageToolCallEventMsg
    | ExecApprovalRequestEventMsg
    | RequestUserInputEventMsg
    | DynamicToolCallRequestEventMsg
    | ElicitationRequestEventMsg
    | ApplyPatchApprovalRequestEventMsg
    | DeprecationNoticeEventMsg
    | BackgroundEventEventMsg
    | UndoStartedEventMsg
    | UndoCompletedEventMsg
    | StreamErrorEventMsg
    | PatchApplyBeginEventMsg
    | PatchApplyEndEventMsg
    | TurnDiffEventMsg
    | GetHistoryEntryResponseEventMsg
    | McpListToolsResponseEventMsg
    | ListCustomPromptsResponseEventMsg
    | ListSkillsResponseEventMsg
    | ListRemoteSkillsResponseEventMsg
    | RemoteSkillDownloadedEventMsg
    | SkillsUpdateAvailableEventMsg
    | PlanUpdateEventMsg
    | TurnAbortedEventMsg
    | ShutdownCompleteEventMsg
    | EnteredReviewModeEventMsg
    | ExitedReviewModeEventMsg
    | RawResponseItemEventMsg
    | ItemStartedEventMsg
    | ItemCompletedEventMsg
    | AgentMessageContentDeltaEventMsg
    | PlanDeltaEventMsg
    | ReasoningContentDeltaEventMsg
    | ReasoningRawContentDeltaEventMsg
    | CollabAgentSpawnBeginEventMsg
    | CollabAgentSpawnEndEventMsg
    | CollabAgentInteractionBeginEventMsg
    | CollabAgentInteractionEndEventMsg
    | CollabWaitingBeginEventMsg
    | CollabWaitingEndEventMsg
    | CollabCloseBeginEventMsg
    | CollabCloseEndEventMsg
    | CollabResumeBeginEventMsg
    | CollabResumeEndEventMsg,
    Field(discriminator="type"),
    Named("EventMsg"),
]
