from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from support.appserver import codex_executable

REPO_ROOT = Path(__file__).resolve().parents[1]

# Property tests judge correctness, never speed: on a loaded 2-core CI machine input generation
# and single examples can be slow, which must not fail the suite.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture
def codex_bin() -> str:
    return codex_executable()


@pytest.fixture
def isolated_env(tmp_path: Path) -> dict[str, str]:
    """A HOME and CODEX_HOME of the test's own, and nothing of the developer's environment."""
    home = tmp_path / "home"
    codex_home = home / ".codex"
    codex_home.mkdir(parents=True)
    env = {
        "HOME": str(home),
        "CODEX_HOME": str(codex_home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
    }
    return env
