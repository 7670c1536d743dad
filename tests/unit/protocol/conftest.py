"""Fixtures for the protocol tests: the reference's schema and conformance transcripts (copies in
tests/fixtures, so a fresh clone runs every test), and a generated export."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# `codex app-server generate-json-schema` / `generate-ts` of the reference 0.100.0.
REFERENCE_SCHEMA = FIXTURES / "reference_schema"
# The conformance kit's scenarios with the transcripts recorded from the reference.
SCENARIOS = FIXTURES / "conformance_scenarios"


@pytest.fixture(scope="session")
def reference_schema() -> Path:
    return REFERENCE_SCHEMA


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
