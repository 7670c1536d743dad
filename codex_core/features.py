"""Feature-flag registry (``[features]`` in config.toml) and ``experimentalFeature/list``.

Names, stages, defaults and the beta menu copy match Codex CLI 0.100.0: they are part
of the wire output and of users' config files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "LEGACY_ALIASES",
    "FeatureSpec",
    "Stage",
    "all_features",
    "canonical_feature_name",
    "experimental_feature_list",
    "feature_spec",
    "is_enabled",
    "resolve_features",
]

Stage = Literal["stable", "beta", "underDevelopment", "deprecated", "removed"]


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    name: str
    stage: Stage
    default_enabled: bool
    # Only beta features carry menu copy; the others report null for all three.
    display_name: str | None = None
    description: str | None = None
    announcement: str | None = None


_FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("undo", "stable", False),
    FeatureSpec("shell_tool", "stable", True),
    FeatureSpec("unified_exec", "stable", True),
    FeatureSpec("shell_snapshot", "stable", True),
    FeatureSpec("js_repl", "underDevelopment", False),
    FeatureSpec("web_search_request", "deprecated", False),
    FeatureSpec("web_search_cached", "deprecated", False),
    FeatureSpec("search_tool", "removed", False),
    FeatureSpec("runtime_metrics", "underDevelopment", False),
    FeatureSpec("sqlite", "underDevelopment", False),
    FeatureSpec("memory_tool", "underDevelopment", False),
    FeatureSpec("child_agents_md", "underDevelopment", False),
    FeatureSpec("apply_patch_freeform", "underDevelopment", False),
    FeatureSpec(
        "use_linux_sandbox_bwrap",
        "beta",
        False,
        display_name="Bubblewrap sandbox",
        description="Try the new linux sandbox based on bubblewrap.",
        announcement="NEW: Linux bubblewrap sandbox offers stronger filesystem and network controls than Landlock alone, including keeping .git and .codex read-only inside writable workspaces. Enable it in /experimental and restart Codex to try it.",
    ),
    FeatureSpec("request_rule", "stable", True),
    FeatureSpec("experimental_windows_sandbox", "removed", False),
    FeatureSpec("elevated_windows_sandbox", "removed", False),
    FeatureSpec("remote_models", "stable", True),
    FeatureSpec("powershell_utf8", "underDevelopment", False),
    FeatureSpec("enable_request_compression", "stable", True),
    FeatureSpec(
        "collab",
        "beta",
        False,
        display_name="Sub-agents",
        description="Ask Codex to spawn multiple agents to parallelize the work and win in efficiency.",
        announcement="NEW: Sub-agents can now be spawned by Codex. Enable in /experimental and restart Codex!",
    ),
    FeatureSpec(
        "apps",
        "beta",
        False,
        display_name="Apps",
        description='Use a connected ChatGPT App using "$". Install Apps via /apps command. Restart Codex after enabling.',
        announcement="NEW: Use ChatGPT Apps (Connectors) in Codex via $ mentions. Enable in /experimental and restart Codex!",
    ),
    FeatureSpec("skill_mcp_dependency_install", "stable", True),
    FeatureSpec("skill_env_var_dependency_prompt", "underDevelopment", False),
    FeatureSpec("steer", "stable", True),
    FeatureSpec("collaboration_modes", "stable", True),
    FeatureSpec("personality", "stable", True),
    FeatureSpec("responses_websockets", "underDevelopment", False),
    FeatureSpec("responses_websockets_v2", "underDevelopment", False),
)

_BY_NAME: dict[str, FeatureSpec] = {spec.name: spec for spec in _FEATURES}

# Old spellings still accepted in ``[features]``; they toggle the canonical flag.
LEGACY_ALIASES: Mapping[str, str] = {
    "connectors": "apps",
    "enable_experimental_windows_sandbox": "experimental_windows_sandbox",
    "experimental_use_unified_exec_tool": "unified_exec",
    "experimental_use_freeform_apply_patch": "apply_patch_freeform",
    "include_apply_patch_tool": "apply_patch_freeform",
    "web_search": "web_search_request",
}

# Top-level config keys that predate ``[features]`` and are applied before it.
_TOP_LEVEL_LEGACY: Mapping[str, str] = {
    "experimental_use_unified_exec_tool": "unified_exec",
    "experimental_use_freeform_apply_patch": "apply_patch_freeform",
}

# A profile may additionally carry ``include_apply_patch_tool``.
_PROFILE_LEGACY: Mapping[str, str] = {
    "include_apply_patch_tool": "apply_patch_freeform",
    **_TOP_LEVEL_LEGACY,
}


def all_features() -> tuple[FeatureSpec, ...]:
    """Every known feature, in the reference's listing order."""
    return _FEATURES


def feature_spec(name: str) -> FeatureSpec | None:
    """Spec for a canonical name or a legacy alias."""
    canonical = canonical_feature_name(name)
    return _BY_NAME.get(canonical) if canonical is not None else None


def canonical_feature_name(key: str) -> str | None:
    """Canonical feature name for ``key`` (itself or via alias); None if unknown."""
    if key in _BY_NAME:
        return key
    return LEGACY_ALIASES.get(key)


def _apply_legacy(enabled: set[str], layer: Mapping[str, Any], keys: Mapping[str, str]) -> None:
    for key, name in keys.items():
        value = layer.get(key)
        if isinstance(value, bool):
            if value:
                enabled.add(name)
            else:
                enabled.discard(name)


def _apply_table(enabled: set[str], table: Mapping[str, Any]) -> None:
    # Keys are applied in sorted order (the reference stores them in a sorted map),
    # so when an alias and its canonical name disagree the later key wins.
    for key in sorted(table):
        value = table[key]
        if not isinstance(value, bool):
            continue
        name = canonical_feature_name(key)
        if name is None:
            continue  # unknown keys are accepted and ignored
        if value:
            enabled.add(name)
        else:
            enabled.discard(name)


def resolve_features(
    features_table: Mapping[str, Any] | None = None,
    *,
    legacy_toplevel: Mapping[str, Any] | None = None,
    profile_features: Mapping[str, Any] | None = None,
    profile_legacy: Mapping[str, Any] | None = None,
) -> frozenset[str]:
    """Set of enabled canonical feature names.

    Precedence, lowest first: defaults, legacy top-level booleans
    (``experimental_use_unified_exec_tool`` ...), ``[features]``, the active profile's
    legacy booleans (also ``include_apply_patch_tool``), the profile's ``features``.
    """
    enabled = {spec.name for spec in _FEATURES if spec.default_enabled}
    if legacy_toplevel:
        _apply_legacy(enabled, legacy_toplevel, _TOP_LEVEL_LEGACY)
    if features_table:
        _apply_table(enabled, features_table)
    if profile_legacy:
        _apply_legacy(enabled, profile_legacy, _PROFILE_LEGACY)
    if profile_features:
        _apply_table(enabled, profile_features)
    return frozenset(enabled)


def is_enabled(name: str, features_table: Mapping[str, Any] | None = None) -> bool:
    """Whether feature ``name`` (canonical or alias) is on given a ``[features]`` table."""
    canonical = canonical_feature_name(name)
    if canonical is None:
        return False
    return canonical in resolve_features(features_table)


def experimental_feature_list(
    features_table: Mapping[str, Any] | None = None,
    *,
    enabled: frozenset[str] | None = None,
) -> list[dict[str, Any]]:
    """``experimentalFeature/list`` entries (unpaginated), wire shape.

    Pass either the raw ``[features]`` table or an already resolved ``enabled`` set
    (from :func:`resolve_features`, when profiles/legacy keys matter).  Paginate with
    ``models_catalog.paginate(items, cursor, limit, noun="feature flags")``.
    """
    active = enabled if enabled is not None else resolve_features(features_table)
    return [
        {
            "name": spec.name,
            "stage": spec.stage,
            "displayName": spec.display_name,
            "description": spec.description,
            "announcement": spec.announcement,
            "enabled": spec.name in active,
            "defaultEnabled": spec.default_enabled,
        }
        for spec in _FEATURES
    ]
