"""v2 ThreadItem and the pieces items are made of."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import I32, I64, V2, JsonValue, Named, Usize, V2Model, V2RawModel, W


class ByteRange(V2Model):
    start: Usize
    end: Usize


class CollabAgentState(V2Model):
    status: "CollabAgentStatus"
    message: str | None = None


class ReadCommandAction(V2Model):
    wire_inline = True
    type: Literal["read"] = "read"
    command: str
    name: str
    path: str


class ListFilesCommandAction(V2Model):
    wire_inline = True
    type: Literal["listFiles"] = "listFiles"
    command: str
    path: str | None = None


class SearchCommandAction(V2Model):
    wire_inline = True
    type: Literal["search"] = "search"
    command: str
    query: str | None = None
    path: str | None = None


class UnknownCommandAction(V2Model):
    wire_inline = True
    type: Literal["unknown"] = "unknown"
    command: str


class FileUpdateChange(V2Model):
    path: str
    kind: "PatchChangeKind"
    diff: str


class McpToolCallError(V2Model):
    message: str


class McpToolCallResult(V2Model):
    content: list[JsonValue]
    structured_content: Annotated[JsonValue | None, W(json_nonnull=True)] = None


class AddPatchChangeKind(V2Model):
    wire_inline = True
    type: Literal["add"] = "add"


class DeletePatchChangeKind(V2Model):
    wire_inline = True
    type: Literal["delete"] = "delete"


class UpdatePatchChangeKind(V2RawModel):
    wire_inline = True
    type: Literal["update"] = "update"
    move_path: str | None = None


class TextElement(V2Model):
    byte_range: ByteRange
    placeholder: str | None = None


class UserMessageThreadItem(V2Model):
    wire_inline = True
    type: Literal["userMessage"] = "userMessage"
    id: str
    content: "list[UserInput]"


class AgentMessageThreadItem(V2Model):
    wire_inline = True
    type: Literal["agentMessage"] = "agentMessage"
    id: str
    text: str


class PlanThreadItem(V2Model):
    wire_inline = True
    type: Literal["plan"] = "plan"
    id: str
    text: str


class ReasoningThreadItem(V2Model):
    wire_inline = True
    type: Literal["reasoning"] = "reasoning"
    id: str
    summary: list[str] = Field(default_factory=list)
    content: list[str] = Field(default_factory=list)


class CommandExecutionThreadItem(V2Model):
    wire_inline = True
    type: Literal["commandExecution"] = "commandExecution"
    id: str
    command: str
    cwd: str
    process_id: str | None = None
    status: "CommandExecutionStatus"
    command_actions: "list[CommandAction]"
    aggregated_output: str | None = None
    exit_code: I32 | None = None
    duration_ms: I64 | None = None


class FileChangeThreadItem(V2Model):
    wire_inline = True
    type: Literal["fileChange"] = "fileChange"
    id: str
    changes: list[FileUpdateChange]
    status: "PatchApplyStatus"


class McpToolCallThreadItem(V2Model):
    wire_inline = True
    type: Literal["mcpToolCall"] = "mcpToolCall"
    id: str
    server: str
    tool: str
    status: "McpToolCallStatus"
    arguments: JsonValue
    result: McpToolCallResult | None = None
    error: McpToolCallError | None = None
    duration_ms: I64 | None = None


class CollabAgentToolCallThreadItem(V2Model):
    wire_inline = True
    type: Literal["collabAgentToolCall"] = "collabAgentToolCall"
    id: str
    tool: "CollabAgentTool"
    status: "CollabAgentToolCallStatus"
    sender_thread_id: str
    receiver_thread_ids: list[str]
    prompt: str | None = None
    agents_states: dict[str, CollabAgentState]


class WebSearchThreadItem(V2Model):
    wire_inline = True
    type: Literal["webSearch"] = "webSearch"
    id: str
    query: str
    action: "WebSearchAction | None" = None


class ImageViewThreadItem(V2Model):
    wire_inline = True
    type: Literal["imageView"] = "imageView"
    id: str
    path: str


class EnteredReviewModeThreadItem(V2Model):
    wire_inline = True
    type: Literal["enteredReviewMode"] = "enteredReviewMode"
    id: str
    review: str


class ExitedReviewModeThreadItem(V2Model):
    wire_inline = True
    type: Literal["exitedReviewMode"] = "exitedReviewMode"
    id: str
    review: str


class ContextCompactionThreadItem(V2Model):
    wire_inline = True
    type: Literal["contextCompaction"] = "contextCompaction"
    id: str


class TurnPlanStep(V2Model):
    step: str
    status: "TurnPlanStepStatus"


class TextUserInput(V2RawModel):
    wire_inline = True
    type: Literal["text"] = "text"
    text: str
    text_elements: list[TextElement] = Field(default_factory=list)


class ImageUserInput(V2Model):
    wire_inline = True
    type: Literal["image"] = "image"
    url: str


class LocalImageUserInput(V2Model):
    wire_inline = True
    type: Literal["localImage"] = "localImage"
    path: str


class SkillUserInput(V2Model):
    wire_inline = True
    type: Literal["skill"] = "skill"
    name: str
    path: str


class MentionUserInput(V2Model):
    wire_inline = True
    type: Literal["mention"] = "mention"
    name: str
    path: str


class SearchWebSearchAction(V2Model):
    wire_inline = True
    type: Literal["search"] = "search"
    query: str | None = None
    queries: list[str] | None = None


class OpenPageWebSearchAction(V2Model):
    wire_inline = True
    type: Literal["openPage"] = "openPage"
    url: str | None = None


class FindInPageWebSearchAction(V2Model):
    wire_inline = True
    type: Literal["findInPage"] = "findInPage"
    url: str | None = None
    pattern: str | None = None


class OtherWebSearchAction(V2Model):
    wire_inline = True
    type: Literal["other"] = "other"


CollabAgentStatus = Annotated[
    Literal["pendingInit", "running", "completed", "errored", "shutdown", "notFound"],
    Named("CollabAgentStatus", V2),
]


CollabAgentTool = Annotated[
    Literal["spawnAgent", "sendInput", "resumeAgent", "wait", "closeAgent"], Named("CollabAgentTool", V2)
]


CollabAgentToolCallStatus = Annotated[
    Literal["inProgress", "completed", "failed"], Named("CollabAgentToolCallStatus", V2)
]


CommandAction = Annotated[
    ReadCommandAction | ListFilesCommandAction | SearchCommandAction | UnknownCommandAction,
    Field(discriminator="type"),
    Named("CommandAction", V2),
]


CommandExecutionStatus = Annotated[
    Literal["inProgress", "completed", "failed", "declined"], Named("CommandExecutionStatus", V2)
]


McpToolCallStatus = Annotated[Literal["inProgress", "completed", "failed"], Named("McpToolCallStatus", V2)]


PatchApplyStatus = Annotated[
    Literal["inProgress", "completed", "failed", "declined"], Named("PatchApplyStatus", V2)
]


PatchChangeKind = Annotated[
    AddPatchChangeKind | DeletePatchChangeKind | UpdatePatchChangeKind,
    Field(discriminator="type"),
    Named("PatchChangeKind", V2),
]


ThreadItem = Annotated[
    UserMessageThreadItem
    | AgentMessageThreadItem
    | PlanThreadItem
    | ReasoningThreadItem
    | CommandExecutionThreadItem
    | FileChangeThreadItem
    | McpToolCallThreadItem
    | CollabAgentToolCallThreadItem
    | WebSearchThreadItem
    | ImageViewThreadItem
    | EnteredReviewModeThreadItem
    | ExitedReviewModeThreadItem
    | ContextCompactionThreadItem,
    Field(discriminator="type"),
    Named("ThreadItem", V2),
]


TurnPlanStepStatus = Annotated[Literal["pending", "inProgress", "completed"], Named("TurnPlanStepStatus", V2)]


UserInput = Annotated[
    TextUserInput | ImageUserInput | LocalImageUserInput | SkillUserInput | MentionUserInput,
    Field(discriminator="type"),
    Named("UserInput", V2),
]


WebSearchAction = Annotated[
    SearchWebSearchAction | OpenPageWebSearchAction | FindInPageWebSearchAction | OtherWebSearchAction,
    Field(discriminator="type"),
    Named("WebSearchAction", V2),
]
