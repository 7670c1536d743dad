"""Base classes and wire markers shared by every protocol model module.

The Python annotation of a field is its wire type; the few facts the annotation cannot
express (TS `?:` optionality, fields one of the two exports leaves out, experimental
gating) travel as `W(...)` markers inside `Annotated`. Named aliases (unions, enums,
string newtypes) carry a `Named(...)` marker so the exporters can emit a definition for
them instead of inlining. Integer and float fields use the Rust-typed aliases (`U32`, `I64`,
`Usize`, `F64`...: a `Num(...)` marker), which give the JSON schema its `format`/`minimum` and
validation serde's range checks and wording.
"""

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

V2 = "v2"
ROOT = ""


def _is_none(value: object) -> bool:
    return value is None


class W:
    """Field-level wire metadata (merged when several are stacked)."""

    __slots__ = (
        "double_null",
        "exp_ts_visible",
        "experimental",
        "json_any_obj",
        "json_double_null",
        "json_hidden",
        "json_nonnull",
        "omit",
        "ts_hidden",
        "ts_name",
        "ts_null",
        "ts_type",
    )

    def __init__(
        self,
        *,
        omit: bool = False,
        ts_null: bool = True,
        json_hidden: bool = False,
        ts_hidden: bool = False,
        experimental: bool = False,
        exp_ts_visible: bool = False,
        ts_type: str | None = None,
        ts_name: str | None = None,
        json_nonnull: bool = False,
        json_any_obj: bool = False,
        double_null: bool = False,
        json_double_null: bool = False,
    ) -> None:
        # omit: TS `name?:` and dropped from output when None
        self.omit = omit
        # with omit: whether TS still spells `| null`
        self.ts_null = ts_null
        self.json_hidden = json_hidden
        self.ts_hidden = ts_hidden
        # experimental fields are hidden from both exports unless asked for
        self.experimental = experimental
        # ... except that the reference TS already shows some of them
        self.exp_ts_visible = exp_ts_visible
        self.ts_type = ts_type
        self.ts_name = ts_name
        # an optional field the JSON schema types without `null`
        self.json_nonnull = json_nonnull
        # arbitrary JSON the reference spells `{}` rather than `true`
        self.json_any_obj = json_any_obj
        # Option<Option<T>>: `T | null | null` in TS, doubly nullable in JSON
        self.double_null = double_null
        self.json_double_null = json_double_null

    def __repr__(self) -> str:
        return f"W({', '.join(f'{k}={getattr(self, k)!r}' for k in self.__slots__)})"


class Named:
    """Names an alias (union, enum, newtype) so exports give it its own definition."""

    __slots__ = ("json_inline", "json_name", "json_schema", "name", "ns", "ts_file", "ts_inline")

    def __init__(
        self,
        name: str,
        ns: str = ROOT,
        *,
        ts_file: bool = True,
        ts_inline: bool = False,
        json_name: str | None = None,
        json_inline: bool = False,
        json_schema: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        # the reference's schema when it is not what the type implies (kept minimal)
        self.json_schema = json_schema
        self.ns = ns
        self.ts_file = ts_file
        self.ts_inline = ts_inline
        self.json_name = json_name or name
        self.json_inline = json_inline

    def __repr__(self) -> str:
        return f"Named({self.name!r}, {self.ns!r})"


class Num:
    """A Rust number type, named as serde names it (`u32`, `i64`, `usize`, `f64`...).

    The JSON Schema export writes its schemars `format` (and `minimum: 0.0` when unsigned);
    validation accepts what serde accepts for it (an integer type: JSON integers in range, no
    floats, strings or booleans; a float type: any JSON number) and reports failures as one
    `serde_number` error carrying the type name, which `validation` words as serde does.
    The core schema is built when pydantic builds the model (lazily), not at import.
    """

    __slots__ = ("format", "hi", "lo", "rust")

    # serde name -> (schemars format, bits; 0 for floats)
    _KINDS: ClassVar[dict[str, tuple[str, int]]] = {
        "u8": ("uint8", 8),
        "u16": ("uint16", 16),
        "u32": ("uint32", 32),
        "u64": ("uint64", 64),
        "usize": ("uint", 64),
        "i8": ("int8", 8),
        "i16": ("int16", 16),
        "i32": ("int32", 32),
        "i64": ("int64", 64),
        "isize": ("int", 64),
        "f32": ("float", 0),
        "f64": ("double", 0),
    }

    def __init__(self, rust: str) -> None:
        fmt, bits = self._KINDS[rust]
        self.rust = rust
        self.format = fmt
        if not bits:
            self.lo = self.hi = None
        elif rust.startswith("u"):
            self.lo, self.hi = 0, (1 << bits) - 1
        else:
            self.lo, self.hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1

    @property
    def is_float(self) -> bool:
        return self.lo is None

    @property
    def unsigned(self) -> bool:
        return self.lo == 0

    def json_schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "number" if self.is_float else "integer", "format": self.format}
        if self.unsigned:
            out["minimum"] = 0.0
        return out

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        inner = (
            core_schema.float_schema(strict=True)
            if self.is_float
            else core_schema.int_schema(ge=self.lo, le=self.hi, strict=True)
        )
        return core_schema.custom_error_schema(
            inner,
            custom_error_type=SERDE_NUMBER,
            custom_error_message="expected {expected}",
            custom_error_context={"expected": self.rust},
        )

    def __repr__(self) -> str:
        return f"Num({self.rust!r})"


# the validation error type of a `Num` field (ctx `expected`: the serde type name)
SERDE_NUMBER = "serde_number"

# the validation error type whose ctx `message` is already serde's whole text
SERDE_MESSAGE = "serde_message"


class SerdeRead:
    """A string field the reference reads into a richer type: `read` returns what is passed on,
    or raises ValueError with the whole message serde gives (a `serde_message` error, which
    `validation` reports as is). The JSON Schema and TypeScript exports still see a string."""

    __slots__ = ()

    def read(self, value: str) -> str:
        raise NotImplementedError

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import PydanticCustomError, core_schema

        def read(value: str) -> str:
            try:
                return self.read(value)
            except ValueError as exc:
                raise PydanticCustomError(SERDE_MESSAGE, "{message}", {"message": str(exc)}) from None

        return core_schema.no_info_after_validator_function(read, handler(source))


class UuidText(SerdeRead):
    """A UUID: accepted in every form the reference's parser takes (simple, hyphenated, braced,
    `urn:uuid:`), passed on in canonical form, refused with the parser's own diagnosis. `prefix`
    is what the reference's deserializer puts before it: "UUID parsing failed: " for a plain
    `Uuid`, nothing for a `ThreadId`."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def read(self, value: str) -> str:
        from codex_core.ids import InvalidId, parse_uuid

        try:
            return str(parse_uuid(value))
        except InvalidId as exc:
            raise ValueError(f"{self.prefix}{exc}") from None

    def __repr__(self) -> str:
        return f"UuidText({self.prefix!r})"


class AbsolutePathText(SerdeRead):
    """An `AbsolutePathBuf`: a request has no base folder to resolve a relative path against, so
    one is refused as serde reports it; an absolute one is passed on with `.` and `..` resolved
    lexically, as the reference normalizes it."""

    __slots__ = ()

    def read(self, value: str) -> str:
        import posixpath

        if not value.startswith("/"):
            raise ValueError("AbsolutePathBuf deserialized without a base path")
        clean = posixpath.normpath(value)
        return "/" + clean.lstrip("/")  # normpath keeps a leading `//`; a path has one root

    def __repr__(self) -> str:
        return "AbsolutePathText()"


OMIT = W(omit=True, ts_null=False)
OMIT_NULLABLE = W(omit=True)
EXPERIMENTAL = W(experimental=True)
JSON_HIDDEN = W(json_hidden=True)
TS_HIDDEN = W(ts_hidden=True)
BIGINT = W(ts_type="bigint")

# `name?: T` in TS; absent (not null) on the wire when None.
Opt = Annotated[Optional[T], Field(exclude_if=_is_none), OMIT]  # noqa: UP045 - generic alias needs Optional
# `name?: T | null` in TS (ts-rs `optional = nullable`); serde still writes null.
OptN = Annotated[Optional[T], OMIT_NULLABLE]  # noqa: UP045
# serde `skip_serializing_if = "Option::is_none"` on a field TS spells `T | null`.
SKIP_NONE = Field(exclude_if=_is_none)
# Rust numbers: every integer or float field uses one of these, as the reference schema's
# `format` of that field says (`uint` is usize, `double` f64, `float` f32).
U8 = Annotated[int, Num("u8")]
U16 = Annotated[int, Num("u16")]
U32 = Annotated[int, Num("u32")]
U64 = Annotated[int, Num("u64")]
Usize = Annotated[int, Num("usize")]
I8 = Annotated[int, Num("i8")]
I16 = Annotated[int, Num("i16")]
I32 = Annotated[int, Num("i32")]
I64 = Annotated[int, Num("i64")]
F32 = Annotated[float, Num("f32")]
F64 = Annotated[float, Num("f64")]
# u64/i64 values that ts-rs spells `bigint` (the others are `number` in TS).
U64Big = Annotated[int, Num("u64"), BIGINT]
I64Big = Annotated[int, Num("i64"), BIGINT]
# Arbitrary JSON (serde_json::Value).
JsonValue = Annotated[Any, Named("JsonValue", "serde_json", json_inline=True)]


class WireModel(BaseModel):
    """Base for every protocol struct.

    Class variables (all optional) steer the exporters:
    - wire_name: exported type name when the Python name differs
    - wire_ns: TS folder ("" root or "v2")
    - wire_inline: a variant or anonymous struct (no definition of its own)
    - wire_newtype: for a tagged variant wrapping a named struct, that struct
    - wire_ts_file: False when another type owns the TS file of that name
    - wire_json_name: JSON definition name when it differs
    - wire_additional: JSON `additionalProperties` (None = not stated)
    - wire_ts_null: a unit struct that ts-rs spells `null`
    - wire_ts_override / wire_json_override: the rare shapes the walker cannot derive
    """

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        strict=True,
        defer_build=True,
        extra="ignore",
    )

    if TYPE_CHECKING:
        wire_name: ClassVar[str | None] = None
        wire_json_name: ClassVar[str | None] = None
        wire_ns: ClassVar[str] = ROOT
        wire_inline: ClassVar[bool] = False
        wire_newtype: ClassVar[type["WireModel"] | None] = None
        wire_ts_file: ClassVar[bool] = True
        wire_additional: ClassVar[bool | None] = None
        wire_ts_null: ClassVar[bool] = False
        wire_ts_override: ClassVar[str | None] = None
        wire_json_override: ClassVar[dict[str, Any] | None] = None
        wire_experimental: ClassVar[bool] = False
        wire_flatten_extra: ClassVar[bool] = False
        wire_ts_inline: ClassVar[bool] = False

    @classmethod
    def export_name(cls) -> str:
        return cls.__dict__.get("wire_name") or cls.__name__

    @classmethod
    def export_json_name(cls) -> str:
        return cls.__dict__.get("wire_json_name") or cls.export_name()


# The exporters' class variables live outside the annotations: pydantic evaluates every
# annotation of every base again for each subclass, and these were most of that work
# (about 7,000 evaluations for the protocol's ~550 classes). Declaring them as class vars of
# the base lets subclasses assign them without annotations.
_WIRE_DEFAULTS: dict[str, Any] = {
    "wire_name": None,
    "wire_json_name": None,
    "wire_ns": ROOT,
    "wire_inline": False,
    "wire_newtype": None,
    "wire_ts_file": True,
    "wire_additional": None,
    "wire_ts_null": False,
    "wire_ts_override": None,
    "wire_json_override": None,
    "wire_experimental": False,
    "wire_flatten_extra": False,
    "wire_ts_inline": False,
}
for _name, _default in _WIRE_DEFAULTS.items():
    setattr(WireModel, _name, _default)
WireModel.__class_vars__.update(_WIRE_DEFAULTS)


class CoreModel(WireModel):
    """Types shared with the agent core: field names as they are (mostly snake_case)."""


class V1Model(WireModel):
    """Legacy v1 API types: camelCase on the wire, TS files at the root."""

    model_config = ConfigDict(alias_generator=to_camel)


class V2Model(WireModel):
    """v2 API types: camelCase on the wire, TS files under v2/."""

    model_config = ConfigDict(alias_generator=to_camel)
    wire_ns = V2


class V2RawModel(WireModel):
    """v2 types that keep snake_case names on the wire (config views, a few settings)."""

    wire_ns = V2
