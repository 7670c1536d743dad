"""v2 turn/* and review/* methods."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import V2, JsonValue, Named, OptN, V2Model, W
from .core import CollaborationMode, Personality, ReasoningEffort, ReasoningSummary
from .items import UserInput
from .threads import Turn
from .v2_common import AskForApproval, SandboxPolicy


class ReviewStartParams(V2Model):
    thread_id: str
    target: "ReviewTarget"
    delivery: "OptN[ReviewDelivery]" = None


class ReviewStartResponse(V2Model):
    turn: Turn
    review_thread_id: str


class UncommittedChangesReviewTarget(V2Model):
    wire_inline = True
    type: Literal["uncommittedChanges"] = "uncommittedChanges"


class BaseBranchReviewTarget(V2Model):
    wire_inline = True
    type: Literal["baseBranch"] = "baseBranch"
    branch: str


class CommitReviewTarget(V2Model):
    wire_inline = True
    type: Literal["commit"] = "commit"
    sha: str
    title: str | None = None


class CustomReviewTarget(V2Model):
    wire_inline = True
    type: Literal["custom"] = "custom"
    instructions: str


class TurnInterruptParams(V2Model):
    thread_id: str
    turn_id: str


class TurnInterruptResponse(V2Model):
    pass


class TurnStartParams(V2Model):
    thread_id: str
    input: list[UserInput]
    cwd: OptN[str] = None
    approval_policy: OptN[AskForApproval] = None
    sandbox_policy: OptN[SandboxPolicy] = None
    model: OptN[str] = None
    effort: OptN[ReasoningEffort] = None
    summary: OptN[ReasoningSummary] = None
    personality: OptN[Personality] = None
    output_schema: Annotated[OptN[JsonValue], W(json_any_obj=True)] = None
    collaboration_mode: Annotated[OptN[CollaborationMode], W(experimental=True, exp_ts_visible=True)] = None


class TurnStartResponse(V2Model):
    turn: Turn


class TurnSteerParams(V2Model):
    thread_id: str
    input: list[UserInput]
    expected_turn_id: str


class TurnSteerResponse(V2Model):
    turn_id: str


ReviewDelivery = Annotated[Literal["inline", "detached"], Named("ReviewDelivery", V2)]


ReviewTarget = Annotated[
    UncommittedChangesReviewTarget | BaseBranchReviewTarget | CommitReviewTarget | CustomReviewTarget,
    Field(discriminator="type"),
    Named("ReviewTarget", V2),
]
