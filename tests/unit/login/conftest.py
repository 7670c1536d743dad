from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mock_issuer import MockIssuer

from login.manager import AuthManager


@pytest.fixture
def issuer() -> Iterator[MockIssuer]:
    with MockIssuer() as server:
        yield server


@pytest.fixture
def codex_home(tmp_path: Path) -> Path:
    home = tmp_path / "codex_home"
    home.mkdir()
    return home


@pytest.fixture
def make_manager(codex_home: Path, issuer: MockIssuer) -> Callable[..., AuthManager]:
    def make(**kwargs: Any) -> AuthManager:
        kwargs.setdefault("store_mode", "file")
        kwargs.setdefault("env", {"CODEX_AUTH_ISSUER": issuer.base_url})
        return AuthManager(codex_home, **kwargs)

    return make
