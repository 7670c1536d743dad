"""The one config loader: layers low to high, with origins, a profile, overrides and a typed view.

Precedence, lowest first: built-in defaults (in the typed view), the system file, the user's
`$CODEX_HOME/config.toml`, project `.codex/config.toml` folders of trusted projects (root
first), the selected profile, `-c` overrides (the `sessionFlags` layer), then per-request
overrides (thread/start `config` and friends).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex_core.config import layers as L
from codex_core.config.errors import ConfigError, ConfigOverrideError
from codex_core.config.home import SYSTEM_CONFIG_PATH, find_codex_home, user_config_path
from codex_core.config.keypath import join_key_path, split_key_path
from codex_core.config.merge import deep_merge, iter_origin_leaves, set_path
from codex_core.config.overrides import overrides_table
from codex_core.config.parse_cache import ParseCache
from codex_core.config.quick_check import surely_valid
from codex_core.config.validation import validate_config

if TYPE_CHECKING:
    from codex_core.config.known_good import Observations
    from codex_core.config.typed import ConfigToml

DEFAULT_PROJECT_ROOT_MARKERS = (".git",)


class LoadedConfig:
    # A plain class, not a dataclass: see ConfigLayer.
    def __init__(
        self,
        *,
        codex_home: Path,
        cwd: Path,
        layers: list[L.ConfigLayer],
        merged: dict[str, Any],
        effective: dict[str, Any],
        profile: str | None,
        request_overrides: dict[str, Any] | None = None,
        _typed: ConfigToml | None = None,
    ) -> None:
        self.codex_home = codex_home
        self.cwd = cwd
        self.layers = layers  # lowest precedence first
        self.merged = merged  # the layers merged: what config/read reports
        self.effective = effective  # merged + profile + request overrides: what a session runs with
        self.profile = profile
        self.request_overrides = {} if request_overrides is None else request_overrides
        # Built on first use when the quick check already vouched for `effective` (see quick_check).
        self._typed = _typed

    def _key(self) -> tuple[Any, ...]:
        # The typed view follows from `effective`, so it takes no part.
        return (
            self.codex_home,
            self.cwd,
            self.layers,
            self.merged,
            self.effective,
            self.profile,
            self.request_overrides,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, LoadedConfig)
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"LoadedConfig(codex_home={self.codex_home!r}, cwd={self.cwd!r}, layers={self.layers!r}, "
            f"merged={self.merged!r}, effective={self.effective!r}, profile={self.profile!r}, "
            f"request_overrides={self.request_overrides!r})"
        )

    @property
    def typed(self) -> ConfigToml:
        """The typed view of `effective` (every key the server side reads, checked for type)."""
        if self._typed is None:
            self._typed = validate_config(self.effective, self.layers)
        return self._typed

    @property
    def model_provider_id(self) -> str | None:
        """`model_provider` as `typed` has it, without building the typed view when the quick check
        vouched for `effective` (thread/list reads only this, on a fresh process's first call)."""
        if self._typed is None:
            value = self.effective.get("model_provider")
            return value if isinstance(value, str) else None
        return self._typed.model_provider

    @property
    def user_layer(self) -> L.ConfigLayer:
        return next(layer for layer in self.layers if layer.source.type == L.USER)

    def origins(self) -> dict[str, dict[str, Any]]:
        """Each dotted leaf key -> the layer that set it last (the reference's `origins`)."""
        result: dict[str, dict[str, Any]] = {}
        for layer in self.layers:
            if layer.disabled_reason is not None:
                continue
            metadata = layer.metadata_wire()
            for path, _ in iter_origin_leaves(layer.config):
                result[join_key_path(list(path))] = metadata
        return result

    def layers_wire(self) -> list[dict[str, Any]]:
        """Highest precedence first, as the reference lists them."""
        return [layer.to_wire() for layer in reversed(self.layers)]

    def layer_for_key(self, path: Sequence[str]) -> L.ConfigLayer | None:
        """The highest enabled layer that sets `path` (or a table above it)."""
        for layer in reversed(self.layers):
            if layer.disabled_reason is not None:
                continue
            node: Any = layer.config
            for segment in path:
                if not isinstance(node, dict) or segment not in node:
                    break
                node = node[segment]
            else:
                return layer
        return None


def request_overrides_table(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """`{"dotted.key": value}` (thread/start `config`) -> a nested table; null values are dropped."""
    table: dict[str, Any] = {}
    for key, value in overrides.items():
        if value is None:
            continue
        try:
            path = split_key_path(key)
        except ValueError as exc:
            raise ConfigOverrideError(f"invalid config override key {key!r}: {exc}") from None
        set_path(table, path, value)
    return table


def load_config(
    *,
    codex_home: Path | None = None,
    cwd: Path | None = None,
    cli_overrides: Sequence[str] = (),
    request_overrides: Mapping[str, Any] | None = None,
    profile: str | None = None,
    system_config_path: Path = SYSTEM_CONFIG_PATH,
    env: Mapping[str, str] | None = None,
    defaults_only: bool = False,
    observations: Observations | None = None,
) -> LoadedConfig:
    """The layered configuration; `defaults_only` skips every file (built-in defaults plus flags).

    `observations`, when given, records every file and path the load depended on (known_good).
    """
    home = codex_home if codex_home is not None else find_codex_home(env)
    work_dir = (cwd if cwd is not None else Path(os.getcwd())).absolute()

    stack: list[L.ConfigLayer] = []
    cache = ParseCache(home)
    if not defaults_only:
        for source_type, path in ((L.SYSTEM, system_config_path), (L.USER, user_config_path(home))):
            if observations is not None:
                observations.file(path)
            stack.append(L.file_layer(L.LayerSource(source_type, path), path, cache))
    session = overrides_table(cli_overrides)
    session_layer = L.ConfigLayer(source=L.LayerSource(L.SESSION_FLAGS), config=session) if session else None

    base = _merge_layers(stack + ([session_layer] if session_layer else []))
    if not defaults_only:
        stack.extend(_project_layers(work_dir, home, base, cache, observations))
        cache.save()
    if session_layer is not None:
        stack.append(session_layer)

    merged = _merge_layers(stack)
    request = request_overrides_table(request_overrides or {})
    effective, profile_name = _apply_profile(stack, request, profile)
    # A table the quick check vouches for needs no pydantic until someone reads `typed`; any
    # other is validated now, so a bad config still fails here with its message.
    typed = None if surely_valid(effective) else validate_config(effective, stack)
    return LoadedConfig(
        codex_home=home,
        cwd=work_dir,
        layers=stack,
        merged=merged,
        effective=effective,
        profile=profile_name,
        request_overrides=request,
        _typed=typed,
    )


def _merge_layers(stack: Sequence[L.ConfigLayer]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for layer in stack:
        if layer.disabled_reason is None:
            merged = deep_merge(merged, layer.config)
    return merged


def _apply_profile(
    stack: Sequence[L.ConfigLayer], request: dict[str, Any], explicit_profile: str | None
) -> tuple[dict[str, Any], str | None]:
    """Files, then the profile's table, then `-c` and request overrides on top of it.

    The profile sits below `-c` so that an explicit override on the command line always wins.
    """
    files = [layer for layer in stack if layer.source.type != L.SESSION_FLAGS]
    flags = [layer for layer in stack if layer.source.type == L.SESSION_FLAGS]
    everything = deep_merge(_merge_layers(stack), request)
    name = explicit_profile or everything.get("profile")
    effective = _merge_layers(files)
    if name is not None:
        if not isinstance(name, str):
            raise ConfigError(f"`profile` must be a string, got {name!r}", key="profile")
        profiles = everything.get("profiles") or {}
        selected = profiles.get(name) if isinstance(profiles, dict) else None
        if not isinstance(selected, dict):
            raise ConfigError(f"config profile `{name}` not found", key="profile")
        effective = deep_merge(effective, selected)
    effective = deep_merge(effective, _merge_layers(flags))
    effective = deep_merge(effective, request)
    if name is not None:
        effective["profile"] = name
    return effective, name


def _project_layers(
    cwd: Path,
    codex_home: Path,
    base: dict[str, Any],
    cache: ParseCache | None = None,
    observations: Observations | None = None,
) -> list[L.ConfigLayer]:
    """`.codex/config.toml` from the project root down to cwd, only when the project is trusted."""
    exists, is_file, resolve = _file_questions(observations)
    markers = base.get("project_root_markers")
    marker_names = tuple(markers) if isinstance(markers, list) else DEFAULT_PROJECT_ROOT_MARKERS
    ancestors = [cwd, *cwd.parents]
    root = next((d for d in ancestors if any(exists(d / m) for m in marker_names)), cwd)
    chain = [d for d in ancestors if d == root or root in d.parents]
    if not _is_trusted(chain, base):
        return []
    found: list[L.ConfigLayer] = []
    for directory in reversed(chain):  # root first, so deeper folders win
        folder = directory / ".codex"
        if resolve(folder) == resolve(codex_home):
            continue  # that is the user layer, not a project one
        path = folder / "config.toml"
        if is_file(path):
            if observations is not None:
                observations.file(path)
            layer = L.file_layer(L.LayerSource(L.PROJECT, folder), path, cache)
            found.append(layer)
    return found


def _file_questions(
    observations: Observations | None,
) -> tuple[Callable[[Path], bool], Callable[[Path], bool], Callable[[Path], str]]:
    """exists / is_file / resolve, asked through `observations` when a load is being recorded."""
    if observations is not None:
        return observations.exists, observations.is_file, observations.realpath
    return Path.exists, Path.is_file, lambda path: str(path.resolve())


def _is_trusted(chain: Sequence[Path], base: dict[str, Any]) -> bool:
    projects = base.get("projects")
    if not isinstance(projects, dict):
        return False
    for directory in chain:  # nearest entry decides
        entry = projects.get(str(directory))
        if isinstance(entry, dict) and "trust_level" in entry:
            return bool(entry["trust_level"] == "trusted")
    return False
