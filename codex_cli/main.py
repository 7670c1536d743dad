"""Entry point of the `codex` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        from codex_cli.fast_path import try_fast

        status = try_fast(args)
        if status is not None:
            sys.exit(status)
        from codex_cli.app import build_app

        app = build_app()
        app(args=args, prog_name="codex")
    except (Exception, KeyboardInterrupt) as exc:
        # The last line of defence; each command's `guarded` normally gets there first.
        from codex_cli.errors import report

        sys.exit(report(exc))
