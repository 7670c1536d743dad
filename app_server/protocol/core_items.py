"""Model-side items: ResponseItem and its parts, and the TurnItem stream of the core."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import TS_HIDDEN, CoreModel, Named, Opt, U64Big
from .core import CoreUserInput


class TextAgentMessageContent(CoreModel):
    wire_inline = True
    type: Literal["Text"] = "Text"
    text: str


class AgentMessageItem(CoreModel):
    id: str
    content: "list[AgentMessageContent]"
    phase: "Opt[MessagePhase]" = None


class InputTextContentItem(CoreModel):
    wire_inline = True
    type: Literal["input_text"] = "input_text"
    text: str


class InputImageContentItem(CoreModel):
    wire_inline = True
    type: Literal["input_image"] = "input_image"
    image_url: str


class OutputTextContentItem(CoreModel):
    wire_inline = True
    type: Literal["output_text"] = "output_text"
    text: str


class ContextCompactionItem(CoreModel):
    id: str


class InputTextFunctionCallOutputContentItem(CoreModel):
    wire_inline = True
    type: Literal["input_text"] = "input_text"
    text: str


class InputImageFunctionCallOutputContentItem(CoreModel):
    wire_inline = True
    type: Literal["input_image"] = "input_image"
    image_url: str


class FunctionCallOutputPayload(CoreModel):
    body: "FunctionCallOutputBody"
    success: bool | None = None


class GhostCommit(CoreModel):
    id: str
    parent: str | None = None
    preexisting_untracked_files: list[str]
    preexisting_untracked_dirs: list[str]


class LocalShellExecAction(CoreModel):
    command: list[str]
    timeout_ms: U64Big | None = None
    working_directory: str | None = None
    env: dict[str, str] | None = None
    user: str | None = None


class ExecLocalShellAction(LocalShellExecAction):
    wire_inline = True
    wire_newtype = LocalShellExecAction
    type: Literal["exec"] = "exec"


class PlanItem(CoreModel):
    id: str
    text: str


class ReasoningItem(CoreModel):
    id: str
    summary_text: list[str]
    raw_content: list[str] = Field(default_factory=list)


class ReasoningTextReasoningItemContent(CoreModel):
    wire_inline = True
    type: Literal["reasoning_text"] = "reasoning_text"
    text: str


class TextReasoningItemContent(CoreModel):
    wire_inline = True
    type: Literal["text"] = "text"
    text: str


class SummaryTextReasoningItemReasoningSummary(CoreModel):
    wire_inline = True
    type: Literal["summary_text"] = "summary_text"
    text: str


class MessageResponseItem(CoreModel):
    wire_inline = True
    type: Literal["message"] = "message"
    role: str
    content: "list[ContentItem]"
    end_turn: Opt[bool] = None
    phase: "Opt[MessagePhase]" = None
    id: Annotated[Opt[str], TS_HIDDEN] = None


class ReasoningResponseItem(CoreModel):
    wire_inline = True
    type: Literal["reasoning"] = "reasoning"
    summary: "list[ReasoningItemReasoningSummary]"
    content: "Opt[list[ReasoningItemContent]]" = None
    encrypted_content: str | None = None
    id: Annotated[str, TS_HIDDEN]


class LocalShellCallResponseItem(CoreModel):
    wire_inline = True
    type: Literal["local_shell_call"] = "local_shell_call"
    call_id: str | None = None
    status: "LocalShellStatus"
    action: "LocalShellAction"
    id: Annotated[Opt[str], TS_HIDDEN] = None


class FunctionCallResponseItem(CoreModel):
    wire_inline = True
    type: Literal["function_call"] = "function_call"
    name: str
    arguments: str
    call_id: str
    id: Annotated[Opt[str], TS_HIDDEN] = None


class FunctionCallOutputResponseItem(CoreModel):
    wire_inline = True
    type: Literal["function_call_output"] = "function_call_output"
    call_id: str
    output: FunctionCallOutputPayload


class CustomToolCallResponseItem(CoreModel):
    wire_inline = True
    type: Literal["custom_tool_call"] = "custom_tool_call"
    status: Opt[str] = None
    call_id: str
    name: str
    input: str
    id: Annotated[Opt[str], TS_HIDDEN] = None


class CustomToolCallOutputResponseItem(CoreModel):
    wire_inline = True
    type: Literal["custom_tool_call_output"] = "custom_tool_call_output"
    call_id: str
    output: str


class WebSearchCallResponseItem(CoreModel):
    wire_inline = True
    type: Literal["web_search_call"] = "web_search_call"
    status: Opt[str] = None
    action: "Opt[CoreWebSearchAction]" = None
    id: Annotated[Opt[str], TS_HIDDEN] = None


class GhostSnapshotResponseItem(CoreModel):
    wire_inline = True
    type: Literal["ghost_snapshot"] = "ghost_snapshot"
    ghost_commit: GhostCommit


class CompactionResponseItem(CoreModel):
    wire_inline = True
    type: Literal["compaction"] = "compaction"
    encrypted_content: str


class OtherResponseItem(CoreModel):
    wire_inline = True
    type: Literal["other"] = "other"


class UserMessageItem(CoreModel):
    id: str
    content: list[CoreUserInput]


class UserMessageTurnItem(UserMessageItem):
    wire_inline = True
    wire_newtype = UserMessageItem
    type: Literal["UserMessage"] = "UserMessage"


class AgentMessageTurnItem(AgentMessageItem):
    wire_inline = True
    wire_newtype = AgentMessageItem
    type: Literal["AgentMessage"] = "AgentMessage"


class PlanTurnItem(PlanItem):
    wire_inline = True
    wire_newtype = PlanItem
    type: Literal["Plan"] = "Plan"


class ReasoningTurnItem(ReasoningItem):
    wire_inline = True
    wire_newtype = ReasoningItem
    type: Literal["Reasoning"] = "Reasoning"


class WebSearchItem(CoreModel):
    id: str
    query: str
    action: "CoreWebSearchAction"


class WebSearchTurnItem(WebSearchItem):
    wire_inline = True
    wire_newtype = WebSearchItem
    type: Literal["WebSearch"] = "WebSearch"


class ContextCompactionTurnItem(ContextCompactionItem):
    wire_inline = True
    wire_newtype = ContextCompactionItem
    type: Literal["ContextCompaction"] = "ContextCompaction"


class CoreSearchWebSearchAction(CoreModel):
    wire_inline = True
    type: Literal["search"] = "search"
    query: Opt[str] = None
    queries: Opt[list[str]] = None


class CoreOpenPageWebSearchAction(CoreModel):
    wire_inline = True
    type: Literal["open_page"] = "open_page"
    url: Opt[str] = None


class CoreFindInPageWebSearchAction(CoreModel):
    wire_inline = True
    type: Literal["find_in_page"] = "find_in_page"
    url: Opt[str] = None
    pattern: Opt[str] = None


class CoreOtherWebSearchAction(CoreModel):
    wire_inline = True
    type: Literal["other"] = "other"


ContentItem = Annotated[
    InputTextContentItem | InputImageContentItem | OutputTextContentItem,
    Field(discriminator="type"),
    Named("ContentItem"),
]


FunctionCallOutputContentItem = Annotated[
    InputTextFunctionCallOutputContentItem | InputImageFunctionCallOutputContentItem,
    Field(discriminator="type"),
    Named("FunctionCallOutputContentItem"),
]


FunctionCallOutputBody = Annotated[str | list[FunctionCallOutputContentItem], Named("FunctionCallOutputBody")]


LocalShellAction = Annotated[ExecLocalShellAction, Named("LocalShellAction")]


LocalShellStatus = Annotated[Literal["completed", "in_progress", "incomplete"], Named("LocalShellStatus")]


MessagePhase = Annotated[Literal["commentary", "final_answer"], Named("MessagePhase")]


ReasoningItemContent = Annotated[
    ReasoningTextReasoningItemContent | TextReasoningItemContent,
    Field(discriminator="type"),
    Named("ReasoningItemContent"),
]


ResponseItem = Annotated[
    MessageResponseItem
    | ReasoningResponseItem
    | LocalShellCallResponseItem
    | FunctionCallResponseItem
    | FunctionCallOutputResponseItem
    | CustomToolCallResponseItem
    | CustomToolCallOutputResponseItem
    | WebSearchCallResponseItem
    | GhostSnapshotResponseItem
    | CompactionResponseItem
    | OtherResponseItem,
    Field(discriminator="type"),
    Named("ResponseItem"),
]


TurnItem = Annotated[
    UserMessageTurnItem
    | AgentMessageTurnItem
    | PlanTurnItem
    | ReasoningTurnItem
    | WebSearchTurnItem
    | ContextCompactionTurnItem,
    Field(discriminator="type"),
    Named("TurnItem"),
]


CoreWebSearchAction = Annotated[
    CoreSearchWebSearchAction
    | CoreOpenPageWebSearchAction
    | CoreFindInPageWebSearchAction
    | CoreOtherWebSearchAction,
    Field(discriminator="type"),
    Named("WebSearchAction"),
]


# single-variant tagged unions (the tag is still required on the wire)
AgentMessageContent = Annotated[TextAgentMessageContent, Named("AgentMessageContent")]
ReasoningItemReasoningSummary = Annotated[
    SummaryTextReasoningItemReasoningSummary, Named("ReasoningItemReasoningSummary")
]
