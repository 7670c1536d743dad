"""Wheel build hook: ship the schema exports rendered from this very tree.

`codex app-server generate-ts` / `generate-json-schema` are pure functions of the protocol
sources; rendering them means building ~550 pydantic models, most of a first export's time.
The wheel therefore carries the four renderings (app_server/protocol/export/prebuilt/), named by
the hash of everything they are made from, and the export uses one only when its hash matches
the installed sources (app_server/protocol/export/cache.py). Editable installs skip this: a
working tree changes, and the user cache serves it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PrebuiltExportsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        sys.path.insert(0, self.root)
        try:
            from app_server.protocol.export import prebuild
        finally:
            sys.path.remove(self.root)
        scratch = Path(tempfile.mkdtemp(prefix="pycodex-prebuilt-"))
        for path in prebuild(scratch):
            build_data["force_include"][str(path)] = f"app_server/protocol/export/prebuilt/{path.name}"
