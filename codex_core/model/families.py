"""Per-model behaviour: context window, reasoning, tool-call and truncation settings.

The table follows the reference's model metadata (its bundled model catalog, matched by slug
prefix, first match wins).  Unknown slugs get conservative settings: no reasoning parameters,
no parallel tool calls, no apply_patch tool and byte-based output truncation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

__all__ = [
    "DEFAULT_CONTEXT_WINDOW",
    "EFFECTIVE_CONTEXT_WINDOW_PERCENT",
    "ModelFamily",
    "model_family",
]

# The reference's models advertise 272k; only 95% of it is reported/usable (258400).
DEFAULT_CONTEXT_WINDOW = 272_000
EFFECTIVE_CONTEXT_WINDOW_PERCENT = 95

TruncationMode = Literal["tokens", "bytes"]
ApplyPatchTool = Literal["freeform", "function"]


@dataclass(frozen=True, slots=True)
class ModelFamily:
    slug: str
    known: bool = False
    # Raw window from model metadata; `context_window` is the effective (reported) value.
    raw_context_window: int = DEFAULT_CONTEXT_WINDOW
    # None: 90% of the raw window (see `auto_compact_limit`).
    auto_compact_token_limit: int | None = None
    supports_reasoning: bool = False
    default_reasoning_effort: str | None = None
    default_reasoning_summary: str = "auto"
    parallel_tool_calls: bool = False
    apply_patch_tool: ApplyPatchTool | None = None
    truncation_policy: tuple[TruncationMode, int] = ("bytes", 10_000)
    supports_verbosity: bool = False
    default_verbosity: str | None = None
    # Which shell tool flavour the model was trained on (used when unified exec is off).
    shell_type: str = "default"

    @property
    def context_window(self) -> int:
        return self.raw_context_window * EFFECTIVE_CONTEXT_WINDOW_PERCENT // 100

    @property
    def supports_freeform_apply_patch(self) -> bool:
        return self.apply_patch_tool == "freeform"

    @property
    def auto_compact_limit(self) -> int:
        """Token total that triggers auto-compaction; a configured value can only lower it."""
        default = self.raw_context_window * 9 // 10
        if self.auto_compact_token_limit is not None and self.auto_compact_token_limit > 0:
            return min(self.auto_compact_token_limit, default)
        return default

    def with_overrides(
        self,
        *,
        context_window: int | None = None,
        auto_compact_token_limit: int | None = None,
        supports_reasoning_summaries: bool | None = None,
    ) -> ModelFamily:
        """Apply `model_context_window`, `model_auto_compact_token_limit`,
        `model_supports_reasoning_summaries` from config."""
        family = self
        if context_window is not None:
            family = replace(family, raw_context_window=context_window)
        if auto_compact_token_limit is not None:
            family = replace(family, auto_compact_token_limit=auto_compact_token_limit)
        if supports_reasoning_summaries is not None:
            family = replace(family, supports_reasoning=supports_reasoning_summaries)
        return family

    def reasoning_param(self, effort: str | None = None, summary: str | None = None) -> dict[str, Any] | None:
        """The request's ``reasoning`` object, or None when the model takes none.

        ``effort``/``summary`` are the configured values (None: the model's defaults).  An
        effort of ``none`` is passed through: the API accepts it for models that support it.
        """
        if not self.supports_reasoning:
            return None
        result: dict[str, Any] = {}
        chosen_effort = effort if effort is not None else self.default_reasoning_effort
        if chosen_effort is not None:
            result["effort"] = chosen_effort
        chosen_summary = summary if summary is not None else self.default_reasoning_summary
        if chosen_summary is not None:
            result["summary"] = chosen_summary
        return result

    def verbosity_param(self, verbosity: str | None = None) -> str | None:
        if not self.supports_verbosity:
            return None
        return verbosity if verbosity is not None else self.default_verbosity


def _codex(slug: str, *, parallel: bool) -> ModelFamily:
    return ModelFamily(
        slug=slug,
        known=True,
        supports_reasoning=True,
        default_reasoning_effort="medium",
        parallel_tool_calls=parallel,
        apply_patch_tool="freeform",
        truncation_policy=("tokens", 10_000),
        shell_type="shell_command",
    )


def _gpt5_general(slug: str, *, parallel: bool, freeform: bool, shell_type: str) -> ModelFamily:
    return ModelFamily(
        slug=slug,
        known=True,
        supports_reasoning=True,
        default_reasoning_effort="medium",
        parallel_tool_calls=parallel,
        apply_patch_tool="freeform" if freeform else None,
        truncation_policy=("bytes", 10_000),
        supports_verbosity=True,
        default_verbosity="low" if freeform else None,
        shell_type=shell_type,
    )


def model_family(slug: str) -> ModelFamily:
    """Settings for ``slug``; prefixes are checked most-specific first."""
    s = slug
    if s.startswith(("gpt-5.3-codex", "gpt-5.2-codex", "bengalfox")):
        return _codex(slug, parallel=True)
    if s.startswith("gpt-5.1-codex-max"):
        return _codex(slug, parallel=False)
    if s.startswith(("gpt-5-codex", "gpt-5.1-codex", "codex-")) and not s.startswith("codex-mini-latest"):
        return _codex(slug, parallel=False)
    if s.startswith(("gpt-5.2", "gpt-5.1", "boomslang")):
        return _gpt5_general(slug, parallel=True, freeform=True, shell_type="shell_command")
    if s.startswith("gpt-5"):
        return _gpt5_general(slug, parallel=False, freeform=False, shell_type="default")
    if s.startswith(("o3", "o4-mini", "codex-mini-latest")):
        return ModelFamily(
            slug=slug,
            known=True,
            raw_context_window=200_000,
            supports_reasoning=True,
            shell_type="local" if s.startswith("codex-mini-latest") else "default",
        )
    if s.startswith(("gpt-oss", "openai/gpt-oss")):
        return ModelFamily(slug=slug, known=True, raw_context_window=96_000, apply_patch_tool="function")
    if s.startswith("gpt-4.1"):
        return ModelFamily(slug=slug, known=True, raw_context_window=1_047_576)
    if s.startswith("gpt-4o"):
        return ModelFamily(slug=slug, known=True, raw_context_window=128_000)
    if s.startswith("gpt-3.5"):
        return ModelFamily(slug=slug, known=True, raw_context_window=16_385)
    # Unknown model: the reference still reports a 258400-token window (observed).
    return ModelFamily(slug=slug)
