"""The exports match the reference: JSON bundle via schema_diff.py, TS file set and shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app_server.protocol.export import build_json_bundle
from app_server.protocol.export.typescript import render_all

from . import schema_compare


def test_json_bundle_matches_reference(reference_schema: Path, json_out: Path) -> None:
    name = "codex_app_server_protocol.schemas.json"
    reference = json.loads((reference_schema / "json" / name).read_text())
    ours = json.loads((json_out / name).read_text())
    assert schema_compare.differences(reference, ours) == []
    theirs_defs, our_defs = schema_compare.definitions(reference), schema_compare.definitions(ours)
    for union, count in (("ClientRequest", 60), ("ServerRequest", 7), ("ServerNotification", 32)):
        wanted = schema_compare.methods(theirs_defs, union)
        assert len(wanted) == count and wanted <= schema_compare.methods(our_defs, union), union


def test_json_per_type_files(reference_schema: Path, json_out: Path) -> None:
    ref = reference_schema / "json"
    ours = {p.relative_to(json_out) for p in json_out.rglob("*.json")}
    theirs = {p.relative_to(ref) for p in ref.rglob("*.json")}
    assert ours == theirs


def test_typescript_file_set(reference_schema: Path, ts_out: Path) -> None:
    ref = reference_schema / "typescript"
    ours = {p.relative_to(ts_out) for p in ts_out.rglob("*.ts")}
    theirs = {p.relative_to(ref) for p in ref.rglob("*.ts")}
    assert ours == theirs


def _type_text(path: Path) -> str:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    body = text.split("export type", 1)[1]
    # whitespace, trailing commas and key quoting are cosmetic
    body = re.sub(r"\s+", "", body)
    body = body.replace(",}", "}")
    return re.sub(r'"(\w+)":', r"\1:", body)


def test_typescript_shapes_match_reference(reference_schema: Path, ts_out: Path) -> None:
    ref = reference_schema / "typescript"
    differing = [
        str(p.relative_to(ref))
        for p in ref.rglob("*.ts")
        if p.name != "index.ts" and _type_text(p) != _type_text(ts_out / p.relative_to(ref))
    ]
    assert differing == []


def test_experimental_export_adds_methods() -> None:
    plain = build_json_bundle()
    exp = build_json_bundle(experimental=True)
    methods = {v["properties"]["method"]["enum"][0] for v in exp["definitions"]["ClientRequest"]["oneOf"]}
    assert {
        "mock/experimentalMethod",
        "collaborationMode/list",
        "thread/backgroundTerminals/clean",
    } <= methods
    assert "dynamicTools" in exp["definitions"]["v2"]["ThreadStartParams"]["properties"]
    assert "dynamicTools" not in plain["definitions"]["v2"]["ThreadStartParams"]["properties"]
    ts = render_all(experimental=True)
    assert "mockExperimentalField?: string | null" in ts["v2/ThreadStartParams.ts"]
    assert "mock/experimentalMethod" not in render_all()["ClientRequest.ts"]
    json.dumps(exp)  # serializable
