"""v2 model catalogue, experimental features and collaboration modes."""

from typing import Annotated, Literal

from pydantic import Field

from ._base import U32, V2, Named, OptN, V2Model
from .core import CollaborationModeMask, InputModality, ReasoningEffort

_DEFAULT_MODALITIES: tuple[InputModality, ...] = ("text", "image")


class ExperimentalFeature(V2Model):
    name: str
    stage: "ExperimentalFeatureStage"
    display_name: str | None = None
    description: str | None = None
    announcement: str | None = None
    enabled: bool
    default_enabled: bool


class ExperimentalFeatureListParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None


class ExperimentalFeatureListResponse(V2Model):
    data: list[ExperimentalFeature]
    next_cursor: str | None = None


class Model(V2Model):
    id: str
    model: str
    upgrade: str | None = None
    display_name: str
    description: str
    supported_reasoning_efforts: "list[ReasoningEffortOption]"
    default_reasoning_effort: ReasoningEffort
    input_modalities: list[InputModality] = Field(default_factory=lambda: list(_DEFAULT_MODALITIES))
    supports_personality: bool = False
    is_default: bool


class ModelListParams(V2Model):
    cursor: OptN[str] = None
    limit: OptN[U32] = None


class ModelListResponse(V2Model):
    data: list[Model]
    next_cursor: str | None = None


class ReasoningEffortOption(V2Model):
    reasoning_effort: ReasoningEffort
    description: str


ExperimentalFeatureStage = Annotated[
    Literal["beta", "underDevelopment", "stable", "deprecated", "removed"],
    Named("ExperimentalFeatureStage", V2),
]


class CollaborationModeListParams(V2Model):
    """Experimental: list the collaboration mode presets."""


class CollaborationModeListResponse(V2Model):
    data: list[CollaborationModeMask]


class MockExperimentalMethodParams(V2Model):
    """Experimental test-only method used to exercise the capability gate."""

    value: OptN[str] = None


class MockExperimentalMethodResponse(V2Model):
    echoed: str | None = None
