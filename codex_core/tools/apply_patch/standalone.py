"""`python -m codex_core.tools.apply_patch.standalone PATCH`: apply a patch in the current directory.

The sandboxed first attempt of an apply_patch call runs this in a child process under the turn's
sandbox, so the kernel, not a path check of ours, decides what the patch may write (the reference
re-runs its own binary the same way). Summary on stdout, the first error on stderr, exit code 1 on
failure. Kept free of heavy imports: it starts once per patch.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: standalone PATCH\n")
        return 2
    from codex_core.tools.apply_patch.apply import apply_patch_text

    result = apply_patch_text(argv[0], Path.cwd())
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
