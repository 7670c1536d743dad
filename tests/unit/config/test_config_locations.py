"""config_is_empty: the start path's "is there any config to check?" (codex_core/config/locations.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codex_core.config import locations
from codex_core.config.home import find_codex_home, user_config_path


@pytest.fixture
def no_system_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "etc-codex-config.toml"
    monkeypatch.setattr(locations, "SYSTEM_CONFIG_FILE", str(path))
    return path


def test_missing_or_empty_files_are_empty(no_system_config: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"CODEX_HOME": str(home)}
    assert locations.config_is_empty(env)
    (home / "config.toml").write_text("")
    no_system_config.write_text("")
    assert locations.config_is_empty(env)


@pytest.mark.parametrize("which", ["user", "system"])
def test_any_content_needs_loading(which: str, no_system_config: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    target = home / "config.toml" if which == "user" else no_system_config
    target.write_text("# only a comment, but the loader decides\n")
    assert not locations.config_is_empty({"CODEX_HOME": str(home)})


def test_a_missing_explicit_codex_home_is_left_to_the_loader(no_system_config: Path, tmp_path: Path) -> None:
    assert not locations.config_is_empty({"CODEX_HOME": str(tmp_path / "absent")})


def test_an_unreadable_config_is_left_to_the_loader(
    no_system_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()

    def denied(path: str) -> os.stat_result:
        raise PermissionError(path)

    monkeypatch.setattr(locations.os, "stat", denied)
    assert not locations.config_is_empty({"CODEX_HOME": str(home)})


def test_the_default_home_agrees_with_find_codex_home(no_system_config: Path, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    candidate, explicit = locations.codex_home_candidate(env)
    assert not explicit and Path(candidate) == find_codex_home(env)
    assert Path(candidate, locations.CONFIG_FILE_NAME) == user_config_path(find_codex_home(env))
