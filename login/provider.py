"""The login layer as codex_core sees it (see codex_core/login_hooks.py): the AuthManager of a
CODEX_HOME, imported only when first used so installing this costs nothing at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codex_core.login_hooks import install_login_provider


class _AuthManagerLogin:
    def auth_source(self, codex_home: Path, env: Mapping[str, str] | None) -> Any:
        from login.manager import AuthManager

        return AuthManager.for_home(codex_home, env=env).auth_source()

    def current(self, codex_home: Path, env: Mapping[str, str] | None) -> Any:
        from login.manager import AuthManager

        return AuthManager.for_home(codex_home, env=env).current()


def install() -> None:
    install_login_provider(_AuthManagerLogin())
