from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "rollouts"


@pytest.fixture
def codex_home(tmp_path: Path) -> Path:
    home = tmp_path / "codex_home"
    home.mkdir()
    return home


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
