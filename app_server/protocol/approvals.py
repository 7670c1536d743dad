"""Server-to-client requests (approvals, user input, dynamic tools, token refresh)."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import V2, JsonValue, Named, OptN, V2Model, V2RawModel
from .items import CommandAction


class ChatgptAuthTokensRefreshParams(V2Model):
    reason: "ChatgptAuthTokensRefreshReason"
    previous_account_id: OptN[str] = None


class ChatgptAuthTokensRefreshResponse(V2Model):
    access_token: str
    chatgpt_account_id: str
    chatgpt_plan_type: str | None = None


class CommandExecutionApprovalDecisionAcceptWithExecpolicyAmendmentAcceptWithExecpolicyAmendment(V2RawModel):
    wire_inline = True
    execpolicy_amendment: "ExecPolicyAmendment"


class CommandExecutionApprovalDecisionAcceptWithExecpolicyAmendment(V2Model):
    wire_inline = True
    wire_additional = False
    accept_with_execpolicy_amendment: (
        CommandExecutionApprovalDecisionAcceptWithExecpolicyAmendmentAcceptWithExecpolicyAmendment
    )


class CommandExecutionRequestApprovalParams(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    reason: OptN[str] = None
    command: OptN[str] = None
    cwd: OptN[str] = None
    command_actions: OptN[list[CommandAction]] = None
    proposed_execpolicy_amendment: "OptN[ExecPolicyAmendment]" = None


class CommandExecutionRequestApprovalResponse(V2Model):
    decision: "CommandExecutionApprovalDecision"


class InputTextDynamicToolCallOutputContentItem(V2Model):
    wire_inline = True
    type: Literal["inputText"] = "inputText"
    text: str


class InputImageDynamicToolCallOutputContentItem(V2Model):
    wire_inline = True
    type: Literal["inputImage"] = "inputImage"
    image_url: str


class DynamicToolCallParams(V2Model):
    thread_id: str
    turn_id: str
    call_id: str
    tool: str
    arguments: JsonValue


class DynamicToolCallResponse(V2Model):
    content_items: "list[DynamicToolCallOutputContentItem]"
    success: bool


class FileChangeRequestApprovalParams(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    reason: OptN[str] = None
    grant_root: OptN[str] = None


class FileChangeRequestApprovalResponse(V2Model):
    decision: "FileChangeApprovalDecision"


class ToolRequestUserInputAnswer(V2Model):
    answers: list[str]


class ToolRequestUserInputOption(V2Model):
    label: str
    description: str


class ToolRequestUserInputParams(V2Model):
    thread_id: str
    turn_id: str
    item_id: str
    questions: "list[ToolRequestUserInputQuestion]"


class ToolRequestUserInputQuestion(V2Model):
    id: str
    header: str
    question: str
    is_other: bool = False
    is_secret: bool = False
    options: list[ToolRequestUserInputOption] | None = None


class ToolRequestUserInputResponse(V2Model):
    answers: dict[str, ToolRequestUserInputAnswer]


ChatgptAuthTokensRefreshReason = Annotated[
    Literal["unauthorized"], Named("ChatgptAuthTokensRefreshReason", V2)
]


CommandExecutionApprovalDecision = Annotated[
    Literal["accept"]
    | Literal["acceptForSession"]
    | CommandExecutionApprovalDecisionAcceptWithExecpolicyAmendment
    | Literal["decline"]
    | Literal["cancel"],
    Named("CommandExecutionApprovalDecision", V2),
]


DynamicToolCallOutputContentItem = Annotated[
    InputTextDynamicToolCallOutputContentItem | InputImageDynamicToolCallOutputContentItem,
    Field(discriminator="type"),
    Named("DynamicToolCallOutputContentItem", V2),
]


ExecPolicyAmendment = Annotated[list[str], Named("ExecPolicyAmendment", V2, json_inline=True)]


FileChangeApprovalDecision = Annotated[
    Literal["accept", "acceptForSession", "decline", "cancel"], Named("FileChangeApprovalDecision", V2)
]
