"""Where the config files are, as strings: for start-up paths that must not import pathlib.

`home.py` builds its `Path`s from these, so the two cannot disagree.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # as typing's; importing typing costs a start-up path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping

SYSTEM_CONFIG_FILE = "/etc/codex/config.toml"
CONFIG_FILE_NAME = "config.toml"


def codex_home_candidate(env: Mapping[str, str]) -> tuple[str, bool]:
    """CODEX_HOME (user-expanded) and whether it was set explicitly, else `~/.codex`; not checked."""
    raw = env.get("CODEX_HOME", "")
    if raw:
        return os.path.expanduser(raw), True
    home = env.get("HOME") or os.path.expanduser("~")
    return os.path.join(os.path.expanduser(home), ".codex"), False


def config_is_empty(env: Mapping[str, str] | None = None) -> bool:
    """True when loading the config could find no setting: the system and the user config.toml
    are each missing or empty (so no project is trusted either, and there is nothing to
    parse), and CODEX_HOME, if set, is a folder. False means "load it and see"."""
    environ = os.environ if env is None else env
    home, explicit = codex_home_candidate(environ)
    if explicit and not os.path.isdir(home):
        return False  # find_codex_home words that error
    for path in (SYSTEM_CONFIG_FILE, os.path.join(home, CONFIG_FILE_NAME)):
        try:
            if os.stat(path).st_size:
                return False
        except FileNotFoundError:
            continue
        except OSError:
            return False  # unreadable: the loader words that error
    return True
