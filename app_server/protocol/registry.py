"""The method registry: every JSON-RPC method of the app-server declared once.

A declaration names the method, its direction, API version, params and result types and
its experimental status. The unions (ClientRequest, ServerRequest, ServerNotification,
ClientNotification), the schema/TS exports, params validation and the docs table are all
derived from `METHODS`. Adding a method = adding one `_m(...)` line in the right list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module
from typing import Any


class Direction(StrEnum):
    CLIENT_REQUEST = "client_request"
    SERVER_REQUEST = "server_request"
    SERVER_NOTIFICATION = "server_notification"
    CLIENT_NOTIFICATION = "client_notification"


@dataclass(frozen=True, slots=True)
class MethodSpec:
    method: str
    direction: Direction
    version: str  # "v1" or "v2"
    # "module.TypeName" inside app_server.protocol, resolved on first use so that importing
    # the registry does not build every model (see `params` / `result`)
    params_ref: str | None = None
    result_ref: str | None = None
    experimental: bool = False
    # wire names of params fields (or tagged variants) that need the experimentalApi capability
    experimental_fields: frozenset[str] = field(default_factory=frozenset)
    # folder of the per-type schema files: "v1", "v2" or "" (root); None = by version
    schema_dir: str | None = None

    @property
    def params(self) -> Any:
        """The params type (model class or named alias), None when the method takes none."""
        return _resolve(self.params_ref)

    @property
    def result(self) -> Any:
        """The result type, None for notifications."""
        return _resolve(self.result_ref)

    @property
    def handler_module(self) -> str | None:
        """The module under app_server/handlers/ that handles this client request (`HANDLED_IN`)."""
        return _HANDLER_MODULE.get(self.method) if self.direction is Direction.CLIENT_REQUEST else None

    @property
    def handler_name(self) -> str:
        """The handler's function name, by `handler_name`."""
        return handler_name(self.method)

    @property
    def handler_ref(self) -> str | None:
        """`app_server.handlers.<module>.<function>`; None when the server does not handle it."""
        module = self.handler_module
        return None if module is None else f"app_server.handlers.{module}.{self.handler_name}"

    @property
    def export_dir(self) -> str:
        return self.version if self.schema_dir is None else self.schema_dir


_C, _S, _N, _CN = (
    Direction.CLIENT_REQUEST,
    Direction.SERVER_REQUEST,
    Direction.SERVER_NOTIFICATION,
    Direction.CLIENT_NOTIFICATION,
)


_TYPES: dict[str, Any] = {}
_CAMEL_HUMP = re.compile(r"(?<!^)([A-Z])")


def _resolve(ref: str | None) -> Any:
    if ref is None:
        return None
    tp = _TYPES.get(ref)
    if tp is None:
        module, name = ref.rsplit(".", 1)
        tp = _TYPES[ref] = getattr(import_module(f"{__package__}.{module}"), name)
    return tp


def _m(
    method: str,
    direction: Direction,
    version: str,
    params: str | None,
    result: str | None = None,
    *,
    experimental: bool = False,
    exp_fields: tuple[str, ...] = (),
    schema_dir: str | None = None,
) -> MethodSpec:
    return MethodSpec(
        method, direction, version, params, result, experimental, frozenset(exp_fields), schema_dir
    )


# Order matters: it is the order of the ClientRequest union and of the reference's
# "unknown variant" error message.
CLIENT_REQUESTS: tuple[MethodSpec, ...] = (
    _m("initialize", _C, "v1", "legacy_v1.InitializeParams", "legacy_v1.InitializeResponse"),
    _m(
        "thread/start",
        _C,
        "v2",
        "threads.ThreadStartParams",
        "threads.ThreadStartResponse",
        exp_fields=("dynamicTools", "mockExperimentalField"),
    ),
    _m(
        "thread/resume",
        _C,
        "v2",
        "threads.ThreadResumeParams",
        "threads.ThreadResumeResponse",
        exp_fields=("history", "path"),
    ),
    _m(
        "thread/fork",
        _C,
        "v2",
        "threads.ThreadForkParams",
        "threads.ThreadForkResponse",
        exp_fields=("path",),
    ),
    _m("thread/archive", _C, "v2", "threads.ThreadArchiveParams", "threads.ThreadArchiveResponse"),
    _m("thread/name/set", _C, "v2", "threads.ThreadSetNameParams", "threads.ThreadSetNameResponse"),
    _m("thread/unarchive", _C, "v2", "threads.ThreadUnarchiveParams", "threads.ThreadUnarchiveResponse"),
    _m(
        "thread/compact/start",
        _C,
        "v2",
        "threads.ThreadCompactStartParams",
        "threads.ThreadCompactStartResponse",
    ),
    _m(
        "thread/backgroundTerminals/clean",
        _C,
        "v2",
        "threads.ThreadBackgroundTerminalsCleanParams",
        "threads.ThreadBackgroundTerminalsCleanResponse",
        experimental=True,
    ),
    _m("thread/rollback", _C, "v2", "threads.ThreadRollbackParams", "threads.ThreadRollbackResponse"),
    _m("thread/list", _C, "v2", "threads.ThreadListParams", "threads.ThreadListResponse"),
    _m("thread/loaded/list", _C, "v2", "threads.ThreadLoadedListParams", "threads.ThreadLoadedListResponse"),
    _m("thread/read", _C, "v2", "threads.ThreadReadParams", "threads.ThreadReadResponse"),
    _m("skills/list", _C, "v2", "skills_apps.SkillsListParams", "skills_apps.SkillsListResponse"),
    _m(
        "skills/remote/read",
        _C,
        "v2",
        "skills_apps.SkillsRemoteReadParams",
        "skills_apps.SkillsRemoteReadResponse",
    ),
    _m(
        "skills/remote/write",
        _C,
        "v2",
        "skills_apps.SkillsRemoteWriteParams",
        "skills_apps.SkillsRemoteWriteResponse",
    ),
    _m("app/list", _C, "v2", "skills_apps.AppsListParams", "skills_apps.AppsListResponse"),
    _m("skills/config/write", _C, "v2", "config.SkillsConfigWriteParams", "config.SkillsConfigWriteResponse"),
    _m(
        "turn/start",
        _C,
        "v2",
        "turns.TurnStartParams",
        "turns.TurnStartResponse",
        exp_fields=("collaborationMode",),
    ),
    _m("turn/steer", _C, "v2", "turns.TurnSteerParams", "turns.TurnSteerResponse"),
    _m("turn/interrupt", _C, "v2", "turns.TurnInterruptParams", "turns.TurnInterruptResponse"),
    _m("review/start", _C, "v2", "turns.ReviewStartParams", "turns.ReviewStartResponse"),
    _m("model/list", _C, "v2", "models.ModelListParams", "models.ModelListResponse"),
    _m(
        "experimentalFeature/list",
        _C,
        "v2",
        "models.ExperimentalFeatureListParams",
        "models.ExperimentalFeatureListResponse",
    ),
    _m(
        "collaborationMode/list",
        _C,
        "v2",
        "models.CollaborationModeListParams",
        "models.CollaborationModeListResponse",
        experimental=True,
    ),
    _m(
        "mock/experimentalMethod",
        _C,
        "v2",
        "models.MockExperimentalMethodParams",
        "models.MockExperimentalMethodResponse",
        experimental=True,
    ),
    _m("mcpServer/oauth/login", _C, "v2", "mcp.McpServerOauthLoginParams", "mcp.McpServerOauthLoginResponse"),
    _m("config/mcpServer/reload", _C, "v2", None, "mcp.McpServerRefreshResponse"),
    _m("mcpServerStatus/list", _C, "v2", "mcp.ListMcpServerStatusParams", "mcp.ListMcpServerStatusResponse"),
    _m(
        "account/login/start",
        _C,
        "v2",
        "account.LoginAccountParams",
        "account.LoginAccountResponse",
        exp_fields=("chatgptAuthTokens",),
    ),
    _m(
        "account/login/cancel",
        _C,
        "v2",
        "account.CancelLoginAccountParams",
        "account.CancelLoginAccountResponse",
    ),
    _m("account/logout", _C, "v2", None, "account.LogoutAccountResponse"),
    _m("account/rateLimits/read", _C, "v2", None, "account.GetAccountRateLimitsResponse"),
    _m("feedback/upload", _C, "v2", "account.FeedbackUploadParams", "account.FeedbackUploadResponse"),
    _m("command/exec", _C, "v2", "v2_common.CommandExecParams", "v2_common.CommandExecResponse"),
    _m("config/read", _C, "v2", "config.ConfigReadParams", "config.ConfigReadResponse"),
    _m("config/value/write", _C, "v2", "config.ConfigValueWriteParams", "config.ConfigWriteResponse"),
    _m("config/batchWrite", _C, "v2", "config.ConfigBatchWriteParams", "config.ConfigWriteResponse"),
    _m("configRequirements/read", _C, "v2", None, "config.ConfigRequirementsReadResponse"),
    _m("account/read", _C, "v2", "account.GetAccountParams", "account.GetAccountResponse"),
    _m("newConversation", _C, "v1", "legacy_v1.NewConversationParams", "legacy_v1.NewConversationResponse"),
    _m(
        "getConversationSummary",
        _C,
        "v1",
        "legacy_v1.GetConversationSummaryParams",
        "legacy_v1.GetConversationSummaryResponse",
    ),
    _m(
        "listConversations",
        _C,
        "v1",
        "legacy_v1.ListConversationsParams",
        "legacy_v1.ListConversationsResponse",
    ),
    _m(
        "resumeConversation",
        _C,
        "v1",
        "legacy_v1.ResumeConversationParams",
        "legacy_v1.ResumeConversationResponse",
    ),
    _m(
        "forkConversation", _C, "v1", "legacy_v1.ForkConversationParams", "legacy_v1.ForkConversationResponse"
    ),
    _m(
        "archiveConversation",
        _C,
        "v1",
        "legacy_v1.ArchiveConversationParams",
        "legacy_v1.ArchiveConversationResponse",
    ),
    _m("sendUserMessage", _C, "v1", "legacy_v1.SendUserMessageParams", "legacy_v1.SendUserMessageResponse"),
    _m("sendUserTurn", _C, "v1", "legacy_v1.SendUserTurnParams", "legacy_v1.SendUserTurnResponse"),
    _m(
        "interruptConversation",
        _C,
        "v1",
        "legacy_v1.InterruptConversationParams",
        "legacy_v1.InterruptConversationResponse",
    ),
    _m(
        "addConversationListener",
        _C,
        "v1",
        "legacy_v1.AddConversationListenerParams",
        "legacy_v1.AddConversationSubscriptionResponse",
    ),
    _m(
        "removeConversationListener",
        _C,
        "v1",
        "legacy_v1.RemoveConversationListenerParams",
        "legacy_v1.RemoveConversationSubscriptionResponse",
    ),
    _m("gitDiffToRemote", _C, "v1", "legacy_v1.GitDiffToRemoteParams", "legacy_v1.GitDiffToRemoteResponse"),
    _m("loginApiKey", _C, "v1", "legacy_v1.LoginApiKeyParams", "legacy_v1.LoginApiKeyResponse"),
    _m("loginChatGpt", _C, "v1", None, "legacy_v1.LoginChatGptResponse"),
    _m(
        "cancelLoginChatGpt",
        _C,
        "v1",
        "legacy_v1.CancelLoginChatGptParams",
        "legacy_v1.CancelLoginChatGptResponse",
    ),
    _m("logoutChatGpt", _C, "v1", None, "legacy_v1.LogoutChatGptResponse"),
    _m("getAuthStatus", _C, "v1", "legacy_v1.GetAuthStatusParams", "legacy_v1.GetAuthStatusResponse"),
    _m("getUserSavedConfig", _C, "v1", None, "legacy_v1.GetUserSavedConfigResponse"),
    _m("setDefaultModel", _C, "v1", "legacy_v1.SetDefaultModelParams", "legacy_v1.SetDefaultModelResponse"),
    _m("getUserAgent", _C, "v1", None, "legacy_v1.GetUserAgentResponse"),
    _m("userInfo", _C, "v1", None, "legacy_v1.UserInfoResponse"),
    _m(
        "fuzzyFileSearch",
        _C,
        "v1",
        "legacy_v1.FuzzyFileSearchParams",
        "legacy_v1.FuzzyFileSearchResponse",
        schema_dir="",
    ),
    _m(
        "execOneOffCommand",
        _C,
        "v1",
        "legacy_v1.ExecOneOffCommandParams",
        "legacy_v1.ExecOneOffCommandResponse",
    ),
)

# Where each client request is handled: the function `handler_name(method)` in
# app_server/handlers/<module>.py, decorated `@handler("<method>")`
# (tests/unit/app_server/test_handler_registry.py keeps this table, the decorators and the names in step).
HANDLED_IN: dict[str, tuple[str, ...]] = {
    "info": ("initialize", "getUserAgent", "userInfo"),
    "threads": ("thread/start", "thread/loaded/list"),
    "thread_history": ("thread/resume", "thread/fork", "thread/name/set", "thread/rollback", "thread/read"),
    "thread_list": (
        "thread/archive",
        "thread/unarchive",
        "thread/list",
        "getConversationSummary",
        "listConversations",
        "archiveConversation",
    ),
    "turns": ("thread/compact/start", "turn/start", "turn/steer", "turn/interrupt", "review/start"),
    "experimental": ("thread/backgroundTerminals/clean", "collaborationMode/list", "mock/experimentalMethod"),
    "workspace": ("skills/list", "gitDiffToRemote", "fuzzyFileSearch"),
    "skills_apps": ("skills/remote/read", "skills/remote/write", "app/list", "skills/config/write"),
    "models": ("model/list", "experimentalFeature/list"),
    "mcp": ("mcpServer/oauth/login", "config/mcpServer/reload", "mcpServerStatus/list"),
    "account": (
        "account/login/start",
        "account/login/cancel",
        "account/logout",
        "account/rateLimits/read",
        "account/read",
        "loginApiKey",
        "loginChatGpt",
        "cancelLoginChatGpt",
        "logoutChatGpt",
        "getAuthStatus",
    ),
    "feedback": ("feedback/upload",),
    "exec": ("command/exec", "execOneOffCommand"),
    "config": (
        "config/read",
        "config/value/write",
        "config/batchWrite",
        "configRequirements/read",
        "getUserSavedConfig",
        "setDefaultModel",
    ),
    "legacy": (
        "newConversation",
        "resumeConversation",
        "forkConversation",
        "sendUserMessage",
        "sendUserTurn",
        "interruptConversation",
        "addConversationListener",
        "removeConversationListener",
    ),
}
_HANDLER_MODULE = {method: module for module, methods in HANDLED_IN.items() for method in methods}


def handler_name(method: str) -> str:
    """The handler function's name: the method's segments in snake_case, joined by `_`
    (`thread/name/set` -> `thread_name_set`, `newConversation` -> `new_conversation`)."""
    return "_".join(_CAMEL_HUMP.sub(r"_\1", segment).lower() for segment in method.split("/"))


SERVER_REQUESTS: tuple[MethodSpec, ...] = (
    _m(
        "item/commandExecution/requestApproval",
        _S,
        "v2",
        "approvals.CommandExecutionRequestApprovalParams",
        "approvals.CommandExecutionRequestApprovalResponse",
        schema_dir="",
    ),
    _m(
        "item/fileChange/requestApproval",
        _S,
        "v2",
        "approvals.FileChangeRequestApprovalParams",
        "approvals.FileChangeRequestApprovalResponse",
        schema_dir="",
    ),
    _m(
        "item/tool/requestUserInput",
        _S,
        "v2",
        "approvals.ToolRequestUserInputParams",
        "approvals.ToolRequestUserInputResponse",
        schema_dir="",
    ),
    _m(
        "item/tool/call",
        _S,
        "v2",
        "approvals.DynamicToolCallParams",
        "approvals.DynamicToolCallResponse",
        schema_dir="",
    ),
    _m(
        "account/chatgptAuthTokens/refresh",
        _S,
        "v2",
        "approvals.ChatgptAuthTokensRefreshParams",
        "approvals.ChatgptAuthTokensRefreshResponse",
        schema_dir="",
    ),
    _m(
        "applyPatchApproval",
        _S,
        "v1",
        "legacy_v1.ApplyPatchApprovalParams",
        "legacy_v1.ApplyPatchApprovalResponse",
        schema_dir="",
    ),
    _m(
        "execCommandApproval",
        _S,
        "v1",
        "legacy_v1.ExecCommandApprovalParams",
        "legacy_v1.ExecCommandApprovalResponse",
        schema_dir="",
    ),
)

SERVER_NOTIFICATIONS: tuple[MethodSpec, ...] = (
    _m("error", _N, "v2", "notifications.ErrorNotification"),
    _m("thread/started", _N, "v2", "notifications.ThreadStartedNotification"),
    _m("thread/name/updated", _N, "v2", "notifications.ThreadNameUpdatedNotification"),
    _m("thread/tokenUsage/updated", _N, "v2", "notifications.ThreadTokenUsageUpdatedNotification"),
    _m("turn/started", _N, "v2", "notifications.TurnStartedNotification"),
    _m("turn/completed", _N, "v2", "notifications.TurnCompletedNotification"),
    _m("turn/diff/updated", _N, "v2", "notifications.TurnDiffUpdatedNotification"),
    _m("turn/plan/updated", _N, "v2", "notifications.TurnPlanUpdatedNotification"),
    _m("item/started", _N, "v2", "notifications.ItemStartedNotification"),
    _m("item/completed", _N, "v2", "notifications.ItemCompletedNotification"),
    _m("rawResponseItem/completed", _N, "v2", "notifications.RawResponseItemCompletedNotification"),
    _m("item/agentMessage/delta", _N, "v2", "notifications.AgentMessageDeltaNotification"),
    _m("item/plan/delta", _N, "v2", "notifications.PlanDeltaNotification"),
    _m(
        "item/commandExecution/outputDelta", _N, "v2", "notifications.CommandExecutionOutputDeltaNotification"
    ),
    _m(
        "item/commandExecution/terminalInteraction", _N, "v2", "notifications.TerminalInteractionNotification"
    ),
    _m("item/fileChange/outputDelta", _N, "v2", "notifications.FileChangeOutputDeltaNotification"),
    _m("item/mcpToolCall/progress", _N, "v2", "notifications.McpToolCallProgressNotification"),
    _m("mcpServer/oauthLogin/completed", _N, "v2", "notifications.McpServerOauthLoginCompletedNotification"),
    _m("account/updated", _N, "v2", "notifications.AccountUpdatedNotification"),
    _m("account/rateLimits/updated", _N, "v2", "notifications.AccountRateLimitsUpdatedNotification"),
    _m("app/list/updated", _N, "v2", "notifications.AppListUpdatedNotification"),
    _m("item/reasoning/summaryTextDelta", _N, "v2", "notifications.ReasoningSummaryTextDeltaNotification"),
    _m("item/reasoning/summaryPartAdded", _N, "v2", "notifications.ReasoningSummaryPartAddedNotification"),
    _m("item/reasoning/textDelta", _N, "v2", "notifications.ReasoningTextDeltaNotification"),
    _m("thread/compacted", _N, "v2", "notifications.ContextCompactedNotification"),
    _m("deprecationNotice", _N, "v2", "notifications.DeprecationNoticeNotification"),
    _m("configWarning", _N, "v2", "notifications.ConfigWarningNotification"),
    _m("windows/worldWritableWarning", _N, "v2", "notifications.WindowsWorldWritableWarningNotification"),
    _m("account/login/completed", _N, "v2", "notifications.AccountLoginCompletedNotification"),
    _m("authStatusChange", _N, "v1", "legacy_v1.AuthStatusChangeNotification"),
    _m("loginChatGptComplete", _N, "v1", "legacy_v1.LoginChatGptCompleteNotification"),
    _m("sessionConfigured", _N, "v1", "legacy_v1.SessionConfiguredNotification"),
)

CLIENT_NOTIFICATIONS: tuple[MethodSpec, ...] = (_m("initialized", _CN, "v1", None),)

METHODS: tuple[MethodSpec, ...] = (
    CLIENT_REQUESTS + SERVER_REQUESTS + SERVER_NOTIFICATIONS + CLIENT_NOTIFICATIONS
)

_BY_DIRECTION: dict[Direction, dict[str, MethodSpec]] = {d: {} for d in Direction}
for _spec in METHODS:
    _BY_DIRECTION[_spec.direction][_spec.method] = _spec

# Names as the reference lists them in its "unknown variant" error (experimental included).
CLIENT_REQUEST_METHODS: tuple[str, ...] = tuple(s.method for s in CLIENT_REQUESTS)


def client_request(method: str) -> MethodSpec | None:
    return _BY_DIRECTION[Direction.CLIENT_REQUEST].get(method)


def server_request(method: str) -> MethodSpec | None:
    return _BY_DIRECTION[Direction.SERVER_REQUEST].get(method)


def server_notification(method: str) -> MethodSpec | None:
    return _BY_DIRECTION[Direction.SERVER_NOTIFICATION].get(method)


def client_notification(method: str) -> MethodSpec | None:
    return _BY_DIRECTION[Direction.CLIENT_NOTIFICATION].get(method)


def specs(direction: Direction, *, experimental: bool = True) -> tuple[MethodSpec, ...]:
    """Specs of one direction in declaration order; experimental=False drops experimental methods."""
    return tuple(s for s in METHODS if s.direction is direction and (experimental or not s.experimental))


def unknown_method_message(method: str) -> str:
    """The reference's serde message for a request with an unknown method."""
    names = ", ".join(f"`{m}`" for m in CLIENT_REQUEST_METHODS)
    return f"Invalid request: unknown variant `{method}`, expected one of {names}"
