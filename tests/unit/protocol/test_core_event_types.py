"""The core's event TypedDicts (`codex_core.events`) and the export models of the same EventMsg
variants (`app_server.protocol.events`) describe one wire shape: the same field names, and a field
may be absent exactly when the model leaves it out while None (`Opt` / `SKIP_NONE`). A field
changed on one side only fails here."""

from __future__ import annotations

from typing import Any, get_args, get_type_hints

import pytest
from pydantic import BaseModel

import codex_core.events as core
from app_server.protocol import event_payloads as payloads
from app_server.protocol.events import EventMsg

CORE_TYPES: list[Any] = list(get_args(core.CoreEvent))


def _tag(typed: Any) -> str:
    (tag,) = get_args(get_type_hints(typed)["type"])
    return str(tag)


def _export_models() -> dict[str, type[BaseModel]]:
    union = get_args(EventMsg)[0]
    return {str(model.model_fields["type"].default): model for model in get_args(union)}


def _wire_keys(model: type[BaseModel]) -> tuple[set[str], set[str]]:
    """(always written, may be absent) field names as the model serializes them."""
    always: set[str] = set()
    maybe: set[str] = set()
    for name, info in model.model_fields.items():
        wire = info.serialization_alias or info.alias or name
        (maybe if info.exclude_if is not None else always).add(wire)
    return always, maybe


def _assert_same_shape(typed: Any, model: type[BaseModel]) -> None:
    always, maybe = _wire_keys(model)
    assert set(typed.__required_keys__) == always, (
        f"{typed.__name__} vs {model.__name__}: always-present fields"
    )
    assert set(typed.__optional_keys__) == maybe, f"{typed.__name__} vs {model.__name__}: optional fields"


def test_every_core_event_has_its_own_tag() -> None:
    tags = [_tag(typed) for typed in CORE_TYPES]
    assert len(tags) == len(set(tags))


def test_core_only_events_are_not_in_the_reference() -> None:
    models = _export_models()
    tags = {_tag(typed) for typed in CORE_TYPES}
    assert tags >= core.CORE_ONLY_TYPES
    # If the reference gains one of these, type it from its export model instead.
    assert not core.CORE_ONLY_TYPES & set(models)


@pytest.mark.parametrize(
    "typed", [t for t in CORE_TYPES if _tag(t) not in core.CORE_ONLY_TYPES], ids=lambda t: t.__name__
)
def test_core_event_matches_its_export_model(typed: Any) -> None:
    models = _export_models()
    tag = _tag(typed)
    assert tag in models, f"{tag}: no EventMsg variant in app_server/protocol/events.py"
    _assert_same_shape(typed, models[tag])


@pytest.mark.parametrize(
    ("typed", "model"),
    [
        (core.Duration, payloads.Duration),
        (core.McpInvocation, payloads.McpInvocation),
        (core.McpStartupFailure, payloads.McpStartupFailure),
        (core.McpStartupSummary, payloads.McpStartupCompleteEvent),
        (core.PlanItem, payloads.PlanItemArg),
        (core.PlanUpdate, payloads.UpdatePlanArgs),
        (core.TokenUsageFields, payloads.TokenCountEvent),
    ],
    ids=lambda value: value.__name__,
)
def test_nested_shapes_match_their_export_models(typed: Any, model: type[BaseModel]) -> None:
    _assert_same_shape(typed, model)


def test_mcp_startup_status_covers_the_export_states() -> None:
    states = {str(m.model_fields["state"].default) for m in get_args(get_args(payloads.McpStartupStatus)[0])}
    assert set(get_args(get_type_hints(core.McpStartupStatus)["state"])) == states
