"""State that lives as long as one turn (the turn diff tracker, images waiting to be shown).

Kept beside the turn rather than on it so tool modules stay self-contained; entries of
finished turns are dropped the next time any turn asks for its state.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from codex_core.agent.session import TurnState

T = TypeVar("T")

_STORE: dict[tuple[str, int], tuple[weakref.ref[Any], Any]] = {}


def turn_local(turn: TurnState, key: str, factory: Callable[[], T] | None = None) -> T | None:
    """This turn's value under `key`, created by `factory` on first use (None if absent and no factory)."""
    for stale in [k for k, (ref, _) in _STORE.items() if _finished(ref)]:
        del _STORE[stale]
    slot = (key, id(turn))
    entry = _STORE.get(slot)
    if entry is not None and entry[0]() is turn:
        value: T = entry[1]
        return value
    if factory is None:
        return None
    created = factory()
    _STORE[slot] = (weakref.ref(turn), created)
    return created


def _finished(ref: weakref.ref[Any]) -> bool:
    turn = ref()
    return turn is None or turn.done.is_set()
