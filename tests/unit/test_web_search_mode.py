from __future__ import annotations

from types import SimpleNamespace

from codex_core.tools.web_search import web_search_mode


def typed(**fields: object) -> SimpleNamespace:
    return SimpleNamespace(**{"web_search": None, "features": None, "tools": None, **fields})


def test_cached_by_default_and_explicit_modes_win() -> None:
    assert web_search_mode(typed()) == "cached"
    assert web_search_mode(typed(web_search="live")) == "live"
    assert web_search_mode(typed(web_search="disabled", features={"web_search_request": True})) == "disabled"


def test_legacy_switches_pick_a_mode_when_unset() -> None:
    assert web_search_mode(typed(features={"web_search_request": True})) == "live"
    assert web_search_mode(typed(tools=SimpleNamespace(web_search=True))) == "live"
    assert web_search_mode(typed(tools=SimpleNamespace(web_search=False))) == "disabled"
