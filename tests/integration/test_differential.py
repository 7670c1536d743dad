"""Replay every recorded differential scenario (tests/differential/scenarios/<name>/, a
scenario.json and the reference's golden.json) against our real `codex app-server`.

Each scenario runs in a sandbox of its own (HOME, CODEX_HOME, workspace, a fresh mock model),
see tests/differential/player.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from differential.player import play_scenario
from support.appserver import codex_executable

SCENARIOS = Path(__file__).resolve().parents[1] / "differential" / "scenarios"


def _scenario_folders() -> list[Path]:
    if not SCENARIOS.is_dir():
        return []
    return sorted(spec.parent for spec in SCENARIOS.rglob("scenario.json"))


FOLDERS = _scenario_folders()


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "folder", FOLDERS, ids=[folder.relative_to(SCENARIOS).as_posix() for folder in FOLDERS]
)
def test_scenario_replays_like_the_reference(folder: Path) -> None:
    from differential.mock_model import MockModel  # here, so collection never depends on the mock

    reason = play_scenario(folder, [codex_executable(), "app-server"], MockModel)
    assert reason is None, reason
