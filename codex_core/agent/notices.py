"""Deprecation notices a new session announces once, right after it is configured.

Mirrors the reference's `post_session_configured_events`: one `deprecation_notice` per
legacy feature key in use (sorted by alias, as its `BTreeSet` of usages), then one for
`experimental_instructions_file`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from codex_core.features import LEGACY_ALIASES

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from codex_core.events import DeprecationNoticeEvent

__all__ = ["deprecation_notices", "legacy_usage_notice"]

# Top-level (or profile-level) booleans that predate `[features]`.
_LEGACY_TOGGLES: Mapping[str, str] = {
    "include_apply_patch_tool": "apply_patch_freeform",
    "experimental_use_freeform_apply_patch": "apply_patch_freeform",
    "experimental_use_unified_exec_tool": "unified_exec",
}
_WEB_SEARCH = frozenset({"web_search_request", "web_search_cached"})
_WEB_SEARCH_DETAILS = (
    'Set `web_search` to `"live"`, `"cached"`, or `"disabled"` at the top level '
    "(or under a profile) in config.toml."
)
_INSTRUCTIONS_FILE_SUMMARY = (
    "`experimental_instructions_file` is deprecated and ignored. Use `model_instructions_file` instead."
)
_INSTRUCTIONS_FILE_DETAILS = (
    "Move the setting to `model_instructions_file` in config.toml (or under a profile) "
    "to load instructions from a file."
)


def legacy_usage_notice(alias: str, canonical: str) -> tuple[str, str | None]:
    """(summary, details) for a legacy key `alias` standing for feature `canonical`."""
    label = alias if ("." in alias or alias.startswith("[")) else f"[features].{alias}"
    if canonical in _WEB_SEARCH:
        if alias.startswith("features."):
            label = f"[features].{alias.removeprefix('features.')}"
        return f"`{label}` is deprecated. Use `web_search` instead.", _WEB_SEARCH_DETAILS
    summary = f"`{label}` is deprecated. Use `[features].{canonical}` instead."
    details = None
    if alias != canonical:
        details = (
            f"Enable it with `--enable {canonical}` or `[features].{canonical}` in config.toml. "
            "See https://developers.openai.com/codex/config-basic#feature-flags for details."
        )
    return summary, details


def _usages(effective: Mapping[str, Any]) -> set[tuple[str, str]]:
    usages: set[tuple[str, str]] = set()
    for key, canonical in _LEGACY_TOGGLES.items():
        if isinstance(effective.get(key), bool):
            usages.add((key, canonical))
    features = effective.get("features")
    if isinstance(features, Mapping):
        for key, value in features.items():
            if not isinstance(value, bool):
                continue
            if key in _WEB_SEARCH:
                usages.add((f"features.{key}", key))  # recorded even under its own name
            elif key in LEGACY_ALIASES:
                usages.add((key, LEGACY_ALIASES[key]))
    return usages


def _uses_instructions_file(tables: Iterable[Mapping[str, Any]]) -> bool:
    for table in tables:
        if "experimental_instructions_file" in table:
            return True
        profiles = table.get("profiles")
        if isinstance(profiles, Mapping) and any(
            isinstance(p, Mapping) and "experimental_instructions_file" in p for p in profiles.values()
        ):
            return True
    return False


def deprecation_notices(loaded: LoadedConfig) -> list[DeprecationNoticeEvent]:
    """The `deprecation_notice` core events a session started from `loaded` emits."""
    notices: list[DeprecationNoticeEvent] = []
    for alias, canonical in sorted(_usages(loaded.effective)):
        summary, details = legacy_usage_notice(alias, canonical)
        notices.append({"type": "deprecation_notice", "summary": summary, "details": details})
    layers = [layer.config for layer in loaded.layers if layer.disabled_reason is None]
    if _uses_instructions_file([*layers, loaded.effective]):
        notices.append(
            {
                "type": "deprecation_notice",
                "summary": _INSTRUCTIONS_FILE_SUMMARY,
                "details": _INSTRUCTIONS_FILE_DETAILS,
            }
        )
    return notices


def emit_after_start(session: Any, loaded: LoadedConfig) -> None:
    """Emit the notices once, behind the thread/start answer and `thread/started`.

    The reference queues them on the session's event channel, which the thread's listener
    drains after the answer went out; `call_soon` gives the same order here.
    """
    notices = deprecation_notices(loaded)
    if not notices:
        return

    def emit() -> None:
        for msg in notices:
            session.emit("", msg)

    asyncio.get_running_loop().call_soon(emit)
