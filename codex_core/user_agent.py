"""The user agent string the reference reports from `initialize` and sends to the model.

`{originator}/{version} ({os} {os_version}; {arch}) {terminal}` plus ` ({client}; {client_version})`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache

from codex_core.version import CLI_VERSION

DEFAULT_ORIGINATOR = "codex_cli_rs"


@cache
def _os_identity() -> tuple[str, str]:
    """Distribution name and a three-part version, as the reference's os_info reports them (`Debian 12.0.0`)."""
    fields: dict[str, str] = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as handle:
            for line in handle:
                key, sep, value = line.strip().partition("=")
                if sep:
                    fields[key] = value.strip().strip('"')
    except OSError:
        pass
    name = fields.get("NAME", "").split(" ")[0] or os.uname().sysname or "Unknown"
    raw_version = fields.get("VERSION_ID", "")
    parts = [p for p in raw_version.split(".") if p.isdigit()]
    if parts:
        numbers = [str(int(p)) for p in parts[:3]] + ["0"] * (3 - min(3, len(parts)))
        version = ".".join(numbers)
    else:
        version = "Unknown"
    return name, version


def terminal_token(env: Mapping[str, str] | None = None) -> str:
    environ = os.environ if env is None else env
    program = environ.get("TERM_PROGRAM", "").strip()
    if program:
        version = environ.get("TERM_PROGRAM_VERSION", "").strip()
        return f"{program}/{version}" if version else program
    for marker, name in (
        ("WEZTERM_VERSION", "WezTerm"),
        ("KITTY_WINDOW_ID", "kitty"),
        ("ALACRITTY_SOCKET", "Alacritty"),
    ):
        if environ.get(marker):
            return name
    if environ.get("TERM", "").strip():
        return environ["TERM"].strip()
    return "unknown"


def _sanitize(value: str) -> str:
    # Header values must be visible ASCII; anything else becomes `_`, as the reference does.
    return "".join(ch if " " <= ch <= "~" else "_" for ch in value)


def user_agent(originator: str, client_name: str | None = None, client_version: str | None = None) -> str:
    os_name, os_version = _os_identity()
    arch = os.uname().machine or "unknown"
    prefix = f"{originator}/{CLI_VERSION} ({os_name} {os_version}; {arch}) {terminal_token()}"
    suffix = ""
    if client_name is not None:
        inner = f"{client_name}; {client_version}" if client_version else client_name
        if inner.strip():
            suffix = f" ({inner.strip()})"
    return _sanitize(prefix + suffix)
