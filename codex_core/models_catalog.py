"""Built-in model catalog served by ``model/list``.

The preset values mirror the catalog bundled with Codex CLI 0.100.0 because clients
(and the conformance goldens) compare ids, descriptions and reasoning-effort copy
verbatim.  Only plain dicts in wire (camelCase) shape are produced here; the protocol
layer wraps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_PAGE_LIMIT",
    "InvalidCursorError",
    "all_presets",
    "find_preset",
    "list_models",
    "paginate",
]

# ``model/list`` without a limit returns everything in one page.
DEFAULT_PAGE_LIMIT: int | None = None


@dataclass(frozen=True, slots=True)
class _Preset:
    slug: str
    display_name: str
    description: str
    default_effort: str
    efforts: tuple[tuple[str, str], ...]
    listed: bool
    supported_in_api: bool
    priority: int
    upgrade: str | None
    input_modalities: tuple[str, ...]
    supports_personality: bool


_PRESETS: tuple[_Preset, ...] = (
    _Preset(
        slug="gpt-5.3-codex",
        display_name="gpt-5.3-codex",
        description="Latest frontier agentic coding model.",
        default_effort="medium",
        efforts=(
            ("low", "Fast responses with lighter reasoning"),
            ("medium", "Balances speed and reasoning depth for everyday tasks"),
            ("high", "Greater reasoning depth for complex problems"),
            ("xhigh", "Extra high reasoning depth for complex problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=0,
        upgrade=None,
        input_modalities=("text", "image"),
        supports_personality=True,
    ),
    _Preset(
        slug="gpt-5.2-codex",
        display_name="gpt-5.2-codex",
        description="Frontier agentic coding model.",
        default_effort="medium",
        efforts=(
            ("low", "Fast responses with lighter reasoning"),
            ("medium", "Balances speed and reasoning depth for everyday tasks"),
            ("high", "Greater reasoning depth for complex problems"),
            ("xhigh", "Extra high reasoning depth for complex problems"),
        ),
        listed=True,
        supported_in_api=True,
        priority=1,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=True,
    ),
    _Preset(
        slug="gpt-5.1-codex-max",
        display_name="gpt-5.1-codex-max",
        description="Codex-optimized flagship for deep and fast reasoning.",
        default_effort="medium",
        efforts=(
            ("low", "Fast responses with lighter reasoning"),
            ("medium", "Balances speed and reasoning depth for everyday tasks"),
            ("high", "Greater reasoning depth for complex problems"),
            ("xhigh", "Extra high reasoning depth for complex problems"),
        ),
        listed=True,
        supported_in_api=True,
        priority=2,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5.1-codex",
        display_name="gpt-5.1-codex",
        description="Optimized for codex.",
        default_effort="medium",
        efforts=(
            ("low", "Fastest responses with limited reasoning"),
            ("medium", "Dynamically adjusts reasoning based on the task"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=3,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5.2",
        display_name="gpt-5.2",
        description="Latest frontier model with improvements across knowledge, reasoning and coding",
        default_effort="medium",
        efforts=(
            (
                "low",
                "Balances speed with some reasoning; useful for straightforward queries and short explanations",
            ),
            ("medium", "Provides a solid balance of reasoning depth and latency for general-purpose tasks"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
            ("xhigh", "Extra high reasoning for complex problems"),
        ),
        listed=True,
        supported_in_api=True,
        priority=4,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5.1",
        display_name="gpt-5.1",
        description="Broad world knowledge with strong general reasoning.",
        default_effort="medium",
        efforts=(
            (
                "low",
                "Balances speed with some reasoning; useful for straightforward queries and short explanations",
            ),
            ("medium", "Provides a solid balance of reasoning depth and latency for general-purpose tasks"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=5,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5-codex",
        display_name="gpt-5-codex",
        description="Optimized for codex.",
        default_effort="medium",
        efforts=(
            ("low", "Fastest responses with limited reasoning"),
            ("medium", "Dynamically adjusts reasoning based on the task"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=8,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5",
        display_name="gpt-5",
        description="Broad world knowledge with strong general reasoning.",
        default_effort="medium",
        efforts=(
            ("minimal", "Fastest responses with little reasoning"),
            (
                "low",
                "Balances speed with some reasoning; useful for straightforward queries and short explanations",
            ),
            ("medium", "Provides a solid balance of reasoning depth and latency for general-purpose tasks"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=9,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5.1-codex-mini",
        display_name="gpt-5.1-codex-mini",
        description="Optimized for codex. Cheaper, faster, but less capable.",
        default_effort="medium",
        efforts=(
            ("medium", "Dynamically adjusts reasoning based on the task"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=True,
        supported_in_api=True,
        priority=10,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
    _Preset(
        slug="gpt-5-codex-mini",
        display_name="gpt-5-codex-mini",
        description="Optimized for codex. Cheaper, faster, but less capable.",
        default_effort="medium",
        efforts=(
            ("medium", "Dynamically adjusts reasoning based on the task"),
            ("high", "Maximizes reasoning depth for complex or ambiguous problems"),
        ),
        listed=False,
        supported_in_api=True,
        priority=11,
        upgrade="gpt-5.3-codex",
        input_modalities=("text", "image"),
        supports_personality=False,
    ),
)


class InvalidCursorError(ValueError):
    """Raised for a malformed or out-of-range pagination cursor.

    ``str(err)`` is the exact JSON-RPC error message the reference sends (code -32600).
    """


def _to_wire(preset: _Preset, *, is_default: bool) -> dict[str, Any]:
    return {
        "id": preset.slug,
        "model": preset.slug,
        "upgrade": preset.upgrade,
        "displayName": preset.display_name,
        "description": preset.description,
        "supportedReasoningEfforts": [
            {"reasoningEffort": effort, "description": text} for effort, text in preset.efforts
        ],
        "defaultReasoningEffort": preset.default_effort,
        "inputModalities": list(preset.input_modalities),
        "supportsPersonality": preset.supports_personality,
        "isDefault": is_default,
    }


def all_presets(*, include_hidden: bool = True) -> list[dict[str, Any]]:
    """Every built-in preset in priority order (wire shape, ``isDefault`` all false)."""
    ordered = sorted(_PRESETS, key=lambda p: p.priority)
    return [_to_wire(p, is_default=False) for p in ordered if include_hidden or p.listed]


def find_preset(slug: str) -> dict[str, Any] | None:
    """Wire-shaped preset for ``slug`` (hidden ones included), or None."""
    for preset in _PRESETS:
        if preset.slug == slug:
            return _to_wire(preset, is_default=False)
    return None


def list_models(*, chatgpt_auth: bool = False, include_hidden: bool = False) -> list[dict[str, Any]]:
    """The presets ``model/list`` advertises, in the reference order.

    Hidden presets are dropped unless ``include_hidden``; presets not served by the
    public API are dropped unless the user is signed in with ChatGPT.  The first
    remaining entry is the default, as no built-in preset is flagged explicitly.
    """
    ordered = sorted(_PRESETS, key=lambda p: p.priority)
    visible = [p for p in ordered if (include_hidden or p.listed) and (chatgpt_auth or p.supported_in_api)]
    return [_to_wire(p, is_default=index == 0) for index, p in enumerate(visible)]


def paginate(
    items: list[dict[str, Any]],
    cursor: str | None,
    limit: int | None,
    *,
    noun: str = "models",
) -> tuple[list[dict[str, Any]], str | None]:
    """Offset pagination shared by ``model/list`` and ``experimentalFeature/list``.

    The cursor is the decimal offset of the next item.  A missing limit means "all";
    a limit of 0 is treated as 1.  Raises :class:`InvalidCursorError` with the
    reference's messages (``invalid cursor: X`` / ``cursor N exceeds total <noun> T``).
    """
    total = len(items)
    if total == 0:
        return [], None
    start = 0
    if cursor is not None:
        # Rust parses into usize: plain ASCII digits, optional leading '+'.
        text = cursor[1:] if cursor.startswith("+") else cursor
        if not text or not text.isascii() or not text.isdigit():
            raise InvalidCursorError(f"invalid cursor: {cursor}")
        start = int(text)
    if start > total:
        raise InvalidCursorError(f"cursor {start} exceeds total {noun} {total}")
    page_size = min(max(limit if limit is not None else total, 1), total)
    end = min(start + page_size, total)
    next_cursor = str(end) if end < total else None
    return items[start:end], next_cursor
