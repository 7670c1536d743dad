"""Schema exports derived from the protocol models and the method registry.

The exporters load every model; they are imported on call so that validation, which only
needs `walk`, does not pay for them on the server's start-up path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["build_json_bundle", "write_json_schema", "write_typescript"]


def build_json_bundle(experimental: bool = False) -> dict[str, Any]:
    from .json_schema import build_json_bundle as build

    return build(experimental=experimental)


def write_json_schema(out_dir: Path, experimental: bool = False) -> None:
    from .json_schema import write_json_schema as write

    write(out_dir, experimental=experimental)


def write_typescript(out_dir: Path, experimental: bool = False, prettier: str | None = None) -> None:
    from .typescript import write_typescript as write

    write(out_dir, experimental=experimental, prettier=prettier)
