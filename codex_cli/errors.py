"""One line on stderr and a non-zero exit for every error; never a traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2  # bad config and bad arguments, like clap's usage errors
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_FAILURE) -> typer.Exit:
    print(f"Error: {message}", file=sys.stderr)
    return typer.Exit(code)


def describe(exc: BaseException) -> str:
    """The one line a person reads: the OS's words and the path for an OSError, else the message."""
    if isinstance(exc, OSError) and exc.strerror:
        paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
        return f"{exc.strerror}: {' -> '.join(paths)}" if paths else exc.strerror
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _quiet_broken_pipe() -> None:
    """The reader went away (`codex mcp list | head -1`): say nothing, and keep the interpreter's
    final flush of stdout from raising again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def report(exc: BaseException) -> int:
    """Print `exc` as one line and return the exit status for it."""
    from codex_core.config.errors import ConfigError

    if isinstance(exc, KeyboardInterrupt):
        return EXIT_INTERRUPTED
    if isinstance(exc, BrokenPipeError):
        _quiet_broken_pipe()
        return EXIT_FAILURE
    if isinstance(exc, ConfigError):
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Error: {describe(exc)}", file=sys.stderr)
    return EXIT_FAILURE


def guarded(fn: F) -> F:
    """Every exception a command lets out becomes one line on stderr and a non-zero exit.

    Typer's own (usage errors, `typer.Exit`, Abort) pass through: it prints and exits for them.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from typer.exceptions import TyperException

        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, TyperException):  # Typer's Click: usage errors among them
            raise
        except (Exception, KeyboardInterrupt) as exc:
            raise typer.Exit(report(exc)) from None

    return wrapper  # type: ignore[return-value]
