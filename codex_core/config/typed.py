"""The typed view of config.toml: every key the server side reads, checked for type.

Unknown keys are allowed everywhere (`extra="allow"`): a config written for a newer codex
must still load, and the raw tables (not this view) are what gets written back.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

AskForApproval = Literal["untrusted", "on-failure", "on-request", "never"]
SandboxMode = Literal["read-only", "workspace-write", "danger-full-access"]
ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh"]
ReasoningSummary = Literal["auto", "concise", "detailed", "none"]
Verbosity = Literal["low", "medium", "high"]
WebSearchMode = Literal["disabled", "cached", "live"]
ForcedLoginMethod = Literal["chatgpt", "api"]
Personality = Literal["none", "friendly", "pragmatic"]
WireApi = Literal["responses", "chat"]
AuthCredentialsStore = Literal["file", "keyring", "auto", "ephemeral"]
OAuthCredentialsStore = Literal["auto", "file", "keyring"]
TrustLevel = Literal["trusted", "untrusted"]


class _Table(BaseModel):
    # strict: TOML is typed, so "true" (a string) for a boolean is a mistake worth reporting.
    model_config = ConfigDict(extra="allow", strict=True, frozen=False)


class ModelProviderToml(_Table):
    name: str | None = None
    base_url: str | None = None
    env_key: str | None = None
    env_key_instructions: str | None = None
    experimental_bearer_token: str | None = None
    wire_api: WireApi | None = None
    query_params: dict[str, str] | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    request_max_retries: int | None = Field(default=None, ge=0)
    stream_max_retries: int | None = Field(default=None, ge=0)
    stream_idle_timeout_ms: int | None = Field(default=None, ge=0)
    requires_openai_auth: bool | None = None
    supports_websockets: bool | None = None


class SandboxWorkspaceWriteToml(_Table):
    writable_roots: list[str] = Field(default_factory=list)
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


class ToolsToml(_Table):
    web_search: bool | None = None
    view_image: bool | None = None


class AnalyticsToml(_Table):
    enabled: bool | None = None


class ProfileToml(_Table):
    model: str | None = None
    model_provider: str | None = None
    approval_policy: AskForApproval | None = None
    sandbox_mode: SandboxMode | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    web_search: WebSearchMode | None = None
    chatgpt_base_url: str | None = None
    personality: Personality | None = None
    features: dict[str, bool] | None = None
    tools: ToolsToml | None = None
    analytics: AnalyticsToml | None = None


class McpServerToml(_Table):
    # stdio transport
    command: str | None = None
    args: list[str] | None = None
    env: dict[str, str] | None = None
    env_vars: list[str] | None = None
    cwd: str | None = None
    # streamable HTTP transport
    url: str | None = None
    bearer_token_env_var: str | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    # common
    enabled: bool = True
    startup_timeout_sec: float | None = Field(default=None, ge=0)
    startup_timeout_ms: int | None = Field(default=None, ge=0)
    tool_timeout_sec: float | None = Field(default=None, ge=0)
    enabled_tools: list[str] | None = None
    disabled_tools: list[str] | None = None

    @model_validator(mode="after")
    def _one_transport(self) -> McpServerToml:
        if self.command is None and self.url is None:
            raise ValueError("an MCP server needs either `command` (stdio) or `url` (streamable HTTP)")
        if self.command is not None and self.url is not None:
            raise ValueError("an MCP server takes `command` or `url`, not both")
        return self

    @property
    def transport(self) -> Literal["stdio", "streamable_http"]:
        return "stdio" if self.command is not None else "streamable_http"


class ShellEnvironmentPolicyToml(_Table):
    inherit: Literal["all", "core", "none"] | None = None
    ignore_default_excludes: bool | None = None
    exclude: list[str] | None = None
    set: dict[str, str] | None = None
    include_only: list[str] | None = None
    experimental_use_profile: bool | None = None


class ProjectToml(_Table):
    trust_level: TrustLevel | None = None


class HistoryToml(_Table):
    persistence: Literal["save-all", "none"] | None = None
    max_bytes: int | None = Field(default=None, ge=0)


class OtelToml(_Table):
    environment: str | None = None
    # `"none"`, or a table naming the exporter (`{otlp-http = {...}}`), as the reference accepts.
    exporter: str | dict[str, Any] | None = None
    trace_exporter: str | dict[str, Any] | None = None
    log_user_prompt: bool | None = None


class AppToml(_Table):
    enabled: bool = True
    disabled_reason: str | None = None


class ConfigToml(_Table):
    model: str | None = None
    review_model: str | None = None
    model_provider: str | None = None
    model_context_window: int | None = Field(default=None, ge=0)
    model_auto_compact_token_limit: int | None = None
    model_providers: dict[str, ModelProviderToml] = Field(default_factory=dict)
    approval_policy: AskForApproval | None = None
    sandbox_mode: SandboxMode | None = None
    sandbox_workspace_write: SandboxWorkspaceWriteToml | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    model_supports_reasoning_summaries: bool | None = None
    personality: Personality | None = None
    profile: str | None = None
    profiles: dict[str, ProfileToml] = Field(default_factory=dict)
    features: dict[str, bool] = Field(default_factory=dict)
    mcp_servers: dict[str, McpServerToml] = Field(default_factory=dict)
    cli_auth_credentials_store: AuthCredentialsStore | None = None
    mcp_oauth_credentials_store: OAuthCredentialsStore | None = None
    forced_login_method: ForcedLoginMethod | None = None
    forced_chatgpt_workspace_id: str | None = None
    chatgpt_base_url: str | None = None
    shell_environment_policy: ShellEnvironmentPolicyToml | None = None
    projects: dict[str, ProjectToml] = Field(default_factory=dict)
    project_root_markers: list[str] | None = None
    notify: list[str] | None = None
    history: HistoryToml | None = None
    otel: OtelToml | None = None
    web_search: WebSearchMode | None = None
    tools: ToolsToml | None = None
    analytics: AnalyticsToml | None = None
    apps: dict[str, AppToml] | None = None
    instructions: str | None = None
    developer_instructions: str | None = None
    compact_prompt: str | None = None
    experimental_instructions_file: str | None = None
    hide_agent_reasoning: bool | None = None
    show_raw_agent_reasoning: bool | None = None
    project_doc_max_bytes: int | None = Field(default=None, ge=0)
    project_doc_fallback_filenames: list[str] | None = None
    file_opener: str | None = None
    disable_response_storage: bool | None = None
