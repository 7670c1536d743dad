from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "config"


@pytest.fixture
def codex_home(tmp_path: Path) -> Path:
    home = tmp_path / "codex_home"
    home.mkdir()
    return home


@pytest.fixture
def system_config(tmp_path: Path) -> Path:
    # Never read the machine's real /etc/codex/config.toml in tests.
    return tmp_path / "etc" / "config.toml"


@pytest.fixture
def realistic_text() -> str:
    return (FIXTURES / "realistic.toml").read_text()
