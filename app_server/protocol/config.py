"""v2 config read/write types and the config views they return."""

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from ._base import EXPERIMENTAL, SKIP_NONE, U16, V2, I64Big, JsonValue, Named, OptN, V2Model, V2RawModel
from .core import (
    AbsolutePathBuf,
    ForcedLoginMethod,
    ReasoningEffort,
    ReasoningSummary,
    Verbosity,
    WebSearchMode,
)
from .v2_common import AskForApproval, SandboxMode


class AnalyticsConfig(V2Model):
    model_config = ConfigDict(extra="allow")
    wire_flatten_extra = True
    wire_additional = True
    enabled: bool | None = None


class AppConfig(V2RawModel):
    # named in the JSON schema, spelled inline by the TS export
    wire_ts_inline = True
    wire_ts_file = False
    enabled: bool = True
    disabled_reason: "AppDisabledReason | None" = None


class Config(V2RawModel):
    model_config = ConfigDict(extra="allow")
    wire_flatten_extra = True
    wire_additional = True
    model: str | None = None
    review_model: str | None = None
    model_context_window: I64Big | None = None
    model_auto_compact_token_limit: I64Big | None = None
    model_provider: str | None = None
    approval_policy: AskForApproval | None = None
    sandbox_mode: SandboxMode | None = None
    sandbox_workspace_write: "SandboxWorkspaceWrite | None" = None
    forced_chatgpt_workspace_id: str | None = None
    forced_login_method: ForcedLoginMethod | None = None
    web_search: WebSearchMode | None = None
    tools: "ToolsV2 | None" = None
    profile: str | None = None
    profiles: "dict[str, ProfileV2]" = Field(default_factory=dict)
    instructions: str | None = None
    developer_instructions: str | None = None
    compact_prompt: str | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    analytics: AnalyticsConfig | None = None
    apps: "Annotated[AppsConfig | None, EXPERIMENTAL]" = None


class ConfigBatchWriteParams(V2Model):
    edits: "list[ConfigEdit]"
    file_path: OptN[str] = None
    expected_version: OptN[str] = None


class ConfigEdit(V2Model):
    key_path: str
    value: JsonValue
    merge_strategy: "MergeStrategy"


class ConfigLayer(V2Model):
    name: "ConfigLayerSource"
    version: str
    config: JsonValue
    disabled_reason: Annotated[str | None, SKIP_NONE] = None


class ConfigLayerMetadata(V2Model):
    name: "ConfigLayerSource"
    version: str


class MdmConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["mdm"] = "mdm"
    domain: str
    key: str


class SystemConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["system"] = "system"
    file: AbsolutePathBuf


class UserConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["user"] = "user"
    file: AbsolutePathBuf


class ProjectConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["project"] = "project"
    dot_codex_folder: AbsolutePathBuf


class SessionFlagsConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["sessionFlags"] = "sessionFlags"


class LegacyManagedConfigTomlFromFileConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["legacyManagedConfigTomlFromFile"] = "legacyManagedConfigTomlFromFile"
    file: AbsolutePathBuf


class LegacyManagedConfigTomlFromMdmConfigLayerSource(V2Model):
    wire_inline = True
    type: Literal["legacyManagedConfigTomlFromMdm"] = "legacyManagedConfigTomlFromMdm"


class ConfigReadParams(V2Model):
    include_layers: bool = False
    cwd: OptN[str] = None


class ConfigReadResponse(V2Model):
    config: Config
    origins: dict[str, ConfigLayerMetadata]
    layers: Annotated[list[ConfigLayer] | None, SKIP_NONE] = None


class ConfigRequirements(V2Model):
    allowed_approval_policies: list[AskForApproval] | None = None
    allowed_sandbox_modes: list[SandboxMode] | None = None
    allowed_web_search_modes: list[WebSearchMode] | None = None
    enforce_residency: "ResidencyRequirement | None" = None
    network: "Annotated[NetworkRequirements | None, EXPERIMENTAL]" = None


class ConfigRequirementsReadResponse(V2Model):
    requirements: ConfigRequirements | None = None


class ConfigValueWriteParams(V2Model):
    key_path: str
    value: JsonValue
    merge_strategy: "MergeStrategy"
    file_path: OptN[str] = None
    expected_version: OptN[str] = None


class ConfigWriteResponse(V2Model):
    status: "WriteStatus"
    version: str
    file_path: AbsolutePathBuf
    overridden_metadata: "OverriddenMetadata | None" = None


class NetworkRequirements(V2Model):
    enabled: bool | None = None
    http_port: U16 | None = None
    socks_port: U16 | None = None
    allow_upstream_proxy: bool | None = None
    dangerously_allow_non_loopback_proxy: bool | None = None
    dangerously_allow_non_loopback_admin: bool | None = None
    allowed_domains: list[str] | None = None
    denied_domains: list[str] | None = None
    allow_unix_sockets: list[str] | None = None
    allow_local_binding: bool | None = None


class OverriddenMetadata(V2Model):
    message: str
    overriding_layer: ConfigLayerMetadata
    effective_value: JsonValue


class ProfileV2(V2RawModel):
    model_config = ConfigDict(extra="allow")
    wire_flatten_extra = True
    wire_additional = True
    model: str | None = None
    model_provider: str | None = None
    approval_policy: AskForApproval | None = None
    model_reasoning_effort: ReasoningEffort | None = None
    model_reasoning_summary: ReasoningSummary | None = None
    model_verbosity: Verbosity | None = None
    web_search: WebSearchMode | None = None
    chatgpt_base_url: str | None = None


class SandboxWorkspaceWrite(V2RawModel):
    writable_roots: list[str] = Field(default_factory=list)
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


class SkillsConfigWriteParams(V2Model):
    path: str
    enabled: bool


class SkillsConfigWriteResponse(V2Model):
    effective_enabled: bool


class ToolsV2(V2RawModel):
    web_search: bool | None = None
    view_image: bool | None = None


AppDisabledReason = Annotated[Literal["unknown", "user"], Named("AppDisabledReason", V2)]


AppsConfig = Annotated[dict[str, AppConfig], Named("AppsConfig", V2, json_schema={"type": "object"})]


ConfigLayerSource = Annotated[
    MdmConfigLayerSource
    | SystemConfigLayerSource
    | UserConfigLayerSource
    | ProjectConfigLayerSource
    | SessionFlagsConfigLayerSource
    | LegacyManagedConfigTomlFromFileConfigLayerSource
    | LegacyManagedConfigTomlFromMdmConfigLayerSource,
    Field(discriminator="type"),
    Named("ConfigLayerSource", V2),
]


MergeStrategy = Annotated[Literal["replace", "upsert"], Named("MergeStrategy", V2)]


ResidencyRequirement = Annotated[Literal["us"], Named("ResidencyRequirement", V2)]


WriteStatus = Annotated[Literal["ok", "okOverridden"], Named("WriteStatus", V2)]
