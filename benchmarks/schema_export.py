#!/usr/bin/env python3
"""Schema export, spawn to exit: `codex app-server generate-ts|generate-json-schema --out DIR`.

    python benchmarks/schema_export.py [--runs 10] [--ours CMD] [--reference CMD] [--experimental] \
        [--dir BASE]

Ours is timed twice: `ours-cold` with a throw-away HOME each run (nothing in the user's cache:
the first export after an install) and `ours-warm` with one cache folder kept across runs
(XDG_CACHE_HOME, as a user's HOME keeps it; see app_server/protocol/export/cache.py). A built
wheel's cold export reads the renderings the wheel carries; an editable install (no prebuilt
renderings) renders the models, so `--ours` of each shows both costs. The first line says which.
Each run writes into a new empty folder under BASE (default: the system temp folder; all write
to the same place, so a slow folder slows all alike). The implementations take turns within a
round. Prints median and p95 wall time, median CPU time, and each of ours / the reference as
the median of the per-round ratios.

Defaults: ours is the `codex` beside this Python (the venv's) or on PATH; the reference is
`codex-ref` on PATH. Stdlib only.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile

from cli_startup import compare, default_ours, run_once


def _has_prebuilt(command: str) -> str:
    """Whether the install behind `command` (a console script) carries the wheel's renderings."""
    import subprocess

    script = shutil.which(command.split()[0]) or command.split()[0]
    try:
        with open(script, "rb") as handle:
            first = handle.readline()
    except OSError:
        return "unknown"
    if not first.startswith(b"#!"):
        return "unknown"
    probe = "from app_server.protocol.export import cache; print(any(cache.PREBUILT_DIR.glob('*.bin.z')))"
    found = subprocess.run(
        [first[2:].decode().strip(), "-I", "-c", probe], capture_output=True, text=True, check=False
    )
    return {"True": "yes", "False": "no (editable install: the cold runs render)"}.get(
        found.stdout.strip(), "unknown"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ours", default=default_ours())
    parser.add_argument("--reference", default=shutil.which("codex-ref"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--experimental", action="store_true", help="export the experimental surface")
    parser.add_argument("--dir", default=None, help="where the output folders go")
    args = parser.parse_args()
    implementations = [("ours-cold", args.ours), ("ours-warm", args.ours)]
    if args.reference:
        implementations.append(("ref", args.reference))
    print("implementations: " + "; ".join(f"{label} = {command}" for label, command in implementations))
    print(f"ours carries prebuilt renderings: {_has_prebuilt(args.ours)}")
    base = tempfile.mkdtemp(prefix="schema-export-bench-", dir=args.dir)
    counter = itertools.count()
    env = {"ours-warm": {"XDG_CACHE_HOME": os.path.join(base, "cache")}}

    def timed(label: str, argv: list[str]) -> tuple[float, float]:
        # A new output folder for every run (the command's last word, DIR, is replaced by it).
        out = os.path.join(base, f"out-{next(counter)}")
        try:
            return run_once([*argv[:-1], out], scratch_base=args.dir, extra_env=env.get(label))
        finally:
            shutil.rmtree(out, ignore_errors=True)

    extra = " --experimental" if args.experimental else ""
    commands = [
        f"app-server generate-ts{extra} --out DIR",
        f"app-server generate-json-schema{extra} --out DIR",
    ]
    try:
        compare(implementations, commands, args.runs, timer=timed)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
