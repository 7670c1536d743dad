"""Legacy v1 API: conversation-style params, responses and notifications."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import (
    EXPERIMENTAL,
    I32,
    U32,
    U64,
    CoreModel,
    JsonValue,
    Named,
    Opt,
    OptN,
    U64Big,
    Usize,
    UuidText,
    V1Model,
    W,
)
from .core import (
    AbsolutePathBuf,
    AuthMode,
    CoreAskForApproval,
    CoreSandboxMode,
    CoreSandboxPolicy,
    CoreSessionSource,
    ForcedLoginMethod,
    ReasoningEffort,
    ReasoningSummary,
    ReviewDecision,
    ThreadId,
    Verbosity,
)
from .core_items import ResponseItem
from .event_payloads import (
    FileChange,
    ParsedCommand,
    TurnAbortReason,
)
from .events import EventMsg

# A conversation id the client sends, read as the reference reads its ThreadId (a UUID).
ThreadIdParam = Annotated[ThreadId, UuidText()]
# A plain `Uuid` field (login and subscription ids): serde words its failures this way.
UuidParam = Annotated[str, UuidText("UUID parsing failed: ")]


class AddConversationListenerParams(V1Model):
    conversation_id: ThreadIdParam
    experimental_raw_events: bool = False


class AddConversationSubscriptionResponse(V1Model):
    subscription_id: str


class ApplyPatchApprovalParams(V1Model):
    conversation_id: ThreadId
    call_id: str
    file_changes: dict[str, FileChange]
    reason: str | None = None
    grant_root: str | None = None


class ApplyPatchApprovalResponse(CoreModel):
    decision: ReviewDecision


class ArchiveConversationParams(V1Model):
    conversation_id: ThreadIdParam
    rollout_path: str


class ArchiveConversationResponse(CoreModel):
    pass


class AuthStatusChangeNotification(V1Model):
    auth_method: AuthMode | None = None


class V1ByteRange(CoreModel):
    wire_name = "ByteRange"
    wire_json_name = "V1ByteRange"
    start: Usize
    end: Usize


class CancelLoginChatGptParams(V1Model):
    login_id: UuidParam


class CancelLoginChatGptResponse(CoreModel):
    pass


class ClientInfo(CoreModel):
    name: str
    title: str | None = None
    version: str


class ConversationGitInfo(CoreModel):
    sha: str | None = None
    branch: str | None = None
    origin_url: str | None = None


class ConversationSummary(V1Model):
    conversation_id: ThreadId
    path: str
    preview: str
    timestamp: str | None = None
    updated_at: str | None = None
    model_provider: str
    cwd: str
    cli_version: str
    source: CoreSessionSource
    git_info: ConversationGitInfo | None = None


class ExecCommandApprovalParams(V1Model):
    conversation_id: ThreadId
    call_id: str
    command: list[str]
    cwd: str
    reason: str | None = None
    parsed_cmd: list[ParsedCommand]


class ExecCommandApprovalResponse(CoreModel):
    decision: ReviewDecision


class ExecOneOffCommandParams(V1Model):
    command: list[str]
    timeout_ms: U64Big | None = None
    cwd: str | None = None
    sandbox_policy: CoreSandboxPolicy | None = None


class ExecOneOffCommandResponse(V1Model):
    exit_code: I32
    stdout: str
    stderr: str


class ForkConversationParams(V1Model):
    path: str | None = None
    conversation_id: ThreadIdParam | None = None
    overrides: "NewConversationParams | None" = None


class ForkConversationResponse(V1Model):
    conversation_id: ThreadId
    model: str
    initial_messages: list[EventMsg] | None = None
    rollout_path: str


class FuzzyFileSearchParams(V1Model):
    query: str
    roots: list[str]
    cancellation_token: str | None = None


class FuzzyFileSearchResponse(CoreModel):
    files: "list[FuzzyFileSearchResult]"


class FuzzyFileSearchResult(CoreModel):
    root: str
    path: str
    file_name: str
    score: U32
    indices: list[U32] | None = None


class GetAuthStatusParams(V1Model):
    include_token: bool | None = None
    refresh_token: bool | None = None


class GetAuthStatusResponse(V1Model):
    auth_method: AuthMode | None = None
    auth_token: str | None = None
    requires_openai_auth: bool | None = None


class RolloutPathGetConversationSummaryParams(V1Model):
    wire_inline = True
    rollout_path: str


class ConversationIdGetConversationSummaryParams(V1Model):
    wire_inline = True
    conversation_id: ThreadIdParam


class GetConversationSummaryResponse(CoreModel):
    summary: ConversationSummary


class GetUserAgentResponse(V1Model):
    user_agent: str


class GetUserSavedConfigResponse(CoreModel):
    config: "UserSavedConfig"


class GitDiffToRemoteParams(CoreModel):
    cwd: str


class GitDiffToRemoteResponse(CoreModel):
    sha: "GitSha"
    diff: str


class ReconnectCapability(V1Model):
    """pycodex extension (websocket only, needs experimentalApi): opt in to reconnecting, or
    reconnect with the token and the last `_seq` seen per thread (docs/app-server.md)."""

    wire_inline = True
    version: U32
    resume_token: OptN[str] = None
    last_seq: OptN[dict[str, U64]] = None


class ReconnectInfo(V1Model):
    """The answer to a reconnect opt-in: the token to present later and, after a resume, the
    newest `_seq` of each resumed thread (the replay ends there)."""

    wire_inline = True
    version: U32
    resume_token: str
    retention_seconds: U64
    threads: dict[str, U64]


class InitializeCapabilities(V1Model):
    experimental_api: bool = False
    opt_out_notification_methods: OptN[list[str]] = None
    reconnect: Annotated[Opt[ReconnectCapability], EXPERIMENTAL] = None


class InitializeParams(V1Model):
    client_info: ClientInfo
    capabilities: InitializeCapabilities | None = None


class InitializeResponse(V1Model):
    user_agent: str
    reconnect: Annotated[Opt[ReconnectInfo], EXPERIMENTAL] = None


class TextInputItemData(CoreModel):
    wire_inline = True
    text: str
    text_elements: "list[V1TextElement]" = Field(default_factory=list)


class TextInputItem(CoreModel):
    wire_inline = True
    type: Literal["text"] = "text"
    data: TextInputItemData


class ImageInputItemData(CoreModel):
    wire_inline = True
    image_url: str


class ImageInputItem(CoreModel):
    wire_inline = True
    type: Literal["image"] = "image"
    data: ImageInputItemData


class LocalImageInputItemData(CoreModel):
    wire_inline = True
    path: str


class LocalImageInputItem(CoreModel):
    wire_inline = True
    type: Literal["localImage"] = "localImage"
    data: LocalImageInputItemData


class InterruptConversationParams(V1Model):
    conversation_id: ThreadIdParam


class InterruptConversationResponse(V1Model):
    abort_reason: TurnAbortReason


class ListConversationsParams(V1Model):
    page_size: Usize | None = None
    cursor: str | None = None
    model_providers: list[str] | None = None


class ListConversationsResponse(V1Model):
    items: list[ConversationSummary]
    next_cursor: str | None = None


class LoginApiKeyParams(V1Model):
    api_key: str


class LoginApiKeyResponse(CoreModel):
    pass


class LoginChatGptCompleteNotification(V1Model):
    login_id: str
    success: bool
    error: str | None = None


class LoginChatGptResponse(V1Model):
    login_id: str
    auth_url: str


class LogoutChatGptResponse(CoreModel):
    pass


class NewConversationParams(V1Model):
    model: str | None = None
    model_provider: str | None = None
    profile: str | None = None
    cwd: str | None = None
    approval_policy: CoreAskForApproval | None = None
    sandbox: CoreSandboxMode | None = None
    config: dict[str, JsonValue] | None = None
    base_instructions: str | None = None
    developer_instructions: str | None = None
    compact_prompt: str | None = None
    include_apply_patch_tool: bool | None = None


class NewConversationResponse(V1Model):
    conversation_id: ThreadId
    model: str
    reasoning_effort: ReasoningEffort | None = None
    rollout_path: str


class Profile(V1Model):
    model: str | None = None
    model_provider: str | None = None
    approval_policy: CoreAskForApproval | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    chatgpt_base_url: str | None = None


class RemoveConversationListenerParams(V1Model):
    subscription_id: UuidParam


class RemoveConversationSubscriptionResponse(CoreModel):
    pass


class ResumeConversationParams(V1Model):
    path: str | None = None
    conversation_id: ThreadIdParam | None = None
    history: list[ResponseItem] | None = None
    overrides: NewConversationParams | None = None


class ResumeConversationResponse(V1Model):
    conversation_id: ThreadId
    model: str
    initial_messages: list[EventMsg] | None = None
    rollout_path: str


class SandboxSettings(V1Model):
    writable_roots: list[AbsolutePathBuf] = Field(default_factory=list)
    network_access: bool | None = None
    exclude_tmpdir_env_var: bool | None = None
    exclude_slash_tmp: bool | None = None


class SendUserMessageParams(V1Model):
    conversation_id: ThreadIdParam
    items: "list[InputItem]"


class SendUserMessageResponse(CoreModel):
    pass


class SendUserTurnParams(V1Model):
    conversation_id: ThreadIdParam
    items: "list[InputItem]"
    cwd: str
    approval_policy: CoreAskForApproval
    sandbox_policy: CoreSandboxPolicy
    model: str
    effort: ReasoningEffort | None = None
    summary: ReasoningSummary
    output_schema: Annotated[JsonValue | None, W(json_any_obj=True)] = None


class SendUserTurnResponse(CoreModel):
    pass


class SessionConfiguredNotification(V1Model):
    session_id: ThreadId
    model: str
    reasoning_effort: ReasoningEffort | None = None
    history_log_id: U64Big
    history_entry_count: Usize
    initial_messages: list[EventMsg] | None = None
    rollout_path: str


class SetDefaultModelParams(V1Model):
    model: str | None = None
    reasoning_effort: ReasoningEffort | None = None


class SetDefaultModelResponse(CoreModel):
    pass


class V1TextElement(V1Model):
    wire_name = "TextElement"
    wire_json_name = "V1TextElement"
    byte_range: V1ByteRange
    placeholder: str | None = None


class Tools(V1Model):
    web_search: bool | None = None
    view_image: bool | None = None


class UserInfoResponse(V1Model):
    alleged_user_email: str | None = None


class UserSavedConfig(V1Model):
    approval_policy: CoreAskForApproval | None = None
    sandbox_mode: CoreSandboxMode | None = None
    sandbox_settings: SandboxSettings | None = None
    forced_chatgpt_workspace_id: str | None = None
    forced_login_method: ForcedLoginMethod | None = None
    model: str | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    tools: Tools | None = None
    profile: str | None = None
    profiles: dict[str, Profile]


GetConversationSummaryParams = Annotated[
    RolloutPathGetConversationSummaryParams | ConversationIdGetConversationSummaryParams,
    Named("GetConversationSummaryParams"),
]


GitSha = Annotated[str, Named("GitSha")]


InputItem = Annotated[
    TextInputItem | ImageInputItem | LocalImageInputItem, Field(discriminator="type"), Named("InputItem")
]
