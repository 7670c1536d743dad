"""JSON Schema (draft-07) export in the reference's layout.

Bundle `codex_app_server_protocol.schemas.json`: root-level definitions plus
`definitions.v2`. A type reached from a v2 file (params/results of v2 client requests,
v2 notifications) is defined under `v2`; one reached from a root or v1 file is defined at
the root. Like the reference bundler, references written directly in the body of a
root-folder file point into `v2` when a definition of that name exists there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from .. import common, events
from ..registry import METHODS, Direction, MethodSpec, specs
from .files import json_bytes, write_tree
from .walk import (
    field_visible,
    is_model,
    is_union,
    model_fields,
    named_of,
    num_of,
    split_annotated,
    strip_optional,
    union_members,
)

Schema = dict[str, Any] | bool
DRAFT = "http://json-schema.org/draft-07/schema#"
BUNDLE = "codex_app_server_protocol.schemas.json"
UNION_NAMES = {
    Direction.CLIENT_REQUEST: "ClientRequest",
    Direction.SERVER_REQUEST: "ServerRequest",
    Direction.SERVER_NOTIFICATION: "ServerNotification",
    Direction.CLIENT_NOTIFICATION: "ClientNotification",
}


def type_name(tp: Any) -> str:
    bare, meta = split_annotated(tp)
    named = named_of(meta)
    if named is not None:
        return named.json_name
    if is_model(bare):
        return str(bare.export_json_name())
    raise TypeError(f"not a named type: {tp!r}")


# A built definition: (its key, kept so its id stays its own; its body; the define calls its
# build made, in order).
Built = tuple[object, Schema, list[tuple[str, object, Callable[[], Schema]]]]


class _Gen:
    def __init__(self, experimental: bool, flat: bool = False, memo: dict[Any, Built] | None = None) -> None:
        self.experimental = experimental
        self.flat = flat  # per-file output: one namespace
        self.defs: dict[str, dict[str, Schema]] = {"": {}, "v2": {}}
        self.owner: dict[str, dict[str, object]] = {"": {}, "v2": {}}
        self.ns = ""
        # Generators of one experimental/flat kind may share this: the per-type files walk the
        # same definitions a hundred times over.
        self.memo: dict[Any, Built] = {} if memo is None else memo
        self.recording: list[tuple[str, object, Callable[[], Schema]]] | None = None

    def ref(self, name: str) -> dict[str, Any]:
        prefix = f"{self.ns}/" if self.ns and not self.flat else ""
        return {"$ref": f"#/definitions/{prefix}{name}"}

    def define(self, name: str, key: object, build: Callable[[], Schema]) -> dict[str, Any]:
        if self.recording is not None:
            self.recording.append((name, key, build))
        ns = "" if self.flat else self.ns
        owner = self.owner[ns].get(name)
        # two types sharing a name in one namespace: the last one written wins, as in the
        # reference bundle
        if owner is not key:
            self.owner[ns][name] = key
            self.defs[ns][name] = True  # placeholder while recursing
            self.defs[ns][name] = self._build(ns, key, build)
        return self.ref(name)

    def _build(self, ns: str, key: object, build: Callable[[], Schema]) -> Schema:
        """`build()`, or its body from the memo with its define calls made again in the same
        order, so the definitions it pulls in (and which of two same-named ones wins) are the
        same. A body depends only on the type, the namespace its refs point into and the mode."""
        hit = self.memo.get((id(key), ns))
        saved = self.recording
        if hit is not None:
            self.recording = None  # the calls below belong to that build, not to the caller's
            try:
                for child in hit[2]:
                    self.define(*child)
            finally:
                self.recording = saved
            return hit[1]
        self.recording = []
        try:
            body = build()
            self.memo[(id(key), ns)] = (key, body, self.recording)
        finally:
            self.recording = saved
        return body

    @staticmethod
    def nullable(s: Schema) -> Schema:
        if s is True or s is False or s == {}:
            return s
        if isinstance(s.get("type"), str) and "enum" not in s and s["type"] != "null":
            return {**s, "type": [s["type"], "null"]}
        return {"anyOf": [s, {"type": "null"}]}

    def schema(self, tp: Any) -> Schema:
        bare, meta = split_annotated(tp)
        named = named_of(meta)
        if named is not None:
            if named.json_inline:
                return self.schema(bare)
            override = named.json_schema
            if override is not None:
                # still walk the type: the reference keeps the definitions it pulls in
                return self.define(named.json_name, named, lambda: (self.schema(bare), dict(override))[1])
            return self.define(named.json_name, named, lambda: self.schema(bare))
        num = num_of(meta)
        if num is not None and bare in (int, float):
            return num.json_schema()
        if bare is Any:
            return True
        if is_union(bare):
            members, nullable = union_members(bare)
            if len(members) == 1:
                s = self.schema(members[0])
            else:
                subs = [self.schema(m) for m in members]
                s = (
                    {"oneOf": subs}
                    if any(is_model(split_annotated(m)[0]) for m in members)
                    else {"anyOf": subs}
                )
            return self.nullable(s) if nullable else s
        origin = get_origin(bare)
        if origin is Literal:
            return {"type": "string", "enum": list(get_args(bare))}
        if origin is list:
            return {"type": "array", "items": self.schema(get_args(bare)[0])}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.schema(get_args(bare)[1])}
        if bare is str:
            return {"type": "string"}
        if bare is bool:
            return {"type": "boolean"}
        if bare is int:
            return {"type": "integer"}
        if bare is float:
            return {"type": "number"}
        if bare is type(None):
            return {"type": "null"}
        if is_model(bare):
            if bare.wire_inline:
                return self.object(bare)
            return self.define(bare.export_json_name(), bare, lambda: self.object(bare))
        raise TypeError(f"cannot export {tp!r}")

    def object(self, cls: Any) -> Schema:
        if cls.wire_json_override is not None:
            return dict(cls.wire_json_override)
        props: dict[str, Schema] = {}
        required: list[str] = []
        for f in model_fields(cls):
            inner, nullable = strip_optional(f.tp)
            s = self.schema(inner)
            if not field_visible(f, "json", self.experimental):
                continue  # walked anyway: the reference keeps the definitions of hidden fields
            if s is True and f.meta.json_any_obj:
                s = {}
            if nullable and not f.meta.json_nonnull:
                s = self.nullable(s)
                if f.meta.json_double_null:
                    s = {"anyOf": [s, {"type": "null"}]}
            props[f.wire] = s
            if f.required or (cls.wire_inline and f.is_tag()):
                required.append(f.wire)
        out: dict[str, Any] = {"type": "object"}
        if required:
            out["required"] = sorted(required)
        out["properties"] = props
        if cls.wire_additional is not None:
            out["additionalProperties"] = cls.wire_additional
        return out

    def in_ns(self, ns: str, tp: Any) -> Schema:
        saved, self.ns = self.ns, ns
        try:
            return self.schema(tp)
        finally:
            self.ns = saved

    def union(self, direction: Direction) -> Schema:
        variants = []
        for spec in specs(direction, experimental=self.experimental):
            props: dict[str, Schema] = {}
            required = ["method"]
            if direction in (Direction.CLIENT_REQUEST, Direction.SERVER_REQUEST):
                props["id"] = self.in_ns("", common.RequestId)
                required.append("id")
            props["method"] = {"type": "string", "enum": [spec.method]}
            if spec.params is not None:
                props["params"] = self.in_ns(_ns(spec), spec.params)
                required.append("params")
            elif direction is Direction.CLIENT_REQUEST:
                props["params"] = {"type": "null"}
            variants.append({"type": "object", "required": sorted(required), "properties": props})
        return {"oneOf": variants}


def _ns(spec: MethodSpec) -> str:
    return "v2" if spec.export_dir == "v2" else ""


def _method_types(spec: MethodSpec) -> Iterator[Any]:
    if spec.params is not None:
        yield spec.params
    if spec.result is not None:
        yield spec.result


ROOT_TYPES: tuple[Any, ...] = (
    common.RequestId,
    common.JSONRPCMessage,
    common.JSONRPCRequest,
    common.JSONRPCNotification,
    common.JSONRPCResponse,
    common.JSONRPCError,
    common.JSONRPCErrorError,
    events.EventMsg,
)


def _files(experimental: bool) -> list[tuple[str, str, Any]]:
    """(folder, type name, type) of every per-type file, in generation order."""
    out: list[tuple[str, str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for spec in METHODS:
        if spec.experimental and not experimental:
            continue
        for tp in _method_types(spec):
            key = (spec.export_dir, type_name(tp))
            if key not in seen:
                seen.add(key)
                out.append((spec.export_dir, key[1], tp))
    for tp in ROOT_TYPES:
        out.append(("", type_name(tp), tp))
    return out


def _rewrite_refs(node: Any, v2_names: set[str]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.count("/") == 2 and ref.split("/")[-1] in v2_names:
            return {**node, "$ref": "#/definitions/v2/" + ref.split("/")[-1]}
        return {k: _rewrite_refs(v, v2_names) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(x, v2_names) for x in node]
    return node


def build_json_bundle(experimental: bool = False) -> dict[str, Any]:
    gen = _Gen(experimental)
    files = _files(experimental)
    # v2 files first so their namespace is known before the root bodies are rewritten
    for folder, _name, tp in sorted(files, key=lambda f: f[0] != "v2"):
        gen.in_ns("v2" if folder == "v2" else "", tp)
    if not experimental:
        # walk experimental methods too: the reference keeps the definitions their
        # types pull in, minus the method types themselves
        before = {ns: set(d) for ns, d in gen.defs.items()}
        for spec in METHODS:
            if spec.experimental:
                for tp in _method_types(spec):
                    gen.in_ns(_ns(spec), tp)
                    name = type_name(tp)
                    if name not in before[_ns(spec)]:
                        gen.defs[_ns(spec)].pop(name, None)
    for direction, name in UNION_NAMES.items():
        gen.defs[""][name] = gen.union(direction)
    v2_names = set(gen.defs["v2"])
    root_bodies = [n for f, n, _ in files if f == ""] + list(UNION_NAMES.values())
    for name in root_bodies:
        gen.defs[""][name] = _rewrite_refs(gen.defs[""][name], v2_names)
    # file-level types keep their document header, as in the reference bundle
    for folder, name, _tp in files:
        ns = "v2" if folder == "v2" else ""
        body = gen.defs[ns][name]
        # RequestId is shared by every envelope: the reference keeps its plain definition
        if isinstance(body, dict) and name != "RequestId":
            gen.defs[ns][name] = {"$schema": DRAFT, "title": name, **body}
    for name in UNION_NAMES.values():
        union = gen.defs[""][name]
        assert isinstance(union, dict)
        gen.defs[""][name] = {"$schema": DRAFT, "title": name, **union}
    definitions: dict[str, Any] = dict(gen.defs[""])
    definitions["v2"] = gen.defs["v2"]
    return {"$schema": DRAFT, "title": "CodexAppServerProtocol", "type": "object", "definitions": definitions}


def _single_file(
    tp: Any,
    name: str,
    experimental: bool,
    union: Direction | None = None,
    memo: dict[Any, Built] | None = None,
) -> dict[str, Any]:
    gen = _Gen(experimental, flat=True, memo=memo)
    if union is not None:
        body = gen.union(union)
    else:
        gen.schema(tp)
        body = gen.defs[""].pop(name)
    out: dict[str, Any] = {"$schema": DRAFT, "title": name}
    if isinstance(body, dict):
        out.update(body)
    if gen.defs[""]:
        out["definitions"] = dict(sorted(gen.defs[""].items()))
    return out


def render_files(experimental: bool = False) -> dict[str, bytes]:
    """Relative path -> content of the bundle and of one file per top-level type (root, v1/, v2/)."""
    files = {BUNDLE: json_bytes(build_json_bundle(experimental))}
    memo: dict[Any, Built] = {}
    for folder, name, tp in _files(experimental):
        files[f"{folder}/{name}.json" if folder else f"{name}.json"] = json_bytes(
            _single_file(tp, name, experimental, memo=memo)
        )
    for direction, name in UNION_NAMES.items():
        files[f"{name}.json"] = json_bytes(_single_file(None, name, experimental, union=direction, memo=memo))
    return files


def write_json_schema(out_dir: Path, experimental: bool = False) -> None:
    """Write the bundle and one file per top-level type (root, v1/, v2/) into out_dir."""
    write_tree(Path(out_dir), render_files(experimental))
