from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from mock_backend import MockBackend
from mock_issuer import MockIssuer
from mock_model.server import MockModelServer
from support.appserver import StdioAppServer


@pytest.fixture
def server(codex_bin: str, isolated_env: dict[str, str]) -> Iterator[StdioAppServer]:
    with StdioAppServer(codex_bin, isolated_env) as proc:
        yield proc


@pytest.fixture
def mock() -> Iterator[MockModelServer]:
    """Our scriptable Responses/Chat model server for this test."""
    with MockModelServer() as model:
        yield model


@pytest.fixture
def backend() -> Iterator[MockBackend]:
    """A local stand-in for the ChatGPT backend (remote skills, apps directory, apps MCP server)."""
    with MockBackend() as server:
        yield server


@pytest.fixture
def codex_home(isolated_env: dict[str, str]) -> Path:
    """The test's CODEX_HOME (modules that need a config written override this)."""
    return Path(isolated_env["CODEX_HOME"])


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "ws"
    path.mkdir()
    return path


@pytest.fixture
def issuer() -> Iterator[MockIssuer]:
    """A local OAuth issuer (authorize, token, device-code and refresh endpoints)."""
    with MockIssuer() as server:
        yield server


@pytest.fixture
def env(isolated_env: dict[str, str], issuer: MockIssuer) -> dict[str, str]:
    """The isolated environment pointed at the mock issuer, with an ephemeral login callback port."""
    return {**isolated_env, "CODEX_AUTH_ISSUER": issuer.base_url, "CODEX_LOGIN_SERVER_PORT": "0"}
