"""Every v2 translation is registered under the event type its `msg` parameter is typed for, so
mypy's checks inside a translation hold for the events it actually receives."""

from __future__ import annotations

from typing import Any, get_args, get_type_hints

import codex_core.events as core
from app_server.events import translator


def _namespace() -> dict[str, Any]:
    # The modules import these names only for type checking.
    return {**vars(core), "ThreadEvents": translator.ThreadEvents, "V2Handler": translator.V2Handler}


def _tags(annotation: Any) -> set[str]:
    members = get_args(annotation) or (annotation,)
    tags: set[str] = set()
    for member in members:
        tags.update(str(tag) for tag in get_args(get_type_hints(member)["type"]))
    return tags


def test_each_translation_takes_the_event_it_is_registered_for() -> None:
    tables = {**translator._V2, **translator.EXTRA_V2}
    assert tables
    for kind, handler in tables.items():
        module = __import__(handler.__module__, fromlist=["_"])
        hints = get_type_hints(handler, globalns={**vars(module), **_namespace()})
        assert _tags(hints["msg"]) == {kind}, f"{handler.__qualname__} is registered for {kind}"


def test_shared_output_delta_handlers_agree() -> None:
    # Patch and exec translations share exec_command_output_delta (the patch one defers to exec's).
    from app_server.events import exec_items, patch_items

    assert (
        patch_items.V2_HANDLERS["exec_command_output_delta"]
        is translator.EXTRA_V2["exec_command_output_delta"]
    )
    assert "exec_command_output_delta" in exec_items.V2_HANDLERS
