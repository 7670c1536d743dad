"""Schema exports derived from the protocol models and the method registry.

The exporters load every model; they are imported on call so that validation, which only
needs `walk`, does not pay for them on the server's start-up path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["build_json_bundle", "prebuild", "write_json_schema", "write_typescript"]


def build_json_bundle(experimental: bool = False) -> dict[str, Any]:
    from .json_schema import build_json_bundle as build

    return build(experimental=experimental)


def write_json_schema(out_dir: Path, experimental: bool = False, *, cache: bool = False) -> None:
    """Write the JSON Schema tree; with `cache`, through the rendering cache (cache.py)."""
    if not cache:
        from .json_schema import write_json_schema as write

        write(out_dir, experimental=experimental)
        return
    from .cache import cached_files
    from .files import write_tree

    def render() -> dict[str, bytes]:
        from .json_schema import render_files

        return render_files(experimental)

    write_tree(Path(out_dir), cached_files("json", experimental, render))


def write_typescript(
    out_dir: Path, experimental: bool = False, prettier: str | None = None, *, cache: bool = False
) -> None:
    """Write the TypeScript tree (then prettier over it); with `cache`, through cache.py."""
    if not cache:
        from .typescript import write_typescript as write

        write(out_dir, experimental=experimental, prettier=prettier)
        return
    from .cache import cached_files
    from .files import write_tree

    def render() -> dict[str, bytes]:
        from .typescript import render_files

        return render_files(experimental)

    write_tree(Path(out_dir), cached_files("ts", experimental, render))
    if prettier:
        from .typescript import run_prettier

        run_prettier(Path(out_dir), prettier)


def prebuild(dest: Path) -> list[Path]:
    """Render every export (JSON Schema and TypeScript, stable and experimental) into `dest`,
    named as `cache.cached_files` looks for them in an installed wheel; the files written."""
    from .cache import pack_prebuilt, prebuilt_name
    from .json_schema import render_files as render_json
    from .typescript import render_files as render_ts

    written = []
    dest.mkdir(parents=True, exist_ok=True)
    for kind, render in (("json", render_json), ("ts", render_ts)):
        for experimental in (False, True):
            path = dest / prebuilt_name(kind, experimental)
            path.write_bytes(pack_prebuilt(render(experimental)))
            written.append(path)
    return written
