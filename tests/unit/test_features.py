from __future__ import annotations

from codex_core.features import (
    all_features,
    canonical_feature_name,
    experimental_feature_list,
    feature_spec,
    is_enabled,
    resolve_features,
)


def test_listing_shape_and_defaults() -> None:
    items = experimental_feature_list({})
    assert len(items) == 29
    assert items[0] == {
        "name": "undo",
        "stage": "stable",
        "displayName": None,
        "description": None,
        "announcement": None,
        "enabled": False,
        "defaultEnabled": False,
    }
    assert [i["name"] for i in items] == [s.name for s in all_features()]
    assert all(i["enabled"] == i["defaultEnabled"] for i in items)
    beta = {i["name"] for i in items if i["stage"] == "beta"}
    assert beta == {"use_linux_sandbox_bwrap", "collab", "apps"}
    assert all(i["displayName"] for i in items if i["stage"] == "beta")


def test_toggles_and_aliases() -> None:
    enabled = resolve_features({"connectors": True, "web_search": True, "unified_exec": False, "bogus": True})
    assert {"apps", "web_search_request"} <= enabled
    assert "unified_exec" not in enabled and "bogus" not in enabled
    assert canonical_feature_name("include_apply_patch_tool") == "apply_patch_freeform"
    assert canonical_feature_name("nope") is None
    spec = feature_spec("connectors")
    assert spec is not None and spec.name == "apps"
    assert is_enabled("shell_tool", None)
    assert not is_enabled("shell_tool", {"shell_tool": False})
    assert not is_enabled("unknown", {"unknown": True})


def test_legacy_layers_precedence() -> None:
    assert "unified_exec" not in resolve_features(
        {}, legacy_toplevel={"experimental_use_unified_exec_tool": False}
    )
    # [features] beats the legacy top-level key.
    assert "unified_exec" in resolve_features(
        {"unified_exec": True}, legacy_toplevel={"experimental_use_unified_exec_tool": False}
    )
    # include_apply_patch_tool only counts at top level through [features] or a profile.
    assert "apply_patch_freeform" not in resolve_features(
        {}, legacy_toplevel={"include_apply_patch_tool": True}
    )
    assert "apply_patch_freeform" in resolve_features({}, profile_legacy={"include_apply_patch_tool": True})
    assert "collab" in resolve_features({"collab": False}, profile_features={"collab": True})


def test_enabled_flag_in_listing() -> None:
    items = {i["name"]: i for i in experimental_feature_list({"collab": True, "steer": False})}
    assert items["collab"]["enabled"] and not items["collab"]["defaultEnabled"]
    assert not items["steer"]["enabled"] and items["steer"]["defaultEnabled"]
