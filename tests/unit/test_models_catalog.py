from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_core.models_catalog import InvalidCursorError, all_presets, find_preset, list_models, paginate

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures/conformance_scenarios/model_list/golden.json"


def test_matches_reference_golden() -> None:
    transcript = json.loads(GOLDEN.read_text())["transcript"]
    assert list_models() == transcript[1]["result"]["data"]
    page, cursor = paginate(list_models(), None, 1)
    assert page == transcript[2]["result"]["data"] and cursor == transcript[2]["result"]["nextCursor"]
    page, cursor = paginate(list_models(), cursor, 1)
    assert page == transcript[3]["result"]["data"] and cursor == transcript[3]["result"]["nextCursor"]


def test_default_and_order() -> None:
    models = list_models()
    assert [m["id"] for m in models] == [
        "gpt-5.2-codex",
        "gpt-5.1-codex-max",
        "gpt-5.2",
        "gpt-5.1-codex-mini",
    ]
    assert [m["isDefault"] for m in models] == [True, False, False, False]


def test_hidden_presets() -> None:
    hidden = list_models(include_hidden=True)
    assert hidden[0]["id"] == "gpt-5.3-codex" and hidden[0]["isDefault"]
    assert len(all_presets()) == 10
    preset = find_preset("gpt-5")
    assert preset is not None and preset["supportedReasoningEfforts"][0]["reasoningEffort"] == "minimal"
    assert find_preset("nope") is None


def test_pagination_edges() -> None:
    items = list_models()
    assert paginate(items, "4", None) == ([], None)
    assert paginate(items, None, 0)[0] == items[:1]
    assert paginate(items, "+1", 2) == (items[1:3], "3")
    assert paginate([], "garbage", 5) == ([], None)
    with pytest.raises(InvalidCursorError, match=r"^invalid cursor: x$"):
        paginate(items, "x", None)
    with pytest.raises(InvalidCursorError, match=r"^cursor 999 exceeds total models 4$"):
        paginate(items, "999", None)
    with pytest.raises(InvalidCursorError, match="exceeds total feature flags"):
        paginate(items, "9", None, noun="feature flags")
