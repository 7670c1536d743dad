"""Agent-core types shared by v1, v2 and the event stream (sandbox, auth, skills, MCP shapes)."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import F64, I32, I64, U16, AbsolutePathText, CoreModel, JsonValue, Named, Opt, Usize, V1Model, W


class CoreByteRange(CoreModel):
    wire_name = "ByteRange"
    wire_ts_file = False
    start: Usize
    end: Usize


class CoreCodexErrorInfoHttpConnectionFailedHttpConnectionFailed(CoreModel):
    wire_inline = True
    http_status_code: U16 | None = None


class CoreCodexErrorInfoHttpConnectionFailed(CoreModel):
    wire_inline = True
    wire_additional = False
    http_connection_failed: CoreCodexErrorInfoHttpConnectionFailedHttpConnectionFailed


class CoreCodexErrorInfoResponseStreamConnectionFailedResponseStreamConnectionFailed(CoreModel):
    wire_inline = True
    http_status_code: U16 | None = None


class CoreCodexErrorInfoResponseStreamConnectionFailed(CoreModel):
    wire_inline = True
    wire_additional = False
    response_stream_connection_failed: (
        CoreCodexErrorInfoResponseStreamConnectionFailedResponseStreamConnectionFailed
    )


class CoreCodexErrorInfoResponseStreamDisconnectedResponseStreamDisconnected(CoreModel):
    wire_inline = True
    http_status_code: U16 | None = None


class CoreCodexErrorInfoResponseStreamDisconnected(CoreModel):
    wire_inline = True
    wire_additional = False
    response_stream_disconnected: CoreCodexErrorInfoResponseStreamDisconnectedResponseStreamDisconnected


class CoreCodexErrorInfoResponseTooManyFailedAttemptsResponseTooManyFailedAttempts(CoreModel):
    wire_inline = True
    http_status_code: U16 | None = None


class CoreCodexErrorInfoResponseTooManyFailedAttempts(CoreModel):
    wire_inline = True
    wire_additional = False
    response_too_many_failed_attempts: (
        CoreCodexErrorInfoResponseTooManyFailedAttemptsResponseTooManyFailedAttempts
    )


class CollaborationMode(CoreModel):
    mode: "ModeKind"
    settings: "Settings"


class CollaborationModeMask(CoreModel):
    name: str
    mode: "ModeKind | None" = None
    model: str | None = None
    reasoning_effort: "Annotated[ReasoningEffort | None, W(double_null=True, json_double_null=True)]" = None
    developer_instructions: Annotated[str | None, W(double_null=True)] = None


class CoreCreditsSnapshot(CoreModel):
    wire_name = "CreditsSnapshot"
    has_credits: bool
    unlimited: bool
    balance: str | None = None


class CoreRateLimitSnapshot(CoreModel):
    wire_name = "RateLimitSnapshot"
    limit_id: str | None = None
    limit_name: str | None = None
    primary: "CoreRateLimitWindow | None" = None
    secondary: "CoreRateLimitWindow | None" = None
    credits: CoreCreditsSnapshot | None = None
    plan_type: "PlanType | None" = None


class CoreRateLimitWindow(CoreModel):
    wire_name = "RateLimitWindow"
    used_percent: F64
    window_minutes: I64 | None = None
    resets_at: I64 | None = None


class CoreRestrictedReadOnlyAccess(CoreModel):
    wire_inline = True
    type: Literal["restricted"] = "restricted"
    include_platform_defaults: bool = True
    readable_roots: "Annotated[Opt[list[AbsolutePathBuf]], W(json_nonnull=True)]" = None


class CoreFullAccessReadOnlyAccess(CoreModel):
    wire_inline = True
    type: Literal["full-access"] = "full-access"


class CoreRemoteSkillSummary(CoreModel):
    wire_name = "RemoteSkillSummary"
    id: str
    name: str
    description: str


class Resource(V1Model):
    annotations: Annotated[Opt[JsonValue], W(json_nonnull=True)] = None
    description: Opt[str] = None
    mime_type: Opt[str] = None
    name: str
    size: Opt[I64] = None
    title: Opt[str] = None
    uri: str
    icons: Opt[list[JsonValue]] = None
    meta: Annotated[Opt[JsonValue], W(json_nonnull=True)] = Field(None, alias="_meta")


class ResourceTemplate(V1Model):
    annotations: Annotated[Opt[JsonValue], W(json_nonnull=True)] = None
    uri_template: str
    name: str
    title: Opt[str] = None
    description: Opt[str] = None
    mime_type: Opt[str] = None


class ReviewDecisionApprovedExecpolicyAmendmentApprovedExecpolicyAmendment(CoreModel):
    wire_inline = True
    proposed_execpolicy_amendment: "CoreExecPolicyAmendment"


class ReviewDecisionApprovedExecpolicyAmendment(CoreModel):
    wire_inline = True
    wire_additional = False
    approved_execpolicy_amendment: ReviewDecisionApprovedExecpolicyAmendmentApprovedExecpolicyAmendment


class CoreUncommittedChangesReviewTarget(CoreModel):
    wire_inline = True
    type: Literal["uncommittedChanges"] = "uncommittedChanges"


class CoreBaseBranchReviewTarget(CoreModel):
    wire_inline = True
    type: Literal["baseBranch"] = "baseBranch"
    branch: str


class CoreCommitReviewTarget(CoreModel):
    wire_inline = True
    type: Literal["commit"] = "commit"
    sha: str
    title: str | None = None


class CoreCustomReviewTarget(CoreModel):
    wire_inline = True
    type: Literal["custom"] = "custom"
    instructions: str


class CoreDangerFullAccessSandboxPolicy(CoreModel):
    wire_inline = True
    type: Literal["danger-full-access"] = "danger-full-access"


class CoreReadOnlySandboxPolicy(CoreModel):
    wire_inline = True
    type: Literal["read-only"] = "read-only"
    access: "Annotated[Opt[CoreReadOnlyAccess], W(json_nonnull=True)]" = None


class CoreExternalSandboxSandboxPolicy(CoreModel):
    wire_inline = True
    type: Literal["external-sandbox"] = "external-sandbox"
    network_access: "CoreNetworkAccess" = "restricted"


class CoreWorkspaceWriteSandboxPolicy(CoreModel):
    wire_inline = True
    type: Literal["workspace-write"] = "workspace-write"
    writable_roots: "Annotated[Opt[list[AbsolutePathBuf]], W(json_nonnull=True)]" = None
    read_only_access: "Annotated[Opt[CoreReadOnlyAccess], W(json_nonnull=True)]" = None
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


class CoreSessionSourceSubagent(CoreModel):
    wire_inline = True
    wire_additional = False
    subagent: "SubAgentSource"


class Settings(CoreModel):
    model: str
    reasoning_effort: "ReasoningEffort | None" = None
    developer_instructions: str | None = None


class CoreSkillDependencies(CoreModel):
    wire_name = "SkillDependencies"
    tools: "list[CoreSkillToolDependency]"


class CoreSkillErrorInfo(CoreModel):
    wire_name = "SkillErrorInfo"
    path: str
    message: str


class CoreSkillInterface(CoreModel):
    wire_name = "SkillInterface"
    display_name: Opt[str] = None
    short_description: Opt[str] = None
    icon_small: Opt[str] = None
    icon_large: Opt[str] = None
    brand_color: Opt[str] = None
    default_prompt: Opt[str] = None


class CoreSkillMetadata(CoreModel):
    wire_name = "SkillMetadata"
    name: str
    description: str
    short_description: Opt[str] = None
    interface: Opt[CoreSkillInterface] = None
    dependencies: Opt[CoreSkillDependencies] = None
    path: str
    scope: "CoreSkillScope"
    enabled: bool


class CoreSkillToolDependency(CoreModel):
    wire_name = "SkillToolDependency"
    type: str
    value: str
    description: Opt[str] = None
    transport: Opt[str] = None
    command: Opt[str] = None
    url: Opt[str] = None


class CoreSkillsListEntry(CoreModel):
    wire_name = "SkillsListEntry"
    cwd: str
    skills: list[CoreSkillMetadata]
    errors: list[CoreSkillErrorInfo]


class SubAgentSourceThreadSpawnThreadSpawn(CoreModel):
    wire_inline = True
    parent_thread_id: "ThreadId"
    depth: I32


class SubAgentSourceThreadSpawn(CoreModel):
    wire_inline = True
    wire_additional = False
    thread_spawn: SubAgentSourceThreadSpawnThreadSpawn


class SubAgentSourceOther(CoreModel):
    wire_inline = True
    wire_additional = False
    other: str


class CoreTextElement(CoreModel):
    wire_name = "TextElement"
    wire_ts_file = False
    byte_range: CoreByteRange
    placeholder: str | None = None


class Tool(V1Model):
    name: str
    title: Opt[str] = None
    description: Opt[str] = None
    input_schema: JsonValue
    output_schema: Annotated[Opt[JsonValue], W(json_nonnull=True)] = None
    annotations: Annotated[Opt[JsonValue], W(json_nonnull=True)] = None
    icons: Opt[list[JsonValue]] = None
    meta: Annotated[Opt[JsonValue], W(json_nonnull=True)] = Field(None, alias="_meta")


class CoreTextUserInput(CoreModel):
    wire_inline = True
    type: Literal["text"] = "text"
    text: str
    text_elements: list[CoreTextElement] = Field(default_factory=list)


class CoreImageUserInput(CoreModel):
    wire_inline = True
    type: Literal["image"] = "image"
    image_url: str


class CoreLocalImageUserInput(CoreModel):
    wire_inline = True
    type: Literal["local_image"] = "local_image"
    path: str


class CoreSkillUserInput(CoreModel):
    wire_inline = True
    type: Literal["skill"] = "skill"
    name: str
    path: str


class CoreMentionUserInput(CoreModel):
    wire_inline = True
    type: Literal["mention"] = "mention"
    name: str
    path: str


AbsolutePathBuf = Annotated[str, Named("AbsolutePathBuf"), AbsolutePathText()]


CoreAskForApproval = Annotated[
    Literal["untrusted", "on-failure", "on-request", "never"], Named("AskForApproval")
]


AuthMode = Annotated[Literal["apikey", "chatgpt", "chatgptAuthTokens"], Named("AuthMode")]


CoreCodexErrorInfo = Annotated[
    Literal["context_window_exceeded"]
    | Literal["usage_limit_exceeded"]
    | Literal["server_overloaded"]
    | CoreCodexErrorInfoHttpConnectionFailed
    | CoreCodexErrorInfoResponseStreamConnectionFailed
    | Literal["internal_server_error"]
    | Literal["unauthorized"]
    | Literal["bad_request"]
    | Literal["sandbox_error"]
    | CoreCodexErrorInfoResponseStreamDisconnected
    | CoreCodexErrorInfoResponseTooManyFailedAttempts
    | Literal["thread_rollback_failed"]
    | Literal["other"],
    Named("CodexErrorInfo"),
]


CoreExecPolicyAmendment = Annotated[list[str], Named("ExecPolicyAmendment", json_inline=True)]


ForcedLoginMethod = Annotated[Literal["chatgpt", "api"], Named("ForcedLoginMethod")]


InputModality = Annotated[Literal["text", "image"], Named("InputModality")]


CoreMcpAuthStatus = Annotated[
    Literal["unsupported", "not_logged_in", "bearer_token", "o_auth"], Named("McpAuthStatus")
]


ModeKind = Annotated[Literal["plan", "default"], Named("ModeKind")]


CoreNetworkAccess = Annotated[Literal["restricted", "enabled"], Named("NetworkAccess")]


Personality = Annotated[Literal["none", "friendly", "pragmatic"], Named("Personality")]


PlanType = Annotated[
    Literal["free", "go", "plus", "pro", "team", "business", "enterprise", "edu", "unknown"],
    Named("PlanType"),
]


CoreReadOnlyAccess = Annotated[
    CoreRestrictedReadOnlyAccess | CoreFullAccessReadOnlyAccess,
    Field(discriminator="type"),
    Named("ReadOnlyAccess"),
]


ReasoningEffort = Annotated[
    Literal["none", "minimal", "low", "medium", "high", "xhigh"], Named("ReasoningEffort")
]


ReasoningSummary = Annotated[Literal["auto", "concise", "detailed", "none"], Named("ReasoningSummary")]


ReviewDecision = Annotated[
    Literal["approved"]
    | ReviewDecisionApprovedExecpolicyAmendment
    | Literal["approved_for_session"]
    | Literal["denied"]
    | Literal["abort"],
    Named("ReviewDecision"),
]


CoreReviewTarget = Annotated[
    CoreUncommittedChangesReviewTarget
    | CoreBaseBranchReviewTarget
    | CoreCommitReviewTarget
    | CoreCustomReviewTarget,
    Field(discriminator="type"),
    Named("ReviewTarget"),
]


CoreSandboxMode = Annotated[
    Literal["read-only", "workspace-write", "danger-full-access"], Named("SandboxMode")
]


CoreSandboxPolicy = Annotated[
    CoreDangerFullAccessSandboxPolicy
    | CoreReadOnlySandboxPolicy
    | CoreExternalSandboxSandboxPolicy
    | CoreWorkspaceWriteSandboxPolicy,
    Field(discriminator="type"),
    Named("SandboxPolicy"),
]


CoreSessionSource = Annotated[
    Literal["cli"]
    | Literal["vscode"]
    | Literal["exec"]
    | Literal["mcp"]
    | CoreSessionSourceSubagent
    | Literal["unknown"],
    Named("SessionSource"),
]


CoreSkillScope = Annotated[Literal["user", "repo", "system", "admin"], Named("SkillScope")]


SubAgentSource = Annotated[
    Literal["review"] | Literal["compact"] | SubAgentSourceThreadSpawn | SubAgentSourceOther,
    Named("SubAgentSource"),
]


ThreadId = Annotated[str, Named("ThreadId")]


CoreUserInput = Annotated[
    CoreTextUserInput
    | CoreImageUserInput
    | CoreLocalImageUserInput
    | CoreSkillUserInput
    | CoreMentionUserInput,
    Field(discriminator="type"),
    Named("UserInput"),
]


Verbosity = Annotated[Literal["low", "medium", "high"], Named("Verbosity")]


WebSearchMode = Annotated[Literal["disabled", "cached", "live"], Named("WebSearchMode")]
