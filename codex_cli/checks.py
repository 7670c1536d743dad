"""Checks of the global options that both the Typer tree and the app-server fast path run.

No Typer here (the fast path avoids importing it); each check returns the one-line message
to print, or None. They import what they need only when there is something to check, so a
command line without `-c`, `--enable` or `--disable` pays nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # as typing's: importing typing would cost every fast-path command ~4 ms
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from codex_core.config.errors import ConfigValidationError


def unknown_feature(names: Iterable[str]) -> str | None:
    """`Unknown feature flag: NAME` for the first name that is neither a feature nor a legacy alias."""
    wanted = list(names)
    if not wanted:
        return None
    from codex_core.features import canonical_feature_name

    for name in wanted:
        if canonical_feature_name(name) is None:
            return f"Unknown feature flag: {name}"
    return None


def override_problem(specs: Sequence[str]) -> str | None:
    """Why the `-c` values make the config invalid; None when they do not.

    Judged on the whole config (a `-c` may complete a table config.toml starts), and blamed on
    the command line only when the files alone load: a broken config.toml is left to the
    command's own handling (the app server's configWarning). A spec that is not `key=value` is
    also left to it: that one already has its message.
    """
    if not specs:
        return None
    from codex_core.config.errors import ConfigError, ConfigValidationError
    from codex_core.config.loader import load_config

    try:
        load_config(cli_overrides=specs)
    except ConfigValidationError as exc:
        culprit = _culprit(exc.key, specs) if exc.key else None
        if culprit is None:
            return None
        try:
            load_config()
        except ConfigError:
            return None
        return _describe(exc, culprit)
    except ConfigError:
        return None
    return None


_ORIGIN_PREFIX = "in sessionFlags overrides: "


def _describe(exc: ConfigValidationError, spec: str) -> str:
    return f"invalid value in -c {spec} (key `{exc.key}`): {exc.detail.removeprefix(_ORIGIN_PREFIX)}"


def _culprit(key: str, specs: Sequence[str]) -> str | None:
    """The last spec that set `key` or a table above or below it."""
    from codex_core.config.errors import ConfigError
    from codex_core.config.keypath import split_key_path
    from codex_core.config.overrides import parse_override

    try:
        wanted = split_key_path(key)
    except ValueError:
        return None
    for spec in reversed(specs):
        try:
            path, _ = parse_override(spec)
        except ConfigError:
            continue
        shorter = min(len(path), len(wanted))
        if path[:shorter] == wanted[:shorter]:
            return spec
    return None
