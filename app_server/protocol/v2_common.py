"""v2 building blocks used across areas (approval policy, sandbox policy, errors)."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import I32, I64, U16, V2, JsonValue, Named, OptN, Usize, V2Model
from .core import AbsolutePathBuf


class CodexErrorInfoHttpConnectionFailedHttpConnectionFailed(V2Model):
    wire_inline = True
    http_status_code: U16 | None = None


class CodexErrorInfoHttpConnectionFailed(V2Model):
    wire_inline = True
    wire_additional = False
    http_connection_failed: CodexErrorInfoHttpConnectionFailedHttpConnectionFailed


class CodexErrorInfoResponseStreamConnectionFailedResponseStreamConnectionFailed(V2Model):
    wire_inline = True
    http_status_code: U16 | None = None


class CodexErrorInfoResponseStreamConnectionFailed(V2Model):
    wire_inline = True
    wire_additional = False
    response_stream_connection_failed: (
        CodexErrorInfoResponseStreamConnectionFailedResponseStreamConnectionFailed
    )


class CodexErrorInfoResponseStreamDisconnectedResponseStreamDisconnected(V2Model):
    wire_inline = True
    http_status_code: U16 | None = None


class CodexErrorInfoResponseStreamDisconnected(V2Model):
    wire_inline = True
    wire_additional = False
    response_stream_disconnected: CodexErrorInfoResponseStreamDisconnectedResponseStreamDisconnected


class CodexErrorInfoResponseTooManyFailedAttemptsResponseTooManyFailedAttempts(V2Model):
    wire_inline = True
    http_status_code: U16 | None = None


class CodexErrorInfoResponseTooManyFailedAttempts(V2Model):
    wire_inline = True
    wire_additional = False
    response_too_many_failed_attempts: (
        CodexErrorInfoResponseTooManyFailedAttemptsResponseTooManyFailedAttempts
    )


class CommandExecParams(V2Model):
    command: list[str]
    timeout_ms: OptN[I64] = None
    cwd: OptN[str] = None
    sandbox_policy: "OptN[SandboxPolicy]" = None


class CommandExecResponse(V2Model):
    exit_code: I32
    stdout: str
    stderr: str


class DynamicToolSpec(V2Model):
    name: str
    description: str
    input_schema: JsonValue


class RestrictedReadOnlyAccess(V2Model):
    wire_inline = True
    type: Literal["restricted"] = "restricted"
    include_platform_defaults: bool = True
    readable_roots: list[AbsolutePathBuf] = Field(default_factory=list)


class FullAccessReadOnlyAccess(V2Model):
    wire_inline = True
    type: Literal["fullAccess"] = "fullAccess"


class DangerFullAccessSandboxPolicy(V2Model):
    wire_inline = True
    type: Literal["dangerFullAccess"] = "dangerFullAccess"


class ReadOnlySandboxPolicy(V2Model):
    wire_inline = True
    type: Literal["readOnly"] = "readOnly"
    access: "ReadOnlyAccess" = Field(default_factory=lambda: FullAccessReadOnlyAccess())


class ExternalSandboxSandboxPolicy(V2Model):
    wire_inline = True
    type: Literal["externalSandbox"] = "externalSandbox"
    network_access: "NetworkAccess" = "restricted"


class WorkspaceWriteSandboxPolicy(V2Model):
    wire_inline = True
    type: Literal["workspaceWrite"] = "workspaceWrite"
    writable_roots: list[AbsolutePathBuf] = Field(default_factory=list)
    read_only_access: "ReadOnlyAccess" = Field(default_factory=lambda: FullAccessReadOnlyAccess())
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


class TextPosition(V2Model):
    line: Usize
    column: Usize


class TextRange(V2Model):
    start: TextPosition
    end: TextPosition


class TokenUsageBreakdown(V2Model):
    total_tokens: I64
    input_tokens: I64
    cached_input_tokens: I64
    output_tokens: I64
    reasoning_output_tokens: I64


AskForApproval = Annotated[
    Literal["untrusted", "on-failure", "on-request", "never"], Named("AskForApproval", V2)
]


CodexErrorInfo = Annotated[
    Literal["contextWindowExceeded"]
    | Literal["usageLimitExceeded"]
    | Literal["serverOverloaded"]
    | CodexErrorInfoHttpConnectionFailed
    | CodexErrorInfoResponseStreamConnectionFailed
    | Literal["internalServerError"]
    | Literal["unauthorized"]
    | Literal["badRequest"]
    | Literal["threadRollbackFailed"]
    | Literal["sandboxError"]
    | CodexErrorInfoResponseStreamDisconnected
    | CodexErrorInfoResponseTooManyFailedAttempts
    | Literal["other"],
    Named("CodexErrorInfo", V2),
]


NetworkAccess = Annotated[Literal["restricted", "enabled"], Named("NetworkAccess", V2)]


ReadOnlyAccess = Annotated[
    RestrictedReadOnlyAccess | FullAccessReadOnlyAccess,
    Field(discriminator="type"),
    Named("ReadOnlyAccess", V2),
]


SandboxMode = Annotated[
    Literal["read-only", "workspace-write", "danger-full-access"], Named("SandboxMode", V2)
]


SandboxPolicy = Annotated[
    DangerFullAccessSandboxPolicy
    | ReadOnlySandboxPolicy
    | ExternalSandboxSandboxPolicy
    | WorkspaceWriteSandboxPolicy,
    Field(discriminator="type"),
    Named("SandboxPolicy", V2),
]
