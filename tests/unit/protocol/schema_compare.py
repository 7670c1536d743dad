"""Compare two JSON Schema bundles by what they accept on the wire, definition by definition.

Cosmetic differences do not count: descriptions, titles and defaults, key order, `anyOf` versus
`oneOf`, `type: [T, "null"]` versus a union with null, integer widths and formats, and where a
`$ref` points (compared by the definition's name).
"""

from __future__ import annotations

import json
from typing import Any

ANNOTATIONS = frozenset({"description", "title", "default"})
SHAPE_KEYS = ("type", "properties", "anyOf", "oneOf", "enum", "$ref", "allOf")


def definitions(bundle: dict[str, Any]) -> dict[str, Any]:
    """Every definition by name, with the `v1` / `v2` namespaces as `v2/Name`."""
    out: dict[str, Any] = {}
    for name, node in (bundle.get("definitions") or {}).items():
        if name in ("v1", "v2") and isinstance(node, dict) and not any(k in node for k in SHAPE_KEYS):
            out.update({f"{name}/{inner}": value for inner, value in node.items()})
        else:
            out[name] = node
    return out


def _ref_name(ref: str) -> str:
    parts = ref.split("/")  # "#/definitions/v2/Foo" -> "v2/Foo"
    if len(parts) >= 4 and parts[-2] not in ("definitions", "$defs"):
        return f"{parts[-2]}/{parts[-1]}"
    return parts[-1]


def _union(items: list[Any]) -> Any:
    unique = {repr(item): item for item in items}
    if len(unique) == 1:
        return items[0]
    return ("union", tuple(unique[key] for key in sorted(unique)))


def canonical(node: Any) -> Any:
    """A hashable, order-free form of a schema node; equal forms accept the same JSON."""
    if not isinstance(node, dict):
        return node
    keys = set(node) - ANNOTATIONS
    if "$ref" in node and keys == {"$ref"}:
        return ("ref", _ref_name(node["$ref"]))
    if keys == {"allOf"} and len(node["allOf"]) == 1:
        return canonical(node["allOf"][0])
    for key in ("anyOf", "oneOf"):
        if key in node:
            flat: list[Any] = []
            for variant in map(canonical, node[key]):
                if isinstance(variant, tuple) and variant[:1] == ("union",):
                    flat.extend(variant[1])
                else:
                    flat.append(variant)
            rest = {k: v for k, v in node.items() if k not in ("anyOf", "oneOf", *ANNOTATIONS)}
            if rest:
                base = canonical(rest)
                flat = [("and", base, variant) for variant in flat]
            return _union(flat)
    kind = node.get("type")
    if isinstance(kind, list):
        others = {k: v for k, v in node.items() if k != "type"}
        return _union([canonical({**others, "type": one}) for one in kind])
    if "enum" in node:
        return _union([("const", json.dumps(v, sort_keys=True)) for v in node["enum"]])
    if "const" in node:
        return ("const", json.dumps(node["const"], sort_keys=True))
    if kind == "object" or "properties" in node:
        required = set(node.get("required", []))
        fields = tuple(
            sorted((k, k in required, canonical(v)) for k, v in node.get("properties", {}).items())
        )
        extra = node.get("additionalProperties")
        return ("object", fields, None if extra is None else canonical(extra))
    if kind == "array":
        return ("array", canonical(node.get("items", True)))
    if kind in ("integer", "number"):
        return ("number",)
    if kind in ("string", "boolean", "null"):
        return (kind,)
    return ("any",)


def methods(defs: dict[str, Any], union: str) -> set[str]:
    """The method names a request/notification union lists."""
    found: set[str] = set()
    node = defs.get(union)
    if not isinstance(node, dict):
        return found
    for variant in node.get("oneOf", []) + node.get("anyOf", []):
        method = variant.get("properties", {}).get("method", {}) if isinstance(variant, dict) else {}
        found.update(method.get("enum", []))
        if "const" in method:
            found.add(method["const"])
    return found


def differences(reference: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """One line per reference definition that is missing from ours or accepts other JSON."""
    theirs, mine = definitions(reference), definitions(ours)
    problems = []
    for name, node in theirs.items():
        if name not in mine:
            problems.append(f"missing {name}")
        elif canonical(node) != canonical(mine[name]):
            problems.append(f"differs {name}")
    return problems
