"""Loggers that import `logging` on first use.

For the few modules a fresh app-server runs before anything else loads (the listing index and
the start-up configuration check, see app_server/fast_start.py): importing `logging` costs about
7 ms there, more than the listing itself, and those modules rarely log at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import logging

# Called once, before the first record of any lazy logger: lets a server that has not set up its
# logging yet do so first, so that an early record reads like every later one.
_before_first_use: Callable[[], None] | None = None


def before_first_use(hook: Callable[[], None] | None) -> None:
    global _before_first_use
    _before_first_use = hook


class _LazyLogger:
    __slots__ = ("_logger", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: logging.Logger | None = None

    def __getattr__(self, attribute: str) -> Any:
        logger = self._logger
        if logger is None:
            hook = _before_first_use
            if hook is not None:
                before_first_use(None)
                hook()
            import logging

            logger = self._logger = logging.getLogger(self._name)
        return getattr(logger, attribute)


def get_logger(name: str) -> logging.Logger:
    """`logging.getLogger(name)`, resolved when first used."""
    return cast("logging.Logger", _LazyLogger(name))
