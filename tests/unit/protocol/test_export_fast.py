"""The export's shortcuts change nothing: the per-type files built from the shared memo are the
ones built from scratch, and the C encoder writes what `json.dumps(indent=2)` writes."""

from __future__ import annotations

import json

import pytest

from app_server.protocol.export import json_schema as J
from app_server.protocol.export.files import json_bytes


@pytest.mark.parametrize("experimental", [False, True], ids=["stable", "experimental"])
def test_shared_memo_builds_the_same_files(experimental: bool) -> None:
    files = J.render_files(experimental)
    for folder, name, tp in J._files(experimental):
        alone = J._single_file(tp, name, experimental)
        assert files[f"{folder}/{name}.json" if folder else f"{name}.json"] == json_bytes(alone), name
    for direction, name in J.UNION_NAMES.items():
        alone = J._single_file(None, name, experimental, union=direction)
        assert files[f"{name}.json"] == json_bytes(alone), name


@pytest.mark.parametrize("experimental", [False, True], ids=["stable", "experimental"])
def test_json_bytes_are_the_stdlib_text(experimental: bool) -> None:
    bundle = J.build_json_bundle(experimental)
    assert json_bytes(bundle) == (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode()


def test_json_bytes_match_on_awkward_values() -> None:
    value = {"é": ["\u2028", "\x01", "\t", 0.0, 1.5, -3, True, None, {}, []], "z": {"a": {}}}
    assert json_bytes(value) == (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode()
