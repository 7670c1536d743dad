"""Our system skills: installed into an empty place, updated when ours are older, and never over
the reference's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codex_core import system_skills
from codex_core.skills import SkillsCache, parse_skill_file


@pytest.fixture(autouse=True)
def _fresh_process_state() -> None:
    system_skills._checked.clear()


def test_installs_into_an_empty_home_and_lists(tmp_path: Path) -> None:
    home = tmp_path / "ch"
    system_skills.ensure_system_skills(home)
    target = home / "skills" / ".system"
    current = system_skills.fingerprint()
    assert (target / system_skills.OUR_MARKER).read_text().strip() == current
    assert (target / system_skills.REFERENCE_MARKER).read_text().strip() == current
    assert len(current) == 16 and int(current, 16) >= 0
    for folder in system_skills.SKILL_FOLDERS:
        parsed = parse_skill_file(target / folder / "SKILL.md", "system")
        assert parsed["name"] == folder and parsed["description"]
    entry = SkillsCache(str(tmp_path / "ch2"), home=str(tmp_path / "h"), admin_root=None).get(str(tmp_path))
    assert [(s["name"], s["scope"]) for s in entry["skills"]] == [
        ("skill-creator", "system"),
        ("skill-installer", "system"),
    ]
    assert entry["errors"] == []


def test_leaves_the_reference_skills_alone(tmp_path: Path) -> None:
    target = tmp_path / "skills" / ".system"
    (target / "their-skill").mkdir(parents=True)
    (target / system_skills.REFERENCE_MARKER).write_text("d9c5b31d2059f436\n")
    system_skills.ensure_system_skills(tmp_path)
    assert sorted(os.listdir(target)) == [system_skills.REFERENCE_MARKER, "their-skill"]


def test_replaces_an_older_copy_of_ours(tmp_path: Path) -> None:
    target = tmp_path / "skills" / ".system"
    (target / "retired-skill").mkdir(parents=True)
    (target / system_skills.OUR_MARKER).write_text("0000000000000000\n")
    system_skills.ensure_system_skills(tmp_path)
    assert not (target / "retired-skill").exists()
    assert (target / "skill-installer" / "SKILL.md").is_file()
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".system-")]


def test_read_only_home_is_quietly_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "skills"
        blocker.write_text("a file where the folder would go")
    else:
        (tmp_path / "skills").mkdir()
        (tmp_path / "skills").chmod(0o500)
    system_skills.ensure_system_skills(tmp_path)


def test_new_skill_script_makes_a_skill_that_parses(tmp_path: Path) -> None:
    script = system_skills.SOURCE / "skill-creator" / "scripts" / "new_skill.py"
    done = subprocess.run(
        [
            sys.executable,
            str(script),
            str(tmp_path),
            "release-notes",
            "Draft release notes. Use for changelogs.",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    parsed = parse_skill_file(tmp_path / "release-notes" / "SKILL.md", "user")
    assert parsed["name"] == "release-notes"
    bad = subprocess.run(
        [sys.executable, str(script), str(tmp_path), "Bad Name", "x"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "not a valid skill name" in bad.stderr


def test_installer_script_explains_itself() -> None:
    script = system_skills.SOURCE / "skill-installer" / "scripts" / "install_skill.py"
    done = subprocess.run(
        [sys.executable, str(script), "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "install" in done.stdout
