"""Fixtures for the protocol tests: where ../shared lives, and a generated export."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SHARED = (REPO / "../shared").resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (reference schema and conformance kit) is not available")
    return SHARED


@pytest.fixture(scope="session")
def json_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app_server.protocol.export import write_json_schema

    out = tmp_path_factory.mktemp("json")
    write_json_schema(out)
    return out


@pytest.fixture(scope="session")
def ts_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from app_server.protocol.export import write_typescript

    out = tmp_path_factory.mktemp("ts")
    write_typescript(out)
    return out
