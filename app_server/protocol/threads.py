"""v2 thread and turn records and the thread/* methods."""

from typing import Annotated, Literal

from ._base import EXPERIMENTAL, I64, JSON_HIDDEN, U32, V2, JsonValue, Named, OptN, V2Model
from .core import Personality, ReasoningEffort, SubAgentSource
from .core_items import ResponseItem
from .items import ThreadItem
from .v2_common import (
    AskForApproval,
    CodexErrorInfo,
    DynamicToolSpec,
    SandboxMode,
    SandboxPolicy,
    TokenUsageBreakdown,
)


class GitInfo(V2Model):
    sha: str | None = None
    branch: str | None = None
    origin_url: str | None = None


class SessionSourceSubAgent(V2Model):
    wire_inline = True
    wire_additional = False
    sub_agent: SubAgentSource


class Thread(V2Model):
    id: str
    preview: str
    model_provider: str
    created_at: I64
    updated_at: I64
    path: str | None = None
    cwd: str
    cli_version: str
    source: "SessionSource"
    git_info: GitInfo | None = None
    turns: "list[Turn]"


class ThreadArchiveParams(V2Model):
    thread_id: str


class ThreadArchiveResponse(V2Model):
    pass


class ThreadCompactStartParams(V2Model):
    thread_id: str


class ThreadCompactStartResponse(V2Model):
    pass


class ThreadForkParams(V2Model):
    thread_id: str
    path: Annotated[OptN[str], JSON_HIDDEN] = None
    model: OptN[str] = None
    model_provider: OptN[str] = None
    cwd: OptN[str] = None
    approval_policy: OptN[AskForApproval] = None
    sandbox: OptN[SandboxMode] = None
    config: OptN[dict[str, JsonValue]] = None
    base_instructions: OptN[str] = None
    developer_instructions: OptN[str] = None


class ThreadForkResponse(V2Model):
    thread: Thread
    model: str
    model_provider: str
    cwd: str
    approval_policy: AskForApproval
    sandbox: SandboxPolicy
    reasoning_effort: ReasoningEffort | None = None


class ThreadListParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None
    sort_key: "OptN[ThreadSortKey]" = None
    model_providers: OptN[list[str]] = None
    source_kinds: "OptN[list[ThreadSourceKind]]" = None
    archived: OptN[bool] = None


class ThreadListResponse(V2Model):
    data: list[Thread]
    next_cursor: str | None = None


class ThreadLoadedListParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None


class ThreadLoadedListResponse(V2Model):
    data: list[str]
    next_cursor: str | None = None


class ThreadReadParams(V2Model):
    thread_id: str
    include_turns: bool = False


class ThreadReadResponse(V2Model):
    thread: Thread


class ThreadResumeParams(V2Model):
    thread_id: str
    history: Annotated[OptN[list[ResponseItem]], JSON_HIDDEN] = None
    path: Annotated[OptN[str], JSON_HIDDEN] = None
    model: OptN[str] = None
    model_provider: OptN[str] = None
    cwd: OptN[str] = None
    approval_policy: OptN[AskForApproval] = None
    sandbox: OptN[SandboxMode] = None
    config: OptN[dict[str, JsonValue]] = None
    base_instructions: OptN[str] = None
    developer_instructions: OptN[str] = None
    personality: OptN[Personality] = None


class ThreadResumeResponse(V2Model):
    thread: Thread
    model: str
    model_provider: str
    cwd: str
    approval_policy: AskForApproval
    sandbox: SandboxPolicy
    reasoning_effort: ReasoningEffort | None = None


class ThreadRollbackParams(V2Model):
    thread_id: str
    num_turns: U32


class ThreadRollbackResponse(V2Model):
    thread: Thread


class ThreadSetNameParams(V2Model):
    thread_id: str
    name: str


class ThreadSetNameResponse(V2Model):
    pass


class ThreadStartParams(V2Model):
    model: OptN[str] = None
    model_provider: OptN[str] = None
    cwd: OptN[str] = None
    approval_policy: OptN[AskForApproval] = None
    sandbox: OptN[SandboxMode] = None
    config: OptN[dict[str, JsonValue]] = None
    base_instructions: OptN[str] = None
    developer_instructions: OptN[str] = None
    personality: OptN[Personality] = None
    ephemeral: OptN[bool] = None
    experimental_raw_events: Annotated[bool, JSON_HIDDEN] = False
    dynamic_tools: Annotated[OptN[list[DynamicToolSpec]], EXPERIMENTAL] = None
    mock_experimental_field: Annotated[OptN[str], EXPERIMENTAL] = None


class ThreadStartResponse(V2Model):
    thread: Thread
    model: str
    model_provider: str
    cwd: str
    approval_policy: AskForApproval
    sandbox: SandboxPolicy
    reasoning_effort: ReasoningEffort | None = None


class ThreadTokenUsage(V2Model):
    total: TokenUsageBreakdown
    last: TokenUsageBreakdown
    model_context_window: I64 | None = None


class ThreadUnarchiveParams(V2Model):
    thread_id: str


class ThreadUnarchiveResponse(V2Model):
    thread: Thread


class Turn(V2Model):
    id: str
    items: list[ThreadItem]
    status: "TurnStatus"
    error: "TurnError | None" = None


class TurnError(V2Model):
    message: str
    codex_error_info: CodexErrorInfo | None = None
    additional_details: str | None = None


SessionSource = Annotated[
    Literal["cli"]
    | Literal["vscode"]
    | Literal["exec"]
    | Literal["appServer"]
    | SessionSourceSubAgent
    | Literal["unknown"],
    Named("SessionSource", V2),
]


ThreadSortKey = Annotated[Literal["created_at", "updated_at"], Named("ThreadSortKey", V2)]


ThreadSourceKind = Annotated[
    Literal[
        "cli",
        "vscode",
        "exec",
        "appServer",
        "subAgent",
        "subAgentReview",
        "subAgentCompact",
        "subAgentThreadSpawn",
        "subAgentOther",
        "unknown",
    ],
    Named("ThreadSourceKind", V2),
]


TurnStatus = Annotated[Literal["completed", "interrupted", "failed", "inProgress"], Named("TurnStatus", V2)]


class ThreadBackgroundTerminalsCleanParams(V2Model):
    """Experimental: kill the background terminals of a thread."""

    thread_id: str


class ThreadBackgroundTerminalsCleanResponse(V2Model):
    pass
