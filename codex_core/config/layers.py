"""Config layers: one parsed TOML table each, with where it came from and a content version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex_core.config.toml_file import parse_toml_text, read_toml_file

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


@dataclass(frozen=True)
class LayerSource:
    type: str
    file: Path | None = None

    def to_wire(self) -> dict[str, Any]:
        if self.type == PROJECT:
            return {"type": PROJECT, "dotCodexFolder": str(self.file)}
        if self.file is not None:
            return {"type": self.type, "file": str(self.file)}
        return {"type": self.type}


@dataclass
class ConfigLayer:
    source: LayerSource
    config: dict[str, Any]
    # Where the TOML text came from, for error messages and editing; None for in-memory layers.
    path: Path | None = None
    text: str | None = None
    disabled_reason: str | None = None
    _version: str | None = field(default=None, repr=False)

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


def file_layer(source: LayerSource, path: Path) -> ConfigLayer:
    """One config file's layer: its table as the reference holds it (see `reference_shape`)."""
    from codex_core.config.reference_shape import reference_shape

    config, text = read_toml_file(path)
    return ConfigLayer(source=source, config=reference_shape(config, path.parent), path=path, text=text)
