"""Params validation for the dispatcher: never raises, reports serde-like messages.

`parse_params(spec, raw)` returns the parsed params (a model instance, or None for
methods without params) or a `ParamsError`. The error message mimics what the Rust
reference's serde prints (the dispatcher sends it as `Invalid request: <message>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from codex_core.serde_text import expected_variants, unexpected

from ._base import SERDE_MESSAGE, SERDE_NUMBER
from .export.walk import is_model, is_union, model_fields, named_of, split_annotated
from .registry import MethodSpec


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()


@dataclass(frozen=True, slots=True)
class ParamsError:
    path: tuple[str | int, ...]
    message: str

    @property
    def wire_message(self) -> str:
        return f"Invalid request: {self.message}"

    @property
    def dotted_path(self) -> str:
        return ".".join(str(p) for p in self.path)


_ADAPTERS: dict[int, TypeAdapter[Any]] = {}


def prepare(tp: Any) -> None:
    """Build the validator of a type now rather than at its first use (models build lazily)."""
    if is_model(tp):
        tp.model_rebuild(force=True)
    else:
        adapter(tp)


def adapter(tp: Any) -> TypeAdapter[Any]:
    """A cached TypeAdapter for a model class or named alias."""
    key = id(tp)
    ta = _ADAPTERS.get(key)
    if ta is None:
        ta = _ADAPTERS[key] = TypeAdapter(tp)
    return ta


# serde_json reads an integer literal outside i64..u64 as a float
_INT_MIN = -(1 << 63)
_INT_MAX = (1 << 64) - 1


def _rust_float(value: float) -> str:
    """An f64 as serde's `Unexpected::Float` shows it: Rust's `Display` (shortest round-trip
    digits, never an exponent) with `.0` added when there is no decimal point."""
    text = repr(value)
    if value != value or value in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "inf", "-inf": "-inf"}[text]
    text = format(Decimal(text), "f")
    return text if "." in text else text + ".0"


def _unexpected(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and not _INT_MIN <= value <= _INT_MAX:
        value = float(value)
    if isinstance(value, float):
        return f"floating point `{_rust_float(value)}`"
    return unexpected(value)


def _number_message(value: Any, expected: str) -> str:
    """A `Num` field refused `value`: serde's wording for the Rust type `expected`."""
    if isinstance(value, int) and not isinstance(value, bool) and _INT_MIN <= value <= _INT_MAX:
        return f"invalid value: integer `{value}`, expected {expected}"
    return f"invalid type: {_unexpected(value)}, expected {expected}"


_EXPECTED = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "bool_type": "a boolean",
    "list_type": "a sequence",
    "dict_type": "a map",
    "model_type": "a map",
    "model_attributes_type": "a map",
}


def _variants(text: str) -> str:
    return expected_variants([p.strip().strip("'") for p in text.split(",") if p.strip()])


def _message(err: Any) -> str:
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"missing field `{err['loc'][-1]}`"
    if kind == SERDE_MESSAGE:
        return str(ctx.get("message", ""))
    if kind == SERDE_NUMBER:
        return _number_message(value, str(ctx.get("expected", "a number")))
    if kind in _EXPECTED:
        return f"invalid type: {_unexpected(value)}, expected {_EXPECTED[kind]}"
    if kind == "literal_error":
        if isinstance(value, str):
            return f"unknown variant `{value}`, {_variants(ctx.get('expected', '').replace(' or ', ', '))}"
        return f"invalid type: {_unexpected(value)}, expected a string"
    if kind == "union_tag_invalid":
        return f"unknown variant `{ctx.get('tag')}`, {_variants(ctx.get('expected_tags', ''))}"
    if kind == "union_tag_not_found":
        return f"missing field `{ctx.get('discriminator', 'type').strip(chr(39))}`"
    return str(err.get("msg", "invalid value"))


def _path(err: Any) -> tuple[str | int, ...]:
    return tuple(p for p in err.get("loc", ()) if isinstance(p, (str, int)))


def validate(tp: Any, raw: Any) -> Any | ParamsError:
    """Validate raw JSON data against a protocol type."""
    try:
        if is_model(tp):
            return tp.model_validate(raw)
        return adapter(tp).validate_python(raw)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # the first error is what serde, which stops at the first problem, reports
        err: Any = errors[0] if errors else {}
        return ParamsError(_path(err), _message(err))
    except Exception as exc:  # never let a malformed payload crash the dispatcher
        return ParamsError((), f"invalid value: {exc}")


def parse_params(spec: MethodSpec, raw: Any = MISSING) -> Any | ParamsError:
    """Parse the params of a request/notification of `spec`; MISSING = no params member.

    Mirrors serde on the reference's request enum: a method without params accepts a missing
    member, null or `{}` and nothing else; for a struct, null counts as missing, anything but a
    map or an array is refused naming the struct, and an array fills the fields in order.
    """
    tp = spec.params
    if tp is None:
        if raw is MISSING or raw is None or raw == {}:
            return None
        return ParamsError(("params",), f"invalid type: {_unexpected(raw)}, expected unit")
    if raw is MISSING or raw is None:
        return ParamsError(("params",), "missing field `params`")
    if is_model(tp) and not isinstance(raw, dict):
        if not isinstance(raw, list):
            return ParamsError((), f"invalid type: {_unexpected(raw)}, expected struct {tp.export_name()}")
        by_position = _fields_from_sequence(tp, raw)
        if isinstance(by_position, ParamsError):
            return by_position
        raw = by_position
    parsed = validate(tp, raw)
    untagged = _untagged_enum_name(tp)
    if isinstance(parsed, ParamsError) and untagged is not None:
        return ParamsError((), f"data did not match any variant of untagged enum {untagged}")
    return parsed


def _untagged_enum_name(tp: Any) -> str | None:
    """The name of a params type that is a union of structs told apart by shape alone (serde's
    untagged enum: one error for all of them, whatever each variant objected to)."""
    bare, meta = split_annotated(tp)
    named = named_of(meta)
    if named is None or not is_union(bare) or any(getattr(m, "discriminator", None) for m in meta):
        return None
    return named.name


def _elements(count: int) -> str:
    return f"{count} element{'' if count == 1 else 's'}"


def _fields_from_sequence(tp: Any, values: list[Any]) -> dict[str, Any] | ParamsError:
    """serde lets a struct come as an array of its fields in declaration order. Fields past the
    end of the array must have a default of their own (`#[serde(default)]`: here, a default
    that is not None); an Option field left out is an error, as in serde's sequence form."""
    fields = model_fields(tp)
    if len(values) > len(fields):
        return ParamsError((), f"invalid length {len(values)}, expected {_elements(len(fields))} in sequence")
    for index, f in enumerate(fields[len(values) :], start=len(values)):
        info = tp.model_fields[f.attr]
        if info.is_required() or info.get_default(call_default_factory=True) is None:
            return ParamsError(
                (),
                f"invalid length {index}, expected struct {tp.export_name()} with {_elements(len(fields))}",
            )
    return {f.wire: value for f, value in zip(fields, values, strict=False)}


def parse_result(spec: MethodSpec, raw: Any) -> Any | ParamsError:
    """Parse a response result (the client's answer to a server request, or ours in tests)."""
    if spec.result is None:
        return None
    return validate(spec.result, raw)


def experimental_usage(spec: MethodSpec, params: Any) -> str | None:
    """`<method>` or `<method>.<field>` when the call needs the experimentalApi capability."""
    if spec.experimental:
        return spec.method
    if not spec.experimental_fields or params is None or not is_model(type(params)):
        return None
    cls: Any = type(params)
    for f in model_fields(cls):
        value = getattr(params, f.attr, None)
        if f.is_tag():
            if value in spec.experimental_fields:
                return f"{spec.method}.{value}"
            continue
        # An empty list is no use of the field (serde's view of `Some(vec![])` in the reference's gate).
        if (f.wire in spec.experimental_fields or f.meta.experimental) and value is not None and value != []:
            info = type(params).model_fields[f.attr]
            if info.is_required() or value != info.get_default(call_default_factory=True):
                return f"{spec.method}.{f.wire}"
    return None
