"""State that lives as long as one turn (the turn diff tracker, images waiting to be shown): kept
on the turn itself (`TurnState.locals`), so it goes when the turn goes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    from codex_core.agent.session import TurnState

T = TypeVar("T")


def turn_local(turn: TurnState, key: str, factory: Callable[[], T] | None = None) -> T | None:
    """This turn's value under `key`, created by `factory` on first use (None if absent and no factory)."""
    if key in turn.locals:
        return cast(T, turn.locals[key])
    if factory is None:
        return None
    created = turn.locals[key] = factory()
    return created
