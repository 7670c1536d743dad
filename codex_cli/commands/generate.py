"""`generate-ts` and `generate-json-schema` (top level and under `app-server`), without Typer:
the Typer commands and the fast path both call these."""

from __future__ import annotations

import sys
from pathlib import Path


def _fail(message: str) -> int:
    print(f"Error: {message}", file=sys.stderr)
    return 1


def generate_ts(out: Path, *, experimental: bool, prettier: str | None) -> int:
    import subprocess

    from app_server.protocol.export import write_typescript

    try:
        write_typescript(out, experimental=experimental, prettier=prettier, cache=True)
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or b"").decode(errors="replace").strip().splitlines()
        why = f": {said[-1]}" if said else ""
        return _fail(f"prettier `{prettier}` exited with status {exc.returncode}{why}")
    except OSError as exc:
        if prettier is not None and exc.filename == prettier:
            return _fail(f"cannot run prettier `{prettier}`: {exc.strerror}")
        raise
    return 0


def generate_json_schema(out: Path, *, experimental: bool) -> int:
    from app_server.protocol.export import write_json_schema

    write_json_schema(out, experimental=experimental, cache=True)
    return 0
