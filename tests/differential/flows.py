"""The turn flows around the approval matrix (interrupts, web search, review, compaction, ...)."""

from __future__ import annotations

from typing import Any


def flows() -> dict[str, dict[str, Any]]:
    return {}
