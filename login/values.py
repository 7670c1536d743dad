"""The base of the login layer's small value classes, in place of ``@dataclass(frozen=True)``.

Importing dataclasses pulls in inspect (~9 ms) and each decorated class costs another ~0.5 ms,
about a tenth of `codex login status`. A subclass lists its fields in ``_fields`` (constructor
order; also its ``__slots__``), writes its own ``__init__`` and marks the fields ``Final`` so
mypy keeps them read-only; this base gives the equality, hash and repr the dataclass generated.
"""

from __future__ import annotations


class Value:
    __slots__ = ()
    _fields: tuple[str, ...] = ()
    # Fields left out of ==/hash (a dataclass field(compare=False)); still shown by repr.
    _uncompared: tuple[str, ...] = ()

    def _compared(self) -> tuple[object, ...]:
        skip = self._uncompared
        return tuple(getattr(self, name) for name in self._fields if name not in skip)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"
