"""Type introspection shared by the JSON Schema and TypeScript exporters."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from .._base import Named, Num, W, WireModel

NoneType = type(None)
R = TypeVar("R")


def _by_identity(fn: Callable[[Any], R]) -> Callable[[Any], R]:
    """Memoize a function of one annotation by the annotation's identity.

    The exports ask the same questions of the same few hundred annotation objects tens of
    thousands of times. Identity, not equality: typing calls `Union[A, B]` and `Union[B, A]`
    equal, and the order of members is output. The key object is kept, so its id stays its own.
    """
    memo: dict[int, tuple[Any, R]] = {}

    def lookup(tp: Any) -> R:
        hit = memo.get(id(tp))
        if hit is None:
            hit = memo[id(tp)] = (tp, fn(tp))
        return hit[1]

    return lookup


@_by_identity
def split_annotated(tp: Any) -> tuple[Any, tuple[Any, ...]]:
    """Strip (nested) Annotated, returning the bare type and all metadata."""
    meta: list[Any] = []
    while get_origin(tp) is typing.Annotated:
        args = get_args(tp)
        tp = args[0]
        meta.extend(args[1:])
    return tp, tuple(meta)


def named_of(meta: Sequence[Any]) -> Named | None:
    for m in meta:
        if isinstance(m, Named):
            return m
    return None


def num_of(meta: Sequence[Any]) -> Num | None:
    for m in meta:
        if isinstance(m, Num):
            return m
    return None


@_by_identity
def is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def union_members(tp: Any) -> tuple[list[Any], bool]:
    """Members of a union without None, and whether None was one of them."""
    args = list(get_args(tp))
    nullable = NoneType in args
    return [a for a in args if a is not NoneType], nullable


def is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, WireModel)


@dataclass(frozen=True, slots=True)
class FieldView:
    attr: str
    wire: str
    tp: Any  # full annotation, Annotated layers kept
    required: bool
    meta: W

    def is_tag(self) -> bool:
        bare, _ = split_annotated(self.tp)
        return get_origin(bare) is Literal and len(get_args(bare)) == 1


def _merge(ws: list[W]) -> W:
    out = W()
    for w in ws:
        for k in W.__slots__:
            v = getattr(w, k)
            if v != getattr(W(), k):
                setattr(out, k, v)
    return out


def _collect_w(tp: Any) -> list[W]:
    # Only the outer Annotated layers (and those directly under Optional) describe the field.
    found: list[W] = []
    while True:
        if get_origin(tp) is typing.Annotated:
            args = get_args(tp)
            found.extend(m for m in args[1:] if isinstance(m, W))
            tp = args[0]
            continue
        return found


@cache
def model_fields(cls: type[WireModel]) -> tuple[FieldView, ...]:
    hints = typing.get_type_hints(cls, include_extras=True)
    out = []
    for attr, info in cls.model_fields.items():
        assert isinstance(info, FieldInfo)
        tp = hints[attr]
        gen = cls.model_config.get("alias_generator")
        # aliases of fields with forward refs are only filled in when the model is built
        wire = info.alias or (gen(attr) if callable(gen) else attr)
        out.append(FieldView(attr, wire, tp, info.is_required(), _merge(_collect_w(tp))))
    return tuple(out)


def field_visible(f: FieldView, target: str, experimental: bool) -> bool:
    w = f.meta
    if target == "json" and w.json_hidden:
        return False
    if target == "ts" and w.ts_hidden:
        return False
    return not (w.experimental and not experimental and not (target == "ts" and w.exp_ts_visible))


@_by_identity
def strip_optional(tp: Any) -> tuple[Any, bool]:
    """(inner type, nullable) looking through Annotated layers that carry no Named."""
    bare, meta = split_annotated(tp)
    if named_of(meta) is not None:
        return tp, False
    if is_union(bare):
        members, nullable = union_members(bare)
        if nullable:
            if len(members) == 1:
                inner, _ = strip_optional(members[0])
                return inner, True
            return typing.Union[tuple(members)], True  # noqa: UP007 - runtime construction
    return tp, False
