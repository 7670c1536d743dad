"""Records of config loads that succeeded (codex_core/config/known_good.py): a record answers
"this load succeeds" only while every file and path the load looked at is unchanged."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from codex_core.config import known_good
from codex_core.config.known_good import RECORD_FILE, Observations, config_loads, remember
from codex_core.config.loader import load_config


@pytest.fixture
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """(CODEX_HOME, a trusted project with a nested working folder, the system config path)."""
    home = tmp_path / "home"
    home.mkdir()
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / ".codex").mkdir()
    (project / ".codex" / "config.toml").write_text('model_reasoning_effort = "low"\n')
    work = project / "src" / "pkg"
    work.mkdir(parents=True)
    (home / "config.toml").write_text(f'model = "o3"\n[projects."{project}"]\ntrust_level = "trusted"\n')
    monkeypatch.setenv("CODEX_HOME", str(home))
    monkeypatch.chdir(work)
    return home, work, tmp_path / "system.toml"


def record_a_load(home: Path, work: Path, system: Path, overrides: list[str] | None = None) -> None:
    observations = Observations()
    loaded = load_config(
        codex_home=home,
        cwd=work,
        cli_overrides=overrides or [],
        system_config_path=system,
        observations=observations,
    )
    assert loaded.effective["model_reasoning_effort"] == "low"  # the project layer was read
    remember(str(home), str(work), overrides or [], observations)


def still_good(home: Path, work: Path, overrides: list[str] | None = None) -> bool:
    return known_good.known_good(str(home), str(work), overrides or [])


def test_a_recorded_load_is_known_good_while_nothing_changes(places: tuple[Path, Path, Path]) -> None:
    home, work, system = places
    assert not still_good(home, work)
    record_a_load(home, work, system)
    assert still_good(home, work)
    assert still_good(home, work)
    mode = stat.S_IMODE(os.stat(home / RECORD_FILE).st_mode)
    assert mode == 0o600


def test_observing_changes_nothing_the_load_returns(places: tuple[Path, Path, Path]) -> None:
    home, work, system = places
    plain = load_config(codex_home=home, cwd=work, system_config_path=system)
    observed = load_config(codex_home=home, cwd=work, system_config_path=system, observations=Observations())
    assert plain == observed


@pytest.mark.parametrize(
    "change",
    [
        # the same length, other bytes
        lambda home, project, system: (home / "config.toml").write_text(
            (home / "config.toml").read_text().replace('"o3"', '"o4"')
        ),
        lambda home, project, system: (project / ".codex" / "config.toml").write_text(
            'model_reasoning_effort = "bad"\n'
        ),
        lambda home, project, system: (project / ".codex" / "config.toml").unlink(),
        # a file appears where the load found none
        lambda home, project, system: system.write_text("[broken\n"),
        lambda home, project, system: (
            (project / "src" / ".codex").mkdir()
            or (project / "src" / ".codex" / "config.toml").write_text("x = 1\n")
        ),
        # a nearer project root moves the project, and with it the trust
        lambda home, project, system: (project / "src" / ".git").mkdir(),
        lambda home, project, system: (project / ".git").rmdir(),
    ],
)
def test_any_change_to_what_the_load_read_means_load_again(places: tuple[Path, Path, Path], change) -> None:  # type: ignore[no-untyped-def]
    home, work, system = places
    record_a_load(home, work, system)
    change(home, work.parent.parent, system)
    assert not still_good(home, work)


def test_a_record_is_for_its_home_folder_and_overrides(
    places: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    home, work, system = places
    record_a_load(home, work, system, ['model="o3"'])
    assert still_good(home, work, ['model="o3"'])
    assert not still_good(home, work)
    assert not still_good(home, work, ['model="o4"'])
    assert not still_good(home, work.parent, ['model="o3"'])


@pytest.mark.parametrize(
    "stored",
    [
        "{",
        "[]",
        json.dumps({"format": 99, "records": []}),
        json.dumps({"format": 1, "records": "x"}),
        json.dumps(
            {
                "format": 1,
                "records": [{"codex_home": "H", "cwd": "W", "overrides": [], "seen": [["x", 1, 2]]}],
            }
        ),
        json.dumps(
            {
                "format": 1,
                "records": [{"codex_home": "H", "cwd": "W", "overrides": [], "seen": [["nope", "/", 1]]}],
            }
        ),
        json.dumps(
            {"format": 1, "records": [{"codex_home": "H", "cwd": "W", "overrides": [], "seen": None}]}
        ),
    ],
)
def test_a_damaged_or_foreign_record_file_is_no_record(tmp_path: Path, stored: str) -> None:
    (tmp_path / RECORD_FILE).write_text(
        stored.replace("H", str(tmp_path)).replace('"W"', json.dumps(str(tmp_path)))
    )
    assert not known_good.known_good(str(tmp_path), str(tmp_path), [])


def test_records_are_kept_per_folder_up_to_a_few(places: tuple[Path, Path, Path], tmp_path: Path) -> None:
    home, _work, system = places
    folders = []
    for n in range(known_good.MAX_RECORDS + 2):
        folder = tmp_path / f"w{n}"
        folder.mkdir()
        folders.append(folder)
        observations = Observations()
        load_config(codex_home=home, cwd=folder, system_config_path=system, observations=observations)
        remember(str(home), str(folder), [], observations)
    assert [still_good(home, folder) for folder in folders] == [False] * 2 + [True] * known_good.MAX_RECORDS


def test_config_loads_records_a_good_config_and_still_fails_a_broken_one(
    places: tuple[Path, Path, Path],
) -> None:
    home, _work, _ = places
    assert config_loads([])
    assert (home / RECORD_FILE).exists()
    assert config_loads([])  # from the record
    assert not config_loads(["approval_policy=bogus"])  # other overrides: loaded, and it fails
    (home / "config.toml").write_text('model_reasoning_effort = "bogus"\n')
    assert not config_loads([])


def test_a_hit_imports_neither_the_loader_nor_pathlib(places: tuple[Path, Path, Path]) -> None:
    _home, work, _ = places
    assert config_loads([])
    probe = (
        "import sys\n"
        "from codex_core.config.known_good import config_loads\n"
        "assert config_loads([])\n"
        "print(sorted(m for m in ('pathlib', 'typing', 'codex_core.config.loader') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        capture_output=True,
        text=True,
        cwd=work,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=60,
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_records_of_another_loader_or_python_do_not_count(places: tuple[Path, Path, Path]) -> None:
    home, work, system = places
    record_a_load(home, work, system)
    path = home / RECORD_FILE
    stored = json.loads(path.read_text())
    python, source = stored["records"][0]["code"]
    for code in ([python + 1, source], [python, source ^ 1]):
        stored["records"][0]["code"] = code
        path.write_text(json.dumps(stored))
        assert not still_good(home, work)
    # and a new record replaces them rather than sitting beside them
    record_a_load(home, work, system)
    assert len(json.loads(path.read_text())["records"]) == 1
    assert still_good(home, work)


def test_no_override_value_is_copied_into_the_record(places: tuple[Path, Path, Path]) -> None:
    home, work, system = places
    secret = 'mcp_servers.x.url="http://127.0.0.1:9/?token=s3cr3t-value"'
    record_a_load(home, work, system, [secret])
    assert still_good(home, work, [secret])
    assert not still_good(home, work, [secret, ""])
    assert "s3cr3t" not in (home / RECORD_FILE).read_text()
