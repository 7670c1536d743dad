"""`codex login status`, without Typer: the Typer command and the fast path both call it.

Everything goes to stderr, 0 when logged in, 1 otherwise, as the reference.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from codex_core.config.loader import LoadedConfig
    from login.storage import StoreMode


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def login_status(specs: Sequence[str]) -> int:
    from codex_core.config.errors import ConfigError
    from codex_core.config.loader import load_config

    try:
        loaded = load_config(cli_overrides=specs)
    except ConfigError as exc:
        _say(f"Error loading configuration: {exc}")
        return 1
    from login.manager import AuthManager
    from login.tokens import mask_api_key

    # What is stored, regardless of forced_login_method: status reports, it does not judge. The
    # config loaded, so the raw value is one the typed view accepts.
    store_mode = cast("StoreMode", loaded.effective.get("cli_auth_credentials_store") or "file")
    manager = AuthManager(loaded.codex_home, store_mode=store_mode)
    auth = manager.current()
    if manager.load_error:
        _say(f"Error checking login status: {manager.load_error}")
        return 1
    if auth is None:
        _say("Not logged in")
        return 1
    if auth.mode == "apikey":
        _say(f"Logged in using an API key - {mask_api_key(auth.api_key or '')}")
    elif auth.tokens is not None and (problem := _id_token_problem(loaded, auth.tokens.id_token)):
        _say(f"Error checking login status: {problem}")
        return 1
    else:
        _say("Logged in using ChatGPT")
    return 0


def _id_token_problem(loaded: LoadedConfig, token: str) -> str | None:
    """What the reference says of an id token it cannot read (it then refuses the whole login),
    placed as serde places it: the closing quote of the token in auth.json."""
    from login.storage import auth_file_path
    from login.tokens import IdTokenFormatError, check_id_token, id_token_position

    try:
        check_id_token(token)
    except IdTokenFormatError as exc:
        if not exc.positioned:
            return str(exc)
        try:
            text = auth_file_path(loaded.codex_home).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return str(exc)
        position = id_token_position(text)
        return f"{exc} at line {position[0]} column {position[1]}" if position else str(exc)
    return None
