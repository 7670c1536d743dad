"""Config layers: one parsed TOML table each, with where it came from and a content version."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from codex_core.config.toml_file import parse_toml_text, read_toml_file

if TYPE_CHECKING:
    from codex_core.config.parse_cache import ParseCache

__all__ = ["ConfigLayer", "LayerSource", "file_layer", "layer_version", "parse_toml_text", "read_toml_file"]

# Layer source types, as the reference names them on the wire (ConfigLayerSource.type).
SYSTEM = "system"
USER = "user"
PROJECT = "project"
SESSION_FLAGS = "sessionFlags"
REQUEST = "request"  # per-request overrides; never reported as a layer, like the reference


def layer_version(config: dict[str, Any]) -> str:
    """The reference's layer version: sha256 of the layer's JSON with sorted keys and compact separators.

    It hashes content, not bytes, so reformatting a file or editing a comment keeps the version.
    """
    import hashlib  # here: most loads (every CLI command) never ask for a version
    import json

    canonical = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Plain classes here and in loader.py, not dataclasses: importing `dataclasses` (and `inspect`
# with it) would be a good part of what `codex mcp list` spends starting up.
class LayerSource(NamedTuple):
    type: str
    file: Path | None = None

    def to_wire(self) -> dict[str, Any]:
        if self.type == PROJECT:
            return {"type": PROJECT, "dotCodexFolder": str(self.file)}
        if self.file is not None:
            return {"type": self.type, "file": str(self.file)}
        return {"type": self.type}


class ConfigLayer:
    def __init__(
        self,
        source: LayerSource,
        config: dict[str, Any],
        path: Path | None = None,
        text: str | None = None,
        disabled_reason: str | None = None,
        _version: str | None = None,
    ) -> None:
        self.source = source
        self.config = config
        # Where the TOML text came from, for error messages and editing; None for in-memory layers.
        self.path = path
        self.text = text
        self.disabled_reason = disabled_reason
        self._version = _version

    def _key(self) -> tuple[Any, ...]:
        return (self.source, self.config, self.path, self.text, self.disabled_reason, self._version)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, ConfigLayer)
        return self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value

    def __repr__(self) -> str:
        return (
            f"ConfigLayer(source={self.source!r}, config={self.config!r}, path={self.path!r}, "
            f"text={self.text!r}, disabled_reason={self.disabled_reason!r})"
        )

    @property
    def version(self) -> str:
        if self._version is None:
            self._version = layer_version(self.config)
        return self._version

    def metadata_wire(self) -> dict[str, Any]:
        return {"name": self.source.to_wire(), "version": self.version}

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"name": self.source.to_wire(), "version": self.version, "config": self.config}
        if self.disabled_reason is not None:
            wire["disabledReason"] = self.disabled_reason
        return wire


def file_layer(source: LayerSource, path: Path, cache: ParseCache | None = None) -> ConfigLayer:
    """One config file's layer: its table as the reference holds it (see `reference_shape`)."""
    from codex_core.config.reference_shape import reference_shape

    config, text = read_toml_file(path, cache)
    return ConfigLayer(source=source, config=reference_shape(config, path.parent), path=path, text=text)
