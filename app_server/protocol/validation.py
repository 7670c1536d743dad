"""Params validation for the dispatcher: never raises, reports serde-like messages.

`parse_params(spec, raw)` returns the parsed params (a model instance, or None for
methods without params) or a `ParamsError`. The error message mimics what the Rust
reference's serde prints (the dispatcher sends it as `Invalid request: <message>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from pydantic import TypeAdapter, ValidationError

from codex_core.serde_text import unexpected

from .export.walk import is_model, model_fields
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


_unexpected = unexpected


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
    names = [p.strip().strip("'") for p in text.split(",") if p.strip()]
    return ", ".join(f"`{n}`" for n in names)


def _message(err: Any) -> str:
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return f"missing field `{err['loc'][-1]}`"
    if kind in _EXPECTED:
        return f"invalid type: {_unexpected(value)}, expected {_EXPECTED[kind]}"
    if kind == "literal_error":
        if isinstance(value, str):
            return f"unknown variant `{value}`, expected one of {_variants(ctx.get('expected', '').replace(' or ', ', '))}"
        return f"invalid type: {_unexpected(value)}, expected a string"
    if kind == "union_tag_invalid":
        return (
            f"unknown variant `{ctx.get('tag')}`, expected one of {_variants(ctx.get('expected_tags', ''))}"
        )
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
    """Parse the params of a request/notification of `spec`; MISSING = no params member."""
    if spec.params is None:
        return None
    if raw is MISSING:
        return ParamsError(("params",), "missing field `params`")
    return validate(spec.params, raw)


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
        if (f.wire in spec.experimental_fields or f.meta.experimental) and value is not None:
            info = type(params).model_fields[f.attr]
            if info.is_required() or value != info.get_default(call_default_factory=True):
                return f"{spec.method}.{f.wire}"
    return None
